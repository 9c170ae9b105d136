"""The claim checks one by one, as pure functions over facts made with the real rules and parameters.

Retirement months by the 2024 decision (retirement.yaml cases): a man born 1965-09 retires 2025-12 (60y3m);
born 1968-12 → 2029-12 (delay 12); born 1969-01 → 2030-02 (delay 13); born 1977-01 → delay 36 months. Minimum
years: 15 until 2029, 15.5 in 2030 (《国务院关于渐进式延迟法定退休年龄的办法》第三条).
"""

from __future__ import annotations

from datetime import date

import pytest

from laobao.benefits.pension import checks
from laobao.benefits.pension.record import RecordFacts
from laobao.core.errors import DomainError
from laobao.policy.rules.retirement.age import retirement
from laobao.policy.rules.retirement.contribution import min_contribution_check
from laobao.policy.rules.retirement.params import params_for

from claim_fixtures import months

PARAMS = params_for(date(2026, 11, 1))
TODAY = date(2026, 11, 1)


def facts(birth: str, option: str = "normal", shift: int = 0, *, paid: int = 180, today=TODAY, **record) -> checks.ClaimFacts:
    ret = retirement(birth, 60, option, shift, params=PARAMS, sex="M")
    rec = RecordFacts(paid_bases=dict.fromkeys(months(date(1990, 1, 1), paid), 500_000), enrolled=True, **record)
    minimum = min_contribution_check(rec.months, ret.retire_month, PARAMS.min_years, PARAMS.sources)
    return checks.ClaimFacts(today, ret, minimum, rec)


def failing(f: checks.ClaimFacts) -> dict:
    return {r["code"]: r for r in checks.evaluate(f) if not r["ok"]}


def test_all_pass():
    assert failing(facts("1965-09")) == {}


def test_age_not_reached_says_when():
    f = failing(facts("1970-01", paid=200))  # 60 + 16 months → 2031-05 (16 years needed in 2031)
    assert set(f) == {"age"} and "2031-05" in f["age"]["zh"] and "2031-05" in f["age"]["en"]


def test_early_option_within_36_months_with_the_minimum_years():
    ret = retirement("1977-01", 60, "early", 36, params=PARAMS, sex="M")
    assert ret.delay_months == 36 and ret.retire_month == date(2037, 1, 1)  # back to the original age 60
    with pytest.raises(DomainError) as exc:
        retirement("1977-01", 60, "early", 37, params=PARAMS, sex="M")
    assert exc.value.problems[0].code == "retirement.early_limit"
    short = failing(facts("1977-01", "early", 36, paid=100, today=date(2037, 1, 1)))
    assert set(short) == {"min_years"} and "弹性提前退休须先缴满最低缴费年限" in short["min_years"]["zh"]
    assert failing(facts("1977-01", "early", 36, paid=240, today=date(2037, 1, 1))) == {}  # 2037: 19 years = 228 months


def test_minimum_years_across_the_2030_step():
    before = facts("1968-12", paid=180, today=date(2030, 6, 1))
    assert before.retirement.retire_month == date(2029, 12, 1) and before.minimum.required_months == 180
    assert failing(before) == {}
    after = facts("1969-01", paid=180, today=date(2030, 6, 1))
    assert after.retirement.retire_month == date(2030, 2, 1) and after.minimum.required_months == 186
    f = failing(after)
    assert set(f) == {"min_years"} and "15.5 年（186 个月）" in f["min_years"]["zh"] and "还差 6 个月" in f["min_years"]["zh"]
    assert failing(facts("1969-01", paid=186, today=date(2030, 6, 1))) == {}


def test_open_arrears_listed():
    f = failing(facts("1965-09", unpaid_months=[date(2024, 2, 1), date(2024, 3, 1)]))
    assert set(f) == {"arrears"} and "2 个月" in f["arrears"]["zh"] and "2024-02、2024-03" in f["arrears"]["zh"]


def test_already_a_pensioner():
    f = failing(facts("1965-09", has_pension=True))
    assert set(f) == {"pensioner"} and "不能重复申领" in f["pensioner"]["zh"]


def test_transferred_out_and_dead():
    assert set(failing(facts("1965-09", closed_by="transfer_out"))) == {"enrollment"}
    assert set(failing(facts("1965-09", dead=True))) == {"alive"}
