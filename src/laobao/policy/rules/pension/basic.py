"""基础养老金 and 个人账户养老金 — the two parts every retiree under 国发〔2005〕38号 gets.

国发〔2005〕38号 第六条：退休时的基础养老金月标准以当地上年度在岗职工月平均工资和本人指数化月平均缴费工资的
平均值为基数，缴费每满1年发给1%。个人账户养老金月标准为个人账户储存额除以计发月数。

- basic = C × (1 + Ī) / 2 × N × 1%, with C the pension base (养老金计发基数, fen), Ī the average contribution
  index and N = contribution months / 12 (deemed months included; Jiangsu approval forms use exact months).
- account = balance / divisor, the divisor in tenths of a month (see divisor.py).

Each part is rounded half-up to the fen once, from the exact product (ROUND_HALF_UP; the statute does not
say how to round, the approval forms show fen).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from laobao.core.errors import DomainError

from .arith import exact_columns, ratio, round_div, yuan

REFERENCE = "国发〔2005〕38号 第六条"


def basic_pension(base: int, index: Decimal, months: int) -> tuple[int, str]:
    """(fen, formula text) of the basic pension: ``base × (1 + index) / 2 × months / 12 × 1%``."""
    i_num, i_den = ratio(index)
    fen = round_div(base * (i_den + i_num) * months, i_den * 2400)
    return fen, f"基础养老金 = {yuan(base)} × (1 + {index}) / 2 × {months}/12 × 1% = {yuan(fen)}"


def basic_pension_columns(base, index, months, scale: int) -> np.ndarray:
    """Column form; ``index`` is an int64 array of index × ``scale`` (exact, e.g. 0.4787 → 4787)."""
    base = np.asarray(base, dtype=np.int64)
    index = np.asarray(index, dtype=np.int64)
    months = np.asarray(months, dtype=np.int64)
    if not exact_columns(base.max(initial=0), scale + index.max(initial=0), months.max(initial=0)):
        raise DomainError.of("average_index", "pension.overflow", "数值过大，无法精确批量计算",
                             "values too large for exact column arithmetic")
    return round_div(base * (scale + index) * months, scale * 2400)


def account_pension(balance: int, tenths: int) -> tuple[int, str]:
    """(fen, formula text) of the account pension: ``balance / (tenths / 10)``."""
    fen = round_div(balance * 10, tenths)
    return fen, f"个人账户养老金 = {yuan(balance)} / {Decimal(tenths).scaleb(-1)} = {yuan(fen)}"


def account_pension_columns(balance, tenths) -> np.ndarray:
    balance = np.asarray(balance, dtype=np.int64)
    return round_div(balance * 10, np.asarray(tenths, dtype=np.int64))
