"""One evaluation of a claim: retirement month, record facts, checks and calculation (reads only).

Used by the services (receive, recheck, approve) and by the counter's preview, so that what the form
shows, what is stored and what is approved come from one function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from laobao.core.errors import DomainError
from laobao.policy.rules.retirement.age import Retirement, retirement
from laobao.policy.rules.retirement.contribution import min_contribution_check
from laobao.policy.rules.retirement.params import params_for as retirement_params
from laobao.registry.models import Person

from . import calc, checks, record

MAX_DEEMED = 600
CATEGORIES = (60, 55, 50)


@dataclass(frozen=True)
class Evaluation:
    retirement: Retirement
    facts: record.RecordFacts
    checks: list[dict]
    calculation: dict | None

    @property
    def ok(self) -> bool:
        return checks.all_ok(self.checks)


def _err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


def _index(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        index = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        index = None
    if index is None or not index.is_finite() or not Decimal(0) <= index <= Decimal(10) or index.as_tuple().exponent < -4:
        raise _err("pre_account_index", "claim.pre_index", "建账前平均缴费工资指数须为 0 至 10 之间、最多四位小数的数（如 0.9107）",
                   "pre_account_index must be a number from 0 to 10 with at most 4 decimals (e.g. 0.9107)")
    return index


def _wages(value) -> dict:
    out = {}
    for year, fen in (value or {}).items():
        if not str(year).isdigit() or isinstance(fen, bool) or not isinstance(fen, int) or fen <= 0:
            raise _err("reference_wages", "claim.reference_wages", "参照工资须按年度填写为正的金额",
                       "reference_wages must give a positive amount per year")
        out[str(int(year))] = fen
    return out


def clean(data) -> calc.Claimed:
    """Validate what the maker entered (the ClaimInput of the services)."""
    if data.category not in CATEGORIES:
        raise _err("category", "claim.category", "原法定退休年龄须为 60（男）、55（女干部）或 50（女工人）",
                   "category must be 60 (men), 55 (women cadres) or 50 (women workers)")
    deemed = data.deemed_months
    if isinstance(deemed, bool) or not isinstance(deemed, int) or not 0 <= deemed <= MAX_DEEMED:
        raise _err("deemed_months", "claim.deemed", f"视同缴费月数须为 0 至 {MAX_DEEMED} 的整数",
                   f"deemed_months must be a whole number from 0 to {MAX_DEEMED}")
    base = data.pension_base_fen
    if base is not None and (isinstance(base, bool) or not isinstance(base, int) or base <= 0):
        raise _err("pension_base", "claim.pension_base", "养老金计发基数须为正的金额", "pension_base must be a positive amount")
    return calc.Claimed(deemed, _index(data.pre_account_index), base, _wages(data.reference_wages))


def claimed_of(claim) -> calc.Claimed:
    return calc.Claimed(claim.deemed_months, claim.pre_account_index, claim.pension_base_fen, claim.reference_wages or {})


def _region(person: Person) -> str | None:
    return person.residence_region.code if person.residence_region_id else None


def evaluate(person: Person, category: int, option: str, shift: int, claimed: calc.Claimed,
             today: date | None = None) -> Evaluation:
    """Retirement month by the rules, the record's facts, every check and the calculation (None if impossible).

    Bad input (an option the rules do not allow, a category that does not fit the sex) raises DomainError.
    """
    region = _region(person)
    params = retirement_params(region=region)
    ret = retirement(person.birth_date.replace(day=1), category, option, shift, params=params, sex=person.sex)
    facts = record.read(person, ret.retire_month)
    minimum = min_contribution_check(facts.months + claimed.deemed_months, ret.retire_month, params.min_years,
                                     params.sources)
    calculation, problems = None, ()
    try:
        calculation = calc.calculate(person, ret, facts, claimed, region)
    except DomainError as exc:
        problems = tuple(exc.problems)
    month = (today or timezone.localdate()).replace(day=1)
    rows = checks.evaluate(checks.ClaimFacts(month, ret, minimum, facts, problems))
    return Evaluation(ret, facts, rows, calculation)
