"""Maternity allowance: leave days by date (90/98, Jiangsu +30/+60), difficult and multiple births, rounding."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from laobao.core.errors import DomainError
from laobao.policy.rules import maternity
from laobao.policy.rules.maternity import MaternityParams, allowance, leave_days, params_for

CASES = Path(__file__).parent / "cases" / "maternity" / "maternity.yaml"
SUZHOU_2023 = MaternityParams(98, 15, 15, 60, 30)


def fen(text: str) -> int:
    return int(Decimal(text) * 100)


def cases():
    return yaml.safe_load(CASES.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", cases(), ids=lambda c: c["name"])
def test_case(case):
    assert case["source"].strip()
    data = dict(case["input"], average_wage=fen(case["input"]["average_wage"]))
    if "error" in case:
        with pytest.raises(DomainError) as err:
            maternity.calculate(**data)
        assert any(case["error"] in (p.code, p.field) for p in err.value.problems), err.value.as_dict()
        return
    result = maternity.calculate(**data)
    assert result.leave_days == case["output"]["leave_days"]
    assert result.allowance == fen(case["output"]["allowance"])


@pytest.mark.parametrize("day, days", [
    (date(2012, 4, 27), 90), (date(2012, 4, 28), 98), (date(2015, 12, 31), 98), (date(2016, 1, 1), 128),
    (date(2022, 2, 9), 128), (date(2022, 2, 10), 158),
])
def test_leave_days_on_each_side_of_every_boundary(day, days):
    assert leave_days(params_for(day)).total == days
    assert leave_days(params_for(day, "320506001000")).total == days  # a street of 吴中 falls back to the city


def test_difficult_birth_and_extra_babies_add_up():
    assert leave_days(SUZHOU_2023, births=1, difficult_birth=True).total == 173
    assert leave_days(SUZHOU_2023, births=4).total == 98 + 45 + 60
    r = leave_days(SUZHOU_2023, births=2, difficult_birth=True)
    assert r.explain["formula"] == "leave_days = 98 + difficult birth 15 + 1 extra baby × 15 + Jiangsu 60 = 188"


def test_explain_lists_the_parameters_and_the_rounding():
    r = maternity.calculate(700000, births=2, difficult_birth=True, birth_date="2023-03-01")
    assert "allowance = 7000.00 ÷ 30 × 188 = 43866.67 (ROUND_HALF_UP to the fen)" in r.explain["formula"]
    names = [p.name for p in r.explain["params"]]
    assert names == ["maternity.base_leave_days", "maternity.difficult_birth_extra_days", "maternity.extra_baby_days",
                     "maternity.local_extra_leave_days", "maternity.allowance_day_divisor"]
    assert {p.name: p.region for p in r.explain["params"]}["maternity.local_extra_leave_days"] == "320500"


@pytest.mark.parametrize("kwargs, field", [
    ({"average_wage": -1}, "average_wage"),
    ({"average_wage": 600000.0}, "average_wage"),
    ({"average_wage": 600000, "births": 0}, "births"),
    ({"average_wage": 600000, "births": 10}, "births"),
    ({"average_wage": 600000, "difficult_birth": "yes"}, "difficult_birth"),
    ({"average_wage": 600000, "leave_days": 0}, "leave_days"),
    ({"average_wage": 600000, "leave_days": 42, "births": 2}, "leave_days"),
    ({"average_wage": 600000, "birth_date": "2023-02-29"}, "birth_date"),
    ({"average_wage": 600000, "birth_date": "2099-01-01"}, "birth_date"),
    ({"average_wage": 600000, "birth_date": "1988-08-31"}, "birth_date"),
    ({"average_wage": 600000, "region": "12345"}, "region"),
])
def test_bad_input_names_the_field(kwargs, field):
    with pytest.raises(DomainError) as err:
        maternity.calculate(**kwargs)
    problem = err.value.problems[0]
    assert problem.field == field and problem.zh and problem.en


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**8), st.integers(1, 400))
def test_allowance_is_the_decimal_formula_rounded_once(wage, days):
    expected = int((Decimal(wage) * days / 30).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert allowance(wage, SUZHOU_2023, leave_days_given=days).allowance == expected
