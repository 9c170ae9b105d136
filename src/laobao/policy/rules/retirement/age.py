"""法定退休年龄与退休时间 — statutory retirement age and month, with the 2025 gradual reform.

《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》（2024年9月13日通过，2025年1月1日起施行）
and its annex 《国务院关于渐进式延迟法定退休年龄的办法》:

第二条 从2025年1月1日起，男职工和原法定退休年龄为五十五周岁的女职工，法定退休年龄每四个月延迟一个月，
分别逐步延迟至六十三周岁和五十八周岁；原法定退休年龄为五十周岁的女职工，法定退休年龄每二个月延迟一个月，
逐步延迟至五十五周岁。（附件1–3：对照表，按出生年月列出改革后法定退休年龄与退休时间。）

第四条（弹性退休） 职工达到最低缴费年限，可以自愿选择弹性提前退休，提前时间最长不超过三年，且退休年龄不得低于
女职工五十周岁、五十五周岁及男职工六十周岁的原法定退休年龄。职工达到法定退休年龄，所在单位与职工协商一致的，
可以弹性延迟退休，延迟时间最长不超过三年。

Closed form of the annex tables (month granularity; every published example reproduces it):
``idx = months from the first affected birth month``; ``delay = 0`` if ``idx < 0``, else
``min(max_delay, idx // step + 1)``; retirement month = birth month + original age × 12 + delay.
Before the reform (国发〔1978〕104号) the ages were 60 for men, 55 for women cadres and 50 for women workers;
the category is given as ``original_age``. No rounding is involved: every quantity is a whole month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from laobao.core.errors import DomainError

from .contribution import applied, min_years_for, min_years_index
from .months import age_text, month_date, month_index, month_text, parse_month

REFERENCE = "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定（2024）附《国务院关于渐进式延迟法定退休年龄的办法》第二条、第四条及附件1–3；国发〔1978〕104号"
OPTIONS = ("normal", "early", "late")


@dataclass(frozen=True)
class Category:
    """One category of the decision: the original age and how the reform moves it."""

    original_age: int                 # years (60, 55, 50)
    sex: str                          # "M" or "F"
    first_birth_month: date | None    # first birth month the reform affects; None: no reform
    step: int                         # birth months per month of delay (4 or 2)
    max_delay: int                    # months (36 or 60)
    max_early: int = 0                # flexible early retirement: at most this many months earlier (36)
    max_late: int = 0                 # flexible late retirement: at most this many months later (36)


@dataclass(frozen=True)
class RetirementParams:
    categories: tuple[Category, ...]
    flexible_from: date | None        # flexible retirement exists for statutory months from here on
    min_years: tuple[tuple[date, Decimal], ...]  # (since retirement month, minimum contribution years)
    sources: tuple = field(default=(), compare=False)

    def category(self, original_age: int, sex: str | None = None) -> Category:
        for cat in self.categories:
            if cat.original_age == original_age:
                if sex is not None and sex != cat.sex:
                    raise _error("sex", "retirement.sex_mismatch",
                                 f"原法定退休年龄 {original_age} 岁不适用于性别 {sex}",
                                 f"original age {original_age} does not apply to sex {sex}")
                return cat
        ages = "、".join(str(c.original_age) for c in self.categories)
        raise _error("original_age", "retirement.original_age",
                     f"原法定退休年龄须为 {ages} 之一", f"original_age must be one of {ages}")


@dataclass(frozen=True)
class Retirement:
    retire_month: date
    retire_age_months: int
    min_contribution_years: Decimal | None  # None: no parameter value for that retirement month
    statutory_month: date
    statutory_age_months: int
    delay_months: int
    option: str
    shift_months: int
    explain: dict


def _error(fieldname: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(fieldname, code, zh, en)


def delay_months(birth: int, cat: Category) -> int:
    """Months the reform adds to the original age for the birth month with index ``birth``."""
    if cat.first_birth_month is None:
        return 0
    idx = birth - month_index(cat.first_birth_month)
    if idx < 0:
        return 0
    return min(cat.max_delay, idx // cat.step + 1)


def _check_sex(sex: str | None) -> str | None:
    if sex is None or sex in ("M", "F"):
        return sex
    raise _error("sex", "sex.unknown", "性别须为 M（男）或 F（女）", 'sex must be "M" (male) or "F" (female)')


def _shift(option: str, shift: int, delay: int, statutory_month: int, cat: Category,
           params: RetirementParams) -> int:
    """The signed change to the statutory age (negative: earlier), after checking the option's limits."""
    if option not in OPTIONS:
        raise _error("option", "retirement.option", "退休方式须为 normal、early 或 late",
                     'option must be "normal", "early" or "late"')
    if not isinstance(shift, int) or isinstance(shift, bool) or shift < 0:
        raise _error("shift_months", "retirement.shift", "提前或延迟的月数须为非负整数",
                     "shift_months must be a whole number of months, 0 or more")
    if option == "normal":
        if shift:
            raise _error("shift_months", "retirement.shift_normal", "按法定退休年龄退休时提前或延迟月数须为 0",
                         'shift_months must be 0 for option "normal"')
        return 0
    flexible = params.flexible_from is not None and statutory_month >= month_index(params.flexible_from)
    if not flexible or not (cat.max_early or cat.max_late):
        raise _error("option", "retirement.flexible_unavailable",
                     "法定退休时间早于弹性退休制度施行之日，不能选择弹性提前或延迟退休",
                     "flexible early or late retirement exists only for statutory retirement months from "
                     f"{params.flexible_from or 'the reform'} on")
    if shift < 1:
        raise _error("shift_months", "retirement.shift_missing", "弹性退休须填写提前或延迟的月数（至少 1 个月）",
                     "flexible retirement needs shift_months of at least 1")
    if option == "early":
        limit = min(cat.max_early, delay)
        if shift > limit:
            raise _error("shift_months", "retirement.early_limit",
                         f"弹性提前退休最多提前 {limit} 个月：提前不超过 {cat.max_early} 个月，且不得低于原法定退休年龄",
                         f"early retirement can be at most {limit} months earlier: at most {cat.max_early} months, "
                         "and never below the original statutory age")
        return -shift
    if shift > cat.max_late:
        raise _error("shift_months", "retirement.late_limit",
                     f"弹性延迟退休最多延迟 {cat.max_late} 个月",
                     f"late retirement can be at most {cat.max_late} months later")
    return shift


def retirement(birth_month: date | str, original_age: int, option: str = "normal", shift_months: int = 0,
               *, params: RetirementParams | None = None, sex: str | None = None) -> Retirement:
    """The retirement month and age of one person under the decision (see the module docstring).

    ``option`` "early" brings retirement ``shift_months`` earlier than the statutory age (at most 36 months,
    never below the original age); "late" puts it ``shift_months`` later (at most 36 months; needs the
    employer's consent, which the caller records). Early retirement also needs the minimum contribution
    years: check them with :func:`min_contribution_check`. ``params`` defaults to today's parameters.
    """
    if params is None:
        from .params import params_for
        params = params_for(date.today())
    birth = month_index(parse_month(birth_month, "birth_month"))
    if not isinstance(original_age, int) or isinstance(original_age, bool):
        raise _error("original_age", "retirement.original_age", "原法定退休年龄须为整数", "original_age must be a whole number")
    cat = params.category(original_age, _check_sex(sex))
    delay = delay_months(birth, cat)
    statutory_age = original_age * 12 + delay
    signed = _shift(option, shift_months, delay, birth + statutory_age, cat, params)
    age = statutory_age + signed
    retire = birth + age
    years, source = min_years_for(retire, params.min_years)
    minimum = (f"{month_date(retire).year} 年退休最低缴费年限 {years} 年（自 {source.isoformat()} 起）" if years is not None
               else "该退休时间没有最低缴费年限参数")
    formula = (f"{month_text(month_date(birth))} + {original_age}岁 + 延迟 {delay} 个月"
               + (f" {'+' if signed > 0 else '−'} {abs(signed)} 个月（弹性{'延迟' if signed > 0 else '提前'}）" if signed else "")
               + f" = {month_text(month_date(retire))}，退休年龄 {age_text(age)}；{minimum}")
    return Retirement(
        retire_month=month_date(retire), retire_age_months=age, min_contribution_years=years,
        statutory_month=month_date(birth + statutory_age), statutory_age_months=statutory_age,
        delay_months=delay, option=option, shift_months=shift_months,
        explain={"formula": formula, "params": applied(params.sources, source), "reference": REFERENCE},
    )


@dataclass(frozen=True)
class RetirementColumns:
    retire_month: np.ndarray             # int64 month indexes (see months.month_index)
    retire_age_months: np.ndarray        # int64
    delay_months: np.ndarray             # int64
    min_contribution_months: np.ndarray  # int64: minimum contribution years × 12 (−1: no parameter value)


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


_FIELDS = ("first", "step", "max_delay", "max_early", "max_late")
_NEVER = 2**40  # a first affected birth month no one reaches: no reform in this category


def _category_columns(orig: np.ndarray, params: RetirementParams) -> dict[str, np.ndarray]:
    cols = {f: np.zeros(orig.shape, np.int64) for f in _FIELDS}
    known = np.zeros(orig.shape, bool)
    for cat in params.categories:
        rows = orig == cat.original_age
        known |= rows
        cols["first"][rows] = month_index(cat.first_birth_month) if cat.first_birth_month else _NEVER
        cols["step"][rows] = max(cat.step, 1)
        cols["max_delay"][rows] = cat.max_delay
        cols["max_early"][rows] = cat.max_early
        cols["max_late"][rows] = cat.max_late
    if not known.all():
        row = _first_bad(~known)
        raise _error("original_age", "retirement.original_age", f"第 {row} 行原法定退休年龄无效",
                     f"row {row}: original_age is not a known category")
    return cols


def retirement_columns(birth_month: np.ndarray, original_age: np.ndarray, params: RetirementParams,
                       shift_months: np.ndarray | None = None) -> RetirementColumns:
    """Column form of :func:`retirement` over int64 month indexes; identical results row by row.

    ``shift_months`` is signed: negative for early, positive for late retirement (0: statutory age).
    A row that breaks a rule raises a DomainError naming the field and the first offending row.
    """
    birth = np.asarray(birth_month, dtype=np.int64)
    orig = np.asarray(original_age, dtype=np.int64)
    cols = _category_columns(orig, params)
    idx = birth - cols["first"]
    delay = np.where(idx < 0, 0, np.minimum(cols["max_delay"], np.maximum(idx, 0) // cols["step"] + 1))
    statutory = orig * 12 + delay
    shift = np.zeros(birth.shape, np.int64) if shift_months is None else np.asarray(shift_months, dtype=np.int64)
    _check_shift_columns(shift, delay, birth + statutory, cols, params)
    age = statutory + shift
    retire = birth + age
    return RetirementColumns(retire, age, delay, min_years_index(retire, params.min_years))


def _check_shift_columns(shift, delay, statutory_month, cols, params: RetirementParams) -> None:
    moved = shift != 0
    if not moved.any():
        return
    flex_from = month_index(params.flexible_from) if params.flexible_from else _NEVER
    no_flex = (cols["max_early"] == 0) & (cols["max_late"] == 0)
    bad = moved & ((statutory_month < flex_from) | no_flex | (shift < -np.minimum(cols["max_early"], delay))
                   | (shift > cols["max_late"]))
    if bad.any():
        row = _first_bad(bad)
        raise _error("shift_months", "retirement.shift",
                     f"第 {row} 行的弹性提前或延迟月数超出允许范围",
                     f"row {row}: shift_months is outside what flexible retirement allows")
