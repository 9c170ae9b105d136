"""个人账户 — individual pension account: the monthly credit (crediting) and the yearly interest (interest)."""

from laobao.policy.rules.account.crediting import AccountParams, Credit, credit, credit_columns
from laobao.policy.rules.account.interest import InterestParams, YearInterest, year_interest

__all__ = ["AccountParams", "Credit", "credit", "credit_columns", "InterestParams", "YearInterest",
           "year_interest"]
