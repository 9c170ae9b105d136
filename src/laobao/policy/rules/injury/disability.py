"""Work-injury disability benefits: the one-time disability subsidy and the monthly allowance.

工伤保险条例（2010年修订，国务院令第586号，施行日 2011-01-01）第三十五条至第三十七条: a worker disabled by
a work injury receives from the work-injury fund a one-time disability subsidy of 27, 25, 23, 21, 18,
16, 13, 11, 9 or 7 months of 本人工资 for grades 1 to 10. Grades 1–4 leave work and draw a monthly
disability allowance of 90%, 85%, 80% or 75% of 本人工资 from the fund; grades 5–6 keep their job, and
when the employer cannot arrange suitable work the EMPLOYER pays 70% or 60% monthly. An allowance below
the local minimum wage is topped up to it (by the fund for grades 1–4, by the employer for 5–6).
Grades 7–10 have no allowance. Under the 2003 text (国务院令第375号, in force 2004-01-01 to 2010-12-31)
the subsidy was 24, 22, 20, 18, 16, 14, 12, 10, 8, 6 months; the allowance shares were the same.
Which text applies is chosen by the injury date (the parameters are dated 2004-01-01 / 2011-01-01).

第六十四条: 本人工资 is the average monthly contribution wage of the 12 months before the injury; when
it is above 300% of the regional average wage 300% is used, when below 60%, 60% is used. The clamp
is applied when the regional average wage is given.

Rounding: the clamp bounds and the allowance (a share of a wage) are rounded ROUND_HALF_UP to the
fen; the subsidy is a whole number of months of a fen amount and needs no rounding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from ..checks import (bad, need_column, need_date, need_int, ratio, share_of, share_of_column, used,
                      yuan)

REFERENCE = ("工伤保险条例（国务院令第586号，2011-01-01起）第三十五条、第三十六条、第三十七条、第六十四条；"
             "工伤保险条例（国务院令第375号，2004-01-01至2010-12-31）第三十三条至第三十五条")

P_SUBSIDY = "injury.one_time_subsidy_months"
P_ALLOWANCE = "injury.disability_allowance_share"
P_FLOOR = "injury.wage_floor_share"
P_CAP = "injury.wage_cap_share"

#: 第三十六条: grades 5–6 are paid by the employer (when it cannot arrange suitable work).
EMPLOYER_PAID_GRADES = frozenset({5, 6})
GRADES = range(1, 11)


@dataclass(frozen=True)
class DisabilityParams:
    subsidy_months: dict  # grade → months
    allowance_shares: dict  # grade → Decimal (grades with an allowance only)
    wage_floor_share: Decimal
    wage_cap_share: Decimal
    version: str  # "2003" or "2010": the text of 工伤保险条例 that applies
    sources: tuple = field(default=(), compare=False)

    def __post_init__(self):
        object.__setattr__(self, "subsidy_months", {int(k): int(v) for k, v in self.subsidy_months.items()})
        object.__setattr__(self, "allowance_shares",
                           {int(k): Decimal(v) for k, v in self.allowance_shares.items()})
        if set(self.subsidy_months) != set(GRADES):
            raise ValueError("subsidy months must cover grades 1–10")


@dataclass(frozen=True)
class Disability:
    grade: int
    wage_used: int  # 本人工资 after the 60%–300% clamp, fen
    one_time_subsidy: int  # fen
    monthly_allowance: int | None  # fen; None for grades 7–10
    allowance_payer: str | None  # "fund" | "employer" (grades 5–6: when no work is arranged) | None
    topped_up: bool  # allowance raised to the minimum wage
    version: str
    explain: dict


def version_of(since: date) -> str:
    return "2010" if since >= date(2011, 1, 1) else "2003"


def params_for(injury_date: date, region: str | None = None) -> DisabilityParams:
    from laobao.policy.params import param

    values = [param(n, on=injury_date, region=region) for n in (P_SUBSIDY, P_ALLOWANCE, P_FLOOR, P_CAP)]
    sub, allow, floor, cap = values
    return DisabilityParams(sub.value, allow.value, Decimal(floor.value), Decimal(cap.value),
                            version_of(sub.since), tuple(values))


def clamp_wage(wage: int, regional_average_wage: int | None, params) -> tuple[int, str]:
    """本人工资 clamped to [floor share, cap share] × regional average wage (第六十四条)."""
    if regional_average_wage is None:
        return wage, f"本人工资 {yuan(wage)} (no regional average wage given: not clamped)"
    lo = share_of(regional_average_wage, params.wage_floor_share)
    hi = share_of(regional_average_wage, params.wage_cap_share)
    used_wage = min(max(wage, lo), hi)
    return used_wage, (f"本人工资 = clamp({yuan(wage)}, {params.wage_floor_share} × {yuan(regional_average_wage)}"
                       f" = {yuan(lo)}, {params.wage_cap_share} × {yuan(regional_average_wage)} = {yuan(hi)})"
                       f" = {yuan(used_wage)}")


def check_wages(wage, regional_average_wage, minimum_wage=None):
    wage = need_int("wage", wage, minimum=0)
    if regional_average_wage is not None:
        regional_average_wage = need_int("regional_average_wage", regional_average_wage, minimum=1)
    if minimum_wage is not None:
        minimum_wage = need_int("minimum_wage", minimum_wage, minimum=0)
    return wage, regional_average_wage, minimum_wage


def check_date(field_name: str, value, today: date | None = None) -> date:
    value = need_date(field_name, value)
    if value > (today or date.today()):
        raise bad(field_name, f"{field_name}.future", f"{field_name} 不能晚于今天，请核对日期",
                  f"{field_name} cannot be in the future; check the date")
    return value


def disability(grade: int, wage: int, params: DisabilityParams, *, regional_average_wage: int | None = None,
               minimum_wage: int | None = None) -> Disability:
    """One-time subsidy and monthly allowance for one disabled worker."""
    grade = need_int("grade", grade, minimum=1, maximum=10, what_zh="1至10的伤残等级",
                     what_en="a disability grade from 1 to 10")
    wage, regional_average_wage, minimum_wage = check_wages(wage, regional_average_wage, minimum_wage)
    base, clamp_text = clamp_wage(wage, regional_average_wage, params)
    months = params.subsidy_months[grade]
    subsidy = months * base
    parts = [clamp_text, f"one_time_subsidy = {months} × {yuan(base)} = {yuan(subsidy)} ({params.version} text)"]
    allowance, payer, topped = None, None, False
    share = params.allowance_shares.get(grade)
    if share is not None:
        allowance = share_of(base, share)
        payer = "employer" if grade in EMPLOYER_PAID_GRADES else "fund"
        text = f"monthly_allowance = {share} × {yuan(base)} = {yuan(allowance)}"
        if minimum_wage is not None and allowance < minimum_wage:
            allowance, topped = minimum_wage, True
            text += f" < minimum wage → topped up to {yuan(minimum_wage)}"
        if payer == "employer":
            text += " (paid by the employer when it cannot arrange suitable work, 第三十六条)"
        parts.append(text)
    else:
        parts.append(f"grade {grade}: no monthly allowance")
    return Disability(grade, base, subsidy, allowance, payer, topped, params.version, {
        "formula": "; ".join(parts), "reference": REFERENCE,
        "params": used(params.sources, P_SUBSIDY, P_ALLOWANCE, P_FLOOR, P_CAP)})


@dataclass(frozen=True)
class DisabilityColumns:
    wage_used: np.ndarray
    one_time_subsidy: np.ndarray
    monthly_allowance: np.ndarray  # 0 where the grade has none (see has_allowance)
    has_allowance: np.ndarray
    employer_pays: np.ndarray
    topped_up: np.ndarray


def disability_column(grade, wage, params: DisabilityParams, regional_average_wage=None,
                      minimum_wage=None) -> DisabilityColumns:
    """Column twin of :func:`disability` (one parameter set, i.e. one text version, per batch)."""
    grade = need_column("grade", grade, minimum=1, maximum=10)
    base = need_column("wage", wage)
    if regional_average_wage is not None:
        avg = need_column("regional_average_wage", regional_average_wage, minimum=1)
        lo = share_of_column(avg, *ratio(params.wage_floor_share))
        hi = share_of_column(avg, *ratio(params.wage_cap_share))
        base = np.minimum(np.maximum(base, lo), hi)
    months = np.array([0] + [params.subsidy_months[g] for g in GRADES], dtype=np.int64)
    nums = np.zeros(11, dtype=np.int64)
    dens = np.ones(11, dtype=np.int64)
    for g, share in params.allowance_shares.items():
        nums[g], dens[g] = ratio(share)
    has = np.zeros(11, dtype=bool)
    has[list(params.allowance_shares)] = True
    allowance = share_of_column(base, nums[grade], dens[grade])
    topped = np.zeros(grade.shape, dtype=bool)
    if minimum_wage is not None:
        mw = need_column("minimum_wage", minimum_wage)
        topped = has[grade] & (allowance < mw)
        allowance = np.where(topped, mw, allowance)
    employer = np.isin(grade, list(EMPLOYER_PAID_GRADES)) & has[grade]
    return DisabilityColumns(base, months[grade] * base, np.where(has[grade], allowance, 0), has[grade],
                             employer, topped)
