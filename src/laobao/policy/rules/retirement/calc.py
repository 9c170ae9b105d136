"""Calculator adapter for the ``retirement`` rule: JSON in (as the CLI and API take it), JSON out.

In: ``birth_month`` "YYYY-MM", ``sex`` "M"/"F", ``original_age`` (60, 55 or 50), optional ``option``
("normal" | "early" | "late"), ``shift_months``, ``contribution_months`` (then the minimum-years check is
included, and early retirement without the minimum is refused) and ``region``. Out: ``retire_month``,
``retire_age_months``, ``min_contribution_years`` and the details; ``parameters`` and ``formula``.
"""

from __future__ import annotations

from laobao.core.errors import DomainError

from .age import OPTIONS, retirement
from .contribution import min_contribution_check
from .months import month_text
from .params import params_for

FIELDS = ("birth_month", "sex", "original_age", "option", "shift_months", "contribution_months", "region")


def compute(data: dict) -> dict:
    from laobao.policy.calc import fields, parameters_out
    from laobao.policy.params import check_region

    birth = fields.month(data, "birth_month")
    sex = fields.sex(data)
    original_age = fields.integer(data, "original_age", low=40, high=70)
    option = str(data.get("option") or "normal").strip()
    if option not in OPTIONS:
        raise DomainError.of("option", "calc.option", "option 应为 normal、early 或 late",
                             'option must be "normal", "early" or "late"')
    shift = fields.integer(data, "shift_months", low=0, high=120, optional=True, default=0)
    months = fields.integer(data, "contribution_months", low=0, high=1200, optional=True)
    region = check_region(data.get("region"))
    params = params_for(region=region)
    result = retirement(birth, original_age, option, shift, params=params, sex=sex)
    out = {
        "retire_month": month_text(result.retire_month),
        "retire_age_months": result.retire_age_months,
        "retire_age": f"{result.retire_age_months // 12}岁{result.retire_age_months % 12}个月",
        "min_contribution_years": None if result.min_contribution_years is None else str(result.min_contribution_years),
        "statutory_retire_month": month_text(result.statutory_month),
        "statutory_age_months": result.statutory_age_months,
        "delay_months": result.delay_months,
        "option": result.option,
        "shift_months": result.shift_months,
    }
    formula = result.explain["formula"]
    if months is not None:
        check = min_contribution_check(months, result.retire_month, params.min_years)
        if option == "early" and not check.met:
            raise DomainError.of("contribution_months", "retirement.early_needs_minimum",
                                 f"弹性提前退休须已达到最低缴费年限（{check.min_contribution_years} 年），尚差 {check.shortfall_months} 个月",
                                 f"early retirement needs the minimum contribution years ({check.min_contribution_years}); "
                                 f"{check.shortfall_months} months are missing")
        out.update(min_contribution_met=check.met, shortfall_months=check.shortfall_months)
        formula += "；" + check.explain["formula"]
    return {**out, "parameters": parameters_out(result.explain["params"]), "formula": formula}
