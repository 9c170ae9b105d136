"""Settlement: what the payers of a run owe, and how their money (credit, then payments) pays it.

Everything is loaded in a few set-based queries per chunk of payers and computed in NumPy columns
(``allocation.overlap``); the result is a list of allocation rows, written by ``services``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from ..models import AllocationKind
from . import fees, runsql
from .allocation import insurance_rank, overlap, sum_pieces

USED = (AllocationKind.PRINCIPAL, AllocationKind.CREDIT_USED)
EMPLOYER, PERSON = "employer", "person"


def payer_code(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


@dataclass
class Money:
    """The money of a run: per payer, its credit first (payment index -1), then payments in order."""

    payer: list[str] = field(default_factory=list)     # "employer:12"
    payment: list[int] = field(default_factory=list)   # index into the run's payments, -1 = credit
    amount: list[int] = field(default_factory=list)
    day: list[date] = field(default_factory=list)


@dataclass
class Pieces:
    item: list[int] = field(default_factory=list)
    payer: list[str] = field(default_factory=list)
    payment: list[int] = field(default_factory=list)   # run index, -1 = credit
    kind: list[str] = field(default_factory=list)
    amount: list[int] = field(default_factory=list)
    day: list[date] = field(default_factory=list)


def _load_payers(payers: list[str]) -> None:
    runsql.run_table((p.split(":")[0], int(p.split(":")[1])) for p in payers)


def outstanding_items(payers: list[str], *, load: bool = True) -> list[tuple]:
    """(item_id, payer, month, insurance, outstanding_fen) of every item still owed by ``payers``
    (``load=False``: ``payers`` are already in the run table)."""
    if load:
        _load_payers(payers)
    out = []
    for kind, sql in ((EMPLOYER, runsql.OUTSTANDING_EMPLOYER), (PERSON, runsql.OUTSTANDING_PERSON)):
        out.extend((i, payer_code(kind, p), _day(m), ins, owed) for i, p, m, ins, owed in runsql.rows(sql))
    return out


def unpaid_fees(payers: list[str], *, load: bool = True) -> list[tuple]:
    """(item_id, payer, month, insurance, fee_fen) of late fees charged on paid pieces and not yet paid."""
    if load:
        _load_payers(payers)
    pieces = [(i, e, _day(m), ins, a, _day(d)) for i, e, m, ins, a, d in runsql.rows(runsql.LATE_PIECES)]
    if not pieces:
        return []
    paid = dict(runsql.rows(runsql.FEES_PAID))
    charged = fees.piece_fees(np.array([p[4] for p in pieces]), [p[2] for p in pieces], [p[5] for p in pieces])
    per_item: dict[int, list] = {}
    for (item, emp, month, ins, _, _), fee in zip(pieces, charged.tolist()):
        row = per_item.setdefault(item, [item, payer_code(EMPLOYER, emp), month, ins, 0])
        row[4] += fee
    out = []
    for item, row in per_item.items():
        row[4] -= paid.get(item, 0)
        if row[4] > 0:
            out.append(tuple(row))
    return out


def credit_balances(payers: list[str]) -> dict[str, int]:
    """The credit (ledger ``credit:<payer>``, credit-normal) of each payer that has some."""
    _load_payers(payers)
    return {code[len("credit:"):]: b for code, b in runsql.rows(runsql.CREDITS) if b > 0}


def _day(value) -> date:
    """SQLite returns dates as text from raw SQL; PostgreSQL as dates."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _claims(rows: list[tuple], payer_index: dict[str, int], rank: dict[str, int]):
    """Claim columns sorted in the allocation order: payer, month, insurance rank, item id."""
    if not rows:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, []
    payer = np.array([payer_index[r[1]] for r in rows], dtype=np.int64)
    month = np.array([r[2].toordinal() for r in rows], dtype=np.int64)
    ins = np.array([rank[r[3]] for r in rows], dtype=np.int64)
    item = np.array([r[0] for r in rows], dtype=np.int64)
    order = np.lexsort((item, ins, month, payer))
    amount = np.array([r[4] for r in rows], dtype=np.int64)
    return payer[order], item[order], amount[order], [rows[i] for i in order]


def settle(money: Money, on: date, *, loaded: list[str] | None = None) -> Pieces:
    """Apply the run's money to what its payers owe; returns every allocation piece (not yet written).

    ``loaded``: the payers last put in the run table (``credit_balances``); when they are exactly the money's
    payers the table is not filled again."""
    payers = sorted(set(money.payer))
    index = {p: i for i, p in enumerate(payers)}
    rank = insurance_rank(on)
    m_payer = np.array([index[p] for p in money.payer], dtype=np.int64)
    if loaded is None or sorted(set(loaded)) != payers:
        _load_payers(payers)
    c_payer, c_item, c_amount, c_rows = _claims(outstanding_items(payers, load=False), index, rank)
    ci, mi, amt = overlap(c_payer, c_amount, m_payer, np.array(money.amount, dtype=np.int64))
    out = Pieces()
    run_payment = np.array(money.payment, dtype=np.int64)
    m_list, paid_by = mi.tolist(), run_payment[mi].tolist()
    out.item.extend(c_item[ci].tolist())
    out.payer.extend(money.payer[m] for m in m_list)
    out.payment.extend(paid_by)
    out.kind.extend(AllocationKind.PRINCIPAL if p >= 0 else AllocationKind.CREDIT_USED for p in paid_by)
    out.amount.extend(amt.tolist())
    out.day.extend(money.day[m] for m in m_list)
    _settle_fees(out, money, payers, index, rank, ci, mi, amt, c_rows)
    return out


def _settle_fees(out: Pieces, money: Money, payers, index, rank, ci, mi, amt, c_rows) -> None:
    """Phase two: the late fees (earlier unpaid ones and those of this run's late pieces) from what is left."""
    employer = np.array([money.payer[m].startswith(EMPLOYER) for m in mi.tolist()], dtype=bool)
    new_fee = fees.piece_fees(amt[employer], [c_rows[c][2] for c in ci[employer].tolist()],
                              [money.day[m] for m in mi[employer].tolist()])
    claims: dict[int, list] = {}
    for item, payer, month, ins, fee in unpaid_fees(payers, load=False):
        claims[item] = [item, payer, month, ins, fee]
    for c, m, fee in zip(ci[employer].tolist(), mi[employer].tolist(), new_fee.tolist()):
        if fee:
            item, _, month, ins, _ = c_rows[c]
            row = claims.setdefault(item, [item, money.payer[m], month, ins, 0])
            row[4] += fee
    if not claims:
        return
    left = np.array(money.amount, dtype=np.int64) - sum_pieces(mi, amt, len(money.amount))
    real = (np.array(money.payment) >= 0) & (left > 0)
    f_payer, f_item, f_amount, _ = _claims([tuple(r) for r in claims.values()], index, rank)
    m_idx = np.flatnonzero(real)
    fi, fm, famt = overlap(f_payer, f_amount, np.array([index[money.payer[i]] for i in m_idx], dtype=np.int64),
                           left[m_idx])
    for c, m, a in zip(fi.tolist(), fm.tolist(), famt.tolist()):
        out.item.append(int(f_item[c]))
        out.payer.append(money.payer[m_idx[m]])
        out.payment.append(int(money.payment[m_idx[m]]))
        out.kind.append(AllocationKind.LATE_FEE)
        out.amount.append(a)
        out.day.append(money.day[m_idx[m]])
