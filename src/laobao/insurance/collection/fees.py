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
    if not months:
        return np.zeros(0, "datetime64[D]")
    return _due_days(np.array([m.toordinal() for m in months], dtype=np.int64))


_UNIX = date(1970, 1, 1).toordinal()  # datetime64[D] counts days from 1970-01-01


def _due_days(month_ordinals: np.ndarray) -> np.ndarray:
    """The due date (``datetime64[D]``) of each month given as a date ordinal: one ``bases.due_date`` per
    distinct month, not per piece."""
    distinct, inverse = np.unique(month_ordinals, return_inverse=True)
    due = np.array([_due(date.fromordinal(m)).toordinal() for m in distinct.tolist()], dtype=np.int64)
    return (due[inverse.reshape(-1)] - _UNIX).astype("datetime64[D]")


def piece_fees(amount: np.ndarray, months, days) -> np.ndarray:
    """The fee in fen of each piece: ``amount`` owed for ``months``' contributions up to ``days``."""
    months, days = list(months), list(days) if not isinstance(days, np.ndarray) else days
    month_ord = np.array([m.toordinal() for m in months], dtype=np.int64)
    if isinstance(days, np.ndarray):
        day_ord = days.astype("datetime64[D]").astype(np.int64) + _UNIX
    else:
        day_ord = np.array([d.toordinal() for d in days], dtype=np.int64)
    return piece_fees_ordinal(amount, month_ord, day_ord)


def piece_fees_ordinal(amount: np.ndarray, month_ord: np.ndarray, day_ord: np.ndarray) -> np.ndarray:
    """``piece_fees`` with months and days as date ordinals (int64 columns)."""
    amount = np.asarray(amount, dtype=np.int64)
    if not amount.size:
        return np.zeros(0, dtype=np.int64)
    due = _due_days(np.asarray(month_ord, dtype=np.int64))
    paid = (np.asarray(day_ord, dtype=np.int64) - _UNIX).astype("datetime64[D]")
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
