"""The history and the amounts of a transfer-out, computed from the stored contributions and the ledger.

Internal reads (not scoped): callers resolve the person through a scoped selector or a service first.

History: one row per contribution month and payer (employer, or the person paying alone), summing the
regular line and any adjustment lines of that month (adjustments carry differences). ``paid`` is true when
the bill item the month sits on (same bill, insurance and month) is fully paid: Σ allocations of kind
principal + credit_used ≥ due (``Allocation``'s contract).

Contribution wages: Σ base of the months from 1998-01 (国办发〔2009〕66号 第四条(二) counts wages "1998年1月1日后").
Months before 1998 stay in the history (contribution years add up, 第三条) but add nothing to the wages or
the pooled amount. Pooled amount = half_up(wages × share) to the fen, once over the sum (the article names
no rounding: house rule). Medical has no pooled part (人社部发〔2009〕191号).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from laobao.ledger import selectors as ledger
from laobao.policy.params import param
from laobao.policy.rules.contribution.exact import half_up, times

from ..models import AllocationKind, BillItem, Contribution, Insurance

TRANSFERABLE = (Insurance.PENSION, Insurance.MEDICAL)
POOLED_PARAM = "pension.transfer_pooled_share"
WAGES_FROM = date(1998, 1, 1)
SELF_PAYER = "个人缴费"

# Contribution columns per insurance: base, employer share, employee share, account credit.
COLUMNS = {
    Insurance.PENSION: ("pension_base", "pension_employer", "pension_employee", "account"),
    Insurance.MEDICAL: ("medical_base", "medical_employer", "medical_employee", None),
}


@dataclass(frozen=True)
class OutPreview:
    """What a transfer-out would carry (amounts in fen); ``unpaid`` lists months with arrears."""

    insurance: str
    month: date
    history: list[dict]
    wages_fen: int
    share: Decimal | None
    pooled_fen: int
    account_fen: int
    unpaid: list[str] = field(default_factory=list)
    reference: str = ""

    @property
    def months(self) -> int:
        return len({row["month"] for row in self.history})

    @property
    def total_fen(self) -> int:
        return self.pooled_fen + self.account_fen


def account_code(person_id: int, insurance: str) -> str:
    return f"personal:{person_id}:{insurance}"


def pooled_amount(wages_fen: int, share: Decimal) -> int:
    """half_up(wages × share) in fen: e.g. 24 months × 5,000.00 yuan × 12% = 14,400.00 yuan."""
    return half_up(times(wages_fen, share))


def wages_since_1998(history: list[dict]) -> int:
    return sum(row["base_fen"] for row in history if row["month"] >= f"{WAGES_FROM:%Y-%m}")


def _paid_items(bill_ids: set[int], insurance: str) -> dict[tuple[int, date], bool]:
    paid_kinds = Q(allocations__kind__in=[AllocationKind.PRINCIPAL, AllocationKind.CREDIT_USED])
    rows = (BillItem.objects.filter(bill_id__in=bill_ids, insurance=insurance)
            .annotate(paid=Coalesce(Sum("allocations__amount_fen", filter=paid_kinds), 0))
            .values_list("bill_id", "month", "due_fen", "paid"))
    return {(bill, month): paid >= due for bill, month, due, paid in rows}


def _contributions(person_id: int, insurance: str, upto: date) -> list[dict]:
    base, employer, employee, account = COLUMNS[insurance]
    wanted = ["month", "bill_id", "bill__employer_id", "bill__employer__name", base, employer, employee]
    if account:
        wanted.append(account)
    return list(Contribution.objects.filter(person_id=person_id, month__lte=upto, **{f"{base}__isnull": False})
                .values(*wanted).order_by("month", "bill_id"))


def history_of(person_id: int, insurance: str, upto: date) -> list[dict]:
    """The month-by-month record up to ``upto`` (inclusive), oldest first, JSON-ready (fen ints)."""
    base, employer, employee, account = COLUMNS[insurance]
    rows = _contributions(person_id, insurance, upto)
    paid = _paid_items({r["bill_id"] for r in rows}, insurance)
    grouped: dict[tuple, dict] = defaultdict(lambda: {"base_fen": 0, "employer_fen": 0, "employee_fen": 0,
                                                      "account_fen": 0, "paid": True})
    for r in rows:
        key = (r["month"], r["bill__employer_id"])
        g = grouped[key]
        g["employer"] = r["bill__employer__name"] or SELF_PAYER
        g["base_fen"] += r[base] or 0
        g["employer_fen"] += r[employer] or 0
        g["employee_fen"] += r[employee] or 0
        g["account_fen"] += (r[account] or 0) if account else 0
        g["paid"] = g["paid"] and paid.get((r["bill_id"], r["month"]), False)
    return [{"month": f"{month:%Y-%m}", "employer_id": employer_id, **g}
            for (month, employer_id), g in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))]


def arrears_months(person_id: int, insurance: str, upto: date) -> list[str]:
    """Months up to ``upto`` whose bill item (the person's own bill, or the employer's bill holding the
    person's line) is not fully paid. Items with nothing due (≤ 0: credits) are never arrears."""
    rows = _contributions(person_id, insurance, upto)
    pairs = {(r["bill_id"], r["month"]) for r in rows}
    own = (BillItem.objects.filter(bill__person_id=person_id, insurance=insurance, month__lte=upto)
           .values_list("bill_id", "month"))
    pairs |= set(own)
    paid = _paid_items({b for b, _ in pairs}, insurance)
    due_positive = set(BillItem.objects.filter(bill_id__in={b for b, _ in pairs}, insurance=insurance, due_fen__gt=0)
                       .values_list("bill_id", "month"))
    unpaid = sorted({m for (b, m) in pairs if (b, m) in due_positive and not paid.get((b, m), False)})
    return [f"{m:%Y-%m}" for m in unpaid]


def preview(person_id: int, insurance: str, month: date) -> OutPreview:
    """Everything a transfer-out of ``insurance`` at ``month`` would carry, without writing."""
    history = history_of(person_id, insurance, month)
    wages = wages_since_1998(history)
    share, reference = None, "人社部发〔2009〕191号（医疗：仅转移个人账户余额）"
    pooled = 0
    if insurance == Insurance.PENSION:
        p = param(POOLED_PARAM, on=month)
        share, reference = p.value, p.reference
        pooled = pooled_amount(wages, share)
    return OutPreview(insurance=insurance, month=month, history=history, wages_fen=wages, share=share,
                      pooled_fen=pooled, account_fen=ledger.balance(account_code(person_id, insurance)),
                      unpaid=arrears_months(person_id, insurance, month), reference=reference)
