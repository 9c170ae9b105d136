"""Work-injury benefits (工伤保险待遇): disability (one-time subsidy, monthly allowance) and death.

``calculate`` is the calculator-facing entry point for rule ``injury``: inputs ``grade`` (1–10),
``wage`` (本人工资, fen), ``injury_date``, optional ``regional_average_wage`` (fen; clamps 本人工资 to
60%–300%) and ``minimum_wage`` (fen; tops the allowance up); outputs ``one_time_subsidy`` and
``monthly_allowance`` (None where the grade has none), ``allowance_payer`` ("fund"/"employer") and the
text ``version`` applied. ``calculate_death`` does the same for a death (funeral grant, dependants'
pensions, one-time death grant).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from . import death as death_rule
from . import disability as disability_rule
from ..checks import date_field, need_region
from .death import Death, Dependant
from .disability import REFERENCE, Disability, check_date

__all__ = ["REFERENCE", "Death", "Dependant", "Disability", "calculate", "calculate_death"]


def calculate(grade, wage, injury_date, regional_average_wage=None, *, minimum_wage=None, region=None,
              today: date | None = None) -> Disability:
    injury_date = check_date("injury_date", injury_date, today)
    region = need_region("region", region) if region is not None else None
    with date_field("injury_date"):
        params = disability_rule.params_for(injury_date, region)
    return disability_rule.disability(grade, wage, params,
                                      regional_average_wage=regional_average_wage, minimum_wage=minimum_wage)


def calculate_death(wage, death_date, regional_average_wage=None, dependants=(), *, grant_months=None,
                    national_income=None, region=None, today: date | None = None) -> Death:
    death_date = check_date("death_date", death_date, today)
    region = need_region("region", region) if region is not None else None
    with date_field("death_date"):
        params = death_rule.params_for(death_date, region)
    if regional_average_wage is None:
        found = _previous_year_average_wage(death_date, region)
        if found is not None:
            regional_average_wage = int(found.value)
            params = replace(params, sources=params.sources + (found,))
    return death_rule.death(wage, params,
                            regional_average_wage=regional_average_wage, dependants=dependants,
                            grant_months=grant_months, national_income=national_income)


def _previous_year_average_wage(on: date, region: str | None):
    """The regional average monthly wage of the year before ``on`` (``wages.average_wage``), if recorded."""
    from laobao.policy.params import ParameterError, param

    try:
        value = param("wages.average_wage", on=date(on.year - 1, 12, 31), region=region)
    except ParameterError:
        return None
    return value
