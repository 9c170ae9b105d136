"""Pension indexation (调待): the rule (single form and exact column form, equal by Hypothesis), the parameter
(the national level cited; Jiangsu's split not entered, so the real parameter refuses to compute), and the
batch `laobao benefits index`: one rate per pension with its explanation lines, idempotent, chunked, back pay
by the payroll. The scheme figures are test fixtures, not Jiangsu's (which are not verified)."""

from __future__ import annotations

import io
import textwrap
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from laobao.benefits.indexation.run import run_indexation
from laobao.benefits.indexation.explain import explain, explanation, history
from laobao.benefits.models import BenefitEvent, BenefitRate, IndexationScheme, PensionClaim
from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.policy.rules.pension import indexation as rule

import payroll_fixtures as fx
from conftest import make_id

JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)
S = rule.Scheme(year=2026, effective=JAN, flat_fen=5_000, share=Decimal("0.012"), per_year_fen=100,
                bands=((70, 2_000), (75, 3_000), (80, 5_000)), age_on=date(2026, 12, 31))


def test_one_retiree_line_by_line():
    inc = rule.increase(S, 300_000, 361, 76)  # 3,000.00 a month, 30 years 1 month, 76 years old
    assert [(l["code"], l["amount_fen"]) for l in inc.lines] == [
        ("index_flat", 5_000), ("index_share", 3_600), ("index_years", 3_000), ("index_age", 3_000)]
    assert inc.amount_fen == 14_600
    assert "3000.00 × 0.012 = 36.00" in inc.lines[1]["formula"]
    assert "1.00 × 30 年" in inc.lines[2]["formula"] and "76 周岁" in inc.lines[3]["formula"]


def test_share_rounds_half_up_and_bands_take_the_highest_reached():
    assert rule.increase(S, 12_345, 0, 69).amount_fen == 5_000 + 148  # 148.14 → 148
    assert rule.increase(S, 12_375, 0, 69).lines[1]["amount_fen"] == 149  # 148.5 → 149
    assert [rule.band_of(S, a) for a in (69, 70, 74, 75, 80, 95)] == [0, 2_000, 2_000, 3_000, 5_000, 5_000]


schemes = st.builds(
    lambda flat, num, k, per, bands: rule.Scheme(2026, JAN, flat, Decimal(num).scaleb(-k), per,
                                                  tuple(sorted(dict(bands).items()))),
    st.integers(0, 20_000), st.integers(0, 999), st.integers(1, 4), st.integers(0, 1_000),
    st.lists(st.tuples(st.integers(60, 100), st.integers(0, 20_000)), max_size=4))


@settings(max_examples=150, deadline=None)
@given(schemes, st.lists(st.tuples(st.integers(0, 5_000_000), st.integers(0, 600), st.integers(40, 110)),
                         min_size=1, max_size=30))
def test_columns_equal_single(s, rows):
    pension, months, age = (np.array(c, dtype=np.int64) for c in zip(*rows))
    cols = rule.increase_columns(s, pension, months, age)
    singles = [rule.increase(s, *r) for r in rows]
    assert cols["total"].tolist() == [i.amount_fen for i in singles]
    for k, code in (("flat", "index_flat"), ("share", "index_share"), ("years", "index_years"), ("age", "index_age")):
        assert cols[k].tolist() == [next(l["amount_fen"] for l in i.lines if l["code"] == code) for i in singles]


def test_the_real_parameter_cites_the_national_level_and_refuses_without_the_local_split():
    from laobao.policy.params import param

    assert param("pension.indexation", date(2024, 6, 1)).value["total_share"] == "0.03"
    assert param("pension.indexation", date(2025, 6, 1)).value["total_share"] == "0.02"
    with pytest.raises(DomainError) as err:
        rule.scheme(2024)
    assert err.value.problems[0].code == "indexation.no_local_split"
    with pytest.raises(DomainError):
        rule.scheme(2023)  # no entry for 2023: nothing is guessed


def test_a_local_split_entered_in_the_parameter_is_read(tmp_path):
    (tmp_path / "pension").mkdir()
    (tmp_path / "pension" / "indexation.yaml").write_text(textwrap.dedent("""\
        description: test
        label: {zh: 调待, en: indexation}
        unit: table
        table_unit: text
        values:
          2026-01-01:
            value: {effective_month: "2026-01", total_share: "0.02", flat_fen: "5000", share: "0.012",
                    per_year_fen: "100", age_bands: "70:2000,80:5000,75:3000", age_on: "12-31"}
            reference: test fixture
            status: unverified
        """), encoding="utf-8")
    s = rule.scheme(2026, root=tmp_path)
    assert (s.effective, s.flat_fen, s.share, s.per_year_fen, s.bands, s.age_on) == (
        JAN, 5_000, Decimal("0.012"), 100, ((70, 2_000), (75, 3_000), (80, 5_000)), date(2026, 12, 31))
    with pytest.raises(DomainError):
        rule.scheme(2027, root=tmp_path)  # the 2026 entry is not 2027's indexation


@pytest.fixture
def two(city, make_person):
    old = make_person(city["c11"], name="蔺老", citizen_id=make_id(birth="19500301", seq=301))  # 76 on 2026-12-31
    young = make_person(city["c12"], name="蔺少", citizen_id=make_id(birth="19640101", seq=302))  # 62
    for p in (old, young):
        fx.bank_account(p)
    return old, young


def index(**kw):
    with acting_as(None, username="test"):
        return run_indexation(2026, scheme=S, progress=io.StringIO(), **kw)


def test_batch_indexes_every_pension_in_payment_once(two, city, make_person):
    old, young = two
    b_old = fx.pension(old, date(2020, 1, 1))
    b_young = fx.pension(young, date(2025, 6, 1))
    later = fx.pension(make_person(city["c11"], name="新退"), date(2026, 3, 1))  # retired after the effective month
    ended = fx.pension(make_person(city["c11"], name="已故"), date(2020, 1, 1))
    type(ended).objects.filter(pk=ended.pk).update(end_month=date(2025, 10, 1), status="stopped")
    out = io.StringIO()
    with acting_as(None, username="test"):
        result = run_indexation(2026, scheme=S, progress=out, chunk=1)
    assert result["benefits"] == 2 and "indexation 2/2" in out.getvalue()
    base = fx.BASIC + fx.ACCOUNT
    expected = {b_old.pk: 5_000 + 3_600 + 0 + 3_000, b_young.pk: 5_000 + 3_600}  # no claim: 0 contribution years
    rates = {r.benefit_id: r for r in BenefitRate.objects.filter(reason="indexation")}
    assert set(rates) == {b_old.pk, b_young.pk}
    for bid, inc in expected.items():
        r = rates[bid]
        assert (r.key, r.from_month, r.monthly_fen) == (f"index:2026:{bid}", JAN, base + inc)
        lines = explanation(r)
        assert sum(c["amount_fen"] for c in lines) == r.monthly_fen  # base components + the four lines
        assert [c["code"] for c in lines][-4:] == ["index_flat", "index_share", "index_years", "index_age"]
    old_lines = explanation(rates[b_old.pk])
    assert "2026-12-31 年满 76 周岁" in old_lines[-1]["formula"]
    # the rendered explanation is exactly the base's components followed by the rule's four lines
    assert old_lines == fx.components() + rule.lines(S, base, 0, 76, 3_600, 3_000)
    # stored compact: the base's account part, then the year's scheme, the base rate and the person's figures
    award = BenefitRate.objects.get(key=f"award:test:{b_old.pk}")
    (scheme,) = IndexationScheme.objects.all()
    assert (scheme.year, scheme.effective, scheme.texts) == (2026, JAN, rule.texts(S))
    assert rates[b_old.pk].components == [
        {"code": "account", "amount_fen": fx.ACCOUNT},
        {"code": "index", "scheme": scheme.pk, "base": award.pk, "f": [base, 3_600, 0, 76, 3_000]}]
    # no event row: the compact rate stands for it on the person's history
    assert not BenefitEvent.objects.filter(kind="rate").exists()
    (ev,) = [e for e in history([rates[b_old.pk]], list(BenefitEvent.objects.filter(benefit=b_old).order_by("id")))
             if e.kind == "rate"]
    assert (ev.month, ev.reason, ev.note, ev.actor_id) == (JAN, "indexation", "2026年调待（2026-01 起） +116.00 元", None)
    assert index()["benefits"] == 0  # idempotent
    assert BenefitRate.objects.filter(reason="indexation").count() == 2
    assert IndexationScheme.objects.count() == 1
    assert not BenefitRate.objects.filter(benefit__in=[later, ended], reason="indexation").exists()


def test_contribution_years_come_from_the_claim(two, make_user, city):
    old, _ = two
    b = fx.pension(old, date(2020, 1, 1))
    maker = make_user("city_officer", city["city"])
    PensionClaim.objects.create(claim_no="YL202001010001", person=old, received_on=date(2019, 12, 1), category=60,
                                retire_month=date(2019, 12, 1), status="approved", maker=maker, benefit=b,
                                calculation={"inputs": {"contribution_months": 425}})  # 35 years 5 months
    index()
    r = BenefitRate.objects.get(key=f"index:2026:{b.pk}")
    assert r.monthly_fen == fx.BASIC + fx.ACCOUNT + 5_000 + 3_600 + 3_500 + 3_000
    assert "缴费 425 个月" in explanation(r)[-2]["formula"]


def test_back_pay_of_an_indexation_after_the_month_was_paid(two, tmp_path):
    old, _ = two
    b = fx.pension(old, date(2025, 12, 1))
    fx.run(JAN, tmp_path)  # January paid at the old rate
    index()  # effective January, decided in February
    fx.run(FEB, tmp_path)
    inc = 5_000 + 3_600 + 3_000
    last = fx.lines_of(b)[-1]
    assert (last.months_text, last.amount_fen) == ("2026-01…2026-02", inc + fx.BASIC + fx.ACCOUNT + inc)
    from laobao.ledger.reconcile import run_all
    assert {n: r.differences for n, r in run_all() if r.count} == {}


def test_cli_refuses_without_the_local_split(db):
    with pytest.raises(CommandError) as err:
        call_command("lb_benefits", "index", "--year", "2024", stdout=io.StringIO(), stderr=io.StringIO())
    assert "pension.indexation" in str(err.value)


def test_indexation_lines_on_the_person_page(client, two, city, make_user):
    old, _ = two
    fx.pension(old, date(2020, 1, 1))
    index()
    client.force_login(make_user("community_caseworker", city["c11"]))
    body = client.get(f"/benefits/persons/{old.pk}/").content.decode()
    assert "2026年调待·定额调整 50.00：每人每月 50.00 元" in body
    assert "调整前 3000.00 × 0.012 = 36.00" in body
    # the history lists the start event, then the indexation the compact rate stands for (as the row read before)
    assert body.index("开始发放（test）") < body.index("调整标准（indexation）2026年调待（2026-01 起） +116.00 元")


S27 = rule.Scheme(year=2027, effective=date(2027, 1, 1), flat_fen=4_000, share=Decimal("0.01"), per_year_fen=50,
                  bands=((80, 6_000),), age_on=date(2027, 12, 31))


def test_a_second_year_explains_through_the_first(two):
    """A compact rate whose base is itself compact: its explanation is the award's lines, 2026's four, 2027's four."""
    old, _ = two
    b = fx.pension(old, date(2020, 1, 1))
    index()
    with acting_as(None, username="test"):
        assert run_indexation(2027, scheme=S27, progress=io.StringIO())["benefits"] == 1
    r26, r27 = BenefitRate.objects.get(key=f"index:2026:{b.pk}"), BenefitRate.objects.get(key=f"index:2027:{b.pk}")
    p26 = fx.BASIC + fx.ACCOUNT
    p27 = r26.monthly_fen  # 3,116.00: the 2026 rate is the base of 2027
    assert r27.monthly_fen == p27 + 4_000 + 3_116 + 0 + 0  # 1 % of 3,116.00 = 31.16; 77 years old: no band
    assert explain([r27, r26])[r27.id] == (fx.components() + rule.lines(S, p26, 0, 76, 3_600, 3_000)
                                          + rule.lines(S27, p27, 0, 77, 3_116, 0))
    assert explanation(r27) == explain([r27, r26])[r27.id]  # the base read from the database when not given
    assert r27.components[0] == {"code": "account", "amount_fen": fx.ACCOUNT}  # carried through both years


def test_full_form_indexation_rates_are_read_as_they_are(two):
    """Rates written before the compact form (and by every other writer) are their own explanation."""
    old, _ = two
    b = fx.pension(old, date(2020, 1, 1))
    full = fx.rate(b, date(2025, 1, 1), fx.BASIC + 7_000)  # an indexation rate in the full form
    assert explanation(full) == fx.components(fx.BASIC + 7_000)
    index()  # the compact 2026 rate on a full-form base
    r = BenefitRate.objects.get(key=f"index:2026:{b.pk}")
    assert r.components[-1]["base"] == full.pk
    assert explanation(r) == fx.components(fx.BASIC + 7_000) + rule.lines(S, fx.BASIC + 7_000 + fx.ACCOUNT, 0, 76,
                                                                          3_684, 3_000)


def test_the_account_part_of_a_compact_rate_is_paid_from_the_annuity_and_recovered_at_death(two, tmp_path):
    from laobao.benefits.community import services as community
    from laobao.benefits.models import Overpayment

    old, _ = two
    fx.annuity(old, 1_200_000)
    b = fx.pension(old, JAN)
    index()
    fx.run(JAN, tmp_path)
    fx.run(FEB, tmp_path)
    lines = fx.lines_of(b)
    assert [l.annuity_fen for l in lines] == [fx.ACCOUNT, fx.ACCOUNT]  # the 2026 rate still draws 500.00
    with acting_as(None, username="test"):
        community.record_death(user=None, person=old, died_on=date(2026, 1, 20), source="公安户籍注销")
    (over,) = Overpayment.objects.filter(benefit=b)
    assert (over.months_text, over.amount_fen, over.annuity_fen) == ("2026-02", fx.BASIC + fx.ACCOUNT + 11_600,
                                                                     fx.ACCOUNT)
    from laobao.ledger.reconcile import run_all
    assert {n: r.differences for n, r in run_all() if r.count} == {}


def test_reconcile_proves_compact_rates_add_up(two):
    from laobao.benefits.indexation.checks import indexation_explained

    old, young = two
    b = fx.pension(old, date(2020, 1, 1))
    index()
    ok = indexation_explained()
    assert (ok.checked, ok.differences) == (1, [])
    good = BenefitRate.objects.get(key=f"index:2026:{b.pk}")
    other = fx.pension(young, date(2020, 1, 1))
    ix = dict(good.components[-1])
    bad = [BenefitRate.objects.create(benefit=other, from_month=FEB, monthly_fen=good.monthly_fen + 1, reason="indexation",
                                      key="bad:sum", components=good.components[:-1] + [ix]),  # does not add up
           BenefitRate.objects.create(benefit=other, from_month=FEB, monthly_fen=good.monthly_fen, reason="indexation",
                                      key="bad:base", components=good.components[:-1] + [ix])]  # another's base
    result = indexation_explained()
    assert result.checked == 3 and len(result.differences) == 2
    assert all(f"rate #{r.pk} " in " ".join(result.differences) for r in bad)


def test_page_shows_full_and_compact_rates_and_each_indexation_event_once(client, two, city, make_user):
    old, _ = two
    b = fx.pension(old, date(2020, 1, 1))
    fx.rate(b, date(2025, 1, 1), fx.BASIC + 7_000)  # a full-form indexation rate written before 0012 …
    BenefitEvent.objects.create(benefit=b, kind="rate", month=date(2025, 1, 1), reason="indexation",
                                note="2025年调待（2025-01 起） +70.00 元")  # … with its event row
    index()
    client.force_login(make_user("community_caseworker", city["c11"]))
    body = client.get(f"/benefits/persons/{old.pk}/").content.decode()
    assert body.count("2025年调待（2025-01 起） +70.00 元") == 1
    assert body.count("2026年调待（2026-01 起） +116.84 元") == 1  # 50 + 36.84 + 0 + 30
    assert body.index("2025年调待（2025-01 起）") < body.index("2026年调待（2026-01 起）")
    assert "调整前 3070.00 × 0.012 = 36.84" in body and body.count("基础养老金 2570.00：test") == 2  # both rates
