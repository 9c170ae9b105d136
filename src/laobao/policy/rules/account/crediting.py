"""个人账户记账 — the monthly credit to the basic-pension individual account.

国发〔1997〕26号 (applied here from 1998-01-01): an individual account is kept for every insured
employee, credited with 11% of the employee's contribution base: the employee's own contribution in
full and the remainder transferred from the employer's contribution.

国发〔2005〕38号 第六条 (from 2006-01-01): "个人账户的规模统一由本人缴费工资的11%调整为8%，全部由个人
缴费形成，单位缴费不再划入个人账户" — the account is credited with 8% of the base, formed wholly by the
employee's contribution.

The credit is the (clamped) contribution base times the share in force in the contribution month,
rounded to the fen ROUND_HALF_UP. Neither document states a rounding: half-up to the fen is the
house rule for money (DESIGN.md principle 2) and is marked as such here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from laobao.policy.rules.contribution.exact import (
    check_product, div_half_up, half_up, negative, numerators, percent, scale_of, times, yuan,
)

REFERENCE = "国发〔1997〕26号; 国发〔2005〕38号 第六条"
PARAM = "pension.account_share"


@dataclass(frozen=True)
class AccountParams:
    """The share of the contribution base credited to the individual account."""

    share: Decimal
    sources: tuple = field(default=(), compare=False)


@dataclass(frozen=True)
class Credit:
    base: int       # fen, the clamped contribution base
    amount: int     # fen, credited to the individual account
    explain: dict


def credit(base_fen: int, params: AccountParams) -> Credit:
    """One month's account credit for one person: half_up(base × share)."""
    if base_fen < 0:
        raise negative("base", base_fen)
    amount = half_up(times(base_fen, params.share))
    formula = f"{yuan(base_fen)} × {percent(params.share)} = {yuan(amount)}"
    return Credit(base=base_fen, amount=amount,
                  explain={"formula": formula, "params": list(params.sources), "reference": REFERENCE})


def credit_columns(base_fen: np.ndarray, params: AccountParams) -> np.ndarray:
    """The same credit over a column of bases (int64 fen), identical to ``credit`` row by row."""
    base = np.asarray(base_fen, dtype=np.int64)
    if base.size and base.min() < 0:
        raise negative("base", int(base.min()))
    d = scale_of([params.share])
    n = int(numerators([params.share], d)[0])
    check_product(int(base.max()) if base.size else 0, max(n, d), "base")
    return div_half_up(base * n, d)


def params_for(on: date, region: str | None = None) -> AccountParams:
    """The account share in force on ``on`` (in ``region``), read through the parameter files."""
    from laobao.policy.params import param

    value = param(PARAM, on=on, region=region)
    return AccountParams(share=Decimal(value.value), sources=(value,))
