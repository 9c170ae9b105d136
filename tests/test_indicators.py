"""The indicator registry: exact counts, the month-end cut, jurisdiction, the targets table and the CLI."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from laobao import cli
from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden, NotFound
from laobao.kpi import selectors, targets
from laobao.kpi.registry import (
    Indicator, IndicatorRegistry, RegistryError, Row, all_indicators, get, register, share,
)
from laobao.registry import services as registry
from laobao.registry.indicators import persons_total
from laobao.registry.models import Employer, Person

SH = ZoneInfo("Asia/Shanghai")
MARCH = date(2024, 3, 1)
OWN = ("registry.active_employment_relations", "registry.employers_by_ownership",
       "registry.persons_by_hukou", "registry.persons_total")


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def _relate(person, employer, start, end=None):
    with acting_as(None, username="test"):
        return registry.relation_start(user=None, person=person, employer=employer, start_date=start, end_date=end)


@pytest.fixture
def cast(city, make_person, make_employer):
    """姑苏: 3 urban, 1 rural, 1 from elsewhere; 吴中: 1 urban, 2 from elsewhere — all registered 2024-01-01.

    Plus, in 姑苏: one urban person registered 2024-03-31 23:59 (counts for March) and one registered
    2024-04-01 00:00 Shanghai time (does not); employers: 2 private + 1 foreign in 姑苏 (one private
    cancelled), 1 collective in 吴中.
    """
    gusu = [make_person(city["c11"], hukou_type="urban") for _ in range(2)]
    gusu += [make_person(city["c21"], hukou_type="urban"), make_person(city["c12"], hukou_type="rural"),
             make_person(city["c21"], hukou_type="elsewhere", hukou_region_code="340102")]
    wuzhong = [make_person(city["c31"], hukou_type="urban"),
               *(make_person(city["c31"], hukou_type="elsewhere", hukou_region_code="340102") for _ in range(2))]
    Person.objects.update(created_at=_at(2024, 1, 1))
    late_march = make_person(city["c11"], hukou_type="urban")
    april = make_person(city["c11"], hukou_type="urban")
    Person.objects.filter(pk=late_march.pk).update(created_at=_at(2024, 3, 31, 23, 59, 59))
    Person.objects.filter(pk=april.pk).update(created_at=_at(2024, 4, 1, 0, 0, 0))

    private = make_employer(city["c11"], type="private")
    foreign = make_employer(city["s1"], type="foreign")
    cancelled = make_employer(city["c12"], type="private")
    collective = make_employer(city["c31"], type="collective")
    with acting_as(None, username="test"):
        registry.employer_update(user=None, employer=cancelled, status="cancelled")
    Employer.objects.update(created_at=_at(2024, 1, 1))

    relations = {
        "open": _relate(gusu[0], private, date(2024, 1, 10)),
        "ends_mid_march": _relate(gusu[1], private, date(2024, 1, 10), date(2024, 3, 15)),
        "ends_on_month_end": _relate(gusu[2], foreign, date(2024, 2, 1), date(2024, 3, 31)),
        "starts_in_april": _relate(gusu[3], foreign, date(2024, 4, 2)),
        "wuzhong_open": _relate(wuzhong[0], collective, date(2023, 6, 1)),
        # a 吴中 resident working in 姑苏: counted where the employer is
        "commuter": _relate(wuzhong[1], foreign, date(2024, 3, 1)),
    }
    return {"gusu": gusu, "wuzhong": wuzhong, "relations": relations}


def _values(results) -> dict:
    return {r.indicator.code: r for r in results}


def _rows(result) -> dict:
    return {tuple(v for _, v in row.key): row.value for row in result.rows}


# --- exact figures and the month-end cut -------------------------------------------------------------

def test_city_figures_for_march_are_exact(cast):
    res = _values(selectors.evaluate(None, MARCH))
    assert res["registry.persons_total"].value == 9  # 8 from January + the one of 31 March 23:59
    assert _rows(res["registry.persons_by_hukou"]) == {
        ("urban", "320506"): 1, ("urban", "320508"): 4, ("rural", "320508"): 1,
        ("elsewhere", "320506"): 2, ("elsewhere", "320508"): 1,
    }
    assert res["registry.persons_by_hukou"].value == 9
    assert _rows(res["registry.employers_by_ownership"]) == {("private",): 1, ("collective",): 1, ("foreign",): 1}
    # open + ends on 31 March + 吴中 open + commuter; not the one ending 15 March nor the one starting in April
    assert res["registry.active_employment_relations"].value == 4


def test_month_end_cut_moves_with_the_month(cast):
    feb = _values(selectors.evaluate(None, date(2024, 2, 1)))
    assert feb["registry.persons_total"].value == 8
    assert feb["registry.active_employment_relations"].value == 4  # open, mid-March leaver, Feb starter, 吴中
    april = _values(selectors.evaluate(None, date(2024, 4, 1)))
    assert april["registry.persons_total"].value == 10
    assert april["registry.active_employment_relations"].value == 4  # open, April starter, 吴中, commuter
    dec = _values(selectors.evaluate(None, date(2023, 12, 1)))
    assert dec["registry.persons_total"].value == 0
    assert dec["registry.persons_by_hukou"].rows == () and dec["registry.persons_by_hukou"].value == 0
    assert dec["registry.active_employment_relations"].value == 1


def test_region_narrows_to_the_subtree(cast, city):
    street = _values(selectors.evaluate(None, MARCH, city["s1"]))
    assert street["registry.persons_total"].value == 4  # c11: 2 + late March; c12: 1
    assert _rows(street["registry.persons_by_hukou"]) == {("urban", "320508"): 3, ("rural", "320508"): 1}
    # the foreign employer sits on street s1 itself; the private one in c11; the cancelled one is not counted
    assert _rows(street["registry.employers_by_ownership"]) == {("private",): 1, ("foreign",): 1}
    assert street["registry.active_employment_relations"].value == 3


# --- jurisdiction ------------------------------------------------------------------------------------

def test_leader_in_wuzhong_sees_only_wuzhong(cast, city, make_user):
    leader = make_user("leader", city["wuzhong"])
    results = selectors.evaluate(leader, MARCH)
    assert {r.region.code for r in results} == {"320506"}
    res = _values(results)
    assert res["registry.persons_total"].value == 3
    assert _rows(res["registry.persons_by_hukou"]) == {("urban", "320506"): 1, ("elsewhere", "320506"): 2}
    assert _rows(res["registry.employers_by_ownership"]) == {("collective",): 1}
    assert res["registry.active_employment_relations"].value == 1
    # asking for the whole city gives the same 吴中 figures; asking for 姑苏 gives nothing
    assert [r.as_dict() for r in selectors.evaluate(leader, MARCH, city["city"])] == [r.as_dict() for r in results]
    with pytest.raises(NotFound):
        selectors.evaluate(leader, MARCH, city["gusu"])
    # even a compute called directly with a foreign region cannot cross the jurisdiction
    assert persons_total(leader, MARCH, city["gusu"]) == 0
    assert persons_total(leader, MARCH, city["city"]) == 3


def test_leader_in_gusu_sees_only_gusu(cast, city, make_user):
    res = _values(selectors.evaluate(make_user("leader", city["gusu"]), MARCH, city["city"]))
    assert res["registry.persons_total"].value == 6
    assert {k[1] for k in _rows(res["registry.persons_by_hukou"])} == {"320508"}


@pytest.mark.parametrize("role", ["inspector", "citizen", "employer_user", "auditor", "system_admin"])
def test_roles_without_the_indicator_read_are_refused(cast, city, make_user, role):
    user = make_user(role, city["city"])
    with pytest.raises(Forbidden):
        selectors.evaluate(user, MARCH)
    assert persons_total(user, MARCH, city["city"]) == 0


def test_user_without_region_or_inactive_is_refused(cast, city, make_user):
    with pytest.raises(Forbidden):
        selectors.evaluate(make_user("leader", None), MARCH)
    with pytest.raises(Forbidden):
        selectors.evaluate(make_user("leader", city["city"], is_active=False), MARCH)


# --- the registry and the targets table --------------------------------------------------------------

def test_own_indicators_are_registered_with_both_languages(db):
    codes = [i.code for i in all_indicators()]
    assert set(OWN) <= set(codes) and codes == sorted(codes)
    for code in OWN:
        ind = get(code)
        assert ind.name_zh and ind.name_en and ind.unit and ind.unit_en and ind.definition_zh and ind.definition_en
    with pytest.raises(KeyError):
        get("registry.no_such_indicator")


def test_duplicate_and_malformed_registrations_are_refused(db):
    before = [i.code for i in all_indicators()]
    with pytest.raises(RegistryError, match="already registered"):
        register(get("registry.persons_total"))
    assert [i.code for i in all_indicators()] == before
    fresh = IndicatorRegistry()
    ind = Indicator("test.one", "一", "One", "人", "persons", "定义", "definition", compute=lambda u, m, r: 1)
    fresh.register(ind)
    with pytest.raises(RegistryError):
        fresh.register(Indicator("test.one", "另一", "Other", "人", "persons", "定义", "def", compute=lambda u, m, r: 2))
    with pytest.raises(RegistryError):
        fresh.register(Indicator("Bad Code", "一", "One", "人", "persons", "定义", "definition", compute=lambda u, m, r: 1))
    assert [i.code for i in fresh.all()] == ["test.one"]


def test_share_is_exact_and_rounds_half_up():
    assert share(1, 3) == Decimal("33.33") and share(2, 3) == Decimal("66.67")
    assert share(1, 800) == Decimal("0.13")  # 0.125: half up, not half even
    assert share(1, 8) == Decimal("12.50") and isinstance(share(1, 8), Decimal)
    assert share(0, 0) is None and share(5, 0) is None


def test_plan_targets_are_data_not_indicators(db):
    registered = {i.code for i in all_indicators()}
    # A plan target becomes an indicator only when an app computes it (then it carries the plan's target).
    assert {t.code for t in targets.pending()} == {t.code for t in targets.PLAN_TARGETS} - registered
    for t in targets.PLAN_TARGETS:
        if t.code in registered:
            assert get(t.code).target == t.target and get(t.code).baseline_2005 == t.baseline_2005
    unemployment = targets.plan_target("employment.registered_unemployment_rate")
    target = unemployment.target
    assert (target.direction, target.value, target.year) == ("≤", Decimal("4.5"), 2010)
    assert unemployment.baseline_2005.value == Decimal("3.42") and "一(一)" in unemployment.baseline_2005.source
    social = targets.plan_target("benefits.retiree_social_management_rate")
    community = targets.plan_target("benefits.retiree_community_management_rate")
    assert (social.target.value, social.baseline_2005.value) == (Decimal("95"), Decimal("98"))
    assert (community.target.value, community.baseline_2005.value) == (Decimal("90"), Decimal("91"))
    assert targets.plan_target("relations.labor_contract_rate").target.value == Decimal("95")
    assert targets.plan_target("training.entrepreneurs_trained").target.value == 20_000
    for t in targets.PLAN_TARGETS:
        assert t.target.source.startswith(targets.PLAN) and t.target.direction in ("≤", "≥", "=")


def test_skill_ratio_baseline_is_derived_from_the_plans_counts():
    counts = targets.SKILL_BASELINE_COUNTS
    total = sum(counts.values())
    assert total == 467_035  # the plan: 持有职业资格证书的总人数达46.71万人
    derived = ":".join(str(share(counts[k], total)) for k in ("high", "intermediate", "basic"))
    assert targets.plan_target("training.skill_level_ratio").baseline_2005.value == derived


def test_a_later_app_attaches_a_compute_to_a_plan_target():
    fresh = IndicatorRegistry()
    plan = targets.plan_target("relations.petition_closure_rate")
    ind = fresh.register(plan.indicator(compute=lambda u, m, r: share(97, 100), definition_zh="结案数/受理数",
                                        definition_en="closed / received"))
    assert ind.target.met(ind.compute(None, MARCH, None)) is False
    assert ind.target.met(Decimal("98.00")) is True and ind.baseline_2005.value == Decimal("98.8")


def test_breakdown_of_shares_is_not_summed(city):
    ind = Indicator("test.share", "比例", "Share", "%", "%", "定义", "definition", additive=False,
                    compute=lambda u, m, r: [Row((("k", "a"),), "甲", "A", Decimal("50.00"))])
    result = selectors.evaluate_one(ind, None, MARCH, city["city"])
    assert result.value is None and result.rows[0].value == Decimal("50.00")
    assert result.as_dict()["rows"][0]["value"] == "50.00"


# --- month parsing and the CLI -----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2024-13", "2024-00", "2024-3", "24-03", "2024/03", "", "abcd-ef"])
def test_bad_month_is_refused_bilingually(text):
    with pytest.raises(DomainError) as exc:
        selectors.parse_month(text)
    assert exc.value.problems[0].field == "month" and "YYYY-MM" in exc.value.text("en")


def test_future_month_is_refused():
    assert selectors.parse_month("2024-05", today=date(2024, 5, 20)) == date(2024, 5, 1)
    with pytest.raises(DomainError, match="not come yet"):
        selectors.parse_month("2024-06", today=date(2024, 5, 20))


def test_cli_text_output(cast):
    out = StringIO()
    call_command("lb_indicators", "--month", "2024-03", stdout=out)
    text = out.getvalue()
    assert "苏州市 Suzhou (320500) — 2024-03（2024-03-31 月末状态 / state at month end）" in text
    assert "registry.persons_total  登记人员总数 / Registered persons\n  9 人 (persons)" in text
    assert "    本市城镇户籍 · 姑苏区 / local urban hukou · Gusu District [urban 320508]: 4" in text
    assert "    外商投资企业 / foreign-invested enterprise [foreign]: 1" in text
    assert "registry.active_employment_relations  月末在职劳动关系数 / Active employment relations at month end\n  4 个" in text


def test_cli_json_output_for_a_region(cast):
    out = StringIO()
    call_command("lb_indicators", "--month", "2024-03", "--region", "320506", "--json", stdout=out)
    data = {d["code"]: d for d in json.loads(out.getvalue())}
    assert set(OWN) <= set(data)
    persons = data["registry.persons_by_hukou"]
    assert persons["region"] == {"code": "320506", "name_zh": "吴中区", "name_en": "Wuzhong District"}
    assert (persons["month"], persons["month_end"], persons["value"]) == ("2024-03", "2024-03-31", 3)
    assert persons["rows"] == [
        {"key": {"hukou_type": "urban", "district": "320506"}, "label_zh": "本市城镇户籍 · 吴中区",
         "label_en": "local urban hukou · Wuzhong District", "value": 1},
        {"key": {"hukou_type": "elsewhere", "district": "320506"}, "label_zh": "外地户籍 · 吴中区",
         "label_en": "hukou from elsewhere · Wuzhong District", "value": 2},
    ]
    assert persons["target"] is None and persons["baseline_2005"] is None
    assert data["registry.persons_total"]["rows"] == []


@pytest.mark.parametrize("args, zh, en", [
    (["--month", "2024-13"], "格式不对", "is not valid"),
    (["--month", "2999-01"], "尚未到来", "has not come yet"),
    ([], "请用 --month", "Give the month"),
    (["--month", "2024-03", "--region", "999999"], "不存在", "does not exist"),
])
def test_cli_bad_input_exits_1_with_both_languages(city, capsys, args, zh, en):
    assert cli.main(["indicators", *args]) == 1
    err = capsys.readouterr().err
    assert zh in err and en in err


def test_cli_targets_table(db):
    out = StringIO()
    call_command("lb_indicators", "--targets", stdout=out)
    text = out.getvalue()
    assert "employment.registered_unemployment_rate  城镇登记失业率 / Registered urban unemployment rate  [四(一)] 已计算" in text
    assert "  目标 target: ≤ 4.5 %（2010） — " in text and "  2005年基数 2005 baseline: 3.42 %（" in text
    out = StringIO()
    call_command("lb_indicators", "--targets", "--json", stdout=out)
    rows = {r["code"]: r for r in json.loads(out.getvalue())}
    assert rows["relations.collective_contract_rate"]["target"]["value"] == "90"
    assert rows["relations.collective_contract_rate"]["computed"] is False
