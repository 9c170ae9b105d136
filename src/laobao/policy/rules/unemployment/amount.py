"""Unemployment benefit: the monthly amount.

失业保险条例 第十八条: the benefit is set by the province below the local minimum wage and above the
urban minimum living allowance (低保). National guidance (人社部发〔2017〕71号; NDRC 2022) is to raise it
gradually to 90% of the minimum wage. Jiangsu's / Suzhou's own standard was not found, so the level
is a configurable share of the minimum wage, parameter ``unemployment.benefit_share_of_minimum_wage``
(status unverified), applied to ``wages.minimum_wage`` of the region and month.

monthly amount = minimum wage × share, rounded ROUND_HALF_UP to the fen. No floor (the 低保 standard)
is applied: no Suzhou figure could be sourced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from ..checks import bad, need_column, need_int, ratio, share_of, share_of_column, used, yuan

REFERENCE = "失业保险条例 第十八条；人社部发〔2017〕71号（逐步提高至最低工资标准的90%）"

P_SHARE = "unemployment.benefit_share_of_minimum_wage"
P_MIN_WAGE = "wages.minimum_wage"


@dataclass(frozen=True)
class AmountParams:
    minimum_wage: int  # fen a month
    share: Decimal
    sources: tuple = field(default=(), compare=False)

    def __post_init__(self):
        need_int("minimum_wage", self.minimum_wage, minimum=0)
        if not isinstance(self.share, Decimal) or not (0 < self.share <= 1):
            raise bad("share", "share.range", "失业保险金比例应为 0 至 1 之间的小数（不高于最低工资）",
                      "benefit share must be a decimal in (0, 1] (never above the minimum wage)")


@dataclass(frozen=True)
class Amount:
    monthly_amount: int  # fen
    explain: dict


def params_for(on: date, region: str | None = None) -> AmountParams:
    from laobao.policy.params import param

    share = param(P_SHARE, on=on, region=region)
    wage = param(P_MIN_WAGE, on=on, region=region)
    return AmountParams(int(wage.value), Decimal(share.value), (wage, share))


def monthly_amount(params: AmountParams) -> Amount:
    """The monthly unemployment benefit for the region and month the parameters were read for."""
    amount = share_of(params.minimum_wage, params.share)
    formula = (f"monthly_amount = minimum wage {yuan(params.minimum_wage)} × {params.share}"
               f" = {yuan(amount)} (ROUND_HALF_UP to the fen)")
    return Amount(amount, {"formula": formula, "params": used(params.sources, P_MIN_WAGE, P_SHARE),
                           "reference": REFERENCE})


def monthly_amount_column(minimum_wage, share: Decimal) -> np.ndarray:
    """Column twin of :func:`monthly_amount`: one minimum wage (fen) per row, one share for the batch."""
    wages = need_column("minimum_wage", minimum_wage)
    num, den = ratio(share)
    return share_of_column(wages, num, den)
