"""The insurance indicators on the record fixture: insured persons, collection rate 征缴率, arrears."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from laobao.core.context import acting_as
from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.insurance import services
from laobao.kpi.registry import get
from laobao.kpi.selectors import evaluate, scope_region

from record_fixtures import build

MAR = date(2024, 3, 1)


@pytest.fixture
def world(city, make_person, make_employer):
    w = build(make_person, make_employer, city["c11"])
    with acting_as(None, username="test"):
        for p in (w.person, w.other):
            services.enroll(user=None, person=p, insurance="pension", start_month=date(2023, 12, 1),
                            employer=w.employer, reason="hire")
        services.enroll(user=None, person=w.person, insurance="medical", start_month=date(2023, 12, 1),
                        employer=w.employer, reason="hire")
    return w


def _rows(code: str, month: date, region, user=None) -> dict:
    return {dict(r.key)["insurance"]: r.value for r in get(code).compute(user, month, region)}


def test_insured_by_insurance_and_district(world, city):
    rows = get("insurance.insured_by_insurance").compute(None, MAR, city["city"])
    assert {(dict(r.key)["insurance"], dict(r.key)["district"]): r.value for r in rows} == {
        ("pension", "320508"): 2, ("medical", "320508"): 1}
    assert get("insurance.insured_by_insurance").compute(None, date(2023, 11, 1), city["city"]) == []
    assert get("insurance.insured_by_insurance").compute(None, MAR, city["wuzhong"]) == []


def test_collection_rate(world, city):
    # January–March 2024: pension due 3 × 2,400.00 + 240.00 (adjustment) = 7,440.00, paid by 31 March
    # 2,400.00 + 1,000.00 = 3,400.00 → 45.70 %; medical due 3 × 1,100.00, paid 2,200.00 → 66.67 %.
    assert _rows("insurance.collection_rate_by_insurance", MAR, city["city"]) == {
        "pension": Decimal("45.70"), "medical": Decimal("66.67")}
    assert get("insurance.pension_collection_rate").compute(None, MAR, city["city"]) == Decimal("45.70")
    assert get("insurance.medical_collection_rate").compute(None, MAR, city["city"]) == Decimal("66.67")
    # January alone, as of 31 January: nothing paid yet (the payment came on 10 February)
    assert get("insurance.pension_collection_rate").compute(None, date(2024, 1, 1), city["city"]) == Decimal("0.00")
    assert get("insurance.pension_collection_rate").compute(None, MAR, city["wuzhong"]) is None
    target = get("insurance.pension_collection_rate").target
    assert target.direction == "≥" and target.value == Decimal("96")


def test_arrears(world, city):
    # 31 March: January and February items are late (due the month's last day): February's pension 1,400.00
    # unpaid plus the March bill's adjustment for January, 240.00; medical is paid.
    assert _rows("insurance.arrears_by_insurance", MAR, city["city"]) == {"pension": Decimal("1640.00")}
    assert _rows("insurance.arrears_by_insurance", date(2024, 5, 1), city["city"]) == {
        "pension": Decimal("4040.00"), "medical": Decimal("1100.00")}


def test_scoped_to_the_reader(world, city, make_user):
    leader = make_user(Role.LEADER, city["wuzhong"])
    with pytest.raises(NotFound):
        scope_region(leader, city["gusu"])
    (result,) = evaluate(leader, MAR, None, ["insurance.arrears_by_insurance"])
    assert result.value == 0 and result.rows == ()
    gusu = make_user(Role.LEADER, city["gusu"])
    (result,) = evaluate(gusu, MAR, None, ["insurance.pension_collection_rate"])
    assert result.value == Decimal("45.70") and result.as_dict()["target_met"] is False
