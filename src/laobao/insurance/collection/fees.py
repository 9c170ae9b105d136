"""Late fees over columns of principal pieces: the rule ``policy.rules.collection.late_fee`` per piece.

A piece is an amount of principal of one item paid (or still owed) up to a day; its fee runs from the
item's due date (``bases.due_date(item.month)``) to that day and is rounded once, to the fen.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np

from laobao.insurance import bases
from laobao.policy.rules.collection import late_fee


@lru_cache(maxsize=4096)
def _due(month: date) -> date:
    return bases.due_date(month)


def due_of(month: date) -> date:
    """The last day on which ``month``'s contributions are paid in time (cached ``bases.due_date``)."""
    return _due(month)


def due_dates(months) -> np.ndarray:
    """``bases.due_date`` of each month (a column of dates), as ``datetime64[D]``."""
    months = list(months)
    return np.array([_due(m) for m in months], dtype="datetime64[D]") if months else np.zeros(0, "datetime64[D]")


def piece_fees(amount: np.ndarray, months, days) -> np.ndarray:
    """The fee in fen of each piece: ``amount`` owed for ``months``' contributions up to ``days``."""
    amount = np.asarray(amount, dtype=np.int64)
    if not amount.size:
        return np.zeros(0, dtype=np.int64)
    due = due_dates(months)
    paid = np.asarray(list(days) if not isinstance(days, np.ndarray) else days, dtype="datetime64[D]")
    late = paid > due
    out = np.zeros(amount.size, dtype=np.int64)
    if late.any():
        # a reversing piece (negative, collection.corrections) cancels exactly the fee of the piece it undoes
        fee = late_fee.late_fee_columns(np.abs(amount[late]), due[late], paid[late], _params())["fee"]
        out[late] = np.where(amount[late] < 0, -fee, fee)
    return out


@lru_cache(maxsize=1)
def _params():
    return late_fee.params_for()


def clear_cache() -> None:
    _due.cache_clear()
    _params.cache_clear()
