"""Read the retirement parameters through the parameter files (``laobao.policy.params``).

- ``pension.retirement_age`` (table by category) → the categories and the flexible-retirement limits;
  flexible retirement exists from the date of the entry that grants it (2025-01-01).
- ``pension.min_contribution_years`` → the whole dated schedule, because the minimum applies by the
  retirement month, which is only known after the retirement date has been computed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .age import Category, RetirementParams
from .contribution import PARAM as P_MIN_YEARS

P_AGE = "pension.retirement_age"


def _category(key: str, cells: dict) -> Category:
    first = None
    if cells.get("first_birth_year") is not None:
        first = date(int(cells["first_birth_year"]), int(cells.get("first_birth_month", 1)), 1)
    return Category(
        original_age=int(cells["original_age"]), sex=str(key)[0], first_birth_month=first,
        step=int(cells.get("step", 1)), max_delay=int(cells.get("max_delay", 0)),
        max_early=int(cells.get("max_early", 0)), max_late=int(cells.get("max_late", 0)),
    )


def min_years_schedule(region: str | None = None) -> tuple[tuple[tuple[date, Decimal | None], ...], tuple]:
    """The dated schedule of minimum contribution years in ``region`` (value asked of ``param()`` per date)."""
    from laobao.policy.params import CITY, ParameterError, check_region, param, parameter

    code = check_region(region)
    spec = parameter(P_MIN_YEARS)
    chain = [CITY] if code is None else [code, code[:6], CITY]
    dates = sorted({e.since for e in spec.values} | {e.since for c in chain for e in spec.regions.get(c, ())})
    schedule, sources = [], []
    for since in dates:
        try:
            value = param(P_MIN_YEARS, on=since, region=code)
        except ParameterError:
            schedule.append((since, None))
            continue
        schedule.append((since, Decimal(value.value)))
        sources.append(value)
    return tuple(schedule), tuple(sources)


def params_for(on: date | None = None, region: str | None = None) -> RetirementParams:
    """The retirement rules in force on ``on`` (default today) in ``region``.

    The reform is keyed by birth cohort, so today's table answers for every birth month (cohorts born
    before the first affected month keep their original age).
    """
    from laobao.policy.params import param

    age = param(P_AGE, on=on or date.today(), region=region)
    categories = tuple(_category(key, cells) for key, cells in age.value.items())
    flexible = any(c.max_early or c.max_late for c in categories)
    schedule, sources = min_years_schedule(region)
    return RetirementParams(categories=categories, flexible_from=age.since if flexible else None,
                            min_years=schedule, sources=(age, *sources))
