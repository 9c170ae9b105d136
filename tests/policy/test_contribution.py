"""Contribution assessment: the single-person Decimal path, the column path, and that they agree to the fen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laobao.core.errors import DomainError
from laobao.policy.calc import fields
from laobao.policy.rules.contribution import (
    ContributionParams, InsuranceRates, assess, assess_columns, base_limits, clamp, params_for,
)
from laobao.policy.rules.contribution.exact import half_up, yuan

# Rates as in Jiangsu 2024 (law.md §2.3: pension 16% + 8%, account 8%); the others are plausible test values.
JIANGSU_2024 = ContributionParams(
    insurances=(
        InsuranceRates("pension", Decimal("0.16"), Decimal("0.08"), Decimal("0.08")),
        InsuranceRates("medical", Decimal("0.07"), Decimal("0.02")),
        InsuranceRates("unemployment", Decimal("0.005"), Decimal("0.005")),
        InsuranceRates("injury", Decimal("0.0048")),
    ),
    floor_fen=487900, cap_fen=2439600,
)


def line(assessment, insurance):
    return next(x for x in assessment.lines if x.insurance == insurance)


def test_base_limits_round_to_the_yuan_like_the_published_bases():
    # Jiangsu 2024: 60% / 300% of 8132 = 4879.2 / 24396 (law.md §2.2); Shanxi 2026: 7073 → 4243.8 → 4244 (晋人社厅发〔2026〕27号).
    assert base_limits(813200, Decimal("0.6"), Decimal("3")) == (487900, 2439600)
    assert base_limits(707300, Decimal("0.6"), Decimal("3")) == (424400, 2121900)
    assert base_limits(707300, Decimal("0.6"), Decimal("3"), quantum=1) == (424380, 2121900)


def test_clamp_raises_to_the_floor_and_lowers_to_the_cap():
    assert clamp(300000, 487900, 2439600) == 487900
    assert clamp(500000, 487900, 2439600) == 500000
    assert clamp(9000000, 487900, 2439600) == 2439600
    assert clamp(0, None, None) == 0


def test_a_wage_between_floor_and_cap():
    a = assess(500000, JIANGSU_2024)
    pension = line(a, "pension")
    assert (pension.base, pension.employer, pension.employee, pension.account) == (500000, 80000, 40000, 40000)
    assert line(a, "injury").employee == 0 and line(a, "injury").employer == 2400
    assert line(a, "medical").account == 0
    assert a.employer == 80000 + 35000 + 2500 + 2400 and a.employee == 40000 + 10000 + 2500
    assert "min(max(5000.00, 4879.00), 24396.00) = 5000.00" in a.explain["formula"]
    assert "employer = 5000.00 × 16% = 800.00" in a.explain["formula"]


def test_below_the_floor_and_above_the_cap():
    low, high = assess(100000, JIANGSU_2024), assess(10**8, JIANGSU_2024)
    assert line(low, "pension").base == 487900 and line(low, "pension").employee == 39032
    assert line(high, "pension").base == 2439600 and line(high, "pension").employer == 390336


def test_each_line_rounds_half_up_to_the_fen():
    # 4879.50 × 0.5% = 24.3975 → 24.40; 4879.10 × 0.48% = 23.41968 → 23.42; 4879.30 × 0.5% = 24.3965 → 24.40
    p = ContributionParams((InsuranceRates("unemployment", Decimal("0.005"), Decimal("0.005")),
                            InsuranceRates("injury", Decimal("0.0048"))))
    assert line(assess(487950, p), "unemployment").employer == 2440
    assert line(assess(487910, p), "injury").employer == 2342
    # an exact half: 1.50 fen → 2 fen (half up, not to even)
    half = ContributionParams((InsuranceRates("x", Decimal("0.5")),))
    assert line(assess(3, half), "x").employer == 2 and line(assess(5, half), "x").employer == 3


def test_per_insurance_limits_override_the_common_ones():
    p = ContributionParams((InsuranceRates("pension", Decimal("0.16"), floor_fen=300000),
                            InsuranceRates("medical", Decimal("0.07"))), floor_fen=487900, cap_fen=2439600)
    a = assess(350000, p)
    assert line(a, "pension").base == 350000 and line(a, "medical").base == 487900
    cols = assess_columns(np.array([350000, 350000]), np.array([0, 1]), p, threads=1)
    assert cols["base"].tolist() == [350000, 487900]


@pytest.mark.parametrize("bad", [-1, -100000])
def test_a_negative_wage_is_refused_in_both_modes(bad):
    with pytest.raises(DomainError) as info:
        assess(bad, JIANGSU_2024)
    assert info.value.problems[0].field == "wage"
    with pytest.raises(DomainError):
        assess_columns(np.array([1000, bad]), np.array([0, 0]), JIANGSU_2024)


def test_bad_parameters_and_columns_are_refused():
    with pytest.raises(DomainError) as info:
        assess(1, ContributionParams((InsuranceRates("x", Decimal("0.1")),), floor_fen=10, cap_fen=5))
    assert info.value.problems[0].code == "contribution.floor_above_cap"
    with pytest.raises(DomainError):
        assess(1, ContributionParams((InsuranceRates("x", Decimal("1.5")),)))
    with pytest.raises(DomainError):
        assess_columns(np.array([1, 2]), np.array([0, 9]), JIANGSU_2024)
    with pytest.raises(DomainError):
        assess_columns(np.array([1, 2]), np.array([0]), JIANGSU_2024)
    with pytest.raises(DomainError) as info:
        assess_columns(np.array([2**61]), np.array([0]), ContributionParams((InsuranceRates("x", Decimal("0.5")),)))
    assert info.value.problems[0].code == "calc.too_large"


def test_columns_over_many_chunks_and_threads_match_single():
    rng = np.random.default_rng(7)
    base = rng.integers(0, 5_000_000, size=200_003, dtype=np.int64)
    index = rng.integers(0, 4, size=base.size).astype(np.int8)
    cols = assess_columns(base, index, JIANGSU_2024, threads=2, chunk=4096)
    for i in rng.integers(0, base.size, size=300):
        ln = assess(int(base[i]), JIANGSU_2024).lines[index[i]]
        assert (ln.base, ln.employer, ln.employee, ln.account) == tuple(int(cols[k][i]) for k in
                                                                        ("base", "employer", "employee", "account"))
    single = assess_columns(base, index, JIANGSU_2024, threads=1)
    assert all(np.array_equal(single[k], cols[k]) for k in cols)


def test_empty_columns():
    cols = assess_columns(np.array([], dtype=np.int64), np.array([], dtype=np.int8), JIANGSU_2024)
    assert all(v.size == 0 and v.dtype == np.int64 for v in cols.values())


# ---- the property: column == single, to the fen -------------------------------------------------------------------

rates = st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n).scaleb(-4).normalize())
insurance = st.builds(lambda e, w, a: InsuranceRates("x", e, w, a), rates, rates, rates)
limits = st.tuples(st.none() | st.integers(0, 10**7), st.none() | st.integers(10**7, 10**9))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bases=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40),
       kinds=st.lists(insurance, min_size=1, max_size=5), limits=limits, data=st.data())
def test_columns_equal_single_for_random_bases_and_rates(bases, kinds, limits, data):
    params = ContributionParams(tuple(kinds), floor_fen=limits[0], cap_fen=limits[1])
    index = data.draw(st.lists(st.integers(0, len(kinds) - 1), min_size=len(bases), max_size=len(bases)))
    cols = assess_columns(np.array(bases, dtype=np.int64), np.array(index, dtype=np.int64), params, threads=1)
    for i, (b, k) in enumerate(zip(bases, index)):
        ln = assess(b, params).lines[k]
        assert [ln.base, ln.employer, ln.employee, ln.account] == [int(cols[c][i]) for c in
                                                                   ("base", "employer", "employee", "account")]
        # and the single path is plain Decimal ROUND_HALF_UP of base × rate
        assert ln.employer == int((Decimal(ln.base) * kinds[k].employer_rate).quantize(Decimal(1), ROUND_HALF_UP))


@given(st.integers(0, 10**12), rates)
def test_half_up_is_decimal_round_half_up(amount, rate):
    assert half_up(Decimal(amount) * rate) == int((Decimal(amount) * rate).quantize(Decimal(1), ROUND_HALF_UP))


def test_yuan_formatting():
    assert (yuan(185470), yuan(5), yuan(0), yuan(-105)) == ("1854.70", "0.05", "0.00", "-1.05")


# ---- the cases in tests/policy/cases/contribution/contribution.yaml, run straight through the rule -------------

CASES = Path(__file__).resolve().parent / "cases" / "contribution" / "contribution.yaml"
NO_MINIMUM = -10**15  # let the rule itself refuse a negative amount


def run_case(data: dict) -> dict:
    """The case input as `laobao calc contribution` reads it → params_for → assess → lines in yuan."""
    wage = fields.money(data, "wage", minimum=NO_MINIMUM)
    params = params_for(fields.month(data, "month"), data.get("region"),
                        floor_fen=fields.money(data, "floor", optional=True),
                        cap_fen=fields.money(data, "cap", optional=True))
    lines = assess(wage, params).lines
    return {"lines": [{"insurance": x.insurance, "base": yuan(x.base), "employer": yuan(x.employer),
                       "employee": yuan(x.employee), "account": yuan(x.account)} for x in lines]}


@pytest.mark.parametrize("case", yaml.safe_load(CASES.read_text(encoding="utf-8")), ids=lambda c: c["name"])
def test_case_file(case):
    if "error" in case:
        with pytest.raises(DomainError) as info:
            run_case(case["input"])
        assert any(case["error"] in (p.code, p.field) for p in info.value.problems), info.value.as_dict()
    else:
        assert run_case(case["input"]) == case["output"], case["source"]


def test_params_for_limits_from_an_average_wage_and_injury_classes():
    from datetime import date

    p = params_for(date(2024, 6, 1), "320500", average_wage_fen=813200, injury_class=1)
    assert (p.floor_fen, p.cap_fen) == (487900, 2439600)
    assert [r.insurance for r in p.insurances] == ["pension", "medical", "unemployment", "injury"]
    assert p.insurances[3].employer_rate == Decimal("0.002") and p.insurances[0].account_share == Decimal("0.08")
    names = {v.name for v in p.sources}
    assert {"contribution.base_floor_share", "contribution.injury_class_rates", "pension.account_share"} <= names
    assert assess(500000, p).explain["params"] == list(p.sources)
    # 2004–2015 had three classes; an employer's own floating rate may be given instead
    assert params_for(date(2010, 1, 1), floor_fen=1, cap_fen=2, injury_class=3).insurances[3].employer_rate == \
        Decimal("0.02")
    assert params_for(date(2024, 6, 1), floor_fen=1, cap_fen=2, injury_rate=Decimal("0.0065")).insurances[3] \
        .employer_rate == Decimal("0.0065")
    with pytest.raises(DomainError) as info:
        params_for(date(2010, 1, 1), floor_fen=1, cap_fen=2, injury_class=8)
    assert info.value.problems[0].field == "injury_class"
