"""Yearly interest on the individual pension accounts: the column formula equals the rule; the run is idempotent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laobao.core.context import acting_as
from laobao.insurance.collection.interest import credit_interest, interest_columns
from laobao.ledger import services as ledger
from laobao.ledger.selectors import balance
from laobao.policy.rules.account.interest import InterestParams, year_interest


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**10), st.lists(st.integers(0, 10**7), min_size=12, max_size=12)),
                min_size=1, max_size=20),
       st.integers(0, 2000).map(lambda n: Decimal(n).scaleb(-4)), st.sampled_from(["monthly", "annual"]))
def test_columns_equal_year_interest(accounts, rate, method):
    opening = np.array([a for a, _ in accounts])
    credited = np.array([sum(c) for _, c in accounts])
    products = np.array([sum(v * (13 - n) for n, v in enumerate(c, 1)) for _, c in accounts])
    got = interest_columns(opening, credited, products, rate, method).tolist()
    params = InterestParams(2020, rate)
    assert got == [year_interest(a, c, params, method=method).interest for a, c in accounts]


def _credit(person_id: int, fen: int, day: date, key: str):
    with acting_as(None, username="test"):
        ledger.post(key=key, kind="test", lines=[("fund:pension", fen, 0), (f"personal:{person_id}:pension", 0, fen)],
                    value_date=day)


@pytest.mark.django_db
def test_worked_example_annual_method_and_idempotent():
    """劳办发〔1997〕116号 年度计算法 (parameter collection.account_interest_method = annual), 2024 rate 2.62%:
    10000.00 brought forward → 262.00; 4800.00 credited in 2024 → 4800 × 2.62% × 1.083 × 1/2 = 68.0972 → 68.10.
    Same figures as tests/policy/test_account.py::test_annual_method_uses_1_083_over_2."""
    _credit(1, 1_000_000, date(2023, 12, 31), "t:open")
    for month in range(1, 13):
        _credit(1, 40_000, date(2024, month, 15), f"t:{month}")
    out = credit_interest(2024, progress=None)
    assert (out["method"], out["accounts"], out["interest_fen"]) == ("annual", 1, 33_010)
    assert balance("personal:1:pension") == 1_000_000 + 480_000 + 33_010
    again = credit_interest(2024, progress=None)
    assert (again["entries"], again["skipped_done"]) == (0, 1)
    assert balance("personal:1:pension") == 1_000_000 + 480_000 + 33_010
    # 2025: the 2024 interest (valued 2024-12-31) is part of the opening: 15130.10 × 1.5% = 226.95
    assert credit_interest(2025, progress=None)["interest_fen"] == 22_695


@pytest.mark.django_db
def test_account_with_debits_is_left_for_review():
    _credit(2, 100_000, date(2023, 6, 1), "t:a")
    with acting_as(None, username="test"):
        ledger.post(key="t:out", kind="test", lines=[("personal:2:pension", 50_000, 0), ("fund:pension", 0, 50_000)],
                    value_date=date(2024, 3, 1))
    out = credit_interest(2024, progress=None)
    assert out["review"] == ["personal:2:pension"] and out["accounts"] == 0
