"""个人账户记账利息 — the yearly interest credited to the basic-pension individual account.

The rate (记账利率) is, from 2016, the one national rate published each year by the Ministry of
Human Resources and Social Security and the Ministry of Finance (统一和规范职工养老保险个人账户记账利率
办法, 人社部发〔2017〕31号 — document number UNVERIFIED here; the yearly rates 2016–2024 are VERIFIED,
see parameters/pension/crediting_rate.yaml). Before 2016 each province set it; no Jiangsu table has
been found, so years before 2016 have no parameter and raise ``ParameterError``.

How the interest of a year is computed follows 劳办发〔1997〕116号《职工基本养老保险个人账户管理暂行
办法》, which gives two methods (text SOURCE-ONLY: quoted by secondary pages only; the official text
has not been checked here):

* 月积数法 (method ``"monthly"``, the default): interest on the balance brought forward for the
  whole year, and on each month's credit from its month to the year end —

      本年记账利息 = 上年底累计储存额 × 本年记账利率 + 本年记账额月积数 × 本年记账利率 × 1/12,
      本年记账额月积数 = Σ n月份记账额 × (12 − n + 1).

* 年度计算法 (method ``"annual"``): the year's credits earn interest as if paid evenly over the year —

      本年记账利息 = 上年底累计储存额 × 本年记账利率 + 本年记账额 × 本年记账利率 × 1.083 × 1/2.

  The factor 1.083 is 13/12 to three decimals: with twelve equal credits c the month products give
  Σ(13 − n) = 78 = 12 × 13/2, i.e. exactly 12c × r × (13/12) × 1/2. (Secondary pages that write
  "本年记账额 × (1 + 利率 × 1/2) × 1.083" misplace the factor: that would credit 8.3% of the principal.)
  The often-quoted shortcut "当年缴费按半年计息" (credits × rate / 2) is NOT what 116号 says; it is
  not offered.

For a year that ends early (retirement, transfer, death) the interest runs to that month
(``through_month`` m): balance × r × m/12 + Σ credit_n × (m − n + 1) × r/12. This extension of the
month-product rule is derived here, not quoted (UNVERIFIED); the annual method requires a full year.

Rounding: neither text states one. Each of the two terms is rounded to the fen ROUND_HALF_UP and
the year's interest is their sum (house rule, DESIGN.md principle 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Mapping, Sequence

from laobao.core.errors import DomainError
from laobao.policy.rules.contribution.exact import half_up, negative, percent, times, yuan

REFERENCE = "劳办发〔1997〕116号（月积数法 / 年度计算法）; 人社部发〔2017〕31号"
PARAM = "pension.crediting_rate"
ANNUITY_FACTOR = Decimal("1.083")
METHODS = ("monthly", "annual")


@dataclass(frozen=True)
class InterestParams:
    """The crediting rate of one year."""

    year: int
    rate: Decimal
    sources: tuple = field(default=(), compare=False)


@dataclass(frozen=True)
class YearInterest:
    year: int
    opening: int                # fen, balance brought forward (上年底累计储存额)
    credited: int               # fen, this year's credits (本年记账额)
    interest_on_opening: int    # fen
    interest_on_credits: int    # fen
    interest: int               # fen, the two terms added
    closing: int                # fen, opening + credited + interest
    explain: dict


def _credits_by_month(credits) -> dict[int, int]:
    if isinstance(credits, Mapping):
        months = {int(m): int(v) for m, v in credits.items()}
    else:
        months = {i + 1: int(v) for i, v in enumerate(credits)}
    for month, amount in months.items():
        if not 1 <= month <= 12:
            raise DomainError.of("credits", "interest.bad_month",
                                 f"记账月份必须在 1–12 之间（{month}）。",
                                 f"Credit months must be 1–12 (got {month}).")
        if amount < 0:
            raise negative("credits", amount)
    return months


def year_interest(opening_fen: int, credits: Sequence[int] | Mapping[int, int], params: InterestParams,
                  *, method: str = "monthly", through_month: int = 12) -> YearInterest:
    """The interest of one year on an individual account and the balance carried forward.

    ``credits`` are the year's credits in fen: a sequence January… or a mapping month → fen.
    """
    if opening_fen < 0:
        raise negative("opening", opening_fen)
    if method not in METHODS:
        raise DomainError.of("method", "interest.bad_method", f"计息方法只能是 {METHODS}（{method}）。",
                             f"The interest method must be one of {METHODS} (got {method!r}).")
    if not 1 <= through_month <= 12 or (method == "annual" and through_month != 12):
        raise DomainError.of("through_month", "interest.bad_month",
                             "计息截止月须在 1–12 之间；年度计算法只用于整年。",
                             "through_month must be 1–12; the annual method needs a whole year (12).")
    months = _credits_by_month(credits)
    late = [m for m, v in months.items() if m > through_month and v]
    if late:
        raise DomainError.of("credits", "interest.after_end", f"计息截止月之后还有记账（{late}）。",
                             f"There are credits after the last interest month ({late}).")
    rate, m = params.rate, through_month
    credited = sum(months.values())
    on_opening = half_up(times(opening_fen, rate, Decimal(m)), divisor=12)
    if method == "monthly":
        products = sum(v * (m - n + 1) for n, v in months.items())
        on_credits = half_up(times(products, rate), divisor=12)
        formula = (f"{yuan(opening_fen)} × {percent(rate)} × {m}/12 + 月积数 {yuan(products)} × "
                   f"{percent(rate)} / 12 = {yuan(on_opening)} + {yuan(on_credits)}")
    else:
        on_credits = half_up(times(credited, rate, ANNUITY_FACTOR), divisor=2)
        formula = (f"{yuan(opening_fen)} × {percent(rate)} + {yuan(credited)} × {percent(rate)} × 1.083 × 1/2"
                   f" = {yuan(on_opening)} + {yuan(on_credits)}")
    interest = on_opening + on_credits
    return YearInterest(
        year=params.year, opening=opening_fen, credited=credited, interest_on_opening=on_opening,
        interest_on_credits=on_credits, interest=interest, closing=opening_fen + credited + interest,
        explain={"formula": f"{formula} = {yuan(interest)}", "params": list(params.sources),
                 "method": method, "reference": REFERENCE},
    )


def params_for(year: int, region: str | None = None) -> InterestParams:
    """The crediting rate of ``year`` (the value in force on 1 January of that year)."""
    from laobao.policy.params import param

    value = param(PARAM, on=date(year, 1, 1), region=region)
    return InterestParams(year=year, rate=Decimal(value.value), sources=(value,))
