"""最低缴费年限 — the minimum contribution years for a monthly basic pension, and the check.

《中华人民共和国社会保险法》第十六条：参加基本养老保险的个人，达到法定退休年龄时累计缴费满十五年的，按月领取
基本养老金。《国务院关于渐进式延迟法定退休年龄的办法》第三条：从2030年1月1日起，将职工按月领取基本养老金最低
缴费年限由十五年逐步提高至二十年，每年提高六个月。职工达到法定退休年龄但不满最低缴费年限的，可以按照规定
通过延长缴费或者一次性缴费的办法达到最低缴费年限，按月领取基本养老金。

The minimum applies by the calendar year of retirement (15 until 2029, 15.5 in 2030, … 20 from 2039).
Contribution months count deemed months (视同缴费年限). Whole months only: no rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from laobao.core.errors import DomainError

from .months import month_index, parse_month

PARAM = "pension.min_contribution_years"
REFERENCE = "《社会保险法》第十六条；《国务院关于渐进式延迟法定退休年龄的办法》第三条"


def _schedule_error() -> DomainError:
    return DomainError.of("retire_month", "param.no_value", "该退休时间没有最低缴费年限参数",
                          "no minimum contribution years parameter for this retirement month")


def min_years_for(retire: int, schedule: tuple[tuple[date, Decimal | None], ...]) -> tuple[Decimal | None, date | None]:
    """(minimum years, since) in force for the retirement month with index ``retire``; (None, None) if none."""
    found = (None, None)
    for since, years in schedule:
        if month_index(since) <= retire:
            found = (years, since)
    return found


def min_years_index(retire: np.ndarray, schedule: tuple[tuple[date, Decimal], ...]) -> np.ndarray:
    """Column form: the minimum contribution in MONTHS (years × 12, exact) per retirement month; −1: none."""
    starts = np.array([month_index(s) for s, _ in schedule], dtype=np.int64)
    months = np.array([-1] + [int(y * 12) if y is not None else -1 for _, y in schedule], dtype=np.int64)
    return months[np.searchsorted(starts, retire, side="right")]


@dataclass(frozen=True)
class ContributionCheck:
    met: bool
    min_contribution_years: Decimal
    required_months: int
    contribution_months: int
    shortfall_months: int
    explain: dict


def min_contribution_check(contribution_months: int, retire_month: date | str,
                           schedule: tuple[tuple[date, Decimal], ...], sources: tuple = ()) -> ContributionCheck:
    """Does ``contribution_months`` (deemed months included) reach the minimum for ``retire_month``?"""
    if not isinstance(contribution_months, int) or isinstance(contribution_months, bool) or contribution_months < 0:
        raise DomainError.of("contribution_months", "contribution_months.invalid", "缴费月数须为非负整数",
                             "contribution_months must be a whole number, 0 or more")
    retire = month_index(parse_month(retire_month, "retire_month"))
    years, since = min_years_for(retire, schedule)
    if years is None:
        raise _schedule_error()
    required = int(years * 12)
    short = max(0, required - contribution_months)
    formula = (f"累计缴费 {contribution_months} 个月，{retire // 12} 年退休最低缴费年限 {years} 年 = {required} 个月"
               f"（自 {since.isoformat()} 起）：" + ("已满足" if not short else f"尚差 {short} 个月"))
    return ContributionCheck(
        met=short == 0, min_contribution_years=years, required_months=required,
        contribution_months=contribution_months, shortfall_months=short,
        explain={"formula": formula, "params": applied(sources, since), "reference": REFERENCE},
    )


def applied(sources, since: date | None) -> list:
    """The sources to show: all but the minimum-years entries that did not apply."""
    return [s for s in sources if getattr(s, "name", None) != PARAM or s.since == since]
