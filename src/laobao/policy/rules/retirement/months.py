"""Calendar months as integers, and parsing of month inputs with a bilingual error.

Retirement and pension rules count in whole calendar months: the 2024 decision's tables are keyed by
birth month, and approval forms state ages as "60岁3个月". A month is carried as an integer index
``year * 12 + (month - 1)`` so that month arithmetic is integer addition, in single and in column mode.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np

from laobao.core.errors import DomainError

MIN_YEAR = 1900
MAX_YEAR = 2200
_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


def month_index(d: date) -> int:
    """The integer index of the calendar month of ``d`` (the day is ignored)."""
    return d.year * 12 + d.month - 1


def month_date(index: int) -> date:
    """The first day of the month with integer index ``index``."""
    year, month0 = divmod(int(index), 12)
    return date(year, month0 + 1, 1)


def month_text(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def age_text(months: int) -> str:
    """``723`` → ``"60岁3个月 / 60y3m"``."""
    years, rest = divmod(int(months), 12)
    return f"{years}岁{rest}个月 / {years}y{rest}m"


def bad_month(field: str) -> DomainError:
    return DomainError.of(
        field, "month.invalid",
        f"{field} 不是有效的年月，请按 YYYY-MM 填写（{MIN_YEAR}–{MAX_YEAR} 年）",
        f"{field} is not a valid month: write it as YYYY-MM (years {MIN_YEAR}–{MAX_YEAR})",
    )


def parse_month(value: object, field: str) -> date:
    """A date, or a "YYYY-MM" / "YYYY-MM-DD" string → the first day of that month.

    Impossible dates ("2025-13", "2025-02-30") and years outside 1900–2200 raise a DomainError naming
    ``field``. A full date is accepted (e.g. a birth date); only its year and month count.
    """
    if isinstance(value, date):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise bad_month(field)
        return date(value.year, value.month, 1)
    if not isinstance(value, str):
        raise bad_month(field)
    match = _MONTH_RE.match(value.strip())
    if not match:
        raise bad_month(field)
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        date(year, month, day)
    except ValueError:
        raise bad_month(field) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise bad_month(field)
    return date(year, month, 1)


def month_indexes(values) -> np.ndarray:
    """A sequence of dates or a NumPy ``datetime64`` array → int64 month indexes (for column mode)."""
    arr = np.asarray(values)
    if np.issubdtype(arr.dtype, np.datetime64):
        months = arr.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
        return months + 1970 * 12
    return np.fromiter((month_index(v) for v in arr), dtype=np.int64, count=arr.size)
