"""The fixture world of the contribution-record tests (imported by test_record*.py, test_documents*.py,
test_api_insurance.py and test_indicators_insurance.py; it holds no tests itself).

Built directly (ORM + ``ledger.services.post``), following the models' docstrings and the postings contract of
issue 4, since the assessment and collection batches are written at the same time by others. Amounts are a
plain fixture (base 5,000.00 yuan; pension 16 % + 8 % with 8 % to the account; medical 9 % + 2 %), not a
worked case of any published rule.

Employer E (community c11) with persons P and Q, three monthly bills:
* 2024-01: paid in full on 2024-02-10 (P's and Q's pension account credited that day);
* 2024-02: medical paid, pension partly paid (1,000.00 of 2,400.00 yuan);
* 2024-03: unpaid; it carries an adjustment for P's 2024-01 pension (base +1,000.00: +160.00 / +80.00, account +80.00).
P also has two pension months transferred in (2023-11, 2023-12) and 10.00 yuan interest credited for 2024.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from laobao.core.context import acting_as
from laobao.insurance import bases
from laobao.insurance.models import Allocation, Bill, BillItem, Contribution, Payment, Transfer
from laobao.ledger import services as ledger
from laobao.registry import services as registry

BASE = 500_000
PENSION = (80_000, 40_000, 40_000)  # employer, employee, account (fen)
MEDICAL = (45_000, 10_000)
ADJ = (100_000, 16_000, 8_000, 8_000)  # base diff, employer, employee, account
MONTHS = (date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1))
ISSUED = datetime(2024, 1, 5, tzinfo=timezone.utc)


@dataclass
class RecordWorld:
    person: object
    other: object
    employer: object
    bills: dict
    items: dict  # (bill month, insurance, item month) -> BillItem


def _line(bill, person, month, *, adjustment=False):
    if adjustment:
        base, er, ee, acc = ADJ
        return Contribution.objects.create(bill=bill, person=person, month=month, adjustment=True, wage_fen=0,
                                           pension_base=base, pension_employer=er, pension_employee=ee, account=acc)
    return Contribution.objects.create(
        bill=bill, person=person, month=month, wage_fen=BASE, pension_base=BASE, pension_employer=PENSION[0],
        pension_employee=PENSION[1], account=PENSION[2], medical_base=BASE, medical_employer=MEDICAL[0],
        medical_employee=MEDICAL[1])


def _item(bill, insurance, month, er, ee, acc=0):
    return BillItem.objects.create(bill=bill, insurance=insurance, month=month, employer_fen=er, employee_fen=ee,
                                   account_fen=acc, due_fen=er + ee)


def _bill(employer, month, items_spec, run="test") -> tuple[Bill, dict]:
    due = sum(er + ee for _, _, er, ee, _ in items_spec)
    bill = Bill.objects.create(employer=employer, month=month, region=employer.region,
                               due_date=bases.due_date(month), issued_at=ISSUED, run=run,
                               due_fen=due, lines=2 * len([s for s in items_spec if s[1] == month]))
    items = {(month, ins, m): _item(bill, ins, m, er, ee, acc) for ins, m, er, ee, acc in items_spec}
    ledger.post(key=f"bill:{bill.pk}", kind="assessment", value_date=month, memo=f"核定 {month:%Y-%m}", lines=[
        (f"receivable:employer:{employer.pk}", due, 0),
        *[(f"fund:{ins}", 0, tot) for ins, tot in _per_insurance(items_spec).items()]])
    return bill, items


def _per_insurance(spec) -> dict:
    out: dict = {}
    for ins, _, er, ee, _ in spec:
        out[ins] = out.get(ins, 0) + er + ee
    return out


def _pay(employer, ref: str, paid_on: date, parts: list[tuple]) -> Payment:
    amount = sum(a for _, a in parts)
    payment = Payment.objects.create(bank_ref=ref, channel="bank", payer_code=employer.credit_code, employer=employer,
                                     amount_fen=amount, paid_on=paid_on, received_at=ISSUED)
    for item, a in parts:
        Allocation.objects.create(payment=payment, item=item, kind="principal", amount_fen=a, allocated_on=paid_on)
    ledger.post(key=f"payment:{ref}", kind="payment", value_date=paid_on, memo="缴费",
                lines=[("bank:collection", amount, 0), (f"receivable:employer:{employer.pk}", 0, amount)])
    return payment


def build(make_person, make_employer, region) -> RecordWorld:
    person, other = make_person(region, "张记录"), make_person(region, "李同事")
    employer = make_employer(region, "苏州记录纺织有限公司")
    with acting_as(None, username="test"):
        for p in (person, other):
            registry.relation_start(user=None, person=p, employer=employer, start_date=date(2023, 12, 1))
        bills, items = {}, {}
        for month in MONTHS:
            spec = [("pension", month, 2 * PENSION[0], 2 * PENSION[1], 2 * PENSION[2]),
                    ("medical", month, 2 * MEDICAL[0], 2 * MEDICAL[1], 0)]
            if month == MONTHS[2]:
                spec.append(("pension", MONTHS[0], ADJ[1], ADJ[2], ADJ[3]))
            bills[month], made = _bill(employer, month, spec)
            items.update(made)
            for p in (person, other):
                _line(bills[month], p, month)
            if month == MONTHS[2]:
                _line(bills[month], person, MONTHS[0], adjustment=True)
        jan, feb = MONTHS[0], MONTHS[1]
        _pay(employer, "B-2024-01", date(2024, 2, 10), [(items[(jan, "pension", jan)], 240_000),
                                                         (items[(jan, "medical", jan)], 110_000)])
        _pay(employer, "B-2024-02", date(2024, 3, 12), [(items[(feb, "pension", feb)], 100_000),
                                                         (items[(feb, "medical", feb)], 110_000)])
        item = items[(jan, "pension", jan)]
        ledger.post(key=f"account:{item.pk}", kind="account", value_date=date(2024, 2, 10), memo="个人账户记账 2024-01",
                    lines=[("fund:pension", 2 * PENSION[2], 0), (f"personal:{person.pk}:pension", 0, PENSION[2]),
                           (f"personal:{other.pk}:pension", 0, PENSION[2])])
        ledger.post(key=f"interest:2024:{person.pk}", kind="interest", value_date=date(2024, 12, 31),
                    memo="2024年度记账利息", lines=[("fund:pension", 1_000, 0), (f"personal:{person.pk}:pension", 0, 1_000)])
        Transfer.objects.create(
            person=person, insurance="pension", direction="in", counterpart_code="310000", counterpart_name="上海市",
            month=date(2023, 12, 1), certificate_no="SH-2023-0001", months=2, wages_fen=2 * BASE, account_fen=80_000,
            pooled_fen=120_000, history=[{"month": "2023-11", "base_fen": BASE, "employer_fen": 80_000,
                                          "employee_fen": 40_000},
                                         {"month": "2023-12", "base_fen": BASE, "employer_fen": 80_000,
                                          "employee_fen": 40_000}])
    return RecordWorld(person, other, employer, bills, items)
