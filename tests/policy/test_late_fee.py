"""Late fees: 0.2% a day (征缴暂行条例 第十三条) until 2011-06-30, 0.05% a day (社会保险法 第八十六条) from 2011-07-01."""

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
from laobao.policy.calc import fields
from laobao.policy.rules.collection.late_fee import LateFeeParams, late_fee, late_fee_columns, params_for
from laobao.policy.rules.contribution.exact import yuan

STATUTE = LateFeeParams(((date(1999, 1, 22), Decimal("0.002")), (date(2011, 7, 1), Decimal("0.0005"))))


def test_days_run_from_the_day_after_the_due_date_to_the_payment_date():
    fee = late_fee(1_000_000, date(2012, 3, 15), date(2012, 3, 25), STATUTE)
    assert fee.days == 10 and fee.fee == 5_000                  # 10000.00 × 0.05% × 10 = 50.00
    assert fee.segments[0].start == date(2012, 3, 16) and fee.segments[0].end == date(2012, 3, 25)


def test_paid_on_or_before_the_due_date_costs_nothing():
    assert late_fee(1_000_000, date(2012, 3, 15), date(2012, 3, 15), STATUTE).fee == 0
    assert late_fee(1_000_000, date(2012, 3, 15), date(2012, 3, 1), STATUTE).days == 0


def test_each_side_of_2011_07_01():
    before = late_fee(1_000_000, date(2011, 6, 20), date(2011, 6, 30), STATUTE)
    after = late_fee(1_000_000, date(2011, 6, 30), date(2011, 7, 10), STATUTE)
    assert (before.days, before.fee) == (10, 20_000)           # 10 days × 0.2%  = 200.00
    assert (after.days, after.fee) == (10, 5_000)              # 10 days × 0.05% =  50.00


def test_a_period_straddling_2011_07_01_is_split_by_day():
    fee = late_fee(1_000_000, date(2011, 6, 15), date(2011, 7, 10), STATUTE)
    assert fee.days == 25
    assert [(s.days, s.rate) for s in fee.segments] == [(15, Decimal("0.002")), (10, Decimal("0.0005"))]
    assert fee.fee == 35_000                                   # 10000 × (15 × 0.2% + 10 × 0.05%) = 350.00
    assert "0.2% × 15天(2011-06-16…2011-06-30) + 0.05% × 10天(2011-07-01…2011-07-10)" in fee.explain["formula"]


def test_rounded_once_half_up():
    # 333.33 × 0.05% × 3 days: 33333 fen × 0.0015 = 49.9995 fen → 50 fen
    assert late_fee(33_333, date(2012, 1, 1), date(2012, 1, 4), STATUTE).fee == 50
    # 1 fen × 0.05% × 1000 days = 0.5 fen → 1 fen (half up)
    assert late_fee(1, date(2012, 1, 1), date(2012, 1, 1) + timedelta(days=1000), STATUTE).fee == 1


def test_no_rate_before_the_regulations():
    with pytest.raises(DomainError) as info:
        late_fee(100, date(1999, 1, 1), date(1999, 2, 1), STATUTE)
    assert info.value.problems[0].code == "late_fee.no_rate"
    with pytest.raises(DomainError):
        late_fee_columns(np.array([100]), np.array(["1999-01-01"], dtype="datetime64[D]"),
                         np.array(["1999-02-01"], dtype="datetime64[D]"), STATUTE)


def test_a_region_without_fee_for_a_while():
    # a schedule with a null entry (e.g. a local rule that charged nothing for a period)
    params = LateFeeParams(((date(1999, 1, 22), Decimal("0.002")), (date(2011, 6, 1), None),
                            (date(2011, 7, 1), Decimal("0.0005"))))
    fee = late_fee(1_000_000, date(2011, 5, 30), date(2011, 7, 2), params)
    assert fee.days == 33 and fee.fee == 1 * 2_000 + 2 * 500    # 05-31 at 0.2%, June free, 07-01…02 at 0.05%


def test_negative_arrears_and_bad_schedules_are_refused():
    with pytest.raises(DomainError):
        late_fee(-1, date(2012, 1, 1), date(2012, 2, 1), STATUTE)
    with pytest.raises(DomainError):
        late_fee_columns(np.array([-1]), np.array(["2012-01-01"], dtype="datetime64[D]"),
                         np.array(["2012-02-01"], dtype="datetime64[D]"), STATUTE)
    with pytest.raises(ValueError):
        LateFeeParams(((date(2011, 7, 1), Decimal("0.0005")), (date(1999, 1, 22), Decimal("0.002"))))


days_ = st.integers(min_value=(date(1999, 1, 21) - date(1970, 1, 1)).days,
                    max_value=(date(2030, 12, 31) - date(1970, 1, 1)).days)


GAPPY = LateFeeParams(((date(1999, 1, 22), Decimal("0.002")), (date(2008, 3, 1), None),
                       (date(2011, 7, 1), Decimal("0.0005")), (date(2020, 2, 1), Decimal("0.00035"))))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**10), days_, st.integers(-30, 6000)), min_size=1, max_size=30),
       st.sampled_from([STATUTE, GAPPY]))
def test_columns_equal_single(rows, schedule):
    arrears = np.array([r[0] for r in rows], dtype=np.int64)
    due = np.array([r[1] for r in rows], dtype="datetime64[D]")
    paid = due + np.array([r[2] for r in rows], dtype="timedelta64[D]")
    cols = late_fee_columns(arrears, due, paid, schedule)
    for i, (a, d, lag) in enumerate(rows):
        due_i = date(1970, 1, 1) + timedelta(days=d)
        single = late_fee(a, due_i, due_i + timedelta(days=lag), schedule)
        assert (single.days, single.fee) == (int(cols["days"][i]), int(cols["fee"][i]))


# ---- the cases in tests/policy/cases/collection/late_fee.yaml, with the rates from the parameter file -----------

CASES = Path(__file__).resolve().parent / "cases" / "collection" / "late_fee.yaml"


def run_case(data: dict) -> dict:
    fee = late_fee(fields.money(data, "arrears", minimum=-10**15), fields.day(data, "due"), fields.day(data, "paid"),
                   params_for(data.get("region")))
    return {"days": fee.days, "fee": yuan(fee.fee)}


@pytest.mark.parametrize("case", yaml.safe_load(CASES.read_text(encoding="utf-8")), ids=lambda c: c["name"])
def test_case_file(case):
    if "error" in case:
        with pytest.raises(DomainError) as info:
            run_case(case["input"])
        assert any(case["error"] in (p.code, p.field) for p in info.value.problems), info.value.as_dict()
    else:
        assert run_case(case["input"]) == case["output"], case["source"]


def test_params_for_reads_the_statutory_schedule():
    params = params_for()
    assert params == STATUTE
    assert [v.reference for v in params.sources] == ["社会保险费征缴暂行条例（国务院令第259号）第十三条",
                                                     "中华人民共和国社会保险法 第八十六条"]
    assert params_for("320506") == STATUTE   # no regional override on file
