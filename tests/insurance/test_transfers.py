"""关系转移接续: the 12% pooled amount, the account moved, the ledger, the enrollment closed, refusals, idempotency.

Worked case (国办发〔2009〕66号 第四条(二), as quoted by m12333.cn and 合肥市社保局 via moshrss.com): the pooled fund
moves 12% of the contribution wages from 1998 on. 24 months at a base of 5,000.00 yuan →
24 × 5,000.00 × 12% = 14,400.00 yuan. The account (8% of the base since 2006, 国发〔2005〕38号) holds
24 × 400.00 = 9,600.00 yuan and moves in full (第四条(一)).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import AuditEvent
from laobao.insurance import services as enrollment
from laobao.insurance.models import Enrollment, Transfer
from laobao.insurance.transfers import compute, pooled_amount, preview_out, transfer_in, transfer_out
from laobao.ledger import selectors as ledger
from laobao.ledger.models import JournalEntry
from laobao.registry import services as registry

from transfer_fixtures import months, pension_month

BASE = 500_000  # 5,000.00 yuan


@pytest.fixture
def insured(city, make_person, make_employer):
    """A Gusu worker with 24 paid months (2022-01 … 2023-12) at a base of 5,000.00 yuan."""
    with acting_as(None, username="test"):
        person = make_person(city["c11"])
        employer = make_employer(city["c11"])
        registry.relation_start(user=None, person=person, employer=employer, start_date=date(2022, 1, 1))
        enrollment.enroll(user=None, person=person, insurance="pension", start_month=date(2022, 1, 1),
                          employer=employer, reason="hire")
        for m in months(date(2022, 1, 1), 24):
            pension_month(person, employer, m, BASE)
    return person, employer


def _out(person, user=None, month=date(2024, 1, 1), insurance="pension"):
    with acting_as(user, username="test"):
        return transfer_out(user=user, person=person, insurance=insurance, counterpart_code="310000",
                            counterpart_name="上海市社会保险事业管理中心", month=month)


def test_pooled_amount_worked_example():
    wages = 24 * BASE
    assert wages == 12_000_000  # 120,000.00 yuan
    assert pooled_amount(wages, Decimal("0.12")) == 1_440_000  # 14,400.00 yuan


def test_pooled_amount_rounds_half_up_once_over_the_sum():
    # 3 months at 1,234.57 yuan: 370,371 fen × 12% = 44,444.52 fen → 44,445 (half up)
    assert pooled_amount(3 * 123_457, Decimal("0.12")) == 44_445


def test_transfer_out_worked_case(insured):
    person, employer = insured
    fund_before = ledger.balance("fund:pension")
    t = _out(person)
    assert (t.months, t.wages_fen, t.pooled_fen, t.account_fen) == (24, 12_000_000, 1_440_000, 960_000)
    assert t.certificate_no.startswith("320500-") and t.direction == "out"
    assert t.history[0] == {"month": "2022-01", "employer_id": employer.pk, "employer": employer.name,
                            "base_fen": BASE, "employer_fen": 80_000, "employee_fen": 40_000, "account_fen": 40_000,
                            "paid": True}
    # the account moved in full, the pooled part left the fund, both are payable to the other region
    assert ledger.balance(f"personal:{person.pk}:pension") == 0
    assert ledger.balance("fund:pension") == fund_before - 1_440_000
    assert ledger.balance(f"transfer:{t.certificate_no}") == 2_400_000
    debits, credits = ledger.totals()
    assert debits == credits
    entry = JournalEntry.objects.get(idempotency_key=f"transfer:{t.certificate_no}")
    assert entry.kind == "transfer_out"
    # the enrollment is closed at the transfer month
    e = Enrollment.objects.get(person=person, insurance="pension")
    assert (e.end_month, e.end_reason) == (date(2024, 1, 1), "transfer_out")
    assert AuditEvent.objects.filter(action="transfer.out", object_id=str(t.pk)).exists()


def test_months_before_1998_count_as_months_but_not_as_wages(city, make_person):
    person = make_person(city["c11"])
    with acting_as(None, username="test"):
        enrollment.enroll(user=None, person=person, insurance="pension", start_month=date(1997, 11, 1),
                          reason="self_enrollment")
        for m in months(date(1997, 11, 1), 4):  # 1997-11, 1997-12, 1998-01, 1998-02
            pension_month(person, None, m, 300_000)
    p = preview_out(None, person, "pension", date(2010, 1, 1))
    assert p.months == 4 and p.wages_fen == 600_000
    assert p.pooled_fen == 72_000  # 2 × 3,000.00 × 12% = 720.00 yuan
    assert p.unpaid == []


def test_arrears_refuse_the_transfer(insured):
    person, employer = insured
    pension_month(person, employer, date(2024, 1, 1), BASE, paid=False)
    with pytest.raises(DomainError) as err:
        _out(person)
    assert err.value.problems[0].code == "transfer.arrears" and "2024-01" in err.value.problems[0].zh
    assert not Transfer.objects.exists()
    assert Enrollment.objects.get(person=person).end_month is None


def test_partial_payment_of_an_employer_item_is_arrears(insured):
    person, employer = insured
    item = pension_month(person, employer, date(2024, 1, 1), BASE, paid=False)
    from laobao.insurance.models import Allocation, Payment
    pay = Payment.objects.create(bank_ref="P1", channel="bank", payer_code="x", employer=employer, amount_fen=100,
                                 paid_on=date(2024, 1, 20), received_at="2024-01-20T00:00:00Z")
    Allocation.objects.create(payment=pay, item=item, kind="principal", amount_fen=100, allocated_on=date(2024, 1, 20))
    assert compute.arrears_months(person.pk, "pension", date(2024, 1, 1)) == ["2024-01"]


def test_no_enrollment_is_refused(city, make_person):
    person = make_person(city["c11"])
    with pytest.raises(DomainError) as err:
        _out(person)
    assert err.value.problems[0].code == "transfer.not_enrolled"


def test_second_transfer_out_is_refused(insured):
    person, _ = insured
    _out(person)
    with pytest.raises(DomainError) as err:
        _out(person)
    assert err.value.problems[0].code == "transfer.already_out"


def test_medical_is_refused_pooled_and_other_insurances_refused(insured):
    person, _ = insured
    with pytest.raises(DomainError) as err:
        _out(person, insurance="unemployment")
    assert err.value.problems[0].code == "transfer.insurance"


def test_transfer_out_is_scoped(insured, make_user, city):
    person, _ = insured
    foreign = make_user("community_caseworker", city["c21"])
    with pytest.raises(Forbidden):
        _out(person, user=foreign)
    own = make_user("community_caseworker", city["c11"])
    assert _out(person, user=own).pooled_fen == 1_440_000


# --- transfer in --------------------------------------------------------------------------------------------

def _history(first: date, n: int, base: int = 400_000) -> list[dict]:
    return [{"month": f"{m:%Y-%m}", "employer": "上海某公司", "base_fen": base, "employer_fen": base * 16 // 100,
             "employee_fen": base * 8 // 100, "account_fen": base * 8 // 100, "paid": True} for m in months(first, n)]


def _in(person, history, cert="SH-2024-0001", account=384_000, pooled=576_000, month=date(2024, 3, 1), **kw):
    with acting_as(None, username="test"):
        return transfer_in(user=None, person=person, insurance="pension", counterpart_code="310000",
                           counterpart_name="上海市社会保险事业管理中心", month=month, history=history,
                           account_fen=account, pooled_fen=pooled, certificate_no=cert, **kw)


def test_transfer_in_posts_history_and_balance(city, make_person):
    person = make_person(city["c11"])
    fund_before = ledger.balance("fund:pension")
    t = _in(person, _history(date(2022, 1, 1), 12), self_enroll=True)
    assert (t.direction, t.months, t.wages_fen) == ("in", 12, 4_800_000)
    assert ledger.balance(f"personal:{person.pk}:pension") == 384_000
    assert ledger.balance("fund:pension") == fund_before + 576_000
    assert ledger.balance(f"transfer:{t.certificate_no}") == -960_000  # receivable from the other region
    e = Enrollment.objects.get(person=person, insurance="pension")
    assert (e.start_month, e.start_reason, e.employer_id) == (date(2024, 3, 1), "transfer_in", None)
    debits, credits = ledger.totals()
    assert debits == credits


def test_transfer_in_without_enrollment_leaves_it_to_the_hall(city, make_person):
    person = make_person(city["c11"])
    _in(person, _history(date(2022, 1, 1), 3))
    assert not Enrollment.objects.filter(person=person).exists()


def test_transfer_in_overlapping_months_refused(insured):
    person, _ = insured  # on record here 2022-01 … 2023-12 (and enrolled from 2022-01)
    with pytest.raises(DomainError) as err:
        _in(person, _history(date(2021, 10, 1), 6), month=date(2024, 3, 1))
    problem = err.value.problems[0]
    assert problem.code == "transfer.overlap"
    assert "2022-01" in problem.zh and "2022-03" in problem.zh and "2021-12" not in problem.zh
    assert "3 in all" in problem.en
    assert not Transfer.objects.exists()


def test_transfer_in_history_must_precede_the_month(city, make_person):
    person = make_person(city["c11"])
    with pytest.raises(DomainError) as err:
        _in(person, _history(date(2024, 2, 1), 2), month=date(2024, 3, 1))
    assert {p.code for p in err.value.problems} == {"transfer.month_after"}


def test_transfer_in_is_idempotent_on_the_certificate(city, make_person):
    person = make_person(city["c11"])
    history = _history(date(2022, 1, 1), 12)
    first = _in(person, history)
    entries = JournalEntry.objects.count()
    again = _in(person, [dict(r) for r in history])
    assert again.pk == first.pk and JournalEntry.objects.count() == entries
    assert Transfer.objects.count() == 1
    with pytest.raises(DomainError) as err:
        _in(person, history, account=384_001)
    assert err.value.problems[0].code == "transfer.certificate_reused"
    assert ledger.balance(f"personal:{person.pk}:pension") == 384_000


def test_transfer_in_bad_rows_reported_together(city, make_person):
    person = make_person(city["c11"])
    rows = _history(date(2022, 1, 1), 3)
    rows[0]["base_fen"] = -1
    rows[2]["month"] = "2022-13"
    with pytest.raises(DomainError) as err:
        _in(person, rows)
    assert [p.field for p in err.value.problems] == ["history[1]", "history[3]"]


def test_medical_transfer_in_has_no_pooled_part(city, make_person):
    person = make_person(city["c11"])
    with acting_as(None, username="test"), pytest.raises(DomainError) as err:
        transfer_in(user=None, person=person, insurance="medical", counterpart_code="310000", counterpart_name="上海",
                    month=date(2024, 3, 1), history=_history(date(2022, 1, 1), 2), account_fen=100, pooled_fen=5,
                    certificate_no="M-1")
    assert err.value.problems[0].code == "transfer.no_pooled"


def test_round_trip_out_then_in_elsewhere(insured, make_person, city):
    """What one region sends, another accepts: the out history is a valid incoming history."""
    person, _ = insured
    t = _out(person)
    other = make_person(city["c12"], name="李四")
    back = _in(other, t.history, cert=t.certificate_no + "-R", account=t.account_fen, pooled=t.pooled_fen)
    assert (back.months, back.wages_fen) == (t.months, t.wages_fen)
