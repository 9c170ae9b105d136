"""Unemployment benefit: eligibility, months (bands, carried months, cap), monthly amount; single vs column."""

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
from laobao.policy.rules import unemployment
from laobao.policy.rules.unemployment.amount import AmountParams, monthly_amount, monthly_amount_column
from laobao.policy.rules.unemployment.entitlement import (
    EntitlementParams, entitlement, entitlement_column, params_for,
)

CASES = Path(__file__).parent / "cases" / "unemployment" / "unemployment.yaml"
STATUTE = EntitlementParams(12, ((12, 12), (60, 18), (120, 24)), 24)
MONEY_OUT = ("monthly_amount",)


def fen(text: str) -> int:
    return int(Decimal(text) * 100)


def cases():
    return yaml.safe_load(CASES.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", cases(), ids=lambda c: c["name"])
def test_case(case):
    assert case["source"].strip()
    if "error" in case:
        with pytest.raises(DomainError) as err:
            unemployment.calculate(**case["input"])
        assert any(case["error"] in (p.code, p.field) for p in err.value.problems), err.value.as_dict()
        return
    result = unemployment.calculate(**case["input"])
    for key, expected in case["output"].items():
        got = getattr(result, key)
        assert got == (fen(expected) if key in MONEY_OUT and expected is not None else expected), key


def test_cases_cover_every_band_boundary_on_both_sides():
    months = {c["input"]["contribution_months"] for c in cases()
              if "carried_months" not in c["input"] and "output" in c}
    for years in (1, 5, 10):
        assert {12 * years - 1, 12 * years, 12 * years + 1} <= months


def test_parameters_read_from_files_equal_the_statute():
    for on in (date(1999, 1, 22), date(2011, 6, 30), date(2011, 7, 1), date(2025, 3, 1)):
        assert params_for(on) == STATUTE
    with pytest.raises(DomainError) as err:
        params_for(date(1999, 1, 21))
    assert err.value.problems[0].code == "param.no_value"


def test_explain_shows_the_numbers_and_the_parameters():
    result = entitlement(62, params_for(date(2024, 1, 1)), carried_months=4)
    assert result.explain["formula"].endswith("months = min(24, band(62) 18 + carried 4) = 22")
    assert [p.name for p in result.explain["params"]] == [
        "unemployment.min_contribution_months", "unemployment.duration_bands", "unemployment.max_months"]


def test_the_two_factual_conditions():
    assert entitlement(200, STATUTE, involuntary=False).eligible is False
    r = entitlement(200, STATUTE, registered=False, carried_months=3)
    assert (r.eligible, r.months, r.band_months) == (False, 0, 24)
    assert "registered" in r.reasons[0]


@pytest.mark.parametrize("kwargs, field", [
    ({"contribution_months": -1}, "contribution_months"),
    ({"contribution_months": 12.0}, "contribution_months"),
    ({"contribution_months": True}, "contribution_months"),
    ({"contribution_months": "12"}, "contribution_months"),
    ({"contribution_months": 12, "carried_months": -1}, "carried_months"),
    ({"contribution_months": 12, "carried_months": 25}, "carried_months"),
    ({"contribution_months": 12, "region": "320508"}, "month"),
    ({"contribution_months": 12, "month": "2021-08"}, "region"),
    ({"contribution_months": 12, "region": "320508", "month": "2021-13"}, "month"),
    ({"contribution_months": 12, "region": "3205", "month": "2021-08"}, "region"),
    ({"contribution_months": 12, "region": "110101", "month": "2021-08"}, "region"),
    ({"contribution_months": 12, "involuntary": "yes"}, "involuntary"),
])
def test_bad_input_names_the_field(kwargs, field):
    with pytest.raises(DomainError) as err:
        unemployment.calculate(**kwargs)
    problem = err.value.problems[0]
    assert problem.field == field and problem.zh and problem.en


def test_no_amount_before_the_configured_share_names_the_month():
    with pytest.raises(DomainError) as err:
        unemployment.calculate(36, region="320508", month="2017-09")
    assert (err.value.problems[0].field, err.value.problems[0].code) == ("month", "param.no_value")


def test_amount_explain_and_rounding():
    amount = monthly_amount(AmountParams(228000, Decimal("0.90")))
    assert amount.monthly_amount == 205200
    assert amount.explain["formula"].startswith("monthly_amount = minimum wage 2280.00 × 0.90 = 2052.00")
    assert monthly_amount(AmountParams(5, Decimal("0.9"))).monthly_amount == 5  # 4.5 fen → 5 (half up)
    assert monthly_amount(AmountParams(133333, Decimal("0.75"))).monthly_amount == 100000  # 99999.75 → 100000
    with pytest.raises(DomainError):
        AmountParams(228000, Decimal("1.2"))


def test_calculate_lists_the_amount_parameters_too():
    result = unemployment.calculate(36, region="320508", month="2021-08")
    names = [p.name for p in result.explain["params"]]
    assert names[-2:] == ["wages.minimum_wage", "unemployment.benefit_share_of_minimum_wage"]
    assert "2280.00 × 0.90 = 2052.00" in result.explain["formula"]


# ---- column twins -------------------------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 600), st.integers(0, 24), st.booleans(), st.booleans()), max_size=60))
def test_entitlement_column_equals_single(rows):
    contrib = np.array([r[0] for r in rows], dtype=np.int64)
    carried = np.array([r[1] for r in rows], dtype=np.int64)
    invol = np.array([r[2] for r in rows], dtype=bool)
    reg = np.array([r[3] for r in rows], dtype=bool)
    eligible, months = entitlement_column(contrib, STATUTE, carried, invol, reg)
    for i, (c, k, a, b) in enumerate(rows):
        single = entitlement(c, STATUTE, carried_months=k, involuntary=a, registered=b)
        assert (bool(eligible[i]), int(months[i])) == (single.eligible, single.months)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 10**9), max_size=60),
       st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("1"), places=4))
def test_amount_column_equals_single(wages, share):
    column = monthly_amount_column(np.array(wages, dtype=np.int64), share)
    assert [int(x) for x in column] == [monthly_amount(AmountParams(w, share)).monthly_amount for w in wages]


def test_column_rejects_a_bad_row_by_index():
    with pytest.raises(DomainError) as err:
        entitlement_column(np.array([12, -3]), STATUTE)
    assert err.value.problems[0].field == "contribution_months" and "row 1" in err.value.problems[0].en
    with pytest.raises(DomainError):
        entitlement_column(np.array([12, 30]), STATUTE, np.array([0, 25]))
    with pytest.raises(DomainError):
        entitlement_column(np.array([12.5]), STATUTE)
