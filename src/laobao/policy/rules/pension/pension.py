"""基本养老金 — the monthly basic pension at retirement (国发〔2005〕38号), one person or a column.

基本养老金 = 基础养老金 + 个人账户养老金 + 过渡性养老金（"中人"）:
- 基础养老金 = C × (1 + Ī) / 2 × N × 1%, N = contribution months / 12 (basic.py);
- 个人账户养老金 = 个人账户储存额 / 计发月数, the divisor by age at retirement in months (divisor.py);
- 过渡性养老金 by the region's formula (transitional.py; Jiangsu's is NOT verified).

C is the pension base (养老金计发基数, parameter ``wages.pension_base`` on the retirement month, unless the
approval form states it: ``pension_base``). Each component is rounded half-up to the fen; the total is
their sum. Local add-ons (e.g. 增发, 独生子女补贴) are not part of this rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Mapping

import numpy as np

from laobao.core.errors import DomainError

from ..retirement.months import age_text, month_index, parse_month
from . import transitional as trans
from .arith import as_int64, yuan
from .basic import account_pension, account_pension_columns, basic_pension, basic_pension_columns
from .divisor import divisor_tenths, divisor_tenths_columns, table_array

REFERENCE = "国发〔2005〕38号 第六条及附件；江苏过渡性养老金办法（未核实）"
MAX_INDEX = Decimal(10)


@dataclass(frozen=True)
class PensionInputs:
    """What an approval form (养老金核定表) states; amounts in fen."""

    birth_month: date
    sex: str                                  # "M" / "F"
    retire_month: date
    contribution_months: int                  # all months in the formula, deemed months included
    average_index: Decimal                    # 本人平均缴费工资指数 Ī
    account_balance: int                      # 个人账户储存额, fen
    deemed_months: int = 0                    # 视同缴费月数
    pension_base: int | None = None           # C in fen, overrides the parameter when given
    region: str | None = None
    transitional_index: Decimal | None = None  # 建账前（1996年底前）平均缴费工资指数; default Ī
    pre_account_months: int | None = None     # 建账前缴费月数; default deemed_months


@dataclass(frozen=True)
class PensionParams:
    pension_base: int | None                  # C in fen (None: the input must give it)
    divisor_table: Mapping[int, int]          # whole age → months (40–70)
    transitional_formula: str = "none"
    transitional_coefficient: Decimal | None = None
    sources: tuple = field(default=(), compare=False)


@dataclass(frozen=True)
class Pension:
    basic: int
    account: int
    transitional: int
    total: int
    divisor: Decimal
    age_months: int
    pension_base: int
    explain: dict


def _err(fieldname: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(fieldname, code, zh, en)


def _whole(value, fieldname: str, zh: str, minimum: int = 0) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        raise _err(fieldname, f"{fieldname}.invalid", f"{zh}须为不小于 {minimum} 的整数",
                   f"{fieldname} must be a whole number, at least {minimum}")
    return int(value)


def _index(value, fieldname: str) -> Decimal:
    try:
        if isinstance(value, (float, bool)) or value is None:
            raise InvalidOperation
        index = Decimal(value) if isinstance(value, (int, Decimal)) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        index = None
    if index is None or not index.is_finite() or not Decimal(0) <= index <= MAX_INDEX:
        raise _err(fieldname, f"{fieldname}.invalid", f"平均缴费工资指数须为 0 至 {MAX_INDEX} 之间的小数（如 \"0.8608\"）",
                   f'{fieldname} must be a decimal between 0 and {MAX_INDEX} (e.g. "0.8608")')
    return index


def _checked(inputs: PensionInputs) -> tuple[int, int, Decimal, Decimal, int]:
    """Validate; return (birth, retire) month indexes, Ī, Ī_pre and the pre-account months."""
    if inputs.sex not in ("M", "F"):
        raise _err("sex", "sex.unknown", "性别须为 M（男）或 F（女）", 'sex must be "M" (male) or "F" (female)')
    birth = month_index(parse_month(inputs.birth_month, "birth_month"))
    retire = month_index(parse_month(inputs.retire_month, "retire_month"))
    if retire <= birth:
        raise _err("retire_month", "pension.retire_before_birth", "退休年月须晚于出生年月",
                   "retire_month must be after birth_month")
    months = _whole(inputs.contribution_months, "contribution_months", "缴费月数")
    deemed = _whole(inputs.deemed_months, "deemed_months", "视同缴费月数")
    if deemed > months:
        raise _err("deemed_months", "pension.deemed_exceeds_total", "视同缴费月数不能大于累计缴费月数（累计含视同）",
                   "deemed_months cannot exceed contribution_months (which include them)")
    _whole(inputs.account_balance, "account_balance", "个人账户储存额（分）")
    if inputs.pension_base is not None:
        _whole(inputs.pension_base, "pension_base", "养老金计发基数（分）", minimum=1)
    index = _index(inputs.average_index, "average_index")
    pre_index = index if inputs.transitional_index is None else _index(inputs.transitional_index, "transitional_index")
    pre = deemed if inputs.pre_account_months is None else _whole(inputs.pre_account_months, "pre_account_months", "建账前缴费月数")
    if pre > months:
        raise _err("pre_account_months", "pension.pre_exceeds_total", "建账前缴费月数不能大于累计缴费月数",
                   "pre_account_months cannot exceed contribution_months")
    return birth, retire, index, pre_index, pre


def _base(inputs_base: int | None, params: PensionParams) -> int:
    base = inputs_base if inputs_base is not None else params.pension_base
    if base is None:
        raise _err("pension_base", "pension.base_missing", "没有该退休时间的养老金计发基数参数，请填写 pension_base",
                   "no pension base parameter for this retirement month: give pension_base")
    return int(base)


def pension(inputs: PensionInputs, params: PensionParams) -> Pension:
    """The monthly pension at retirement for one person (see the module docstring)."""
    birth, retire, index, pre_index, pre = _checked(inputs)
    age = retire - birth
    tenths = divisor_tenths(age, params.divisor_table)
    base = _base(inputs.pension_base, params)
    basic, basic_text = basic_pension(base, index, inputs.contribution_months)
    account, account_text = account_pension(inputs.account_balance, tenths)
    formula = trans.formula(params.transitional_formula)
    transitional, trans_text = formula.single(base, pre_index, pre, params.transitional_coefficient)
    total = basic + account + transitional
    lines = [basic_text, f"{account_text}（退休年龄 {age_text(age)}）", trans_text,
             f"基本养老金 = {yuan(basic)} + {yuan(account)} + {yuan(transitional)} = {yuan(total)}"]
    return Pension(
        basic=basic, account=account, transitional=transitional, total=total,
        divisor=Decimal(tenths).scaleb(-1).quantize(Decimal("0.1")), age_months=age, pension_base=base,
        explain={"formula": "；".join(lines), "lines": lines, "params": list(params.sources),
                 "reference": REFERENCE, "transitional_verified": formula.verified},
    )


@dataclass(frozen=True)
class PensionColumns:
    basic: np.ndarray          # int64 fen
    account: np.ndarray
    transitional: np.ndarray
    total: np.ndarray
    divisor_tenths: np.ndarray  # int64: divisor × 10


def _row_check(bad: np.ndarray, fieldname: str, zh: str, en: str) -> None:
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise _err(fieldname, f"{fieldname}.invalid", f"第 {row} 行：{zh}", f"row {row}: {en}")


def pension_columns(birth_month, retire_month, contribution_months, average_index, account_balance,
                    params: PensionParams, *, index_scale: int = 10_000, pension_base=None,
                    transitional_index=None, deemed_months=None, pre_account_months=None) -> PensionColumns:
    """Column form of :func:`pension`; identical fen row by row (a Hypothesis test proves it).

    ``birth_month``/``retire_month`` are int64 month indexes (``months.month_index``); amounts are int64 fen;
    ``average_index`` and ``transitional_index`` are int64 arrays of index × ``index_scale`` (0.4787 → 4787).
    ``pension_base`` (fen, scalar or array) defaults to the parameter; ``transitional_index`` to the average
    index; ``pre_account_months`` to ``deemed_months`` (and that to zero), as in the single form.
    """
    birth, retire = as_int64(birth_month), as_int64(retire_month)
    months, index, balance = as_int64(contribution_months), as_int64(average_index), as_int64(account_balance)
    pre_index = index if transitional_index is None else as_int64(transitional_index)
    deemed = np.zeros_like(months) if deemed_months is None else as_int64(deemed_months)
    pre = deemed if pre_account_months is None else as_int64(pre_account_months)
    base = np.asarray(_base(None, params) if pension_base is None else pension_base, dtype=np.int64)
    _row_check(months < 0, "contribution_months", "缴费月数不能为负", "contribution_months cannot be negative")
    _row_check(balance < 0, "account_balance", "个人账户储存额不能为负", "account_balance cannot be negative")
    _row_check((index < 0) | (index > MAX_INDEX * index_scale), "average_index", "平均缴费工资指数超出范围",
               "average_index is out of range")
    _row_check((deemed < 0) | (deemed > months), "deemed_months", "视同缴费月数无效", "deemed_months is invalid")
    _row_check((pre < 0) | (pre > months), "pre_account_months", "建账前缴费月数无效", "pre_account_months is invalid")
    _row_check(np.broadcast_to(base, months.shape) <= 0, "pension_base", "养老金计发基数须为正", "pension_base must be positive")
    tenths = divisor_tenths_columns(retire - birth, table_array(params.divisor_table))
    basic = basic_pension_columns(base, index, months, index_scale)
    account = account_pension_columns(balance, tenths)
    formula = trans.formula(params.transitional_formula)
    transitional = formula.columns(base, pre_index, pre, index_scale, params.transitional_coefficient)
    return PensionColumns(basic, account, transitional, basic + account + transitional, tenths)
