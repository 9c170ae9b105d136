"""Retirement: the statutory retirement month and age (2025 reform, flexible options) and the minimum
contribution years. Single-person functions and column forms; parameters via ``params_for``."""

from .age import REFERENCE, Category, Retirement, RetirementColumns, RetirementParams, delay_months, retirement, retirement_columns
from .contribution import ContributionCheck, min_contribution_check, min_years_for, min_years_index
from .months import age_text, month_date, month_index, month_indexes, month_text, parse_month
from .params import min_years_schedule, params_for

__all__ = [
    "REFERENCE", "Category", "ContributionCheck", "Retirement", "RetirementColumns", "RetirementParams",
    "age_text", "delay_months", "min_contribution_check", "min_years_for", "min_years_index", "min_years_schedule",
    "month_date", "month_index", "month_indexes", "month_text", "params_for", "parse_month", "retirement",
    "retirement_columns",
]
