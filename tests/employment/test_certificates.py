"""再就业优惠证 (issue 6, Must have 2): issue, renewal, cancellation; support applications with conditions from the
parameters (validity 12 months, subsidy ≤ 36 months, loan ≤ 20,000.00 yuan — all UNVERIFIED values, see
policy/parameters/employment), maker ≠ checker, and the employer subsidy posted to the fund journal.
Amounts are plain fixtures, not published cases."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.employment import certificates
from laobao.employment.models import ApplicationStatus
from laobao.insurance.models import Bill, Contribution
from laobao.ledger.models import JournalEntry, JournalLine
from laobao.registry import services as registry_services

import employment_helpers as h


@pytest.fixture
def staff(make_user, city):
    return h.staff(make_user, city)


@pytest.fixture
def holder(staff, city, make_person):
    p = h.person(make_person, city["c11"])
    h.register(staff["worker"], p, day=date(2026, 1, 5))
    with acting_as(staff["worker"]):
        cert = certificates.issue(user=staff["worker"], person=p, issued_on=date(2026, 2, 1))
    return p, cert


def test_issue_needs_a_registration_and_numbers(staff, city, make_person, holder):
    p, cert = holder
    assert cert.number == "ZY320508202600001"
    assert (cert.issued_on, cert.valid_until, cert.status) == (date(2026, 2, 1), date(2027, 1, 31), "valid")
    with acting_as(staff["worker"]):
        with pytest.raises(DomainError) as exc:
            certificates.issue(user=staff["worker"], person=p)
        assert "续期" in exc.value.problems[0].zh  # one valid certificate per person
        q = h.person(make_person, city["c11"], seq=3)
        with pytest.raises(DomainError) as exc:
            certificates.issue(user=staff["worker"], person=q)
        assert "未办理失业登记" in exc.value.problems[0].zh


def test_renew_and_cancel(staff, holder):
    _, cert = holder
    with acting_as(staff["worker"]):
        cert = certificates.renew(user=staff["worker"], certificate=cert, renewed_on=date(2027, 1, 20))
        assert (cert.valid_until, cert.renewals) == (date(2028, 1, 31), 1)  # from the old end, not the renewal day
        with pytest.raises(DomainError):
            certificates.cancel(user=staff["worker"], certificate=cert, reason=" ")
        cert = certificates.cancel(user=staff["worker"], certificate=cert, reason="迁出本市")
        assert cert.status == "cancelled"
        with pytest.raises(DomainError):
            certificates.renew(user=staff["worker"], certificate=cert)


def _contributions(person, employer, region, months, share=(16_000, 7_000, 500)):
    """Regular lines billed to ``employer``: pension, medical, unemployment employer shares per month (fen)."""
    issued = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for m in months:
        bill = Bill.objects.create(employer=employer, month=m, region=region, due_date=m + timedelta(days=14),
                                   issued_at=issued, run="test", due_fen=0, lines=1)
        Contribution.objects.create(bill=bill, person=person, month=m, wage_fen=500_000, pension_employer=share[0],
                                    medical_employer=share[1], unemployment_employer=share[2])


def _subsidy(staff, city, make_employer, holder, start=date(2026, 3, 2)):
    p, cert = holder
    employer = make_employer(city["c11"])
    with acting_as(None, username="test"):
        registry_services.relation_start(user=None, person=p, employer=employer, start_date=start)
    _contributions(p, employer, city["c11"], [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)])
    with acting_as(staff["worker"]):
        return employer, certificates.receive(user=staff["worker"], certificate=cert, kind="employer_subsidy",
                                              employer=employer, from_month=date(2026, 3, 1),
                                              to_month=date(2026, 5, 1))


def test_employer_subsidy_maker_checker_and_posting(staff, city, make_employer, holder):
    employer, app = _subsidy(staff, city, make_employer, holder)
    assert app.status == ApplicationStatus.CHECKED and app.application_no.startswith("ZF")
    assert app.amount_fen == 3 * (16_000 + 7_000 + 500)
    with acting_as(staff["worker"]), pytest.raises(Forbidden):  # a caseworker cannot approve
        certificates.approve(user=staff["worker"], application=app)
    with acting_as(staff["officer"]):
        own = certificates.receive(user=staff["officer"], certificate=app.certificate, kind="self_employment",
                                   business_name="甲记早餐店")
        with pytest.raises(DomainError) as exc:
            certificates.approve(user=staff["officer"], application=own)
        assert exc.value.problems[0].code == "support.maker_is_checker"
        app = certificates.approve(user=staff["officer"], application=app)
    assert app.status == "approved" and app.posting_key == f"employment_subsidy:{app.application_no}"
    entry = JournalEntry.objects.get(idempotency_key=app.posting_key)
    lines = {(ln.account.code, ln.debit_fen, ln.credit_fen) for ln in JournalLine.objects.filter(entry=entry)
             .select_related("account")}
    assert lines == {("fund:employment", 70_500, 0), (f"payable:employer_subsidy:{employer.pk}", 0, 70_500)}
    with acting_as(staff["officer2"]), pytest.raises(DomainError):
        certificates.approve(user=staff["officer2"], application=app)  # decided once
    from laobao.ledger.reconcile import run_all
    bad = {name: r.differences for name, r in run_all() if r.count and not name.startswith("insurance.")}
    assert bad == {}  # the ledger identities hold, payouts' payable:employer: check is untouched by the subsidy
    # (insurance checks skipped: this fixture writes contribution lines without bill items)


def test_subsidy_only_for_holders_hired_after_the_issue(staff, city, make_employer, holder):
    _, app = _subsidy(staff, city, make_employer, holder, start=date(2026, 1, 20))  # hired before 2026-02-01
    assert app.status == ApplicationStatus.RECEIVED and app.amount_fen == 0
    assert [c["code"] for c in app.checks if not c["ok"]] == ["hired_holder", "contributions"]
    with acting_as(staff["officer"]), pytest.raises(DomainError):
        certificates.approve(user=staff["officer"], application=app)
    with acting_as(staff["officer"]):
        app = certificates.reject(user=staff["officer"], application=app)
    assert app.status == "rejected" and "未找到发证后" in app.rejection
    assert not JournalEntry.objects.filter(idempotency_key__startswith="employment_subsidy:").exists()


def test_loan_cap_and_expired_certificate(staff, holder):
    _, cert = holder
    with acting_as(staff["worker"]):
        big = certificates.receive(user=staff["worker"], certificate=cert, kind="guaranteed_loan",
                                   business_name="甲记早餐店", amount_fen=2_000_001)
        ok = certificates.receive(user=staff["worker"], certificate=cert, kind="guaranteed_loan",
                                  business_name="甲记早餐店", amount_fen=2_000_000)
    assert [c["code"] for c in big.checks if not c["ok"]] == ["amount"] and ok.status == "checked"
    cert.valid_until = date(2026, 3, 1)  # lapsed
    cert.save(update_fields=["valid_until"])
    with acting_as(staff["worker"]):
        late = certificates.receive(user=staff["worker"], certificate=cert, kind="tax_relief",
                                    business_name="甲记早餐店", amount_fen=100_000)
    assert [c["code"] for c in late.checks if not c["ok"]] == ["certificate_valid"]


def test_jurisdiction(staff, city, make_person, holder):
    _, cert = holder
    outsider = {"worker": staff["worker"]}
    p = h.person(make_person, city["c12"], seq=11)
    h.register(staff["street"], p)
    with acting_as(outsider["worker"]), pytest.raises(Forbidden):
        certificates.issue(user=outsider["worker"], person=p)
