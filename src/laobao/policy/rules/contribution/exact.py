"""Exact money arithmetic shared by the collection-side rules (contribution, account, late fee).

Money is integer fen. A share (rate) is a Decimal in single-person mode; in column mode the same
share is turned ONCE into an integer numerator over a power of ten, so that

    half_up(base × rate)  ==  (2 × base × n + d) // (2 × d)     with rate = n / d, d = 10**k

holds exactly for every non-negative integer base: both sides are the rounding of the same
rational number to the nearest integer, halves away from zero (ROUND_HALF_UP). No float is
ever involved.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np

from laobao.core.errors import DomainError

#: int64 head-room kept free in column products (2**62 instead of 2**63).
INT64_LIMIT = 2**62


def half_up(value: Decimal, quantum: int = 1, divisor: int = 1) -> int:
    """Round ``value / divisor`` fen to a multiple of ``quantum`` fen, halves away from zero (ROUND_HALF_UP)."""
    with localcontext() as ctx:
        ctx.prec = 60
        units = (Decimal(value) / divisor / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(units) * quantum


def times(amount_fen: int, *factors: Decimal) -> Decimal:
    """The exact product of an integer amount of fen and Decimal factors (60 significant digits)."""
    with localcontext() as ctx:
        ctx.prec = 60
        result = Decimal(amount_fen)
        for factor in factors:
            result *= factor
        return result


def scale_of(rates) -> int:
    """The smallest power of ten d = 10**k such that every rate × d is an integer."""
    k = 0
    for rate in rates:
        exponent = Decimal(rate).normalize().as_tuple().exponent
        if isinstance(exponent, str):  # NaN / Infinity
            raise ValueError(f"not a finite rate: {rate}")
        k = max(k, -exponent)
    return 10**k


def numerators(rates, d: int) -> np.ndarray:
    """The integer numerators n_i = rate_i × d (exact) as an int64 array."""
    out = []
    for rate in rates:
        n = Decimal(rate) * d
        if n != n.to_integral_value():
            raise ValueError(f"rate {rate} is not a multiple of 1/{d}")
        out.append(int(n))
    return np.asarray(out, dtype=np.int64)


def div_half_up(x: np.ndarray, d: int, out: np.ndarray | None = None) -> np.ndarray:
    """Half-up rounding of x / d for non-negative int64 x, in place of ``out`` when given."""
    tmp = np.multiply(x, 2, out=out)
    tmp += d
    return np.floor_divide(tmp, 2 * d, out=tmp)


def check_product(max_a: int, max_b: int, field: str) -> None:
    """Refuse a column whose largest exact product would not fit int64 (instead of wrapping round)."""
    if max_a * max_b * 2 + max_b >= INT64_LIMIT:
        raise DomainError.of(
            field, "calc.too_large",
            f"金额过大，无法精确计算（{max_a} 分）。请分批或核对数据。",
            f"Amount too large for exact column arithmetic ({max_a} fen); check the data or split the batch.",
        )


def negative(field: str, value) -> DomainError:
    return DomainError.of(
        field, "calc.negative",
        f"{field} 不能为负数（{value}）。请填写 0 或正数金额。",
        f"{field} must not be negative (got {value}); enter zero or a positive amount.",
    )


def yuan(fen: int) -> str:
    """Format integer fen as a yuan string with two decimals ("1854.70")."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def percent(rate: Decimal) -> str:
    """A share as a percentage string without trailing zeros ("8%", "0.05%")."""
    text = format((Decimal(rate) * 100).normalize(), "f")
    return f"{text}%"
