"""The fixture world of the pension-claim tests (no tests here).

The worked example is the 淮安洪泽 official approval form (tests/policy/cases/pension/pension.yaml, first two
cases; law.md §1.3, §7): a man born 1965-09, retired 2025-12 at 60y3m, 43 years 4 months = 520 months of
which 160 deemed, average index 0.4787, pre-account (transitional) index 0.9107, account 87,722.18 yuan,
C = 8,917 yuan → basic pension 2,856.87 and account pension 638.91 = 87,722.18 / 137.3.

The person's record is built so that the claim path arrives at exactly those inputs:
* 360 paid months 1995-12 … 2025-11 (a flexibly employed person's own bills, each fully paid), base 2,867.00
  yuan a month against a reference wage of 10,000.00 yuan (index 0.2867 each month);
* 160 deemed months at 0.9107, entered by the maker from the archive;
  so Ī = (360 × 0.2867 + 160 × 0.9107) / 520 = (103.212 + 145.712) / 520 = 0.4787 exactly;
* reference wage 10,000.00 = the BaseLimit cap 30,000.00 ÷ contribution.base_cap_share 3.00 for 2006–2025;
  for 1995–2005 (before the cap-share parameter starts) the maker enters 10,000.00 yuan per year;
* the account balance 87,722.18 yuan is posted as one credit (Dr fund:pension / Cr personal:…:pension).
The bills are written directly (bulk, no ledger postings for the bills): only the ledger's and benefits'
reconciliation checks are meaningful in this world.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from laobao.core.context import acting_as
from laobao.insurance.models import (Allocation, BaseLimit, Bill, BillItem, Contribution, Enrollment, Payment)
from laobao.ledger import services as ledger

from conftest import make_id

BASE = 286_700            # 2,867.00 yuan
REF = 1_000_000           # 10,000.00 yuan
CAP = 3 * REF
ACCOUNT = 8_772_218       # 87,722.18 yuan
EMPLOYER, EMPLOYEE = 57_340, 22_936  # 20 % and 8 % of the base (a plain fixture, not a published case)
FIRST = date(1995, 12, 1)
MONTHS = 360
MAKER_WAGES = {str(y): REF for y in range(1995, 2006)}


def months(first: date, n: int) -> list[date]:
    out, m = [], first
    for _ in range(n):
        out.append(m)
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


def limits(years=range(2006, 2026)) -> None:
    with acting_as(None, username="test"):
        for y in years:
            BaseLimit.objects.get_or_create(year=y, insurance="pension", defaults={
                "floor_fen": 200_000, "cap_fen": CAP, "reference": "test fixture: cap = 3 × 10,000.00"})


def person_born(make_person, region, birth: str = "19650915", seq: int = 101, name: str = "洪泽甲"):
    """A man for odd ``seq``, a woman for even (the ID's 17th digit)."""
    return make_person(region, name=name, citizen_id=make_id(birth=birth, seq=seq))


def record(person, region, first: date = FIRST, n: int = MONTHS, *, unpaid: tuple[date, ...] = ()) -> None:
    """``n`` months of the person's own pension bills from ``first``, all paid except ``unpaid``."""
    Enrollment.objects.create(person=person, insurance="pension", start_month=first, start_reason="self_enrollment")
    Enrollment.objects.create(person=person, insurance="medical", start_month=first, start_reason="self_enrollment")
    ms = months(first, n)
    issued = datetime(2026, 1, 1, tzinfo=timezone.utc)
    bills = Bill.objects.bulk_create(Bill(person=person, month=m, region=region, due_date=m + timedelta(days=14),
                                          issued_at=issued, run="test", due_fen=EMPLOYER + EMPLOYEE, lines=1) for m in ms)
    items = BillItem.objects.bulk_create(BillItem(bill=b, insurance="pension", month=b.month, employer_fen=EMPLOYER,
                                                  employee_fen=EMPLOYEE, due_fen=EMPLOYER + EMPLOYEE) for b in bills)
    Contribution.objects.bulk_create(Contribution(bill=b, person=person, month=b.month, wage_fen=BASE, pension_base=BASE,
                                                  pension_employer=EMPLOYER, pension_employee=EMPLOYEE, account=0)
                                     for b in bills)
    paid = [i for i in items if i.month not in unpaid]
    payment = Payment.objects.create(bank_ref=f"test-{person.pk}", channel="bank", payer_code=person.citizen_id,
                                     person=person, amount_fen=len(paid) * (EMPLOYER + EMPLOYEE) or 1,
                                     paid_on=date(2025, 12, 1), received_at=issued)
    Allocation.objects.bulk_create(Allocation(payment=payment, item=i, kind="principal", amount_fen=i.due_fen,
                                              allocated_on=date(2025, 12, 1)) for i in paid)


def account(person, fen: int = ACCOUNT, key: str | None = None) -> None:
    with acting_as(None, username="test"):
        ledger.post(key=key or f"test-account:{person.pk}", kind="test_account", value_date=date(2025, 11, 30),
                    memo="test: the account balance of the worked example",
                    lines=[("fund:pension", fen, 0), (f"personal:{person.pk}:pension", 0, fen)])


def worked_person(make_person, region, *, unpaid=()):
    person = person_born(make_person, region)
    limits()
    record(person, region, unpaid=unpaid)
    account(person)
    return person
