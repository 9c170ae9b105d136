"""登记失业率 on a small hand-computed city (issue 6 "Tests that must exist"), and the monthly counts of new
registrations and de-registrations by ground, plus the hard-to-employ list (4050 derived, flags recorded).

The city at the end of 2026-09 (everyone here has 本市城镇户籍 unless said otherwise):
  姑苏 (320508): employed A, B (relations), C (flexible: own pension enrollment); registered D;
                 rural-hukou E registered and F employed (neither counts); G registered then employed in
                 2026-09 (counts as employed, not unemployed)                   → 1 / (4 + 1) = 20.00 %
  吴中 (320506): employed H; registered I, J                                    → 2 / (1 + 2) = 66.67 %
  city: 3 / (5 + 3) = 37.50 %
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from laobao.core.context import acting_as
from laobao.employment import assistance, selectors
from laobao.employment import services
from laobao.employment.indicators import counts
from laobao.insurance import services as insurance_services
from laobao.kpi.selectors import evaluate
from laobao.registry import services as registry_services

import employment_helpers as h

SEPT = date(2026, 9, 1)


@pytest.fixture
def staff(make_user, city):
    return h.staff(make_user, city)


@pytest.fixture
def world(staff, city, make_person, make_employer):
    seq = iter(range(21, 99, 2))
    gusu, wz = city["c11"], city["c31"]
    boss_g, boss_w = make_employer(gusu), make_employer(wz)

    def employed(region, boss, hukou="urban", start=date(2025, 1, 1)):
        p = h.person(make_person, region, seq=next(seq), hukou=hukou)
        with acting_as(None, username="test"):
            registry_services.relation_start(user=None, person=p, employer=boss, start_date=start)
        return p

    def registered(region, hukou="urban", day=date(2026, 3, 2)):
        p = h.person(make_person, region, seq=next(seq), hukou=hukou)
        return p, h.register(staff["officer"] if region == gusu else None, p, day=day)

    employed(gusu, boss_g), employed(gusu, boss_g)
    c = h.person(make_person, gusu, seq=next(seq))
    with acting_as(None, username="test"):
        insurance_services.enroll(user=None, person=c, insurance="pension", start_month=date(2024, 1, 1),
                                  reason="self_enrollment")
    registered(gusu)                                    # D
    registered(gusu, hukou="rural")                     # E
    employed(gusu, boss_g, hukou="rural")               # F
    g, _ = registered(gusu)                             # G: employed 2026-09-15
    with acting_as(None, username="test"):
        registry_services.relation_start(user=None, person=g, employer=boss_g, start_date=date(2026, 9, 15))
    employed(wz, boss_w)                                # H
    registered(wz), registered(wz, day=date(2026, 9, 20))  # I, J (J new in September)
    return city


def test_rate_by_district_and_city(world, staff):
    by = {code: v for code, v in ((d[8:14], v) for d, v in counts(None, SEPT, world["city"]).items())}
    assert by == {"320508": (1, 4), "320506": (2, 1)}
    results = {r.indicator.code: r for r in evaluate(None, SEPT, world["city"],
                                                    codes=["employment.registered_unemployment_rate",
                                                           "employment.registered_unemployment_rate_by_district"])}
    assert results["employment.registered_unemployment_rate"].value == Decimal("37.50")
    rows = {dict(r.key)["district"]: r.value for r in results["employment.registered_unemployment_rate_by_district"].rows}
    assert rows == {"320506": Decimal("66.67"), "320508": Decimal("20.00")}
    officer = evaluate(staff["officer"], SEPT, None, codes=["employment.registered_unemployment_rate"])[0]
    assert officer.value == Decimal("20.00")  # a 姑苏 officer sees 姑苏 only
    assert evaluate(None, date(2026, 2, 1), world["city"], codes=["employment.registered_unemployment_rate"])[0].value \
        == Decimal("0.00")  # nobody registered yet at the end of February: 0 / 6


def test_new_registrations_and_deregistrations_by_ground(world):
    got = {r.indicator.code: r for r in evaluate(None, SEPT, world["city"], codes=[
        "employment.new_registrations", "employment.deregistrations", "employment.unemployed_reemployed"])}
    assert got["employment.new_registrations"].value == 1  # J
    (row,) = got["employment.deregistrations"].rows
    assert dict(row.key) == {"end_reason": "reemployment", "district": "320508"} and row.value == 1  # G
    assert got["employment.unemployed_reemployed"].value == 1
    placed = evaluate(None, SEPT, world["city"], codes=["employment.hard_to_employ_placed"])[0]
    assert placed.value == 0  # G is a man of 46 without a recorded flag


def test_hard_to_employ_and_whom_to_help_next(staff, city, make_person, make_employer):
    on = date(2026, 11, 1)
    young = h.person(make_person, city["c11"], birth="19900101", seq=41)         # man, 36: no flag
    woman = h.person(make_person, city["c11"], birth="19850101", seq=42)         # woman, 41: 4050
    disabled = h.person(make_person, city["c11"], birth="19850101", seq=43)      # man, 41, disabled card
    h.register(staff["worker"], young, day=date(2026, 1, 5))                     # registered longest
    h.register(staff["worker"], woman, day=date(2026, 5, 5))
    h.register(staff["worker"], disabled, day=date(2026, 6, 5))
    with acting_as(staff["worker"]):
        assistance.flag_add(user=staff["worker"], person=disabled, kind="disabled", source="残疾人证 32050819850101004X",
                              recorded_on=date(2026, 6, 5))
        assistance.flag_add(user=staff["worker"], person=disabled, kind="zero_employment_family", source="社区认定 2026-06")
    assert [f["kind"] for f in selectors.hardship(woman, on)] == ["4050"]
    assert [f["kind"] for f in selectors.hardship(young, on)] == []
    order = [r.person_id for r in selectors.help_next(staff["worker"], on)]
    assert order == [disabled.pk, woman.pk, young.pk]  # 2 flags, 1 flag, none
    with acting_as(staff["worker"]):
        act = assistance.action_add(user=staff["worker"], person=woman, kind="referral", acted_on=date(2026, 10, 8))
        assistance.action_outcome(user=staff["worker"], action=act, outcome="employed", outcome_on=date(2026, 10, 20))
    # due for contact: nothing successful since 2026-08-01 (3 months), the longest waiting first
    assert [r.person_id for r in selectors.due_for_contact(staff["worker"], on)] == [young.pk, woman.pk, disabled.pk]
    with acting_as(staff["worker"]):
        services.record_contact(user=staff["worker"], registration=selectors.help_next(staff["worker"], on)[2],
                                contacted_on=date(2026, 10, 30), channel="visit", outcome="seeking")
    assert [r.person_id for r in selectors.due_for_contact(staff["worker"], on)] == [woman.pk, disabled.pk]
    boss = make_employer(city["c11"])
    with acting_as(None, username="test"):  # the 4050 woman and the disabled man find work in November
        registry_services.relation_start(user=None, person=woman, employer=boss, start_date=date(2026, 11, 10))
        registry_services.relation_start(user=None, person=disabled, employer=boss, start_date=date(2026, 11, 12))
    placed = evaluate(None, date(2026, 11, 1), city["city"], codes=["employment.hard_to_employ_placed"])[0]
    assert placed.value == 2


def test_queues_are_scoped(staff, city, make_person, make_user):
    from laobao.core.models import Role
    h.register(staff["worker"], h.person(make_person, city["c11"], seq=51))
    sibling = make_user(Role.COMMUNITY_CASEWORKER, city["c12"])
    on = date(2026, 11, 1)
    assert len(selectors.help_next(staff["street"], on)) == 1 and selectors.help_next(sibling, on) == []
    assert selectors.due_for_contact(sibling, on) == [] and len(selectors.due_for_contact(staff["worker"], on)) == 1
