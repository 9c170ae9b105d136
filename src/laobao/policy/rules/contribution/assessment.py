"""社会保险费核定 — the monthly contribution of one person to each insurance.

社会保险法 第十二条、第二十三条、第三十三条、第四十四条、第五十三条: the employer pays on its payroll and
the employee on his or her wage, at the rates the State sets; work-injury and maternity insurance
are paid by the employer alone. The individual contribution base (缴费基数) is the employee's wage
of the previous year, but not below the floor and not above the cap, each a share (60% and 300%)
of the reference average wage (劳办发〔1997〕116号; from 2019 the all-employer urban average wage,
国办发〔2019〕13号). So for each insurance:

    base      = min(max(wage, floor), cap)
    employer  = base × employer rate
    employee  = base × employee rate
    account   = base × account share      (basic pension only; see rules.account.crediting)

Rounding: no national text fixes it. Each line (employer, employee, account) is rounded on its own
to the fen ROUND_HALF_UP — the house rule for money (DESIGN.md principle 2) — and the totals are
sums of rounded lines. The employer share is computed on the person's base here (the per-person
view a caseworker and the employee see); an employer's bill that applies the rate to the whole
payroll may differ from the sum of the lines by rounding.

The floor and cap themselves are rounded to the yuan (``base_limits``): the published Jiangsu base
for 2024 (4879 / 24396 = 60% / 300% of 8132, law.md §2.2, SOURCE-ONLY) and the official Shanxi
notice for 2026 (晋人社厅发〔2026〕27号: 7073 × 60% = 4243.8 → 4244; 7073 × 300% = 21219) are both
whole yuan, and together rule out truncation (4243.8 → 4244) and rounding up (4879.2 → 4879): to the
nearest yuan, halves up. No Suzhou notice has been checked (UNVERIFIED for Suzhou), hence the
``quantum`` argument (100 fen; 1 keeps the fen).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from laobao.core.errors import DomainError
from laobao.policy.rules.contribution.exact import (
    half_up, negative, percent, times, yuan,
)

REFERENCE = ("社会保险法 第十二、二十三、三十三、四十四、五十三条; 劳办发〔1997〕116号; 国办发〔2019〕13号; "
             "国发〔2005〕38号 第六条")
INSURANCES = ("pension", "medical", "unemployment", "injury", "maternity")


@dataclass(frozen=True)
class InsuranceRates:
    """The rates of one insurance; ``floor_fen``/``cap_fen`` override the common limits when given."""

    insurance: str
    employer_rate: Decimal
    employee_rate: Decimal = Decimal(0)
    account_share: Decimal = Decimal(0)
    floor_fen: int | None = None
    cap_fen: int | None = None


@dataclass(frozen=True)
class ContributionParams:
    """Everything the assessment needs for one month and region (see ``params_for``)."""

    insurances: tuple[InsuranceRates, ...]
    floor_fen: int | None = None
    cap_fen: int | None = None
    sources: tuple = field(default=(), compare=False)

    def limits(self, rates: InsuranceRates) -> tuple[int | None, int | None]:
        floor = rates.floor_fen if rates.floor_fen is not None else self.floor_fen
        cap = rates.cap_fen if rates.cap_fen is not None else self.cap_fen
        return floor, cap


@dataclass(frozen=True)
class Line:
    insurance: str
    base: int        # fen
    employer: int    # fen
    employee: int    # fen
    account: int     # fen


@dataclass(frozen=True)
class Assessment:
    wage: int
    lines: tuple[Line, ...]
    explain: dict

    @property
    def employer(self) -> int:
        return sum(line.employer for line in self.lines)

    @property
    def employee(self) -> int:
        return sum(line.employee for line in self.lines)


def base_limits(average_wage_fen: int, floor_share: Decimal, cap_share: Decimal,
                quantum: int = 100) -> tuple[int, int]:
    """Floor and cap of the base: share × monthly average wage, rounded half-up to ``quantum`` fen (yuan)."""
    return (half_up(times(average_wage_fen, floor_share), quantum),
            half_up(times(average_wage_fen, cap_share), quantum))


def clamp(wage_fen: int, floor_fen: int | None, cap_fen: int | None) -> int:
    """The contribution base: the wage raised to the floor and lowered to the cap."""
    base = wage_fen
    if floor_fen is not None:
        base = max(base, floor_fen)
    if cap_fen is not None:
        base = min(base, cap_fen)
    return base


def check_params(params: ContributionParams) -> None:
    for rates in params.insurances:
        floor, cap = params.limits(rates)
        if floor is not None and cap is not None and floor > cap:
            raise DomainError.of("floor", "contribution.floor_above_cap",
                                 f"缴费基数下限 {yuan(floor)} 高于上限 {yuan(cap)}。",
                                 f"The base floor {yuan(floor)} is above the cap {yuan(cap)}.")
        for name in ("employer_rate", "employee_rate", "account_share"):
            if not Decimal(0) <= getattr(rates, name) <= Decimal(1):
                raise DomainError.of(name, "contribution.bad_rate", f"{rates.insurance} 的费率须在 0–1 之间。",
                                     f"The {name} of {rates.insurance} must be between 0 and 1.")


def assess(base_fen: int, params: ContributionParams) -> Assessment:
    """Assess one person's month: ``base_fen`` is the declared base (the wage) before the floor and cap."""
    if base_fen < 0:
        raise negative("wage", base_fen)
    check_params(params)
    lines, formulas = [], []
    for rates in params.insurances:
        floor, cap = params.limits(rates)
        base = clamp(base_fen, floor, cap)
        line = Line(rates.insurance, base,
                    employer=half_up(times(base, rates.employer_rate)),
                    employee=half_up(times(base, rates.employee_rate)),
                    account=half_up(times(base, rates.account_share)))
        lines.append(line)
        limits = f"min(max({yuan(base_fen)}, {yuan(floor) if floor is not None else '—'}), " \
                 f"{yuan(cap) if cap is not None else '—'}) = {yuan(base)}"
        text = (f"{rates.insurance}: base = {limits}; employer = {yuan(base)} × {percent(rates.employer_rate)} = "
                f"{yuan(line.employer)}; employee = {yuan(base)} × {percent(rates.employee_rate)} = "
                f"{yuan(line.employee)}")
        if rates.account_share:
            text += f"; account = {yuan(base)} × {percent(rates.account_share)} = {yuan(line.account)}"
        formulas.append(text)
    return Assessment(wage=base_fen, lines=tuple(lines),
                      explain={"formula": "\n".join(formulas), "params": list(params.sources),
                               "reference": REFERENCE})


def _ratio(name: str, on, region) -> tuple[Decimal, object]:
    from laobao.policy.params import param

    value = param(name, on=on, region=region)
    return Decimal(value.value), value


def _limits(on, region, floor_fen, cap_fen, average_wage_fen) -> tuple[int, int, list]:
    if floor_fen is not None and cap_fen is not None:
        return floor_fen, cap_fen, []
    if average_wage_fen is None:
        raise DomainError.of(
            "floor", "contribution.no_limits",
            "没有可引用的缴费基数参照平均工资（参数中尚无数值）：请填写缴费基数下限 floor 和上限 cap，或参照月平均工资 average_wage。",
            "No citable reference average wage is on file for the base limits: give the base floor and cap, "
            "or the reference monthly average wage (average_wage).")
    floor_share, floor_src = _ratio("contribution.base_floor_share", on, region)
    cap_share, cap_src = _ratio("contribution.base_cap_share", on, region)
    floor, cap = base_limits(average_wage_fen, floor_share, cap_share)
    return (floor if floor_fen is None else floor_fen), (cap if cap_fen is None else cap_fen), [floor_src, cap_src]


def params_for(on, region: str | None = None, *, floor_fen: int | None = None, cap_fen: int | None = None,
               average_wage_fen: int | None = None, injury_class: int | None = None,
               injury_rate: Decimal | None = None) -> ContributionParams:
    """The rates in force in the month of ``on`` (in ``region``), read through the parameter files.

    Lines: pension (with the account share), medical, unemployment, maternity while it exists (null from
    its merger into medical), and work injury when the employer's risk class or its own (floating) rate
    is given. The base limits are ``floor_fen``/``cap_fen`` when given, else shares of
    ``average_wage_fen``; the parameter files hold no reference average wage yet, so one of the two is needed.
    """
    from laobao.policy.params import param
    from laobao.policy.rules.account import crediting

    floor, cap, sources = _limits(on, region, floor_fen, cap_fen, average_wage_fen)
    account = crediting.params_for(on, region)
    lines = []
    for insurance in ("pension", "medical", "unemployment"):
        employer, e_src = _ratio(f"contribution.{insurance}_employer_rate", on, region)
        employee, w_src = _ratio(f"contribution.{insurance}_employee_rate", on, region)
        share = account.share if insurance == "pension" else Decimal(0)
        lines.append(InsuranceRates(insurance, employer, employee, share))
        sources += [e_src, w_src] + (list(account.sources) if insurance == "pension" else [])
    if injury_rate is not None or injury_class is not None:
        if injury_rate is None:
            table = param("contribution.injury_class_rates", on=on, region=region)
            if injury_class not in table.value:
                raise DomainError.of("injury_class", "contribution.injury_class",
                                     f"工伤保险行业类别 {injury_class} 不存在：可选 {sorted(table.value)}。",
                                     f"There is no work-injury risk class {injury_class}: use one of {sorted(table.value)}.")
            injury_rate = Decimal(table.value[injury_class])
            sources.append(table)
        lines.append(InsuranceRates("injury", Decimal(injury_rate)))
    maternity = _maternity(on, region)
    if maternity is not None:
        lines.append(InsuranceRates("maternity", maternity[0]))
        sources.append(maternity[1])
    return ContributionParams(tuple(lines), floor_fen=floor, cap_fen=cap, sources=tuple(sources))


def _maternity(on, region):
    from laobao.policy.params import ParameterError

    try:
        return _ratio("contribution.maternity_employer_rate", on, region)
    except ParameterError:
        return None  # merged into medical insurance (null entry) — no maternity line
