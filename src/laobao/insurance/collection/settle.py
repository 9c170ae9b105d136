"""Settlement: what the payers of a run owe, and how their money (credit, then payments) pays it.

Everything is loaded in a few set-based queries per chunk of payers and computed in NumPy columns
(``allocation.overlap``); the result is the allocation pieces as columns (``Pieces``: no Python object per
piece, days as date ordinals), written by ``services``.
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


# kind codes of ``Pieces.kind`` (int8); ``KIND_TEXT[code]`` is the AllocationKind value
PRINCIPAL, CREDIT_USED, LATE_FEE = 0, 1, 2
KIND_TEXT = np.array([AllocationKind.PRINCIPAL.value, AllocationKind.CREDIT_USED.value,
                      AllocationKind.LATE_FEE.value], dtype=object)
_NONE = np.zeros(0, dtype=np.int64)


@dataclass
class Pieces:
    """The allocation pieces of a run as NumPy columns (no Python object per piece)."""

    payers: list[str] = field(default_factory=list)                       # sorted payer codes
    item: np.ndarray = field(default_factory=lambda: _NONE)
    payer: np.ndarray = field(default_factory=lambda: _NONE)              # index into ``payers``
    payment: np.ndarray = field(default_factory=lambda: _NONE)            # run index, -1 = credit
    kind: np.ndarray = field(default_factory=lambda: _NONE.astype(np.int8))  # PRINCIPAL / CREDIT_USED / LATE_FEE
    amount: np.ndarray = field(default_factory=lambda: _NONE)
    day: np.ndarray = field(default_factory=lambda: _NONE)                # date ordinal
    paid_items: np.ndarray = field(default_factory=lambda: _NONE)         # pension items now fully paid (sorted)

    def payer_codes(self) -> list[str]:
        return [self.payers[i] for i in self.payer.tolist()]

    def __len__(self) -> int:
        return int(self.item.size)


def ordinals(days) -> np.ndarray:
    """Date ordinals of a column of dates (one ``toordinal`` per distinct day: a run has few)."""
    cache: dict = {}
    return np.array([cache[d] if d in cache else cache.setdefault(d, d.toordinal()) for d in days], dtype=np.int64)


def iso_days(ordinal: np.ndarray) -> list[str]:
    """ISO text of each date ordinal (one ``isoformat`` per distinct day)."""
    distinct, inverse = np.unique(ordinal, return_inverse=True)
    text = np.array([date.fromordinal(d).isoformat() for d in distinct.tolist()], dtype=object)
    return text[inverse.reshape(-1)].tolist()


def dates(ordinal: np.ndarray) -> list[date]:
    """``date`` of each ordinal (one object per distinct day)."""
    distinct, inverse = np.unique(ordinal, return_inverse=True)
    objects = [date.fromordinal(d) for d in distinct.tolist()]
    return [objects[i] for i in inverse.reshape(-1).tolist()]


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
    """Claim columns (payer, item, amount, month ordinal, insurance rank) sorted in the allocation order: payer, month,
    insurance rank, item id."""
    if not rows:
        return _NONE, _NONE, _NONE, _NONE, _NONE
    payer = np.array([payer_index[r[1]] for r in rows], dtype=np.int64)
    month = ordinals([r[2] for r in rows])
    ins = np.array([rank[r[3]] for r in rows], dtype=np.int64)
    item = np.array([r[0] for r in rows], dtype=np.int64)
    amount = np.array([r[4] for r in rows], dtype=np.int64)
    order = np.lexsort((item, ins, month, payer))
    return payer[order], item[order], amount[order], month[order], ins[order]


def settle(money: Money, on: date, *, loaded: list[str] | None = None) -> Pieces:
    """Apply the run's money to what its payers owe; returns every allocation piece (not yet written).

    ``loaded``: the payers last put in the run table (``credit_balances``); when they are exactly the money's
    payers the table is not filled again."""
    payers = sorted(set(money.payer))
    index = {p: i for i, p in enumerate(payers)}
    rank = insurance_rank(on)
    if loaded is None or sorted(set(loaded)) != payers:
        _load_payers(payers)
    m = _MoneyColumns(money, index)
    c_payer, c_item, c_amount, c_month, c_ins = _claims(outstanding_items(payers, load=False), index, rank)
    ci, mi, amt = overlap(c_payer, c_amount, m.payer, m.amount)
    paid_by = m.payment[mi]
    principal = Pieces(payers, c_item[ci], m.payer[mi], paid_by,
                       np.where(paid_by >= 0, PRINCIPAL, CREDIT_USED).astype(np.int8), amt, m.day[mi])
    fee = _settle_fees(m, payers, index, rank, ci, mi, amt, (c_item, c_month, c_ins))
    out = _concat(principal, fee) if fee is not None else principal
    # what each claim still owed (due − paid, read under the run's lock) is now paid in full
    full = (sum_pieces(ci, amt, c_amount.size) == c_amount) & (c_ins == rank["pension"])
    out.paid_items = np.unique(c_item[full])
    return out


class _MoneyColumns:
    """``Money`` as columns: payer index, run payment index, amount, day ordinal."""

    def __init__(self, money: Money, index: dict[str, int]):
        self.payer = np.array([index[p] for p in money.payer], dtype=np.int64)
        self.payment = np.array(money.payment, dtype=np.int64)
        self.amount = np.array(money.amount, dtype=np.int64)
        self.day = ordinals(money.day)


def _concat(a: Pieces, b: Pieces) -> Pieces:
    return Pieces(a.payers, *(np.concatenate((getattr(a, f), getattr(b, f)))
                              for f in ("item", "payer", "payment", "kind", "amount", "day")))


def _settle_fees(m: _MoneyColumns, payers, index, rank, ci, mi, amt, claims) -> Pieces | None:
    """Phase two: the late fees (earlier unpaid ones and those of this run's late pieces) from what is left."""
    is_employer = np.array([p.startswith(EMPLOYER) for p in payers], dtype=bool)
    employer = is_employer[m.payer[mi]] if mi.size else np.zeros(0, dtype=bool)
    new_fee = fees.piece_fees_ordinal(amt[employer], claims[1][ci[employer]], m.day[mi[employer]])
    charged = new_fee != 0
    f_payer, f_item, f_amount = _fee_claims(unpaid_fees(payers, load=False), index, rank, ci[employer][charged],
                                            m.payer[mi[employer]][charged], new_fee[charged], claims)
    if not f_item.size:
        return None
    left = m.amount - sum_pieces(mi, amt, m.amount.size)
    m_idx = np.flatnonzero((m.payment >= 0) & (left > 0))
    fi, fm, famt = overlap(f_payer, f_amount, m.payer[m_idx], left[m_idx])
    at = m_idx[fm]
    return Pieces(payers, f_item[fi], m.payer[at], m.payment[at], np.full(fi.size, LATE_FEE, dtype=np.int8), famt,
                  m.day[at])


def _fee_claims(earlier: list[tuple], index, rank, new: np.ndarray, new_payer: np.ndarray, new_fee: np.ndarray,
                claims) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The late-fee claims (payer, item, fee) in the allocation order: each item's earlier unpaid fee plus the
    fees of this run's late pieces of it (``new``: claim indices into ``claims``)."""
    c_item, c_month, c_ins = claims
    item = np.concatenate((np.array([r[0] for r in earlier], dtype=np.int64), c_item[new]))
    if not item.size:
        return _NONE, _NONE, _NONE
    payer = np.concatenate((np.array([index[r[1]] for r in earlier], dtype=np.int64), new_payer))
    month = np.concatenate((ordinals([r[2] for r in earlier]), c_month[new]))
    ins = np.concatenate((np.array([rank[r[3]] for r in earlier], dtype=np.int64), c_ins[new]))
    fee = np.concatenate((np.array([r[4] for r in earlier], dtype=np.int64), new_fee))
    items, first, inverse = np.unique(item, return_index=True, return_inverse=True)
    total = np.zeros(items.size, dtype=np.int64)
    np.add.at(total, inverse.reshape(-1), fee)
    payer, month, ins = payer[first], month[first], ins[first]
    order = np.lexsort((items, ins, month, payer))
    return payer[order], items[order], total[order]
