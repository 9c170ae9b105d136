"""Unemployment benefit (失业保险金): eligibility, months and monthly amount.

``calculate`` is the calculator-facing entry point: inputs ``contribution_months``, optional
``carried_months``, optional ``region`` and ``month`` (for the amount), optional ``involuntary`` and
``registered`` (the two factual conditions of 条例 第十四条, assumed true when omitted); outputs
``eligible``, ``months`` and, when region and month are given, ``monthly_amount`` (fen; 0 when not
eligible).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import amount as amount_rule
from . import entitlement as entitlement_rule
from ..checks import bad, date_field, need_month, need_region
from .amount import REFERENCE as AMOUNT_REFERENCE
from .entitlement import REFERENCE

__all__ = ["REFERENCE", "AMOUNT_REFERENCE", "UnemploymentResult", "calculate"]


@dataclass(frozen=True)
class UnemploymentResult:
    eligible: bool
    months: int
    monthly_amount: int | None
    explain: dict


def calculate(contribution_months, carried_months=0, region=None, month=None, *,
              involuntary=True, registered=True, today: date | None = None) -> UnemploymentResult:
    """Entitlement (and, with region and month, the monthly amount) read through the parameters."""
    if (region is None) != (month is None):
        missing = "month" if month is None else "region"
        raise bad(missing, f"{missing}.required", "计算失业保险金月标准需同时提供 region 与 month",
                  "the monthly amount needs both region and month")
    on = need_month("month", month) if month is not None else (today or date.today())
    region = need_region("region", region) if region is not None else None
    with date_field("month"):
        ent_params = entitlement_rule.params_for(on, region)
        amt_params = amount_rule.params_for(on, region) if region is not None else None
    ent = entitlement_rule.entitlement(
        contribution_months, ent_params, carried_months=carried_months,
        involuntary=involuntary, registered=registered)
    explain = {"formula": ent.explain["formula"], "params": list(ent.explain["params"]),
               "reference": REFERENCE}
    amount = None
    if region is not None:
        amt = amount_rule.monthly_amount(amt_params)
        amount = amt.monthly_amount if ent.eligible else 0
        explain["formula"] += "; " + amt.explain["formula"] + ("" if ent.eligible else " → not eligible: 0")
        explain["params"] += amt.explain["params"]
        explain["reference"] += "；" + AMOUNT_REFERENCE
    return UnemploymentResult(ent.eligible, ent.months, amount, explain)
