"""Individual account: the monthly credit (11% / 8%), its column form, and the yearly interest (劳办发〔1997〕116号)."""

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
from laobao.policy.calc import fields
from laobao.policy.params import ParameterError, load_all
from laobao.policy.rules.account import AccountParams, InterestParams, credit, credit_columns, year_interest
from laobao.policy.rules.account import crediting, interest
from laobao.policy.rules.contribution.exact import yuan

EIGHT, ELEVEN = AccountParams(Decimal("0.08")), AccountParams(Decimal("0.11"))


def test_credit_is_the_share_of_the_base_rounded_half_up():
    assert credit(500000, EIGHT).amount == 40000
    assert credit(487950, EIGHT).amount == 39036       # 39036.0
    assert credit(487956, EIGHT).amount == 39036       # 39036.48 → 39036
    assert credit(487957, ELEVEN).amount == 53675      # 53675.27 → 53675
    assert credit(487955, ELEVEN).amount == 53675      # 53675.05 → 53675
    assert credit(50, AccountParams(Decimal("0.11"))).amount == 6   # 5.5 → 6 (half up)
    assert credit(500000, EIGHT).explain["formula"] == "5000.00 × 8% = 400.00"
    with pytest.raises(DomainError):
        credit(-1, EIGHT)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=30),
       st.integers(0, 10_000).map(lambda n: Decimal(n).scaleb(-4)))
def test_credit_columns_equal_single(bases, share):
    params = AccountParams(share)
    assert credit_columns(np.array(bases), params).tolist() == [credit(b, params).amount for b in bases]


def test_account_share_parameter_on_each_side_of_2006():
    assert crediting.params_for(date(2005, 12, 31)).share == Decimal("0.11")
    assert crediting.params_for(date(2006, 1, 1)).share == Decimal("0.08")
    assert crediting.params_for(date(2006, 1, 1)).sources[0].status == "verified"
    with pytest.raises(ParameterError):
        crediting.params_for(date(1997, 12, 31))


@pytest.mark.parametrize("year, rate, status", [
    (2016, "0.0831", "verified"), (2017, "0.0712", "verified"), (2018, "0.0829", "verified"),
    (2019, "0.0761", "verified"), (2020, "0.0604", "verified"), (2021, "0.0669", "verified"),
    (2022, "0.0612", "verified"), (2023, "0.0397", "verified"), (2024, "0.0262", "verified"),
    (2025, "0.0150", "unverified"),
])
def test_crediting_rates_law_md_2_4(year, rate, status):
    p = interest.params_for(year)
    assert p.rate == Decimal(rate) and p.sources[0].status == status
    assert interest.params_for(year).rate == interest.params_for(year, region="320506").rate


def test_no_crediting_rate_before_2016():
    with pytest.raises(ParameterError):
        interest.params_for(2015)


def test_the_parameter_files_load():
    names = load_all()
    assert names["pension.account_share"].unit == "ratio" and names["pension.crediting_rate"].unit == "ratio"


# ---- interest ---------------------------------------------------------------------------------------------------

R2024 = InterestParams(2024, Decimal("0.0262"))


def test_month_products_worked_example():
    # derived from 劳办发〔1997〕116号 月积数法: 10000.00 brought forward, 400.00 credited every month, 2.62%.
    # opening: 10000 × 2.62% = 262.00; credits: 400 × 78 (= 12 + 11 + … + 1) × 2.62% / 12 = 68.12
    y = year_interest(1_000_000, [40_000] * 12, R2024)
    assert (y.interest_on_opening, y.interest_on_credits, y.interest) == (26_200, 6_812, 33_012)
    assert (y.credited, y.closing) == (480_000, 1_000_000 + 480_000 + 33_012)
    assert y.explain["formula"].endswith("= 330.12")


def test_annual_method_uses_1_083_over_2():
    # 4800 × 2.62% × 1.083 × 1/2 = 68.0972… → 68.10
    y = year_interest(1_000_000, [40_000] * 12, R2024, method="annual")
    assert y.interest_on_credits == 6_810 and y.interest == 33_010


def test_1_083_is_thirteen_twelfths_of_the_month_products():
    # with twelve equal credits the two methods differ only by 1.083 vs 13/12 (a difference of 0.03%)
    rate = InterestParams(2016, Decimal("0.0831"))
    monthly = year_interest(0, [100_000] * 12, rate).interest
    annual = year_interest(0, [100_000] * 12, rate, method="annual").interest
    assert monthly == 54_015 and annual == 53_998            # 1.2M × 8.31% × 13/24 ; × 1.083/2
    assert abs(monthly - annual) <= monthly // 1000 + 1


def test_a_credit_earns_interest_from_its_month_to_the_year_end():
    # a single 1200.00 credit in December earns one month: 1200 × 6% / 12 = 6.00; in January, twelve: 72.00
    rate = InterestParams(2020, Decimal("0.06"))
    assert year_interest(0, {12: 120_000}, rate).interest == 600
    assert year_interest(0, {1: 120_000}, rate).interest == 7_200


def test_a_year_ending_early_runs_to_that_month():
    # retirement in June: 10000 × 6% × 6/12 = 300.00; credits Jan–Jun 100 each: 100 × (6+5+…+1) × 6%/12 = 10.50
    rate = InterestParams(2020, Decimal("0.06"))
    y = year_interest(1_000_000, [10_000] * 6, rate, through_month=6)
    assert (y.interest_on_opening, y.interest_on_credits) == (30_000, 1_050)
    with pytest.raises(DomainError):
        year_interest(0, {7: 100}, rate, through_month=6)
    with pytest.raises(DomainError):
        year_interest(0, [100] * 6, rate, method="annual", through_month=6)


def test_bad_interest_input():
    for call in (lambda: year_interest(-1, [], R2024), lambda: year_interest(0, [-5], R2024),
                 lambda: year_interest(0, {13: 1}, R2024), lambda: year_interest(0, [], R2024, method="half")):
        with pytest.raises(DomainError):
            call()


def test_interest_with_rates_from_the_parameter_file():
    y = year_interest(1_000_000, [40_000] * 12, interest.params_for(2024))
    assert y.interest == 33_012 and y.explain["params"][0].name == "pension.crediting_rate"


# ---- the cases in tests/policy/cases/collection/account_*.yaml --------------------------------------------------

CASES = Path(__file__).resolve().parent / "cases" / "collection"


def run_credit(data: dict) -> dict:
    params = crediting.params_for(fields.month(data, "month"), data.get("region"))
    return {"account": yuan(credit(fields.money(data, "base"), params).amount)}


def run_interest(data: dict) -> dict:
    credits = [fields.money({"credit": c}, "credit") for c in data["credits"]]
    y = year_interest(fields.money(data, "opening"), credits, interest.params_for(data["year"], data.get("region")),
                      method=data.get("method", "monthly"), through_month=data.get("through_month", 12))
    return {"interest": yuan(y.interest), "closing": yuan(y.closing)}


def _cases(name):
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("run, case", [(run_credit, c) for c in _cases("account_credit.yaml")] +
                         [(run_interest, c) for c in _cases("account_interest.yaml")],
                         ids=lambda x: x["name"] if isinstance(x, dict) else x.__name__)
def test_case_file(run, case):
    if "error" in case:
        with pytest.raises(DomainError) as info:
            run(case["input"])
        assert any(case["error"] in (p.code, p.field) for p in info.value.problems), info.value.as_dict()
    else:
        assert run(case["input"]) == case["output"], case["source"]
