"""The pension of a claim from its facts: the average index Ī, then ``policy.rules.pension.pension``.

Ī = (Σ over the counted months of base ÷ that year's reference wage + deemed months × pre-account index)
÷ all months, computed exactly (Decimal) and rounded half-up to 4 places once, at the end. The
calculation is stored on the claim as JSON: inputs (with where each came from), the rule's result per
component (amount + formula) and the parameters applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from laobao.core.errors import DomainError, Problem
from laobao.policy.rules.pension.arith import yuan
from laobao.policy.rules.pension.params import params_for as pension_params
from laobao.policy.rules.pension.pension import PensionInputs, pension
from laobao.policy.rules.retirement.age import Retirement
from laobao.policy.rules.retirement.months import age_text

from . import record

FOUR = Decimal("0.0001")
COMPONENTS = (("basic", "基础养老金", "basic pension"), ("account", "个人账户养老金", "account pension"),
              ("transitional", "过渡性养老金", "transitional pension"))


@dataclass(frozen=True)
class Claimed:
    """What the maker states on the claim (from the archive) besides the record."""

    deemed_months: int
    pre_account_index: Decimal | None
    pension_base_fen: int | None
    reference_wages: dict


def _problem(code: str, zh: str, en: str) -> Problem:
    return Problem(field="calculation", code=code, zh=zh, en=en)


def average_index(bases: dict[date, int], wages: dict[int, Decimal], deemed: int,
                  pre_index: Decimal | None) -> tuple[Decimal, str]:
    total_months = len(bases) + deemed
    if total_months == 0:
        return Decimal(0), "无缴费月份"
    own = sum((Decimal(base) / wages[m.year] for m, base in bases.items()), Decimal(0))
    pre = Decimal(deemed) * (pre_index or Decimal(0))
    index = ((own + pre) / Decimal(total_months)).quantize(FOUR, rounding=ROUND_HALF_UP)
    text = (f"Ī = (Σ 各月缴费基数 ÷ 当年参照工资 [{len(bases)} 个月，合计 {own.quantize(FOUR, rounding=ROUND_HALF_UP)}]"
            f" + 视同缴费 {deemed} 个月 × {pre_index or 0}) ÷ {total_months} = {index}")
    return index, text


def _missing(facts: record.RecordFacts, claimed: Claimed, missing_years: list[int], base_fen) -> list[Problem]:
    out = []
    if missing_years:
        shown = "、".join(str(y) for y in missing_years)
        out.append(_problem("calc.reference_wage", f"{shown} 年没有缴费基数上限，无法计算平均缴费工资指数：请经办人员按档案录入这些年度的参照工资（元/月）",
                            f"No contribution base cap for {', '.join(map(str, missing_years))}: the average index "
                            "cannot be computed; the caseworker must enter those years' reference wage (yuan a month)"))
    if claimed.deemed_months and claimed.pre_account_index is None:
        out.append(_problem("calc.pre_index", "有视同缴费年限时须录入建账前平均缴费工资指数（见档案）",
                            "Deemed months need the pre-account average index from the archive"))
    if base_fen is None:
        out.append(_problem("calc.pension_base", "该退休月份没有养老金计发基数参数：请经办人员按公布的数值录入计发基数（元）",
                            "No pension base parameter for this retirement month: the caseworker must enter it (yuan)"))
    return out


def calculate(person, ret: Retirement, facts: record.RecordFacts, claimed: Claimed, region: str | None) -> dict:
    """The calculation JSON of a claim, or DomainError naming what the maker must add."""
    bases = facts.bases()
    wages, sources, missing_years = record.reference_wages({m.year for m in bases}, claimed.reference_wages)
    params = pension_params(ret.retire_month, region)
    base_fen = claimed.pension_base_fen if claimed.pension_base_fen is not None else params.pension_base
    problems = _missing(facts, claimed, missing_years, base_fen)
    if problems:
        raise DomainError(*problems)
    index, index_text = average_index(bases, wages, claimed.deemed_months, claimed.pre_account_index)
    months = facts.months + claimed.deemed_months
    result = pension(PensionInputs(
        birth_month=person.birth_date.replace(day=1), sex=person.sex, retire_month=ret.retire_month,
        contribution_months=months, average_index=index, account_balance=facts.balance_fen,
        deemed_months=claimed.deemed_months, pension_base=base_fen, region=region,
        transitional_index=claimed.pre_account_index), params)
    return _json(person, ret, facts, claimed, result, index, index_text, sources, base_fen, params)


def _json(person, ret, facts, claimed, result, index, index_text, sources, base_fen, params) -> dict:
    lines = result.explain["lines"]
    amounts = (result.basic, result.account, result.transitional)
    return {
        "inputs": {
            "birth_month": f"{person.birth_date:%Y-%m}", "sex": person.sex, "retire_month": f"{ret.retire_month:%Y-%m}",
            "retire_age": age_text(result.age_months), "retirement_formula": ret.explain["formula"],
            "paid_months": len(facts.paid_bases), "transferred_months": len(facts.transferred_bases),
            "deemed_months": claimed.deemed_months, "contribution_months": facts.months + claimed.deemed_months,
            "average_index": str(index), "index_formula": index_text,
            "pre_account_index": str(claimed.pre_account_index) if claimed.pre_account_index is not None else None,
            "account_balance_fen": facts.balance_fen, "pension_base_fen": base_fen,
            "pension_base_source": "maker" if claimed.pension_base_fen is not None else "parameter",
            "reference_wages": {str(y): s for y, s in sorted(sources.items())},
        },
        "result": {"basic_fen": result.basic, "account_fen": result.account, "transitional_fen": result.transitional,
                   "total_fen": result.total, "divisor": str(result.divisor), "total_yuan": yuan(result.total)},
        "components": [{"code": code, "zh": zh, "en": en, "amount_fen": fen, "formula": line}
                       for (code, zh, en), fen, line in zip(COMPONENTS, amounts, lines)],
        "formula": result.explain["formula"],
        "params": [p.as_dict() for p in params.sources],
        "reference": result.explain["reference"],
        "transitional_verified": bool(result.explain.get("transitional_verified", True)),
    }
