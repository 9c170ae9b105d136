"""Work-injury benefits: disability subsidy and allowance (2003 vs 2010 text, wage clamp), death; single vs column."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from laobao.core.errors import DomainError
from laobao.policy.rules import injury
from laobao.policy.rules.injury.death import DeathParams, death
from laobao.policy.rules.injury.disability import (
    DisabilityParams, disability, disability_column, params_for,
)

CASES = Path(__file__).parent / "cases" / "injury"
MONEY_IN = ("wage", "regional_average_wage", "minimum_wage", "national_income")
MONEY_OUT = ("one_time_subsidy", "monthly_allowance", "funeral_grant", "dependant_pension_total", "one_time_grant")

SHARES = {1: "0.90", 2: "0.85", 3: "0.80", 4: "0.75", 5: "0.70", 6: "0.60"}
V2010 = DisabilityParams({g: m for g, m in zip(range(1, 11), (27, 25, 23, 21, 18, 16, 13, 11, 9, 7))}, SHARES,
                         Decimal("0.60"), Decimal("3"), "2010")
V2003 = DisabilityParams({g: m for g, m in zip(range(1, 11), (24, 22, 20, 18, 16, 14, 12, 10, 8, 6))}, SHARES,
                         Decimal("0.60"), Decimal("3"), "2003")
DEATH_2010 = DeathParams(6, Decimal("0.40"), Decimal("0.30"), Decimal("0.10"), Decimal("0.60"), Decimal("3"), "2010",
                         grant_income_multiple=20, national_income=5182100)


def fen(text: str) -> int:
    return int(Decimal(text) * 100)


def converted(data: dict) -> dict:
    return {k: fen(v) if k in MONEY_IN and v is not None else v for k, v in data.items()}


def load(name):
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))


def check(call, case):
    assert case["source"].strip()
    if "error" in case:
        with pytest.raises(DomainError) as err:
            call(**converted(case["input"]))
        assert any(case["error"] in (p.code, p.field) for p in err.value.problems), err.value.as_dict()
        return
    result, output = call(**converted(case["input"])), case["output"]
    for key, expected in output.items():
        got = getattr(result, key)
        if key == "dependant_pensions":
            assert got == tuple(fen(x) for x in expected)
        else:
            assert got == (fen(expected) if key in MONEY_OUT and expected is not None else expected), key


@pytest.mark.parametrize("case", load("injury.yaml"), ids=lambda c: c["name"])
def test_disability_case(case):
    check(injury.calculate, case)


@pytest.mark.parametrize("case", load("injury_death.yaml"), ids=lambda c: c["name"])
def test_death_case(case):
    check(injury.calculate_death, case)


@pytest.mark.parametrize("day, expected", [(date(2004, 1, 1), V2003), (date(2010, 12, 31), V2003),
                                           (date(2011, 1, 1), V2010), (date(2024, 6, 1), V2010)])
def test_the_injury_date_chooses_the_text(day, expected):
    assert params_for(day) == expected


def test_no_rule_before_the_2003_regulations_took_effect():
    with pytest.raises(DomainError) as err:
        injury.calculate(1, 500000, "2003-12-31")
    assert (err.value.problems[0].field, err.value.problems[0].code) == ("injury_date", "param.no_value")


def test_allowance_payers_and_the_minimum_wage_top_up():
    assert disability(3, 500000, V2010).allowance_payer == "fund"
    r = disability(6, 300000, V2010, minimum_wage=228000)
    assert (r.monthly_allowance, r.allowance_payer, r.topped_up) == (228000, "employer", True)
    assert "topped up to 2280.00" in r.explain["formula"] and "第三十六条" in r.explain["formula"]
    r = disability(8, 300000, V2010, minimum_wage=228000)
    assert (r.monthly_allowance, r.allowance_payer, r.topped_up) == (None, None, False)


def test_explain_lists_the_parameters_of_the_version_used():
    r = injury.calculate(2, 600000, date(2010, 12, 31), regional_average_wage=500000)
    assert r.version == "2003"
    assert "clamp(6000.00, 0.60 × 5000.00 = 3000.00, 3 × 5000.00 = 15000.00) = 6000.00" in r.explain["formula"]
    assert "one_time_subsidy = 22 × 6000.00 = 132000.00" in r.explain["formula"]
    assert {p.name: p.since for p in r.explain["params"]}["injury.one_time_subsidy_months"] == date(2004, 1, 1)


@pytest.mark.parametrize("call, field", [
    (lambda: injury.calculate(11, 500000, "2012-01-01"), "grade"),
    (lambda: injury.calculate(0, 500000, "2012-01-01"), "grade"),
    (lambda: injury.calculate("3", 500000, "2012-01-01"), "grade"),
    (lambda: injury.calculate(3, -1, "2012-01-01"), "wage"),
    (lambda: injury.calculate(3, 5000.5, "2012-01-01"), "wage"),
    (lambda: injury.calculate(3, 500000, "2011-02-30"), "injury_date"),
    (lambda: injury.calculate(3, 500000, "2011/02/01"), "injury_date"),
    (lambda: injury.calculate(3, 500000, date.today() + timedelta(days=1)), "injury_date"),
    (lambda: injury.calculate(3, 500000, "2012-01-01", regional_average_wage=0), "regional_average_wage"),
    (lambda: injury.calculate(3, 500000, "2012-01-01", region="32"), "region"),
    (lambda: injury.calculate_death(500000, "2012-01-01", 400000, national_income=2000000,
                                    dependants=[{"relation": "son"}]), "dependants"),
    (lambda: injury.calculate_death(500000, "2012-01-01", 400000, national_income=2000000,
                                    dependants=[{"relation": "spouse"}, {"relation": "spouse"}]), "dependants"),
    (lambda: injury.calculate_death(500000, "2010-06-01", 400000, grant_months=47), "grant_months"),
    (lambda: injury.calculate_death(500000, "2010-06-01", 400000, grant_months=61), "grant_months"),
    (lambda: injury.calculate_death(500000, "2010-06-01", 400000), "grant_months"),
    (lambda: injury.calculate_death(500000, "2015-06-01", 400000), "national_income"),
    (lambda: injury.calculate_death(500000, "2015-06-01", None, national_income=2000000), "regional_average_wage"),
    (lambda: injury.calculate_death(500000, "2003-06-01", 400000, grant_months=50), "death_date"),
])
def test_bad_input_names_the_field(call, field):
    with pytest.raises(DomainError) as err:
        call()
    problem = err.value.problems[0]
    assert problem.field == field and problem.zh and problem.en


def test_death_grant_uses_the_previous_years_income():
    assert injury.calculate_death(500000, "2024-01-01", 400000).one_time_grant == 20 * 5182100  # 2023 income
    assert injury.calculate_death(500000, "2023-12-31", 400000).one_time_grant == 20 * 4928300  # 2022 income
    r = injury.calculate_death(500000, "2024-01-01", 400000, national_income=100)
    assert r.one_time_grant == 2000  # an explicit input overrides the parameter


def test_death_pensions_cap_and_shares():
    r = death(500000, DEATH_2010, regional_average_wage=400000,
              dependants=[{"relation": "other"}, {"relation": "other"}, {"relation": "other", "lone": True}])
    assert (r.dependant_pensions, r.capped) == ((150000, 150000, 200000), False)  # exactly 100%: not capped
    r = death(333333, DEATH_2010, regional_average_wage=300000,
              dependants=[{"relation": "spouse", "lone": True}] + [{"relation": "other", "lone": True}] * 2)
    assert r.capped and r.dependant_pension_total == 333333 and len(r.dependant_pensions) == 3
    assert "scaled to" in r.explain["formula"]


# ---- column twins -------------------------------------------------------------------------------------------------

rows = st.lists(st.tuples(st.integers(1, 10), st.integers(0, 5 * 10**7), st.integers(1, 3 * 10**6),
                          st.integers(0, 5 * 10**5)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(rows, st.booleans(), st.booleans(), st.sampled_from([V2003, V2010]))
def test_disability_column_equals_single(data, with_average, with_minimum, params):
    grade, wage, avg, mw = (np.array([r[i] for r in data], dtype=np.int64) for i in range(4))
    cols = disability_column(grade, wage, params, avg if with_average else None, mw if with_minimum else None)
    for i, (g, w, a, m) in enumerate(data):
        single = disability(g, w, params, regional_average_wage=a if with_average else None,
                            minimum_wage=m if with_minimum else None)
        allowance = int(cols.monthly_allowance[i]) if cols.has_allowance[i] else None
        assert (int(cols.wage_used[i]), int(cols.one_time_subsidy[i]), allowance) == (
            single.wage_used, single.one_time_subsidy, single.monthly_allowance)
        assert bool(cols.employer_pays[i]) == (single.allowance_payer == "employer")
        assert bool(cols.topped_up[i]) == single.topped_up


def test_disability_column_rejects_a_bad_grade_by_row():
    with pytest.raises(DomainError) as err:
        disability_column(np.array([1, 11]), np.array([1, 1]), V2010)
    assert err.value.problems[0].field == "grade" and "row 1" in err.value.problems[0].en
