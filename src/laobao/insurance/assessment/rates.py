"""The rates of one month as ONE table of ``InsuranceRates`` that ``assess_columns`` indexes row by row.

Every (region group, payer kind) gets its slots: pension, medical, unemployment, maternity (while it
exists) and one injury slot per risk class for employers; pension and medical at the flexible rates for
persons paying alone (the whole amount is theirs: employer rate 0, account share pension.account_share).
Floor and cap per insurance come from ``bases.limits(year)`` (the city's ``BaseLimit`` rows).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import numpy as np

from laobao.core.errors import DomainError
from laobao.policy.params import param
from laobao.policy.rules.account import crediting
from laobao.policy.rules.contribution import ContributionParams, InsuranceRates, params_for

INSURANCES = ("pension", "medical", "unemployment", "injury", "maternity")
PLAIN = ("pension", "medical", "unemployment", "maternity")
MAX_CLASS = 8  # 人社部发〔2015〕71号: eight classes (the 2004 table had three)
_PARAM_REGION = re.compile(r"^3205\d{2}(\d{6})?$")


def param_region(code: str | None) -> str | None:
    """The region code the parameters understand (district or community); streets fall back to their district."""
    if not code:
        return None
    if _PARAM_REGION.match(code):
        return code
    return code[:6] if _PARAM_REGION.match(code[:6]) else None


class RateTable:
    """Rates of ``month`` with per-insurance ``limits``; ``slots`` gives row indexes into ``params``."""

    def __init__(self, month: date, limits: dict[str, tuple[int, int]]):
        self.month, self.limits = month, limits
        self.rates: list[InsuranceRates] = []
        self._groups: dict[tuple[str | None, bool], np.ndarray] = {}

    def _add(self, rates: InsuranceRates) -> int:
        floor, cap = self.limits[rates.insurance]
        self.rates.append(replace(rates, floor_fen=floor, cap_fen=cap))
        return len(self.rates) - 1

    def group(self, region: str | None, personal: bool) -> np.ndarray:
        """Slots of a group: [pension, medical, unemployment, maternity, injury class 0..8] (-1 = none)."""
        key = (region, personal)
        if key not in self._groups:
            self._groups[key] = self._personal(region) if personal else self._employer(region)
        return self._groups[key]

    def _employer(self, region: str | None) -> np.ndarray:
        slots = np.full(len(PLAIN) + MAX_CLASS + 1, -1, dtype=np.int64)
        base = params_for(self.month, region, floor_fen=1, cap_fen=1)
        for rates in base.insurances:
            slots[PLAIN.index(rates.insurance)] = self._add(rates)
        table = param("contribution.injury_class_rates", on=self.month, region=region).value
        for cls, rate in table.items():
            if not 1 <= int(cls) <= MAX_CLASS:
                continue
            slots[len(PLAIN) + int(cls)] = self._add(InsuranceRates("injury", Decimal(rate)))
        return slots

    def _personal(self, region: str | None) -> np.ndarray:
        slots = np.full(len(PLAIN) + MAX_CLASS + 1, -1, dtype=np.int64)
        share = crediting.params_for(self.month, region).share
        pension = Decimal(param("contribution.flexible_pension_rate", on=self.month, region=region).value)
        medical = Decimal(param("contribution.flexible_medical_rate", on=self.month, region=region).value)
        slots[0] = self._add(InsuranceRates("pension", Decimal(0), pension, share))
        slots[1] = self._add(InsuranceRates("medical", Decimal(0), medical))
        return slots

    def params(self) -> ContributionParams:
        return ContributionParams(tuple(self.rates))

    def floors(self) -> np.ndarray:
        return np.array([self.limits[i][0] for i in INSURANCES], dtype=np.int64)

    def caps(self) -> np.ndarray:
        return np.array([self.limits[i][1] for i in INSURANCES], dtype=np.int64)


def unknown_class(cls: int, month: date) -> DomainError:
    return DomainError.of(
        "risk_class", "assess.risk_class",
        f"工伤保险行业风险类别 {cls} 在 {month:%Y-%m} 的费率表中不存在：请更正该单位的风险类别",
        f"Work-injury risk class {cls} is not in the rate table of {month:%Y-%m}: correct the employer's risk class")
