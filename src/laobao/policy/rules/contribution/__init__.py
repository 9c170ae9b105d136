"""社会保险费核定 — contribution assessment: clamp the base, apply the rates, credit the account."""

from laobao.policy.rules.contribution.assessment import (
    INSURANCES, REFERENCE, Assessment, ContributionParams, InsuranceRates, Line, assess, base_limits, clamp,
    params_for,
)
from laobao.policy.rules.contribution.columns import COLUMNS, assess_columns

__all__ = ["COLUMNS", "INSURANCES", "REFERENCE", "Assessment", "ContributionParams", "InsuranceRates", "Line",
           "assess", "assess_columns", "base_limits", "clamp", "params_for"]
