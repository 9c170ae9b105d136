"""The benefits indicators on a small hand-computed world: 社会化发放率, 社区管理率, average pension, beneficiaries.

Plain fixtures (not published cases); each expected figure is worked out in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from laobao.benefits import services
from laobao.benefits.models import Benefit, BenefitEvent, PaymentLine
from laobao.core.context import acting_as
from laobao.core.models import Role
from laobao.kpi.registry import get
from laobao.kpi.selectors import evaluate
from laobao.registry.models import Person

import payroll_fixtures as fx

FEB, MAR = date(2026, 2, 1), date(2026, 3, 1)


def _account(person, number):
    with acting_as(None, username="test"):
        services.open_account(user=None, person=person, bank_code="102", account_no=number,
                              holder_name=person.name, opened_on=date(2025, 12, 1))


@pytest.fixture
def world(city, make_person, tmp_path):
    # Pensions from January 2026 (in 姑苏: p1 in c11, p2 in c21; in 吴中: p3 at street s3, p5 in c31);
    # bank accounts for p1 and p5 only; the March payroll pays p1 and p5.
    p1, p2 = make_person(city["c11"], name="甲"), make_person(city["c21"], name="乙")
    p3, p5 = make_person(city["c31"], name="丙"), make_person(city["c31"], name="戊")
    Person.objects.filter(pk=p3.pk).update(residence_region=city["s3"])  # an old record, known only to its street
    fx.pension(p1, date(2026, 1, 1))                          # 3,000.00
    b2 = fx.pension(p2, date(2026, 1, 1))                     # 3,000.00, then 3,100.01 from March
    fx.rate(b2, MAR, basic=260_001)
    fx.pension(p3, date(2026, 1, 1), basic=200_000, account=0)  # 2,000.00
    fx.pension(p5, date(2026, 1, 1))                          # 3,000.00
    fx.pension(make_person(city["c12"], name="丁"), date(2026, 4, 1))  # not yet in payment in March
    _account(p1, fx.CARD)
    _account(p5, fx.CARD2)
    with acting_as(None, username="test"):
        u = Benefit.objects.create(person=p5, kind="unemployment", fund="fund:unemployment", start_month=FEB,
                                   source="test:unemployment")
        BenefitEvent.objects.create(benefit=u, kind="start", month=FEB, reason="test")
    fx.run(MAR, tmp_path)
    return city


def test_bank_paid_rate(world):
    # 4 pensions in payment in March; p1 and p5 have a current account and a March payroll line → 50.00 %
    ind = get("benefits.pension_bank_payment_rate")
    assert ind.compute(None, MAR, world["city"]) == Decimal("50.00")
    assert ind.compute(None, MAR, world["gusu"]) == Decimal("50.00")    # p1 of p1, p2
    assert ind.compute(None, MAR, world["wuzhong"]) == Decimal("50.00")  # p5 of p3, p5
    assert ind.compute(None, FEB, world["city"]) == Decimal("0.00")      # no February run
    assert ind.target.direction == "≥" and ind.target.value == Decimal("100")
    assert "四(二)1" in ind.target.source


def test_bank_paid_rate_leaves_out_a_rejected_line(world, tmp_path):
    # The bank returns p5's March line as rejected (account closed): p1 alone of 4 is paid through a bank → 25.00 %
    line = PaymentLine.objects.get(person__name="戊", run__month=MAR, benefit__kind="pension")
    fx.take_returns(fx.returns_file(tmp_path / "r.csv", [(line.id, "rejected", "账户已销户", "2026-03-15")]))
    assert get("benefits.pension_bank_payment_rate").compute(None, MAR, world["city"]) == Decimal("25.00")


def test_community_managed_rate(world):
    # p1, p2, p5 live in communities, p3 at street level → 3 / 4 = 75.00 %
    ind = get("benefits.retiree_community_management_rate")
    assert ind.compute(None, MAR, world["city"]) == Decimal("75.00")
    assert ind.compute(None, MAR, world["wuzhong"]) == Decimal("50.00")
    assert ind.compute(None, date(2025, 12, 1), world["city"]) is None
    assert ind.target.value == Decimal("90") and ind.baseline_2005.value == Decimal("91")


def test_average_pension(world):
    # March: 姑苏 (300,000 + 310,001) / 2 = 305,000.5 → 305,001 fen (half up); 吴中 (200,000 + 300,000) / 2
    rows = get("benefits.average_pension").compute(None, MAR, world["city"])
    assert {dict(r.key)["district"]: r.value for r in rows} == {"320508": 305_001, "320506": 250_000}
    rows = get("benefits.average_pension").compute(None, FEB, world["city"])
    assert {dict(r.key)["district"]: r.value for r in rows} == {"320508": 300_000, "320506": 250_000}


def test_beneficiaries(world):
    rows = get("benefits.beneficiaries").compute(None, MAR, world["city"])
    assert {(dict(r.key)["kind"], dict(r.key)["district"]): r.value for r in rows} == {
        ("pension", "320508"): 2, ("pension", "320506"): 2, ("unemployment", "320506"): 1}
    assert rows[0].label_zh == "基本养老金 · 吴中区"  # by kind, then district code (320506 < 320508)


def test_scoped_to_the_reader(world, make_user):
    leader = make_user(Role.LEADER, world["wuzhong"])
    bank, community, benef = evaluate(leader, MAR, None, ["benefits.pension_bank_payment_rate",
                                                        "benefits.retiree_community_management_rate",
                                                        "benefits.beneficiaries"])
    assert bank.value == Decimal("50.00") and bank.as_dict()["target_met"] is False
    assert community.value == Decimal("50.00")
    assert benef.value == 3 and {dict(r.key)["district"] for r in benef.rows} == {"320506"}
