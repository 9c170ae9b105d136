"""Medical insurance during the unemployment benefit (失业保险条例第十九条; 社会保险法第四十八条: 失业人员应当缴纳的
基本医疗保险费从失业保险基金中支付，个人不缴纳): every unemployment month a payroll line pays gets one contribution
row (parameter unemployment.medical_contribution; the shipped tree has no value yet, so these tests put a
fixture value of 300.00 yuan a month from 2011-07-01 in a copy of the tree) and the chunk's entry
Dr fund:unemployment / Cr fund:medical; re-runs, rejections and reissues add nothing; a month without a
parameter value is named on stderr and written nowhere; the person page shows the rows; reconcile proves them."""

from __future__ import annotations

import io
from datetime import date

import pytest

from laobao.benefits.models import Benefit, BenefitEvent, BenefitRate, UnemploymentMedical
from laobao.benefits.payroll.reissue import reissue
from laobao.benefits.payroll.run import run_payroll
from laobao.core.context import acting_as
from laobao.ledger.reconcile import run_all
from laobao.ledger.selectors import balance
from laobao.policy.params import param

import payroll_fixtures as fx

DEC, JAN, FEB = date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)
MONTHLY = 180_000


def unemployment(person, start, months=12) -> Benefit:
    end = date(start.year + (start.month + months - 2) // 12, (start.month + months - 2) % 12 + 1, 1)
    with acting_as(None, username="test"):
        b = Benefit.objects.create(person=person, kind="unemployment", fund="fund:unemployment", start_month=start,
                                   end_month=end, source=f"test-u:{person.pk}")
        BenefitEvent.objects.create(benefit=b, kind="start", month=start, reason="test")
        BenefitRate.objects.create(benefit=b, from_month=start, monthly_fen=MONTHLY, reason="award",
                                   components=[{"code": "benefit", "zh": "失业保险金", "en": "benefit",
                                                "amount_fen": MONTHLY, "formula": "test"}], key=f"award:u:{b.pk}")
    return b


def contribution(month: date) -> int:
    return int(param("unemployment.medical_contribution", on=month).value)


def reconcile_clean():
    assert {n: r.differences for n, r in run_all() if r.count} == {}


@pytest.fixture
def jobless(city, make_person, parameter_tree):
    parameter_tree("unemployment/medical_contribution.yaml", fx.MEDICAL_YAML)
    p = make_person(city["c11"], name="蔺失业")
    fx.bank_account(p)
    return p


def test_each_paid_month_once_from_the_unemployment_fund(jobless, tmp_path):
    b = unemployment(jobless, DEC)
    fx.run(JAN, tmp_path)  # December and January in one line
    rows = list(UnemploymentMedical.objects.filter(benefit=b).order_by("month"))
    assert [(r.month, r.amount_fen) for r in rows] == [(DEC, contribution(DEC)), (JAN, contribution(JAN))]
    total = contribution(DEC) + contribution(JAN)
    assert balance("fund:medical") == total  # credit-normal fund: what it received
    assert balance("fund:unemployment") == -(2 * MONTHLY + total)
    fx.run(JAN, tmp_path)
    assert UnemploymentMedical.objects.count() == 2
    # February's line is rejected, the account corrected, the month reissued: still one row per month
    fx.run(FEB, tmp_path)
    (feb,) = [l for l in fx.lines_of(b) if l.months_text == "2026-02"]
    fx.take_returns(fx.returns_file(tmp_path / "r.csv", [(feb.id, "rejected", "户名不符", "2026-02-20")]))
    fx.bank_account(jobless, "6217000000000000004")
    with acting_as(None, username="test"):
        assert reissue(FEB, tmp_path, progress=io.StringIO())["written"] == 1
    assert [r.month for r in UnemploymentMedical.objects.filter(benefit=b).order_by("month")] == [DEC, JAN, FEB]
    reconcile_clean()


def test_pensions_carry_no_medical_contribution(jobless, tmp_path):
    fx.pension(jobless, JAN)
    fx.run(JAN, tmp_path)
    assert UnemploymentMedical.objects.count() == 0 and balance("fund:medical") == 0


def test_a_month_without_a_parameter_value_is_said_and_not_written(jobless, tmp_path):
    b = unemployment(jobless, date(2011, 5, 1))  # the parameter has a value from 2011-07-01 only
    err = io.StringIO()
    with acting_as(None, username="test"):
        run_payroll(date(2011, 7, 1), tmp_path, progress=err)
    assert "2011-05, 2011-06" in err.getvalue() and "unemployment.medical_contribution" in err.getvalue()
    assert [r.month for r in UnemploymentMedical.objects.filter(benefit=b)] == [date(2011, 7, 1)]
    reconcile_clean()


def test_the_shipped_tree_has_no_value_so_nothing_is_posted_and_the_months_are_named(city, make_person, tmp_path):
    person = make_person(city["c11"], name="蔺无值")
    fx.bank_account(person)
    b = unemployment(person, JAN)
    err = io.StringIO()
    with acting_as(None, username="test"):
        run_payroll(JAN, tmp_path, progress=err)
    assert "2026-01" in err.getvalue() and "unemployment.medical_contribution" in err.getvalue()
    assert not UnemploymentMedical.objects.filter(benefit=b).exists() and balance("fund:medical") == 0
    assert fx.lines_of(b)[0].amount_fen == MONTHLY  # the benefit itself is paid
    reconcile_clean()


def test_reconcile_catches_a_row_without_its_posting(jobless, tmp_path):
    b = unemployment(jobless, JAN)
    fx.run(JAN, tmp_path)
    row = UnemploymentMedical.objects.get(benefit=b)
    UnemploymentMedical.objects.create(benefit=b, person=jobless, line_id=row.line_id, month=FEB, amount_fen=100,
                                       parameter_since=row.parameter_since, created_at=row.created_at)
    bad = {name for name, r in run_all() if r.count}
    assert "benefits.unemployment_medical_posted" in bad


def test_the_person_page_shows_the_contributions(jobless, tmp_path, client, make_user, city):
    unemployment(jobless, JAN)
    fx.run(JAN, tmp_path)
    client.force_login(make_user("district_officer", city["gusu"]))
    page = client.get(f"/benefits/persons/{jobless.pk}/").content.decode()
    assert "失业保险基金支付，个人不缴纳" in page and "300.00" in page


def test_reconcile_names_rows_whose_parent_is_missing(jobless, tmp_path):
    """The payroll tables carry no row foreign keys on PostgreSQL (ADR 0010): reconcile proves the references."""
    b = unemployment(jobless, JAN)
    fx.run(JAN, tmp_path)
    row = UnemploymentMedical.objects.get(benefit=b)
    UnemploymentMedical.objects.create(benefit=b, person=jobless, line_id=999_999_999, month=FEB, amount_fen=1,
                                       parameter_since=row.parameter_since, created_at=row.created_at)
    found = {name: r for name, r in run_all() if r.count}
    assert "benefits.payroll_rows_name_their_parents" in found
    assert "line_id 999999999 names no benefits_paymentline row" in found["benefits.payroll_rows_name_their_parents"].differences[0]


def test_reconcile_names_a_rate_whose_benefit_is_missing(jobless):
    """Rates and events carry no row foreign key on PostgreSQL either (migration 0010): reconcile proves them."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps the row foreign key (its constraint check would refuse the orphan)")
    with acting_as(None, username="test"):
        BenefitRate.objects.create(benefit_id=999_999_998, from_month=JAN, monthly_fen=1, reason="award",
                                   components=[], key="orphan:test")
    found = {name: r for name, r in run_all() if r.count}
    assert any("benefits_benefitrate" in d and "999999998" in d
               for d in found["benefits.payroll_rows_name_their_parents"].differences)
