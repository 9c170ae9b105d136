"""缴费基数 — the contribution-base year, the floor and cap of a year, the deadline of a month.

Pure reads of parameters and of ``BaseLimit`` (the city's reference data), shared by declarations,
the assessment batch and collection. The contribution year Y runs from the month
``contribution.declaration_month`` of Y to the month before it in Y+1; its bases are declared from the
average monthly wage of calendar year Y−1.
"""

from __future__ import annotations

import calendar
from datetime import date

from laobao.core.errors import DomainError
from laobao.policy.params import param

from .models import BaseLimit, Insurance


def contribution_year(month: date) -> int:
    """The contribution-base year that ``month`` belongs to."""
    start = int(param("contribution.declaration_month", on=month).value)
    return month.year if month.month >= start else month.year - 1


def year_months(year: int) -> tuple[date, date]:
    """First and last month of contribution year ``year``."""
    start = int(param("contribution.declaration_month", on=date(year, 12, 31)).value)
    first = date(year, start, 1)
    last = date(year + (start > 1), (start - 2) % 12 + 1, 1)
    return first, last


def missing_rule(month: date) -> str:
    """``previous`` or ``cap``: how a base is assessed without a declaration (see the parameter)."""
    rule = str(param("contribution.missing_declaration_rule", on=month).value)
    if rule not in ("previous", "cap"):
        raise DomainError.of("contribution.missing_declaration_rule", "bases.rule",
                             f"参数值“{rule}”无效：应为 previous 或 cap", f"parameter value '{rule}' is invalid: use previous or cap")
    return rule


def limits(year: int) -> dict[str, tuple[int, int]]:
    """Floor and cap in fen per insurance for ``year``; a row with blank insurance applies to all the others.

    Refuses a year the city has not set (the assessment cannot guess the floor and cap).
    """
    rows = {r.insurance: (r.floor_fen, r.cap_fen) for r in BaseLimit.objects.filter(year=year)}
    common = rows.get("")
    out = {}
    for ins in Insurance.values:
        value = rows.get(ins, common)
        if value is None:
            raise DomainError.of(
                "year", "bases.no_limits",
                f"{year} 年度的缴费基数上下限尚未设置：请先用 laobao bases limits set --year {year} 录入本市公布的上下限",
                f"The contribution base floor and cap for {year} are not set: enter the city's published limits with "
                f"laobao bases limits set --year {year}")
        out[ins] = value
    return out


def due_date(month: date) -> date:
    """The last day on which the contributions of ``month`` are paid in time."""
    day = int(param("collection.due_day", on=month).value)
    last = calendar.monthrange(month.year, month.month)[1]
    return date(month.year, month.month, last if day == 0 else min(day, last))
