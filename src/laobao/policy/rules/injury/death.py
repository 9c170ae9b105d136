"""Work-injury death benefits (工亡待遇).

工伤保险条例（2010年修订）第三十九条: the close relatives of a worker who dies of a work injury receive
from the fund (1) a funeral grant of 6 months of the regional average monthly wage of the previous
year; (2) pensions for the dependants whom the deceased mainly supported, a share of 本人工资 each
month: 40% for the spouse, 30% for each other dependant, plus 10% for an orphan or a lone elderly
person; the pensions together may not exceed the deceased's wage; (3) a one-time death grant of 20
times the previous year's national urban per-capita disposable income (from 2011-01-01). Under the
2003 text (第三十七条, deaths 2004-01-01 to 2010-12-31) the grant was 48 to 60 months of the regional
average monthly wage of the previous year; the month count is an input within that range.

How the cap on the pensions is shared out is not stated by the regulation. Here, when the shares
add up to more than 100% of 本人工资, each pension is scaled by 本人工资 / sum, rounded ROUND_HALF_UP to
the fen, and the rounding difference is taken from or given to the first pension, so the total is
exactly 本人工资. Every other amount is a share or multiple of a fen amount, rounded ROUND_HALF_UP.
本人工资 is clamped to 60%–300% of the regional average wage (第六十四条), as for disability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..checks import bad, need_bool, need_int, share_of, used, yuan
from .disability import P_CAP, P_FLOOR, check_date, check_wages, clamp_wage

REFERENCE = ("工伤保险条例（国务院令第586号）第三十九条、第六十四条；"
             "工伤保险条例（国务院令第375号）第三十七条（2004-01-01至2010-12-31）")

P_FUNERAL = "injury.funeral_grant_months"
P_SHARES = "injury.dependant_pension_shares"
P_MULTIPLE = "injury.death_grant_income_multiple"
P_MONTHS_MIN = "injury.death_grant_months_min"
P_MONTHS_MAX = "injury.death_grant_months_max"
P_INCOME = "wages.national_urban_disposable_income"
P_AVERAGE_WAGE = "wages.average_wage"

RELATIONS = ("spouse", "other")


@dataclass(frozen=True)
class DeathParams:
    funeral_months: int
    spouse_share: Decimal
    other_share: Decimal
    lone_bonus: Decimal
    wage_floor_share: Decimal
    wage_cap_share: Decimal
    version: str  # "2003" or "2010"
    grant_income_multiple: int | None = None  # 2010 text
    grant_months_range: tuple[int, int] | None = None  # 2003 text
    national_income: int | None = None  # fen, previous year's national urban per-capita disposable income
    sources: tuple = field(default=(), compare=False)


@dataclass(frozen=True)
class Dependant:
    relation: str  # "spouse" | "other"
    lone: bool = False  # 孤儿 or 孤寡老人: +10%


@dataclass(frozen=True)
class Death:
    wage_used: int
    funeral_grant: int
    dependant_pensions: tuple[int, ...]
    dependant_pension_total: int
    capped: bool
    one_time_grant: int
    version: str
    explain: dict


def params_for(death_date: date, region: str | None = None) -> DeathParams:
    from laobao.policy.params import ParameterError, param

    def get(name, on=death_date):
        try:
            return param(name, on=on, region=region)
        except ParameterError:
            return None

    funeral, shares, floor, cap = (param(n, on=death_date, region=region)
                                   for n in (P_FUNERAL, P_SHARES, P_FLOOR, P_CAP))
    multiple, mn, mx = get(P_MULTIPLE), get(P_MONTHS_MIN), get(P_MONTHS_MAX)
    multiple = multiple if multiple is not None and multiple.value is not None else None
    # "previous year's" income: the value in force on 31 December of the year before the death.
    income = get(P_INCOME, date(death_date.year - 1, 12, 31)) if multiple is not None else None
    found = [p for p in (funeral, shares, floor, cap, multiple, mn, mx, income) if p is not None]
    return DeathParams(
        int(funeral.value), Decimal(shares.value["spouse"]), Decimal(shares.value["other"]),
        Decimal(shares.value["lone_bonus"]), Decimal(floor.value), Decimal(cap.value),
        "2010" if multiple is not None else "2003",
        int(multiple.value) if multiple is not None else None,
        (int(mn.value), int(mx.value)) if multiple is None and mn and mx and mn.value is not None else None,
        int(income.value) if income is not None and income.value is not None else None, tuple(found))


def _dependants(items) -> tuple[Dependant, ...]:
    out = []
    for i, item in enumerate(items or ()):
        if isinstance(item, dict):
            relation, lone = item.get("relation"), item.get("lone", False)
        else:
            relation, lone = getattr(item, "relation", None), getattr(item, "lone", False)
        if relation not in RELATIONS:
            raise bad("dependants", "dependants.relation", f"第 {i + 1} 位供养亲属的关系应为 spouse（配偶）或 other（其他亲属）",
                      f"dependant {i + 1}: relation must be 'spouse' or 'other'")
        out.append(Dependant(relation, need_bool("dependants", lone)))
    if sum(d.relation == "spouse" for d in out) > 1:
        raise bad("dependants", "dependants.spouse", "供养亲属中最多只能有一位配偶",
                  "at most one dependant can be the spouse")
    return tuple(out)


def _pensions(base: int, deps: tuple[Dependant, ...], params: DeathParams) -> tuple[tuple[int, ...], bool, str]:
    shares = [(params.spouse_share if d.relation == "spouse" else params.other_share)
              + (params.lone_bonus if d.lone else 0) for d in deps]
    pensions = [share_of(base, s) for s in shares]
    text = " + ".join(f"{s} × {yuan(base)}" for s in shares) or "no dependants"
    total = sum(pensions)
    if total <= base:
        return tuple(pensions), False, f"dependant pensions = {text} = {yuan(total)}"
    pensions = [int((Decimal(p) * base / total).quantize(Decimal(1), rounding=ROUND_HALF_UP)) for p in pensions]
    pensions[0] += base - sum(pensions)
    return tuple(pensions), True, (f"dependant pensions = {text} = {yuan(total)} > 本人工资 {yuan(base)}"
                                   f" → scaled to {', '.join(yuan(p) for p in pensions)} (total {yuan(base)})")


def death(wage: int, params: DeathParams, *, regional_average_wage: int, dependants=(),
          grant_months: int | None = None, national_income: int | None = None) -> Death:
    """Funeral grant, dependants' monthly pensions and the one-time death grant."""
    wage, regional_average_wage, _ = check_wages(wage, regional_average_wage)
    if regional_average_wage is None:
        raise bad("regional_average_wage", "regional_average_wage.required",
                  "工亡待遇需填写统筹地区上年度职工月平均工资（分）",
                  "death benefits need the regional average monthly wage of the previous year (fen)")
    deps = _dependants(dependants)
    base, clamp_text = clamp_wage(wage, regional_average_wage, params)
    funeral = params.funeral_months * regional_average_wage
    pensions, capped, pension_text = _pensions(base, deps, params)
    parts = [clamp_text, f"funeral_grant = {params.funeral_months} × {yuan(regional_average_wage)} = {yuan(funeral)}",
             pension_text]
    if params.grant_income_multiple is not None:
        income = national_income if national_income is not None else params.national_income
        if income is None:
            raise bad("national_income", "national_income.required",
                      "缺少上一年度全国城镇居民人均可支配收入，请填写 national_income（分）",
                      "the previous year's national urban per-capita disposable income is missing; give national_income (fen)")
        income = need_int("national_income", income, minimum=1)
        grant = params.grant_income_multiple * income
        parts.append(f"one_time_grant = {params.grant_income_multiple} × {yuan(income)} = {yuan(grant)}")
    else:
        lo, hi = params.grant_months_range or (48, 60)
        if grant_months is None:
            raise bad("grant_months", "grant_months.required", f"2011年前的工亡须填写一次性工亡补助金月数（{lo}至{hi}）",
                      f"deaths before 2011 need grant_months ({lo} to {hi})")
        grant_months = need_int("grant_months", grant_months, minimum=lo, maximum=hi)
        grant = grant_months * regional_average_wage
        parts.append(f"one_time_grant = {grant_months} × {yuan(regional_average_wage)} = {yuan(grant)}")
    return Death(base, funeral, pensions, sum(pensions), capped, grant, params.version, {
        "formula": "; ".join(parts), "reference": REFERENCE,
        "params": used(params.sources, P_FUNERAL, P_SHARES, P_MULTIPLE, P_MONTHS_MIN, P_MONTHS_MAX,
                       P_INCOME, P_AVERAGE_WAGE, P_FLOOR, P_CAP)})


__all__ = ["Death", "DeathParams", "Dependant", "REFERENCE", "check_date", "death", "params_for"]
