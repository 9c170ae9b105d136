"""计发月数 — the annuity divisor of the individual account pension.

国发〔2005〕38号 第六条：个人账户养老金月标准为个人账户储存额除以计发月数，计发月数根据职工退休时城镇人口平均
预期寿命、本人退休年龄、利息等因素确定（附件：个人账户养老金计发月数表，退休年龄 40–70 岁）。

Since the 2025 retirement reform, retirement ages carry months (60岁3个月). For ``y`` years and ``k``
months the divisor is interpolated linearly between the whole-age entries and rounded half-up to one
decimal (0.1 month): ``m = T[y] − (T[y] − T[y+1]) × k / 12``. This reproduces the published values
(60y1m = 138.4, 60y3m = 137.3, 58y3m = 150.3, 62y3m = 123.0, 55y3m = 168.5) and the 淮安洪泽 approval
form (87722.18 / 137.3 = 638.91). The document that defines the monthly table was not found: the
interpolation is verified by reproduction, not by text.

The divisor is carried as an integer number of TENTHS of a month (137.3 → 1373), so that single and
column forms share one integer formula: ``tenths = round_half_up((120·T[y] − 10·(T[y]−T[y+1])·k) / 12)``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

import numpy as np

from laobao.core.errors import DomainError

from .arith import round_div

REFERENCE = "国发〔2005〕38号 第六条及附件《个人账户养老金计发月数表》；按月插值（四舍五入保留一位小数）"
MIN_AGE = 40
MAX_AGE = 70


def _age_error(age_months: int | None = None, row: int | None = None) -> DomainError:
    where = f"第 {row} 行" if row is not None else ""
    got = f"（{age_months // 12}岁{age_months % 12}个月）" if age_months is not None else ""
    return DomainError.of(
        "retire_month", "pension.divisor_age",
        f"{where}退休年龄{got}超出计发月数表范围：须在 {MIN_AGE} 岁至 {MAX_AGE} 岁之间",
        f"{'row %d: ' % row if row is not None else ''}the age at retirement is outside the divisor table: "
        f"it must be between {MIN_AGE} and {MAX_AGE} years",
    )


def table_array(table: Mapping[int, int]) -> np.ndarray:
    """The table as an int64 array indexed by ``age − 40``, with T[71] = T[70] (used only with k = 0)."""
    missing = [a for a in range(MIN_AGE, MAX_AGE + 1) if a not in table]
    if missing:
        raise DomainError.of("pension.divisor_table", "param.table_incomplete",
                             f"计发月数表缺少年龄 {missing}", f"the divisor table lacks ages {missing}")
    values = [int(table[a]) for a in range(MIN_AGE, MAX_AGE + 1)]
    return np.array(values + [values[-1]], dtype=np.int64)


def divisor_tenths(age_months: int, table: Mapping[int, int]) -> int:
    """The divisor for an age of ``age_months`` months, in tenths of a month (137.3 → 1373)."""
    if not MIN_AGE * 12 <= age_months <= MAX_AGE * 12:
        raise _age_error(age_months)
    years, k = divmod(age_months, 12)
    t_y = int(table[years])
    t_next = int(table[years + 1]) if k else t_y
    return round_div(120 * t_y - 10 * (t_y - t_next) * k, 12)


def divisor(age_months: int, table: Mapping[int, int]) -> Decimal:
    """The divisor as a Decimal with one decimal place (``Decimal("137.3")``)."""
    return Decimal(divisor_tenths(age_months, table)).scaleb(-1).quantize(Decimal("0.1"))


def divisor_tenths_columns(age_months: np.ndarray, table: Mapping[int, int] | np.ndarray) -> np.ndarray:
    """Column form of :func:`divisor_tenths` over an int64 array of ages in months."""
    arr = table if isinstance(table, np.ndarray) else table_array(table)
    age = np.asarray(age_months, dtype=np.int64)
    bad = (age < MIN_AGE * 12) | (age > MAX_AGE * 12)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise _age_error(int(age[row]), row)
    years, k = np.divmod(age, 12)
    t_y = arr[years - MIN_AGE]
    t_next = arr[years - MIN_AGE + 1]
    return round_div(120 * t_y - 10 * (t_y - t_next) * k, 12)
