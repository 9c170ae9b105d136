"""过渡性养老金 — the transitional pension of "中人", as a registry of per-region formulas.

国发〔2005〕38号 第六条：国发〔1997〕26号文件实施前参加工作，本决定实施后退休且缴费年限累计满15年的人员，在发给
基础养老金和个人账户养老金的基础上，再发给过渡性养老金。各省、自治区、直辖市人民政府要按照待遇水平合理衔接、
新老政策平稳过渡的原则，在认真测算的基础上，制订具体的过渡办法。

The State Council leaves the formula to each province, so it is pluggable: a region's parameter
``pension.transitional`` names a formula registered here and gives its coefficient.

``jiangsu_1996`` — **NOT VERIFIED.** Third-party notes on Jiangsu approval forms describe
过渡性养老金 = 退休时上年度全省在岗职工月平均工资 (C) × 1996年底前平均缴费工资指数 × 1996年底前缴费年限 × 过渡系数,
with a coefficient of 1.2%. That coefficient does NOT reproduce the 淮安洪泽 official approval form
(1053.5 / (8917 × 0.9107 × 13.333) ≈ 0.973%), and Jiangsu pays the higher of the "old" and "new"
methods (新老办法并存，取高值), which is not modelled. Until the official 苏政发 text is obtained, treat the
result as an estimate; the coefficient is a parameter (status: unverified) that a reviewer can change.

Years are months / 12, exact; the product is rounded half-up to the fen once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import numpy as np

from laobao.core.errors import DomainError

from .arith import exact_columns, ratio, round_div, yuan

REFERENCE = "国发〔2005〕38号 第六条（过渡办法由各省制订）"


@dataclass(frozen=True)
class TransitionalFormula:
    """A named formula. ``single`` → (fen, formula text); ``columns`` → int64 fen array (identical rows)."""

    name: str
    verified: bool
    description: str
    single: Callable[..., tuple[int, str]]
    columns: Callable[..., np.ndarray]


FORMULAS: dict[str, TransitionalFormula] = {}


def register(formula: TransitionalFormula) -> TransitionalFormula:
    """Add a formula to the registry (a region's parameter can then name it)."""
    FORMULAS[formula.name] = formula
    return formula


def formula(name: str) -> TransitionalFormula:
    try:
        return FORMULAS[name]
    except KeyError:
        names = "、".join(sorted(FORMULAS))
        raise DomainError.of("transitional_formula", "pension.transitional_formula",
                             f"未知的过渡性养老金公式 {name!r}，可选：{names}",
                             f"unknown transitional pension formula {name!r}; known: {names}") from None


def _none_single(base: int, index: Decimal, months: int, coefficient: Decimal | None) -> tuple[int, str]:
    return 0, "过渡性养老金 = 0（本地区不计发过渡性养老金）"


def _none_columns(base, index, months, scale: int, coefficient: Decimal | None) -> np.ndarray:
    return np.zeros(np.shape(months), dtype=np.int64)


register(TransitionalFormula("none", True, "不计发过渡性养老金 / no transitional pension", _none_single, _none_columns))


def _need_coefficient(coefficient: Decimal | None) -> tuple[int, int]:
    if coefficient is None or Decimal(coefficient) < 0:
        raise DomainError.of("transitional_coefficient", "pension.transitional_coefficient",
                             "过渡系数须为非负小数（如 0.012）", "the transitional coefficient must be a decimal ≥ 0 (e.g. 0.012)")
    return ratio(coefficient)


def _jiangsu_single(base: int, index: Decimal, months: int, coefficient: Decimal | None) -> tuple[int, str]:
    c_num, c_den = _need_coefficient(coefficient)
    i_num, i_den = ratio(index)
    fen = round_div(base * i_num * months * c_num, i_den * 12 * c_den)
    text = (f"过渡性养老金 = {yuan(base)} × {index} × {months}/12 × {Decimal(coefficient) * 100}% = {yuan(fen)}"
            "（江苏公式未经核实 / Jiangsu formula NOT verified）")
    return fen, text


def _jiangsu_columns(base, index, months, scale: int, coefficient: Decimal | None) -> np.ndarray:
    c_num, c_den = _need_coefficient(coefficient)
    base = np.asarray(base, dtype=np.int64)
    index = np.asarray(index, dtype=np.int64)
    months = np.asarray(months, dtype=np.int64)
    if not exact_columns(base.max(initial=0), index.max(initial=0), months.max(initial=0), c_num):
        raise DomainError.of("transitional_coefficient", "pension.overflow", "过渡系数位数过多，无法精确批量计算",
                             "the coefficient has too many digits for exact column arithmetic")
    return round_div(base * index * months * c_num, scale * 12 * c_den)


register(TransitionalFormula(
    "jiangsu_1996", False,
    "江苏（未核实）：C × 1996年底前平均缴费工资指数 × 1996年底前缴费年限 × 过渡系数 / "
    "Jiangsu (NOT verified): C × pre-1996 average index × pre-1996 years × coefficient",
    _jiangsu_single, _jiangsu_columns,
))
