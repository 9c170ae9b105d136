"""The facts of a pension claim read from the person's own record (no writes, no scoping: services scope first).

- Pension lines: one SQL read of the person's Contribution rows up to the retirement month with the id of
  their pension BillItem; what was paid on each item comes from insurance's own ``paid_by_item`` (one place
  decides "paid": collection.arrears, including reversals when they land there), status by ``item_status``.
  A month counts when a regular line's item is fully paid; its base is the sum of the paid lines' bases
  (adjustments included). Any pension item not fully paid is an open arrear.
- Months transferred in (Transfer.history of pension transfers in) count with their certificate's base.
- Reference wage of a year = BaseLimit cap of that year ÷ contribution.base_cap_share; a year without either
  takes the maker's figure, or is listed as missing.
- Account balance = ledger balance of ``personal:<pid>:pension`` now (the amount annuitized on approval).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from laobao.insurance import selectors as insurance_selectors
from laobao.insurance.models import BaseLimit, Enrollment, Reason, Transfer
from laobao.ledger.selectors import balance
from laobao.policy.params import ParameterError, param
from laobao.policy.rules.pension.arith import yuan
from laobao.registry.models import Person

from ..models import Benefit, BenefitKind

_LINES_SQL = (
    "SELECT CAST(c.month AS TEXT), c.adjustment, c.pension_base, i.id, i.due_fen"
    " FROM insurance_contribution c"
    " LEFT JOIN insurance_billitem i ON i.bill_id = c.bill_id AND i.insurance = 'pension' AND i.month = c.month"
    " WHERE c.person_id = %s AND c.month <= %s"
    " AND (c.pension_base IS NOT NULL OR c.pension_employer IS NOT NULL)"
)
CAP_SHARE = "contribution.base_cap_share"


@dataclass
class RecordFacts:
    paid_bases: dict[date, int] = field(default_factory=dict)       # month → base (fen), months paid here
    transferred_bases: dict[date, int] = field(default_factory=dict)  # month → base, months transferred in
    unpaid_months: list[date] = field(default_factory=list)
    balance_fen: int = 0
    closed_by: str = ""            # end reason of the latest pension enrollment when transfer-out / death
    enrolled: bool = False
    has_pension: bool = False
    dead: bool = False

    @property
    def months(self) -> int:
        return len(self.paid_bases) + len(self.transferred_bases)

    def bases(self) -> dict[date, int]:
        return {**self.transferred_bases, **self.paid_bases}


def _lines(person_id: int, retire: date) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_LINES_SQL, [person_id, retire])
        return [(date.fromisoformat(m[:10]), bool(adj), base or 0, item, due) for m, adj, base, item, due in
                cursor.fetchall()]


def _paid_record(facts: RecordFacts, person_id: int, retire: date) -> None:
    lines = _lines(person_id, retire)
    paid = insurance_selectors.paid_by_item(i for _, _, _, i, _ in lines if i is not None)
    bases: dict[date, int] = {}
    counted, unpaid = set(), set()
    for month, adjustment, base, item, due in lines:
        ok = item is not None and insurance_selectors.item_status(due, paid.get(item, 0)) == insurance_selectors.PAID
        if not ok:
            unpaid.add(month)
            continue
        bases[month] = bases.get(month, 0) + base
        if not adjustment:
            counted.add(month)
    facts.paid_bases = {m: bases[m] for m in sorted(counted)}
    facts.unpaid_months = sorted(unpaid)


def _transferred(facts: RecordFacts, person_id: int, retire: date) -> None:
    for history in Transfer.objects.filter(person_id=person_id, insurance="pension", direction="in").values_list(
            "history", flat=True):
        for row in history if isinstance(history, list) else []:
            month = _month(row.get("month")) if isinstance(row, dict) else None
            if month is not None and month <= retire and month not in facts.paid_bases:
                facts.transferred_bases[month] = int(row.get("base_fen") or 0)


def _month(value) -> date | None:
    text = str(value or "")[:7]
    try:
        return date(int(text[:4]), int(text[5:7]), 1)
    except ValueError:
        return None


def _status(facts: RecordFacts, person: Person) -> None:
    last = Enrollment.objects.filter(person=person, insurance="pension").order_by("-start_month").first()
    facts.enrolled = last is not None
    if last is not None and last.end_month is not None and last.end_reason in (Reason.TRANSFER_OUT, Reason.DEATH):
        facts.closed_by = last.end_reason
    facts.dead = Enrollment.objects.filter(person=person, end_reason=Reason.DEATH).exists()
    facts.has_pension = Benefit.objects.filter(person=person, kind=BenefitKind.PENSION).exists()


def read(person: Person, retire: date) -> RecordFacts:
    """Everything the checks and the calculation need from the record, up to the retirement month."""
    facts = RecordFacts()
    _paid_record(facts, person.pk, retire)
    _transferred(facts, person.pk, retire)
    _status(facts, person)
    facts.balance_fen = balance(f"personal:{person.pk}:pension")
    return facts


def reference_wages(years, given: dict) -> tuple[dict[int, Decimal], dict[int, str], list[int]]:
    """Per year: the reference wage (fen, exact Decimal), where it came from, and the years still missing.

    ``given`` is the maker's {year: fen}; a BaseLimit with the cap share wins over it.
    """
    years = sorted(set(years))
    limits = {}
    for year, ins, cap in BaseLimit.objects.filter(year__in=years).filter(Q(insurance="pension") | Q(insurance="")) \
            .values_list("year", "insurance", "cap_fen"):
        if ins == "pension" or year not in limits:
            limits[year] = cap
    wages, source, missing = {}, {}, []
    for year in years:
        share = _cap_share(year)
        if year in limits and share:
            wages[year] = Decimal(limits[year]) / share
            source[year] = f"{year} 年：缴费基数上限 {yuan(limits[year])} 元 ÷ {share}"
        elif str(year) in given or year in given:
            fen = int(given.get(str(year), given.get(year)))
            wages[year] = Decimal(fen)
            source[year] = f"{year} 年：经办人员按档案录入 {yuan(fen)} 元"
        else:
            missing.append(year)
    return wages, source, missing


def _cap_share(year: int) -> Decimal | None:
    try:
        return Decimal(param(CAP_SHARE, on=date(year, 1, 1)).value)
    except ParameterError:
        return None
