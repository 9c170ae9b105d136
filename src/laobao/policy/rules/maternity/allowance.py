"""Maternity allowance (生育津贴) and the maternity leave days it pays for.

社会保险法 第五十六条: the maternity allowance is paid according to the average monthly wage of the
employees of the person's employer in the previous year (用人单位上年度职工月平均工资). The day rate is
that monthly average divided by 30 (parameter ``maternity.allowance_day_divisor``; the common rule in
local regulations, e.g. 穗府办规〔2022〕17号 第四条; Jiangsu's own text was not found), times the leave days.

女职工劳动保护特别规定（国务院令第619号，2012-04-28起）第七条: 98 days of maternity leave; 15 more for a
difficult birth (难产); 15 more for each additional baby of a multiple birth. Before 2012-04-28 the
女职工劳动保护规定 (1988) gave 90 days with the same additions. Jiangsu adds extended leave by its
人口与计划生育条例 (parameter ``maternity.local_extra_leave_days``: 30 days from 2016, 60 days since the
2021 amendment, taken here as paid by the allowance — unverified, see the parameter file).

allowance = average_wage × leave_days / divisor, rounded once, ROUND_HALF_UP to the fen (the day rate
is not rounded first). Leave days given directly (e.g. 15 or 42 days after a miscarriage) replace
the computed days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..checks import bad, need_bool, need_int, used, yuan

REFERENCE = "社会保险法 第五十六条；女职工劳动保护特别规定（国务院令第619号）第七条；江苏省人口与计划生育条例"

P_BASE = "maternity.base_leave_days"
P_DIFFICULT = "maternity.difficult_birth_extra_days"
P_EXTRA_BABY = "maternity.extra_baby_days"
P_LOCAL = "maternity.local_extra_leave_days"
P_DIVISOR = "maternity.allowance_day_divisor"
NAMES = (P_BASE, P_DIFFICULT, P_EXTRA_BABY, P_LOCAL, P_DIVISOR)

MAX_BIRTHS = 9
MAX_LEAVE_DAYS = 1000


@dataclass(frozen=True)
class MaternityParams:
    base_days: int
    difficult_birth_days: int
    extra_baby_days: int
    local_extra_days: int
    day_divisor: int
    sources: tuple = field(default=(), compare=False)

    def __post_init__(self):
        if self.day_divisor <= 0:
            raise ValueError("day divisor must be positive")


@dataclass(frozen=True)
class LeaveDays:
    total: int
    explain: dict


@dataclass(frozen=True)
class Allowance:
    allowance: int  # fen
    leave_days: int
    explain: dict


def params_for(on: date, region: str | None = None) -> MaternityParams:
    from laobao.policy.params import param

    values = [param(n, on=on, region=region) for n in NAMES]
    return MaternityParams(*(int(v.value) for v in values), sources=tuple(values))


def leave_days(params: MaternityParams, *, births: int = 1, difficult_birth: bool = False) -> LeaveDays:
    """Paid leave days for one delivery: base + difficult birth + extra babies + Jiangsu's extension."""
    births = need_int("births", births, minimum=1, maximum=MAX_BIRTHS)
    difficult_birth = need_bool("difficult_birth", difficult_birth)
    difficult = params.difficult_birth_days if difficult_birth else 0
    babies = params.extra_baby_days * (births - 1)
    total = params.base_days + difficult + babies + params.local_extra_days
    formula = (f"leave_days = {params.base_days} + difficult birth {difficult} + {births - 1} extra baby × "
               f"{params.extra_baby_days} + Jiangsu {params.local_extra_days} = {total}")
    return LeaveDays(total, {"formula": formula, "reference": REFERENCE,
                             "params": used(params.sources, P_BASE, P_DIFFICULT, P_EXTRA_BABY, P_LOCAL)})


def allowance(average_wage: int, params: MaternityParams, *, leave_days_given: int | None = None,
              births: int = 1, difficult_birth: bool = False) -> Allowance:
    """The maternity allowance for one delivery (or for the leave days given)."""
    average_wage = need_int("average_wage", average_wage, minimum=0)
    if leave_days_given is not None and (births != 1 or difficult_birth):
        raise bad("leave_days", "leave_days.conflict", "leave_days 与 births/difficult_birth 只能填写其一",
                  "give either leave_days or births/difficult_birth, not both")
    if leave_days_given is not None:
        days = need_int("leave_days", leave_days_given, minimum=1, maximum=MAX_LEAVE_DAYS)
        days_text, days_params = f"leave_days = {days} (given)", []
    else:
        ld = leave_days(params, births=births, difficult_birth=difficult_birth)
        days, days_text, days_params = ld.total, ld.explain["formula"], ld.explain["params"]
    div = params.day_divisor
    amount = (2 * average_wage * days + div) // (2 * div)
    formula = (f"{days_text}; allowance = {yuan(average_wage)} ÷ {div} × {days} = {yuan(amount)}"
               " (ROUND_HALF_UP to the fen)")
    return Allowance(amount, days, {"formula": formula, "reference": REFERENCE,
                                    "params": days_params + used(params.sources, P_DIVISOR)})
