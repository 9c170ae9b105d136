"""Input checks and exact money arithmetic shared by the benefit rules (unemployment, injury, maternity).

Every rejection is a bilingual :class:`DomainError` naming the field, the rule and the fix.
Money is integer fen; a share times an amount is rounded ROUND_HALF_UP to the fen. The column
helpers do the same with integer arithmetic only (a Decimal share becomes an exact ratio of two
ints), so that single and column results agree to the fen.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from laobao.core.errors import DomainError

_INT64_SAFE = 2**62


def bad(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


def need_int(field: str, value, *, minimum: int | None = None, maximum: int | None = None,
             what_zh: str = "整数", what_en: str = "a whole number") -> int:
    """An int (not a bool, not a float) within [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise bad(field, f"{field}.type", f"{field} 应为{what_zh}，请重新填写",
                  f"{field} must be {what_en}; enter it again")
    value = int(value)
    if minimum is not None and value < minimum:
        raise bad(field, f"{field}.range", f"{field} 不能小于 {minimum}，请核对",
                  f"{field} must not be below {minimum}; check the value")
    if maximum is not None and value > maximum:
        raise bad(field, f"{field}.range", f"{field} 不能大于 {maximum}，请核对",
                  f"{field} must not be above {maximum}; check the value")
    return value


def need_bool(field: str, value) -> bool:
    if not isinstance(value, bool):
        raise bad(field, f"{field}.type", f"{field} 应为是/否（true/false）",
                  f"{field} must be true or false")
    return value


def need_date(field: str, value) -> date:
    """A date, or an ISO string "YYYY-MM-DD"; an impossible date (2011-02-30) is rejected."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise bad(field, f"{field}.date", f"{field} 不是有效日期，请按 YYYY-MM-DD 填写真实存在的日期",
              f"{field} is not a valid date; enter an existing date as YYYY-MM-DD")


def need_month(field: str, value) -> date:
    """A month as a date (the day is ignored) or "YYYY-MM"; returns the first day of that month."""
    if isinstance(value, date):
        return value.replace(day=1)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = int(value[:4]), int(value[5:])
        if 1 <= month <= 12 and year >= 1:
            return date(year, month, 1)
    raise bad(field, f"{field}.month", f"{field} 不是有效月份，请按 YYYY-MM 填写",
              f"{field} is not a valid month; enter it as YYYY-MM")


def need_region(field: str, value) -> str:
    if isinstance(value, str) and re.fullmatch(r"\d{6}|\d{12}", value):
        return value
    raise bad(field, f"{field}.format", f"{field} 应为6位或12位行政区划代码，例如 320508",
              f"{field} must be a 6- or 12-digit region code, e.g. 320508")


def share_of(fen: int, share: Decimal) -> int:
    """fen × share, rounded ROUND_HALF_UP to the fen."""
    return int((Decimal(fen) * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def ratio(share: Decimal) -> tuple[int, int]:
    """An exact (numerator, denominator) of ints for a Decimal share."""
    num, den = Decimal(share).as_integer_ratio()
    return int(num), int(den)


def share_of_column(fen: np.ndarray, num, den) -> np.ndarray:
    """Column twin of :func:`share_of` for non-negative fen: (2·fen·num + den) // (2·den).

    ``num`` and ``den`` may be ints or int64 arrays (one ratio per row).
    """
    fen = np.asarray(fen, dtype=np.int64)
    num = np.asarray(num, dtype=np.int64)
    den = np.asarray(den, dtype=np.int64)
    if fen.size and int(fen.max(initial=0)) * int(num.max(initial=0)) * 2 >= _INT64_SAFE:
        raise bad("wage", "wage.overflow", "金额过大，超出批量计算范围",
                  "amount too large for batch arithmetic")
    return (2 * fen * num + den) // (2 * den)


def need_column(field: str, values, *, minimum: int = 0, maximum: int | None = None) -> np.ndarray:
    """A 1-D integer column with every value in range; a bad row is named by its index."""
    arr = np.asarray(values)
    if arr.ndim != 1 or not (arr.size == 0 or np.issubdtype(arr.dtype, np.integer)):
        raise bad(field, f"{field}.type", f"{field} 列应为一维整数数组",
                  f"{field} column must be a one-dimensional integer array")
    arr = arr.astype(np.int64, copy=False)
    wrong = arr < minimum
    if maximum is not None:
        wrong |= arr > maximum
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        bound = f"{minimum}…{maximum}" if maximum is not None else f"≥ {minimum}"
        raise bad(field, f"{field}.range", f"{field} 第 {row} 行的值 {int(arr[row])} 超出范围（{bound}）",
                  f"{field} row {row} value {int(arr[row])} is out of range ({bound})")
    return arr


def yuan(fen: int) -> str:
    """fen as a yuan string with two decimals, for formulas: 185470 → "1854.70"."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def used(sources, *names: str) -> list:
    """The ParamValues among ``sources`` whose name is one of ``names`` (in that order)."""
    by_name = {getattr(s, "name", None): s for s in sources}
    return [by_name[n] for n in names if n in by_name]


class date_field:
    """Context manager: a parameter with no value on the date becomes an error on the caller's date field.

    ``param()`` names its own argument (``on``); the calculator's user gave ``injury_date`` or ``month``.
    """

    def __init__(self, field: str):
        self.field = field

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        from laobao.core.errors import Problem
        from laobao.policy.params import ParameterError

        if isinstance(exc, ParameterError) and any(p.field == "on" for p in exc.problems):
            raise DomainError(*(Problem(self.field if p.field == "on" else p.field, p.code, p.zh, p.en)
                                for p in exc.problems)) from None
        return False
