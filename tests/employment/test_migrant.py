"""外来劳动力、农村富余劳动力、南北劳务交流 (issue 6 Must have 6): conditions, refusals in Chinese and English, and the
kpi counts on a small city computed by hand (helper F)."""

from __future__ import annotations

from datetime import date

import pytest

from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import Role
from laobao.employment.migrant import services
from laobao.employment.migrant.models import MigrantRegistration
from laobao.kpi import registry as kpi
from laobao.kpi.selectors import evaluate_one
from laobao.registry import services as registry

from conftest import make_id

OCT = date(2026, 10, 1)


def _person(make_person, region, seq, *, hukou="elsewhere", origin="320321", birth="19900101", name=None):
    return make_person(region, name=name or "外来" + "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"[seq % 22] + "乙丙丁"[seq % 3], citizen_id=make_id(prefix6="320321", birth=birth, seq=seq),
                       hukou_type=hukou, hukou_region_code=origin)


def _register(person, **kw):
    kw.setdefault("arrival_date", date(2026, 9, 1))
    kw.setdefault("registered_on", date(2026, 9, 2))
    with acting_as(None, username="test"):
        return services.migrant_register(user=kw.pop("user", None), person=person, **kw)


def _refused(code, fn, *args, **kw) -> DomainError:
    with pytest.raises(DomainError) as info:
        fn(*args, **kw)
    problem = info.value.problems[0]
    assert problem.code == code and problem.zh and problem.en
    return problem


def test_registration_card_origin_and_relation(city, make_person, make_employer):
    p = _person(make_person, city["c11"], 1)
    employer = make_employer(city["c11"])
    with acting_as(None, username="test"):
        relation = registry.relation_start(user=None, person=p, employer=employer, start_date=date(2026, 8, 20))
    reg = _register(p, employer=employer, housing="桐泾路12号宿舍")
    assert reg.card_no == "WL3205082026000001" and reg.origin_code == "320321"
    assert reg.region == city["c11"] and reg.relation == relation
    second = _register(_person(make_person, city["c12"], 3, origin="410102"))
    assert second.card_no == "WL3205082026000002" and second.relation is None
    with acting_as(None, username="test"):
        ended = services.migrant_end(user=None, registration=reg, ended_on=date(2026, 10, 1), reason="returned")
    assert ended.ended_on == date(2026, 10, 1)
    again = _register(p, arrival_date=date(2026, 10, 5), registered_on=date(2026, 10, 6))  # back after leaving
    assert again.card_no == "WL3205082026000003"


def test_registration_refusals(city, make_person, make_employer):
    urban = _person(make_person, city["c11"], 5, hukou="urban", origin="320508")
    problem = _refused("migrant.urban_hukou", _register, urban)
    assert "本市城镇户籍" in problem.zh and "urban hukou" in problem.en
    villager = _person(make_person, city["c11"], 7, hukou="rural", origin="320508")
    problem = _refused("migrant.rural_same_district", _register, villager)
    assert "农村富余劳动力" in problem.zh and "rural surplus labor" in problem.en
    p = _person(make_person, city["c11"], 9)
    problem = _refused("migrant.arrival_after", _register, p, arrival_date=date(2026, 9, 3))
    assert "到达日期晚于登记日期" in problem.zh and "after the registration day" in problem.en
    _refused("arrival_date.future", _register, p, arrival_date=date(2099, 1, 1), registered_on=None)
    _refused("migrant.origin", _register, p, origin_code="710000")  # 台湾: not a province of this register
    _refused("migrant.origin_local", _register, p, origin_code="320506")
    child = _person(make_person, city["c11"], 11, birth="20120101")
    problem = _refused("migrant.age", _register, child)
    assert "16" in problem.zh and "working age" in problem.en
    _register(p)
    problem = _refused("migrant.open", _register, p)
    assert "已有有效的外来劳动力登记" in problem.zh and "already has an open" in problem.en


def test_rural_villager_from_another_district_is_a_migrant(city, make_person):
    p = _person(make_person, city["c31"], 13, hukou="rural", origin="320508")  # lives in 吴中, hukou in 姑苏 villages
    assert _register(p).card_no.startswith("WL320506")


def test_jurisdiction_of_the_counter(city, make_person, make_user):
    worker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    inside, outside = _person(make_person, city["c11"], 15), _person(make_person, city["c21"], 17)
    assert _register(inside, user=worker).registered_by == worker
    with pytest.raises(Forbidden):
        _register(outside, user=worker)
    assert not MigrantRegistration.objects.filter(person=outside).exists()


def test_rural_surplus_labor_refusals(city, make_person, make_employer):
    urban = _person(make_person, city["c11"], 19, hukou="urban", origin="320508")
    with acting_as(None, username="test"):
        problem = _refused("rural.hukou", services.rural_register, user=None, person=urban,
                           registered_on=date(2026, 2, 1))
        assert "不是本市农村户籍" in problem.zh and "no rural hukou" in problem.en
        outsider = _person(make_person, city["c11"], 21, hukou="rural", origin="340102")
        _refused("rural.hukou", services.rural_register, user=None, person=outsider, registered_on=date(2026, 2, 1))
        villager = _person(make_person, city["c11"], 23, hukou="rural", origin="320508")
        laborer = services.rural_register(user=None, person=villager, registered_on=date(2026, 2, 1))
        _refused("rural.open", services.rural_register, user=None, person=villager, registered_on=date(2026, 3, 1))
        employer = make_employer(city["c12"])
        problem = _refused("rural.employer_or_business", services.rural_transfer, user=None, laborer=laborer,
                           transferred_on=date(2026, 3, 1), employer=employer, business="自营小吃店")
        assert "二者选一" in problem.zh and "exactly one" in problem.en
        _refused("rural.local", services.rural_transfer, user=None, laborer=laborer, transferred_on=date(2026, 3, 1),
                 business="自营小吃店")
        _refused("rural.not_registered", services.rural_transfer, user=None, laborer=laborer,
                 transferred_on=date(2026, 1, 1), employer=employer)
        transfer = services.rural_transfer(user=None, laborer=laborer, transferred_on=date(2026, 3, 1), employer=employer)
    assert transfer.local is True and transfer.relation is None


def _small_city(city, make_person, make_employer):
    """The records of the hand count (see test_counts_by_hand)."""
    employer, factory = make_employer(city["c11"]), make_employer(city["c12"])
    a = _person(make_person, city["c11"], 31, origin="320321")                  # 徐州丰县: 苏北
    b = _person(make_person, city["c12"], 33, origin="410102")                  # 河南: 外省
    c = _person(make_person, city["c21"], 35, origin="340102")                  # left in October
    d = _person(make_person, city["c31"], 37, hukou="rural", origin="320508")   # 吴中 resident, 姑苏 village hukou
    e = _person(make_person, city["c11"], 39, origin="320102")                  # arrives in November
    k = _person(make_person, city["c12"], 41, origin="320321")                  # came with the exchange group
    with acting_as(None, username="test"):
        registry.relation_start(user=None, person=a, employer=employer, start_date=date(2026, 8, 15))
        agreement = services.agreement_create(user=None, number="苏丰劳务2026-01", partner_code="320321",
                                              partner_name="徐州市丰县", partner_kind="paired", region=city["gusu"],
                                              signed_on=date(2026, 1, 10))
        group = services.group_record(user=None, agreement=agreement, employer=factory, arrived_on=date(2026, 10, 3),
                                      headcount=30)
    _register(a, registered_on=date(2026, 9, 1), arrival_date=date(2026, 8, 10), employer=employer)
    _register(b, registered_on=date(2026, 10, 5), arrival_date=date(2026, 10, 1), employer=factory)
    reg_c = _register(c, registered_on=date(2026, 8, 1), arrival_date=date(2026, 7, 20))
    _register(d, registered_on=date(2026, 10, 10), arrival_date=date(2026, 10, 9))
    _register(e, registered_on=date(2026, 11, 2), arrival_date=date(2026, 11, 1))
    _register(k, registered_on=date(2026, 10, 4), arrival_date=date(2026, 10, 3), group=group)
    with acting_as(None, username="test"):
        services.migrant_end(user=None, registration=reg_c, ended_on=date(2026, 10, 20), reason="left")
        f, g, h, i = (_person(make_person, city[c], seq, hukou="rural", origin=o) for c, seq, o in
                      (("c11", 51, "320508"), ("c12", 53, "320508"), ("c31", 55, "320506"), ("c11", 57, "320508")))
        lf, lg, _lh, li = (services.rural_register(user=None, person=p, registered_on=day) for p, day in
                           ((f, date(2026, 2, 1)), (g, date(2026, 2, 1)), (h, date(2026, 1, 10)), (i, date(2025, 6, 1))))
        services.rural_transfer(user=None, laborer=lf, transferred_on=date(2026, 3, 1), employer=employer)
        tg = services.rural_transfer(user=None, laborer=lg, transferred_on=date(2026, 5, 1), business="外出开网店",
                                     local=False)
        tg.ended_on = date(2026, 9, 30)  # the shop closed (no service ends a transfer yet)
        tg.save(update_fields=["ended_on"])
        services.rural_transfer(user=None, laborer=li, transferred_on=date(2025, 7, 1), employer=employer)


def _rows(code, city, user=None, month=OCT):
    result = evaluate_one(kpi.get(code), user, month, city["city"])
    return {dict(r.key).get("origin", dict(r.key).get("kind", "")) + "@" + dict(r.key)["district"]: r.value
            for r in result.rows}, result.value


def test_counts_by_hand(city, make_person, make_employer, make_user):
    """October 2026, at the month end.
    Stock: a (c11, 苏北), b (c12, 外省), k (c12, 苏北) in 姑苏; d (c31, 本市其他区县) in 吴中; c left on 20 Oct, e came
    in November → 4. In employment: a (relation), b and k (employer on the registration) → 姑苏 3; d none.
    Rural: f and g transferred in 2026 (g's shop closed in September), i in 2025, h never → transferred in the year
    姑苏 2; registered at the month end 姑苏 3 (f, g, i) of whom working 2 (f, i) → 66.67 %; 吴中 1 of 0 → 0.00 %.
    Exchange: k came with the group arriving 3 October → paired · 姑苏 1."""
    _small_city(city, make_person, make_employer)
    rows, total = _rows("employment.migrants_registered", city)
    assert rows == {"north@320508": 2, "other@320508": 1, "city@320506": 1} and total == 4
    rows, total = _rows("employment.migrants_employed", city)
    assert rows == {"@320508": 3} and total == 3
    rows, total = _rows("employment.rural_transferred_year", city)
    assert rows == {"@320508": 2} and total == 2
    rows, _ = _rows("employment.rural_transferred_share", city)
    assert rows == {"@320508": pytest.approx(kpi.share(2, 3)), "@320506": kpi.share(0, 1)}
    assert str(rows["@320508"]) == "66.67"
    rows, total = _rows("employment.exchange_brought", city)
    assert rows == {"paired@320508": 1} and total == 1
    rows, total = _rows("employment.migrants_registered", city, month=date(2026, 11, 1))
    assert total == 5  # e arrives in November
    officer = make_user(Role.DISTRICT_OFFICER, city["wuzhong"])  # 吴中 sees its own district only
    rows, total = _rows("employment.migrants_registered", city, user=officer)
    assert rows == {"city@320506": 1}
