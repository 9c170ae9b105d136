"""Retirement month and age (2025 reform, flexible options) and the minimum contribution years.

The published examples live in cases/retirement/retirement.yaml; they run here through the rule's calculator
adapter (and through `laobao.policy.calc` in test_cases.py once the calculator registers the rule).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from laobao.core.errors import DomainError
from laobao.policy.rules.retirement import (
    Category, RetirementParams, min_contribution_check, month_date, month_index, params_for, parse_month,
    retirement, retirement_columns,
)
from laobao.policy.rules.retirement import calc

CASES = Path(__file__).resolve().parent / "cases" / "retirement" / "retirement.yaml"

# Hand-built parameters: the pure functions never need the files.
REFORM = RetirementParams(
    categories=(
        Category(60, "M", date(1965, 1, 1), 4, 36, 36, 36),
        Category(55, "F", date(1970, 1, 1), 4, 36, 36, 36),
        Category(50, "F", date(1975, 1, 1), 2, 60, 36, 36),
    ),
    flexible_from=date(2025, 1, 1),
    min_years=((date(1998, 1, 1), Decimal(15)),) + tuple(
        (date(y, 1, 1), Decimal(15) + Decimal("0.5") * (y - 2029)) for y in range(2030, 2040)),
)


def _cases():
    doc = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    return [pytest.param(c, id=c["name"]) for c in doc["cases"]]


def _run(data: dict) -> dict:
    unknown = set(data) - set(calc.FIELDS)
    assert not unknown, f"fields the calculator would refuse: {unknown}"
    return calc.compute(data)


def _matches(expected, actual) -> bool:
    if isinstance(expected, bool) or expected is None:
        return actual is expected
    return str(expected) == str(actual) if isinstance(actual, str) or isinstance(expected, str) else expected == actual


@pytest.mark.parametrize("case", _cases())
def test_published_and_derived_cases(case):
    data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in case["input"].items()}
    if "error" in case:
        with pytest.raises(DomainError) as err:
            _run(data)
        assert any(case["error"] in (p.field, p.code) for p in err.value.problems), err.value.as_dict()
        return
    result = _run(data)
    wrong = {k: (v, result.get(k)) for k, v in case["output"].items() if not _matches(v, result.get(k))}
    assert not wrong, f"{case['name']} ({case['source']}): expected vs got {wrong}"


# ---- the closed form against the annex tables, built the way the tables are laid out ----------------------

def _annex_row(birth: date, first: date, original_age: int, step: int, final_age_months: int) -> int:
    """Statutory age in months read off an annex table: rows of `step` birth months, each one month later."""
    n = month_index(birth) - month_index(first)
    if n < 0:
        return original_age * 12
    row = n // step  # row 0 is the first group of `step` birth months
    return min(original_age * 12 + row + 1, final_age_months)


@pytest.mark.parametrize("original_age,first,step,final", [
    (60, date(1965, 1, 1), 4, 63 * 12), (55, date(1970, 1, 1), 4, 58 * 12), (50, date(1975, 1, 1), 2, 55 * 12)])
def test_every_birth_month_1955_to_1995_matches_the_annex_layout(original_age, first, step, final):
    sex = "M" if original_age == 60 else "F"
    for index in range(month_index(date(1955, 1, 1)), month_index(date(1996, 1, 1))):
        birth = month_date(index)
        r = retirement(birth, original_age, params=REFORM, sex=sex)
        assert r.retire_age_months == _annex_row(birth, first, original_age, step, final), birth
        assert month_index(r.retire_month) == index + r.retire_age_months


def test_the_final_ages_are_reached_at_the_published_birth_months():
    assert retirement("1976-08", 60, params=REFORM).retire_age_months == 62 * 12 + 11
    assert retirement("1976-09", 60, params=REFORM).retire_age_months == 63 * 12
    assert retirement("1981-09", 55, params=REFORM).retire_age_months == 58 * 12
    assert retirement("1984-11", 50, params=REFORM).retire_age_months == 55 * 12
    assert retirement("1984-10", 50, params=REFORM).retire_age_months == 54 * 12 + 11


# ---- minimum contribution years -------------------------------------------------------------------------------

@pytest.mark.parametrize("year,years", [(2029, "15"), (2030, "15.5"), (2031, "16"), (2032, "16.5"), (2033, "17"),
                                        (2034, "17.5"), (2035, "18"), (2036, "18.5"), (2037, "19"),
                                        (2038, "19.5"), (2039, "20"), (2045, "20")])
def test_minimum_years_on_each_side_of_every_step_from_the_files(year, years):
    params = params_for(date(2025, 1, 1))
    january = min_contribution_check(0, date(year, 1, 1), params.min_years)
    december_before = min_contribution_check(0, date(year - 1, 12, 1), params.min_years)
    assert january.min_contribution_years == Decimal(years)
    assert january.required_months == int(Decimal(years) * 12)
    if 2030 <= year <= 2039:
        assert december_before.min_contribution_years == Decimal(years) - Decimal("0.5")


def test_minimum_contribution_check():
    ok = min_contribution_check(186, "2030-01", REFORM.min_years)
    short = min_contribution_check(185, "2030-01", REFORM.min_years)
    assert (ok.met, ok.shortfall_months, ok.required_months) == (True, 0, 186)
    assert (short.met, short.shortfall_months) == (False, 1)
    assert "尚差 1 个月" in short.explain["formula"]
    with pytest.raises(DomainError) as err:
        min_contribution_check(-1, "2030-01", REFORM.min_years)
    assert err.value.problems[0].field == "contribution_months"
    with pytest.raises(DomainError):
        min_contribution_check(180, "1997-12", REFORM.min_years)  # before the first value


def test_no_minimum_years_value_gives_none_not_an_error():
    r = retirement("1930-01", 60, params=REFORM)
    assert r.retire_month == date(1990, 1, 1) and r.min_contribution_years is None


# ---- flexible retirement and bad input ------------------------------------------------------------------------

def test_early_and_late_limits():
    assert retirement("1976-09", 60, "early", 36, params=REFORM).retire_age_months == 720
    assert retirement("1980-01", 50, "early", 31, params=REFORM).retire_age_months == 600  # delay 31: at most 31
    with pytest.raises(DomainError) as err:
        retirement("1980-01", 50, "early", 32, params=REFORM)
    assert err.value.problems[0].code == "retirement.early_limit"
    assert retirement("1984-11", 50, "early", 36, params=REFORM).retire_age_months == 55 * 12 - 36  # cap 36, not 60
    with pytest.raises(DomainError):
        retirement("1984-11", 50, "early", 37, params=REFORM)
    assert retirement("1965-01", 60, "late", 36, params=REFORM).retire_age_months == 721 + 36


@pytest.mark.parametrize("args,fieldname", [
    (("1965-01", 60, "sooner", 1), "option"),
    (("1965-01", 60, "normal", 2), "shift_months"),
    (("1965-01", 60, "late", 0), "shift_months"),
    (("1965-01", 60, "late", -1), "shift_months"),
    (("1964-12", 60, "early", 1), "option"),
    (("1965-00", 60), "birth_month"),
    (("2025-02-30", 60), "birth_month"),
    (("1850-01", 60), "birth_month"),
    ((20250101, 60), "birth_month"),
    (("1965-01", 58), "original_age"),
    (("1965-01", "60"), "original_age"),
])
def test_bad_input_names_the_field(args, fieldname):
    with pytest.raises(DomainError) as err:
        retirement(*args, params=REFORM)
    problem = err.value.problems[0]
    assert problem.field == fieldname and problem.zh and problem.en


def test_sex_must_fit_the_category():
    with pytest.raises(DomainError) as err:
        retirement("1970-01", 60, params=REFORM, sex="F")
    assert err.value.problems[0].field == "sex"
    with pytest.raises(DomainError):
        retirement("1970-01", 55, params=REFORM, sex="X")
    assert retirement("1970-01", 55, params=REFORM, sex="F").retire_age_months == 661


def test_parse_month_accepts_dates_and_text():
    assert parse_month(date(1965, 1, 17), "birth_month") == date(1965, 1, 1)
    assert parse_month("1965-1", "birth_month") == date(1965, 1, 1)
    assert parse_month("1965-01-31", "birth_month") == date(1965, 1, 1)


def test_explain_shows_formula_and_parameters_from_the_files():
    r = retirement("1965-01", 60, params=params_for(date(2025, 6, 1)))
    assert "2025-02" in r.explain["formula"] and "60岁1个月" in r.explain["formula"]
    names = [p.name for p in r.explain["params"]]
    assert names == ["pension.retirement_age", "pension.min_contribution_years"]
    assert r.explain["params"][1].since == date(2011, 7, 1)


def test_params_from_the_files():
    today = params_for()
    assert today.flexible_from == date(2025, 1, 1)
    assert {c.original_age: (c.sex, c.first_birth_month, c.step, c.max_delay) for c in today.categories} == {
        60: ("M", date(1965, 1, 1), 4, 36), 55: ("F", date(1970, 1, 1), 4, 36), 50: ("F", date(1975, 1, 1), 2, 60)}
    before = params_for(date(2024, 12, 31))  # the 1978 rules: no reform, no flexible retirement
    assert before.flexible_from is None
    assert retirement("1970-01", 55, params=before).retire_age_months == 660
    with pytest.raises(DomainError):
        retirement("1970-01", 55, "late", 1, params=before)


# ---- column form: identical results ------------------------------------------------------------------------

CATEGORY = st.sampled_from([60, 55, 50])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1940 * 12, 2000 * 12), CATEGORY, st.integers(-40, 40)), min_size=1, max_size=40))
def test_columns_equal_single_person(rows):
    valid = []
    for birth, age, shift in rows:
        option = "normal" if shift == 0 else ("early" if shift < 0 else "late")
        try:
            r = retirement(month_date(birth), age, option, abs(shift), params=REFORM)
        except DomainError:
            with pytest.raises(DomainError):
                retirement_columns(np.array([birth]), np.array([age]), REFORM, np.array([shift]))
            continue
        valid.append((birth, age, shift, r))
    if not valid:
        return
    cols = retirement_columns(np.array([v[0] for v in valid]), np.array([v[1] for v in valid]), REFORM,
                              np.array([v[2] for v in valid]))
    for i, (_, _, _, r) in enumerate(valid):
        assert cols.retire_month[i] == month_index(r.retire_month)
        assert cols.retire_age_months[i] == r.retire_age_months
        assert cols.delay_months[i] == r.delay_months
        expected = -1 if r.min_contribution_years is None else int(r.min_contribution_years * 12)
        assert cols.min_contribution_months[i] == expected


def test_columns_name_the_bad_row():
    with pytest.raises(DomainError) as err:
        retirement_columns(np.array([month_index(date(1965, 1, 1))] * 3), np.array([60, 60, 58]), REFORM)
    assert err.value.problems[0].field == "original_age" and "row 2" in err.value.problems[0].en
    with pytest.raises(DomainError) as err:
        retirement_columns(np.array([month_index(date(1965, 1, 1))] * 2), np.array([60, 60]), REFORM, np.array([0, -2]))
    assert err.value.problems[0].field == "shift_months" and "row 1" in err.value.problems[0].en


@pytest.mark.parametrize("retire,since", [("1998-01", date(1998, 1, 1)), ("2005-12", date(1998, 1, 1)),
                                          ("2006-01", date(2006, 1, 1)), ("2011-06", date(2006, 1, 1)),
                                          ("2011-07", date(2011, 7, 1)), ("2029-12", date(2011, 7, 1))])
def test_each_side_of_the_fifteen_year_entries(retire, since):
    params = params_for(date(2025, 1, 1))
    check = min_contribution_check(180, retire, params.min_years, params.sources)
    assert check.met and check.min_contribution_years == 15
    assert [p.since for p in check.explain["params"] if p.name == "pension.min_contribution_years"] == [since]


def test_no_retirement_age_parameter_before_1978_06_02():
    from laobao.policy.params import ParameterError

    assert params_for(date(1978, 6, 2)).flexible_from is None
    with pytest.raises(ParameterError):
        params_for(date(1978, 6, 1))
