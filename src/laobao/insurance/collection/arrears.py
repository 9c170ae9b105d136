"""欠费 — arrears of a payer as of any date D: outstanding principal, aging and late fees.

An item's principal outstanding on D is its due minus the principal and credit_used allocated on or
before D. Its late fee on D (employers only) is the fee on each piece paid late, from the due date to the
day it was paid, plus the fee on what is still outstanding from the due date to D (each partial payment
reduces the principal from its date; ``fees.piece_fees``). Aging buckets count from the item's due date
(``bases.due_date(item.month)``). Callers resolve the payer through their own scoped selector first.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
from django.db.models import Sum

from laobao.ledger.selectors import balance
from laobao.registry.models import Employer

from ..models import Allocation, AllocationKind, BillItem
from . import fees
from .settle import USED

BUCKETS = ((0, "current"), (30, "0-30"), (90, "31-90"), (365, "91-365"))
OVER = ">365"
CHUNK = 900


def bucket(days_late: int) -> str:
    """'current' (not late), '0-30' (1–30 days), '31-90', '91-365', '>365'."""
    for limit, name in BUCKETS:
        if days_late <= limit:
            return name
    return OVER


def _payer(payer) -> tuple[dict, str]:
    if isinstance(payer, Employer):
        return {"bill__employer": payer}, f"employer:{payer.pk}"
    return {"bill__person": payer}, f"person:{payer.pk}"


def paid_by_item(item_ids, on: date | None = None) -> dict[int, int]:
    """Σ principal + credit_used per item (allocated on or before ``on`` when given), fen.

    Without ``on``: ``BillItem.paid_fen``, kept by the database (migration 0007); with it, the allocations."""
    ids, out = list(item_ids), {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        if on is None:
            out.update(BillItem.objects.filter(pk__in=chunk).values_list("pk", "paid_fen"))
            continue
        qs = Allocation.objects.filter(item_id__in=chunk, kind__in=USED, allocated_on__lte=on)
        out.update(qs.values("item_id").annotate(s=Sum("amount_fen")).values_list("item_id", "s"))
    return {i: out.get(i, 0) for i in ids}


def arrears_items(payer, on: date) -> list[dict]:
    """Every item of ``payer``'s bills issued for months up to ``on`` that is owed on ``on`` (principal or fee)."""
    where, _ = _payer(payer)
    items = list(BillItem.objects.filter(**where, due_fen__gt=0, bill__month__lte=on)
                 .values_list("id", "bill_id", "month", "insurance", "due_fen").order_by("month", "id"))
    if not items:
        return []
    ids = [i[0] for i in items]
    pieces = list(Allocation.objects.filter(item_id__in=ids, kind__in=USED, allocated_on__lte=on)
                  .values_list("item_id", "amount_fen", "allocated_on"))
    fee_paid = dict(Allocation.objects.filter(item_id__in=ids, kind=AllocationKind.LATE_FEE, allocated_on__lte=on)
                    .values("item_id").annotate(s=Sum("amount_fen")).values_list("item_id", "s"))
    paid: dict[int, int] = defaultdict(int)
    for item, amount, _ in pieces:
        paid[item] += amount
    month_of = {i[0]: i[2] for i in items}
    charged = _fees(payer, items, pieces, paid, month_of, on)
    out = []
    for item, bill, month, ins, due in items:
        outstanding = due - paid[item]
        due_day = fees.due_of(month)
        late = max(0, (on - due_day).days) if outstanding > 0 else 0
        row = {"item_id": item, "bill_id": bill, "month": month, "insurance": ins, "due_date": due_day,
               "due_fen": due, "paid_fen": paid[item], "outstanding_fen": outstanding, "days_late": late,
               "late_fee_fen": charged[item], "late_fee_paid_fen": fee_paid.get(item, 0), "bucket": bucket(late)}
        if outstanding > 0 or row["late_fee_fen"] > row["late_fee_paid_fen"]:
            out.append(row)
    return out


def _fees(payer, items, pieces, paid, month_of, on) -> dict[int, int]:
    """Late fee per item on ``on``: paid pieces to their day + the outstanding principal to ``on``."""
    out: dict[int, int] = defaultdict(int)
    if not isinstance(payer, Employer):
        return out
    open_items = [(i[0], i[4] - paid[i[0]]) for i in items if i[4] - paid[i[0]] > 0]
    rows = [(item, amount, day) for item, amount, day in pieces] + [(item, amount, on) for item, amount in open_items]
    if not rows:
        return out
    charged = fees.piece_fees(np.array([r[1] for r in rows]), [month_of[r[0]] for r in rows], [r[2] for r in rows])
    for (item, _, _), fee in zip(rows, charged.tolist()):
        out[item] += fee
    return out


def arrears_summary(payer, on: date) -> dict:
    """Totals of ``arrears_items``: per insurance, per bucket, late fees owed, and the payer's credit."""
    _, code = _payer(payer)
    rows = arrears_items(payer, on)
    by_ins: dict[str, int] = defaultdict(int)
    by_bucket: dict[str, int] = defaultdict(int)
    for r in rows:
        by_ins[r["insurance"]] += r["outstanding_fen"]
        by_bucket[r["bucket"]] += r["outstanding_fen"]
    return {"on": on, "items": len(rows), "outstanding_fen": sum(by_ins.values()),
            "by_insurance": dict(by_ins), "by_bucket": dict(by_bucket),
            "late_fee_fen": sum(r["late_fee_fen"] for r in rows),
            "late_fee_paid_fen": sum(r["late_fee_paid_fen"] for r in rows),
            "late_fee_owed_fen": sum(r["late_fee_fen"] - r["late_fee_paid_fen"] for r in rows),
            "credit_fen": balance(f"credit:{code}")}
