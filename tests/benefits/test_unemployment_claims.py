"""Unemployment benefit (失业保险金, issue 5 Must have 5) through the services: eligibility (条例 第十四条), the
12/18/24-month bands and carried-over months capped at 24 (条例 第十七条; 社会保险法 第四十六条), the amount
= minimum wage × the share parameter (2026: 2,660.00 × 0.90 = 2,394.00 yuan, policy/parameters), the stop the
month re-employment starts with the unused months kept, payroll paying it, maker ≠ checker.
The record is written directly (bills fully paid), amounts are plain fixtures, not published cases."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from laobao.benefits.models import Benefit, BenefitEvent, ClaimStatus, PaymentLine
from laobao.benefits.unemployment import services
from laobao.benefits.unemployment.models import UnemploymentClaim
from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.core.models import Role
from laobao.insurance import services as insurance_services
from laobao.insurance.models import Allocation, Bill, BillItem, Contribution, Payment
from laobao.ledger.reconcile import run_all
from laobao.registry import services as registry_services
from laobao.registry.models import EmploymentRelation

import payroll_fixtures as px

BASE, EMPLOYER, EMPLOYEE = 500_000, 2_500, 2_500  # 0.5 % + 0.5 % of 5,000.00 yuan (plain fixture)
MONTHLY_2026 = 239_400  # 266,000 × 0.90


def months(first: date, n: int) -> list[date]:
    out, m = [], first
    for _ in range(n):
        out.append(m)
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


def record(person, region, first: date, n: int, *, unpaid=()) -> None:
    """``n`` months of unemployment contributions from ``first``, fully paid except ``unpaid``."""
    ms = months(first, n)
    issued = datetime(2026, 1, 1, tzinfo=timezone.utc)
    bills = Bill.objects.bulk_create(Bill(person=person, month=m, region=region, due_date=m + timedelta(days=14),
                                          issued_at=issued, run="test", due_fen=EMPLOYER + EMPLOYEE, lines=1) for m in ms)
    items = BillItem.objects.bulk_create(BillItem(bill=b, insurance="unemployment", month=b.month, employer_fen=EMPLOYER,
                                                  employee_fen=EMPLOYEE, due_fen=EMPLOYER + EMPLOYEE) for b in bills)
    Contribution.objects.bulk_create(Contribution(bill=b, person=person, month=b.month, wage_fen=BASE,
                                                  unemployment_base=BASE, unemployment_employer=EMPLOYER,
                                                  unemployment_employee=EMPLOYEE) for b in bills)
    paid = [i for i in items if i.month not in unpaid]
    payment = Payment.objects.create(bank_ref=f"test-u-{person.pk}-{first:%Y%m}", channel="bank",
                                     payer_code=person.citizen_id, person=person,
                                     amount_fen=len(paid) * (EMPLOYER + EMPLOYEE) or 1, paid_on=date(2026, 6, 1),
                                     received_at=issued)
    Allocation.objects.bulk_create(Allocation(payment=payment, item=i, kind="principal", amount_fen=i.due_fen,
                                              allocated_on=date(2026, 6, 1)) for i in paid)


@pytest.fixture
def staff(city, make_user):
    return {"maker": make_user(Role.COMMUNITY_CASEWORKER, city["c11"]),
            "checker": make_user(Role.DISTRICT_OFFICER, city["gusu"]),
            "officer": make_user(Role.DISTRICT_OFFICER, city["gusu"])}


@pytest.fixture
def person(city, make_person):
    p = make_person(city["c11"], name="失业甲")
    px.bank_account(p)
    return p


def register(user, person, day: date, involuntary=True):
    with acting_as(user):
        return services.register(user=user, person=person, registered_on=day, involuntary=involuntary,
                                 reason="劳动合同期满终止" if involuntary else "本人辞职")


def receive(user, person, month=None):
    with acting_as(user):
        return services.receive(user=user, person=person, month=month)


def approve(user, claim):
    with acting_as(user):
        return services.approve(user=user, claim=claim)


def claim_for(staff, person, city, n, *, registered=date(2026, 6, 10), month=None, maker=None):
    """``n`` paid months up to 2026-05, registered ``registered``, a claim received by ``maker``."""
    record(person, city["c11"], _back(date(2026, 5, 1), n), n)
    register(staff["maker"], person, registered)
    return receive(maker or staff["maker"], person, month)


def _back(last: date, n: int) -> date:
    k = last.year * 12 + last.month - 1 - (n - 1)
    return date(k // 12, k % 12 + 1, 1)


@pytest.mark.parametrize("paid, months_due", [(11, 0), (12, 12), (59, 12), (60, 18), (119, 18), (120, 24)])
def test_bands(person, staff, city, paid, months_due):
    claim = claim_for(staff, person, city, paid)
    assert claim.claim_no.startswith("SYJ") and claim.contribution_months == paid
    assert claim.months == months_due
    assert claim.status == (ClaimStatus.CHECKED if months_due else ClaimStatus.RECEIVED)
    assert claim.monthly_fen == (MONTHLY_2026 if months_due else 0)
    if not months_due:
        (failed,) = [c for c in claim.checks if not c["ok"]]
        assert failed["code"] == "contribution" and "须满 12 个月" in failed["zh"]


def test_unpaid_months_do_not_count(person, staff, city):
    record(person, city["c11"], date(2025, 5, 1), 12, unpaid=(date(2025, 7, 1),))
    register(staff["maker"], person, date(2026, 6, 10))
    claim = receive(staff["maker"], person)
    assert claim.contribution_months == 11 and claim.status == ClaimStatus.RECEIVED


def test_voluntary_job_loss_and_no_registration_refused(person, staff, city):
    with pytest.raises(DomainError) as exc:
        receive(staff["maker"], person)
    assert exc.value.problems[0].code == "unemployment.not_registered"
    record(person, city["c11"], date(2025, 1, 1), 12)
    register(staff["maker"], person, date(2026, 6, 10), involuntary=False)
    claim = receive(staff["maker"], person)
    assert [c["code"] for c in claim.checks if not c["ok"]] == ["involuntary"]
    with pytest.raises(DomainError) as exc:
        approve(staff["checker"], claim)
    assert exc.value.problems[0].code == "claim.checks_fail" and "辞职" in exc.value.problems[0].zh


def test_current_employment_refused(person, staff, city, make_employer):
    record(person, city["c11"], date(2025, 1, 1), 12)
    register(staff["maker"], person, date(2026, 6, 10))
    employer = make_employer(city["c11"])
    # written without the service (as a legacy import does): since issue 6 a relation started through
    # registry_services.relation_start ends the registration itself (tests/employment/test_registration.py)
    EmploymentRelation.objects.create(person=person, employer=employer, start_date=date(2026, 11, 2))
    claim = receive(staff["maker"], person)
    assert [c["code"] for c in claim.checks if not c["ok"]] == ["not_working"]


def test_minimum_wage_without_value_refuses(person, staff, city):
    record(person, city["c11"], date(2023, 1, 1), 12)
    register(staff["maker"], person, date(2025, 2, 10))
    claim = receive(staff["maker"], person, month=date(2025, 3, 1))  # wages.minimum_wage is null in 2025
    (failed,) = [c for c in claim.checks if not c["ok"]]
    assert failed["code"] == "amount" and "最低工资标准参数无值" in failed["zh"] and "no value" in failed["en"]
    with pytest.raises(DomainError) as exc:
        approve(staff["checker"], claim)
    assert "最低工资" in exc.value.problems[0].zh


def test_maker_cannot_approve(person, staff, city):
    claim = claim_for(staff, person, city, 12, maker=staff["officer"])  # an officer who may otherwise approve
    with pytest.raises(DomainError) as exc:
        approve(staff["officer"], claim)
    assert exc.value.problems[0].code == "claim.maker_is_checker"
    assert approve(staff["checker"], claim).status == ClaimStatus.APPROVED


def test_approval_creates_benefit_and_payroll_pays_it(person, staff, city, tmp_path):
    claim = approve(staff["checker"], claim_for(staff, person, city, 60))
    b = claim.benefit
    assert (b.kind, b.fund, b.start_month, b.end_month) == ("unemployment", "fund:unemployment", date(2026, 7, 1),
                                                            date(2027, 12, 1))  # 18 months from the month after
    assert (b.rates.get().monthly_fen, b.rates.get().key) == (MONTHLY_2026, f"award:{claim.claim_no}")
    px.run(date(2026, 9, 1), tmp_path)
    (line,) = PaymentLine.objects.filter(benefit=b)
    assert (line.amount_fen, line.month_count, line.fund) == (3 * MONTHLY_2026, 3, "fund:unemployment")
    assert line.months_text.startswith("2026-07")
    with pytest.raises(DomainError):
        approve(staff["checker"], claim)  # decided once


def test_stops_the_month_reemployment_starts_and_keeps_unused_months(person, staff, city, make_employer, tmp_path):
    claim = approve(staff["checker"], claim_for(staff, person, city, 12))  # 2026-07 … 2027-06
    px.run(date(2026, 9, 1), tmp_path)  # 07–09 paid
    employer = make_employer(city["c11"])
    with acting_as(None, username="test"):
        registry_services.relation_start(user=None, person=person, employer=employer, start_date=date(2026, 11, 2))
    b = Benefit.objects.get(pk=claim.benefit_id)
    assert (b.status, b.end_month) == ("stopped", date(2026, 10, 1))
    claim.refresh_from_db()
    assert claim.unused_months == 12 - 4
    assert claim.registration.__class__.objects.get(pk=claim.registration_id).end_reason == "reemployment"
    assert BenefitEvent.objects.filter(benefit=b, kind="stop", reason="reemployment").count() == 1
    px.run(date(2026, 11, 1), tmp_path)  # 2026-10 is paid, 2026-11 (re-employed) is not
    lines = list(PaymentLine.objects.filter(benefit=b).order_by("id"))
    assert [ln.months_text for ln in lines][-1] == "2026-10" and sum(ln.amount_fen for ln in lines) == 4 * MONTHLY_2026
    with acting_as(None, username="test"):  # the enrollment of the same hire changes nothing more
        insurance_services.enroll(user=None, person=person, insurance="unemployment", start_month=date(2026, 11, 1),
                                  employer=employer, reason="hire")
    claim.refresh_from_db()
    assert claim.unused_months == 8 and Benefit.objects.get(pk=b.pk).end_month == date(2026, 10, 1)
    bad = {name: r.differences for name, r in run_all() if r.count and name.startswith("benefits.")}
    assert bad == {}  # benefit reconciliation (the fixture's payments have no postings): nothing paid after the end


def _first_spell(person, staff, city):
    """24 paid months 2018–2019, registered 2020-01, benefit 2020-02 … 2021-01, re-employed 2020-06: 8 unused."""
    record(person, city["c11"], date(2018, 1, 1), 24)
    register(staff["maker"], person, date(2020, 1, 10))
    first = approve(staff["checker"], receive(staff["maker"], person, month=date(2020, 1, 1)))
    assert (first.months, first.monthly_fen) == (12, 181_800)  # 2,020.00 × 0.90 (2018-08 standard)
    with acting_as(None, username="test"):
        services.stop_on_reemployment(person=person, month=date(2020, 6, 1))
    first.refresh_from_db()
    assert first.unused_months == 8 and first.benefit.end_month == date(2020, 5, 1)
    return first


@pytest.mark.parametrize("paid, expected", [(12, 12 + 8), (72, 24)])  # 72 → 18 + 8 = 26, capped at 24
def test_carried_months_capped_at_24(person, staff, city, paid, expected):
    first = _first_spell(person, staff, city)
    record(person, city["c11"], date(2020, 6, 1), paid)  # counted afresh after the first benefit ended
    assert first.registration.__class__.objects.get(pk=first.registration_id).ended_on == date(2020, 6, 1)
    register(staff["maker"], person, date(2026, 6, 10))
    second = approve(staff["checker"], receive(staff["maker"], person))
    assert (second.contribution_months, second.carried_months, second.carried_from_id) == (paid, 8, first.pk)
    assert second.months == expected
    assert second.benefit.end_month == months(date(2026, 7, 1), expected)[-1]


def test_carried_months_need_the_12_months_of_the_new_spell(person, staff, city):
    _first_spell(person, staff, city)
    record(person, city["c11"], date(2020, 6, 1), 11)  # 11 new months + 8 carried: not eligible (第十四条 per spell)
    register(staff["maker"], person, date(2026, 6, 10))
    claim = receive(staff["maker"], person)
    assert (claim.contribution_months, claim.carried_months, claim.months) == (11, 8, 0)
    assert [c["code"] for c in claim.checks if not c["ok"]] == ["contribution"]


def test_enrollment_alone_stops_the_benefit(person, staff, city):
    claim = approve(staff["checker"], claim_for(staff, person, city, 60))  # 18 months from 2026-07
    with acting_as(None, username="test"):
        insurance_services.enroll(user=None, person=person, insurance="medical", start_month=date(2026, 10, 1),
                                  reason="self_enrollment")
    claim.refresh_from_db()
    assert (claim.benefit.end_month, claim.benefit.status, claim.unused_months) == (date(2026, 9, 1), "stopped", 15)


def test_stop_before_the_first_month_pays_nothing(person, staff, city, tmp_path):
    claim = approve(staff["checker"], claim_for(staff, person, city, 12, registered=date(2026, 10, 20)))
    assert claim.start_month == date(2026, 11, 1)
    with acting_as(None, username="test"):
        services.stop_on_reemployment(person=person, month=date(2026, 11, 1))
    claim.refresh_from_db()
    assert claim.unused_months == 12
    px.run(date(2026, 11, 1), tmp_path)
    assert not PaymentLine.objects.filter(benefit=claim.benefit).exists()


def test_hook_is_silent_without_unemployment_benefit(city, make_person, make_employer):
    p = make_person(city["c11"], name="就业乙")
    with acting_as(None, username="test"):
        r = registry_services.relation_start(user=None, person=p, employer=make_employer(city["c11"]),
                                             start_date=date(2026, 11, 2))
    assert r.pk and not Benefit.objects.filter(person=p).exists()


def test_pages_register_preview_receive_approve(client, person, staff, city, tmp_path):
    record(person, city["c11"], date(2025, 1, 1), 12)
    client.force_login(staff["maker"])
    base = f"/benefits/persons/{person.pk}/unemployment/"
    assert "失业登记与失业保险金" in client.get(f"/benefits/persons/{person.pk}/").content.decode()
    assert client.get(base).status_code == 200
    assert client.post(base + "register/", {"registered_on": "2026-06-10", "involuntary": "yes",
                                            "reason": "劳动合同期满终止"}).status_code == 302
    preview = client.post(base + "new/", {"month": "2026-11", "action": "preview"}).content.decode()
    assert "预览" in preview and "2394.00" in preview and not UnemploymentClaim.objects.exists()
    assert client.post(base + "new/", {"month": "2026-13", "action": "preview"}).status_code == 400
    done = client.post(base + "new/", {"month": "", "action": "receive"})
    claim = UnemploymentClaim.objects.get(person=person)
    assert done.status_code == 302 and done["Location"].endswith(f"/benefits/unemployment/{claim.claim_no}/")
    page = client.get(f"/benefits/unemployment/{claim.claim_no}/").content.decode()
    assert claim.claim_no in page and "2394.00" in page and "/approve/" not in page  # the maker gets no approve form
    assert client.post(f"/benefits/unemployment/{claim.claim_no}/approve/").status_code == 403  # caseworker
    client.force_login(staff["checker"])
    assert client.post(f"/benefits/unemployment/{claim.claim_no}/approve/").status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.benefit.start_month == date(2026, 7, 1)
