"""Helpers for the assessment tests: enrollments, declarations, limits and risk classes written directly
(the test builds the facts; the batch under test reads them), and the independent expected result computed
person by person with the single-person rule ``policy.rules.contribution.assess``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from laobao.insurance.models import BaseDeclaration, BaseLimit, EmployerRiskClass, Enrollment
from laobao.policy.params import param
from laobao.policy.rules.contribution import ContributionParams, InsuranceRates, assess, params_for

FIVE = ("pension", "medical", "unemployment", "injury", "maternity")
# 江苏省 2024 年度缴费基数上下限 4879 / 24396 元（8132 × 60% / 300%; rules/contribution/assessment.py docstring)
JIANGSU_2024 = (487_900, 2_439_600)


def set_limits(year: int, floor: int, cap: int, reference: str = "test: 江苏省 2024 年度 4879/24396 元") -> None:
    BaseLimit.objects.get_or_create(year=year, insurance="", defaults={"floor_fen": floor, "cap_fen": cap,
                                                                       "reference": reference})


def enroll(person, employer, start: date, insurances=FIVE, end: date | None = None) -> None:
    for ins in insurances:
        Enrollment.objects.create(person=person, employer=employer, insurance=ins, start_month=start,
                                  end_month=end, start_reason="hire" if employer else "self_enrollment")


def declare(person, employer, year: int, wage: int, kind: str = "declared") -> BaseDeclaration:
    return BaseDeclaration.objects.create(person=person, employer=employer, year=year, wage_fen=wage, kind=kind)


def risk(employer, cls: int, from_month: date = date(2015, 10, 1)) -> None:
    EmployerRiskClass.objects.create(employer=employer, from_month=from_month, risk_class=cls)


def region_param_code(code: str) -> str:
    return code if len(code) == 12 else code[:6]


def expected_line(month: date, wage: int, limits: tuple[int, int], region: str, *, injury_class: int | None,
                  personal: bool = False, insurances=FIVE) -> dict[str, tuple[int, int, int, int]]:
    """insurance → (base, employer, employee, account) by the single-person rule."""
    floor, cap = limits
    if personal:
        share = Decimal(param("pension.account_share", on=month).value)
        rates = (InsuranceRates("pension", Decimal(0), Decimal(param("contribution.flexible_pension_rate", on=month).value),
                                share),
                 InsuranceRates("medical", Decimal(0), Decimal(param("contribution.flexible_medical_rate", on=month).value)))
        params = ContributionParams(rates, floor_fen=floor, cap_fen=cap)
    else:
        params = params_for(month, region_param_code(region), floor_fen=floor, cap_fen=cap,
                            injury_class=injury_class or 1)
    result = assess(wage, params)
    return {line.insurance: (line.base, line.employer, line.employee, line.account)
            for line in result.lines if line.insurance in insurances}
