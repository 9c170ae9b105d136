"""Exact integer arithmetic shared by the single-person and the column forms of the pension rules.

Every amount is integer fen and every share is an exact ratio of integers, so that the Python-int path
(one person) and the NumPy int64 path (a column) give the same fen: both end in one half-up division.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

INT64_SAFE = 2**62


def round_div(numerator, denominator):
    """``numerator / denominator`` rounded half-up (ROUND_HALF_UP), for numerator ≥ 0 and denominator > 0.

    Works on Python ints and on NumPy integer arrays alike: ``floor((2n + d) / 2d)``.
    """
    return (2 * numerator + denominator) // (2 * denominator)


def ratio(value: Decimal) -> tuple[int, int]:
    """An exact Decimal → (numerator, denominator) of Python ints."""
    num, den = Decimal(value).as_integer_ratio()
    return int(num), int(den)


def yuan(fen: int) -> str:
    """``87722`` → ``"877.22"``; negative amounts keep their sign."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"


def exact_columns(*bounds: int) -> bool:
    """True when the product of the given maxima (times 2 for rounding) fits int64 safely."""
    product = 2
    for b in bounds:
        product *= max(int(b), 1)
    return product < INT64_SAFE


def as_int64(values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"expected an integer array, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)
