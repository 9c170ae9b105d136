"""How money is applied to what a payer owes: the parameterized order and the vectorized overlap.

The order is the dated parameter ``collection.allocation_order`` (see its file): oldest contribution
month first (先欠先缴), within a month the insurances in the listed order, and late fees only after all
principal. A payer's money is a stream: first the payer's credit (usable for principal only, it becomes
``credit_used``), then the payments in the order paid (paid_on, bank_ref). Claims form a stream in the
allocation order. Money and claims are laid end to end per payer; the pieces of the allocation are the
overlaps of the two streams (``overlap``), computed for every payer at once with cumulative sums and
``searchsorted`` — no Python loop over payments or items. What is left of a payment after every claim
is held as credit (``credit_held``).

Late fees (employers only — 社会保险法 第八十六条 charges the 用人单位): each principal piece paid after
the item's due date carries the fee on that piece from the due date to the day it was paid
(``policy.rules.collection.late_fee``), rounded once per piece; together with the fee of earlier late
pieces still unpaid, it is claimed after all principal.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from laobao.core.errors import DomainError
from laobao.policy.params import param

PARAM = "collection.allocation_order"
INSURANCES = ("pension", "medical", "unemployment", "injury", "maternity")


def insurance_rank(on: date) -> dict[str, int]:
    """The rank of each insurance within a month, from the parameter in force on ``on``."""
    tokens = str(param(PARAM, on=on).value).split()
    if (len(tokens) != 7 or tokens[0] != "month" or tokens[-1] != "late_fee"
            or sorted(tokens[1:-1]) != sorted(INSURANCES)):
        raise DomainError.of(PARAM, "allocation.order",
                             f"冲抵顺序参数“{' '.join(tokens)}”无效：应为 month、五个险种、late_fee",
                             f"allocation order '{' '.join(tokens)}' is invalid: use month, the five insurances, "
                             "late_fee")
    return {ins: i for i, ins in enumerate(tokens[1:-1])}


def overlap(claim_payer: np.ndarray, claim_amt: np.ndarray, money_payer: np.ndarray,
            money_amt: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pieces (claim index, money index, amount) of two streams, each sorted by payer then in order.

    Amounts are positive int64 fen. Each payer's claims and money start at the same offset; the
    stretch where both run is cut at every boundary of either, each cut is one piece.
    """
    claim_amt = np.asarray(claim_amt, dtype=np.int64)
    money_amt = np.asarray(money_amt, dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    if not claim_amt.size or not money_amt.size:
        return empty, empty, empty
    payers = np.union1d(claim_payer, money_payer)
    c_sum = _sum_by(np.searchsorted(payers, claim_payer), claim_amt, payers.size)
    m_sum = _sum_by(np.searchsorted(payers, money_payer), money_amt, payers.size)
    span = np.maximum(c_sum, m_sum)
    offset = np.concatenate(([0], np.cumsum(span)[:-1]))
    c_end = offset[np.searchsorted(payers, claim_payer)] + _cum_within(claim_payer, claim_amt)
    m_end = offset[np.searchsorted(payers, money_payer)] + _cum_within(money_payer, money_amt)
    c_start, m_start = c_end - claim_amt, m_end - money_amt
    cuts = np.unique(np.concatenate((c_start, c_end, m_start, m_end)))
    left, right = cuts[:-1], cuts[1:]
    ci = np.searchsorted(c_end, left, side="right")
    mi = np.searchsorted(m_end, left, side="right")
    ok = (ci < c_end.size) & (mi < m_end.size)
    ci_c, mi_c = np.minimum(ci, c_end.size - 1), np.minimum(mi, m_end.size - 1)
    ok &= (c_start[ci_c] <= left) & (m_start[mi_c] <= left)
    return ci_c[ok], mi_c[ok], (right - left)[ok]


def _sum_by(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, group, values)
    return out


def _cum_within(payer: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Running sum of ``amount`` restarting at each new payer (rows are grouped by payer)."""
    total = np.cumsum(amount)
    start = np.ones(payer.size, dtype=bool)
    start[1:] = payer[1:] != payer[:-1]
    before = np.where(start, total - amount, 0)
    base = np.maximum.accumulate(np.where(start, np.arange(payer.size), 0))
    return total - before[base]


def sum_pieces(index: np.ndarray, amount: np.ndarray, n: int) -> np.ndarray:
    """Σ of piece amounts per claim (or money) index."""
    return _sum_by(index, amount, n)
