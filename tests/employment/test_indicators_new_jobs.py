"""Hand-computed 新增就业 (new jobs) and 困难群体实现就业 (hard-to-employ placed) for September 2026, and the shared
counts of one evaluation equal to each indicator computed alone (issue 6 Must have 9 and the speed work).

New jobs, September 2026 (relations starting in the month of persons not employed on 31 August):
  姑苏: A first job 09-10 ✓; B left 05-31, new job 09-01 ✓; C employed since 2020, second job 09-05 ✗;
        D job change (ended 09-04, next 09-05) ✗; E flexibly employed (own pension since 2024) takes a job ✗;
        F started 08-20 ✗ (August); G two jobs in September ✓ once; I starts 10-01 ✗        → 3
  吴中: H first job 09-20 ✓                                                                → 1

Hard-to-employ placed, September 2026 (registrations ended on the ground employed; 4050 = women 40+, men 50+ at the
month end, or a recorded flag open on the end day):
  W1 woman born 1985-01-01 (41), hired 09-10 ✓; W2 woman born 1986-10-15 (39 at 09-30) ✗; M1 man born 1976-09-30
  (50 on 09-30) ✓; M2 man of 36 disabled since 08-01 ✓; M3 man of 36, flag recorded 09-20 after his hire 09-10 ✗;
  M4 man of 36, flag ended 09-01 before his hire 09-10 ✗; W3 woman of 46 moved away ✗ (ground)   → 3 of 6 employed
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from laobao.core.context import acting_as
from laobao.employment import indicators, services
from laobao.employment.models import HardshipFlag
from laobao.insurance import services as insurance_services
from laobao.kpi.registry import all_indicators
from laobao.kpi.selectors import evaluate
from laobao.registry import services as registry

import employment_helpers as h

SEPT = date(2026, 9, 1)


def _start(person, boss, start, end=None):
    with acting_as(None, username="test"):
        return registry.relation_start(user=None, person=person, employer=boss, start_date=start, end_date=end)


@pytest.fixture
def staff(make_user, city):
    from laobao.core.models import Role

    return h.staff(make_user, city) | {"foreign": make_user(Role.DISTRICT_OFFICER, city["wuzhong"])}


def test_new_jobs_hand_computed(city, make_person, make_employer):
    seq = iter(range(101, 199, 2))
    g, w = city["c11"], city["c31"]
    boss, boss2, boss_w = make_employer(g), make_employer(g), make_employer(w)

    def person(region=g):
        return h.person(make_person, region, seq=next(seq))

    _start(person(), boss, date(2026, 9, 10))                                      # A
    b = person()
    _start(b, boss, date(2025, 1, 1), date(2026, 5, 31))
    _start(b, boss2, date(2026, 9, 1))                                             # B
    c = person()
    _start(c, boss, date(2020, 1, 1))
    _start(c, boss2, date(2026, 9, 5))                                             # C
    d = person()
    rel = _start(d, boss, date(2021, 3, 1))
    with acting_as(None, username="test"):
        registry.relation_end(user=None, relation=rel, end_date=date(2026, 9, 4))
    _start(d, boss2, date(2026, 9, 5))                                             # D
    e = person()
    with acting_as(None, username="test"):
        insurance_services.enroll(user=None, person=e, insurance="pension", start_month=date(2024, 1, 1),
                                  reason="self_enrollment")
    _start(e, boss, date(2026, 9, 15))                                             # E
    _start(person(), boss, date(2026, 8, 20))                                      # F
    two = person()
    _start(two, boss, date(2026, 9, 2)), _start(two, boss2, date(2026, 9, 3))      # G
    _start(person(w), boss_w, date(2026, 9, 20))                                   # H
    _start(person(), boss, date(2026, 10, 1))                                      # I
    (result,) = evaluate(None, SEPT, city["city"], codes=["employment.new_jobs"])
    assert {dict(r.key)["district"]: r.value for r in result.rows} == {"320508": 3, "320506": 1}
    assert result.value == 4
    assert evaluate(None, date(2026, 8, 1), city["city"], codes=["employment.new_jobs"])[0].value == 1  # F


def test_hard_to_employ_placed_hand_computed(staff, city, make_person, make_employer):
    g = city["c11"]
    boss = make_employer(g)
    people = {
        "W1": h.person(make_person, g, birth="19850101", seq=202), "W2": h.person(make_person, g, birth="19861015", seq=204),
        "M1": h.person(make_person, g, birth="19760930", seq=201), "M2": h.person(make_person, g, birth="19900101", seq=203),
        "M3": h.person(make_person, g, birth="19900101", seq=205), "M4": h.person(make_person, g, birth="19900101", seq=207),
        "W3": h.person(make_person, g, birth="19800101", seq=206),
    }
    regs = {k: h.register(staff["worker"], p, day=date(2026, 3, 2)) for k, p in people.items()}
    HardshipFlag.objects.create(person=people["M2"], kind="disabled", source="残疾人证", recorded_on=date(2026, 8, 1))
    HardshipFlag.objects.create(person=people["M3"], kind="disabled", source="残疾人证", recorded_on=date(2026, 9, 20))
    HardshipFlag.objects.create(person=people["M4"], kind="land_expropriated", source="征地批文",
                                recorded_on=date(2025, 1, 1), ended_on=date(2026, 9, 1))
    for k in ("W1", "W2", "M1", "M2", "M3", "M4"):
        _start(people[k], boss, date(2026, 9, 10))
    with acting_as(staff["worker"]):
        services.deregister(user=staff["worker"], registration=regs["W3"], ground="moved_away",
                            ended_on=date(2026, 9, 12))
    got = {r.indicator.code: r.value for r in evaluate(None, SEPT, city["city"], codes=[
        "employment.hard_to_employ_placed", "employment.unemployed_reemployed"])}
    assert got == {"employment.hard_to_employ_placed": 3, "employment.unemployed_reemployed": 6}
    # each alone (outside an evaluation: nothing shared) gives the same
    assert indicators.hard_to_employ_placed(None, SEPT, city["city"]) == 3
    assert indicators.reemployed(None, SEPT, city["city"]) == 6


def test_shared_counts_equal_each_indicator_alone(staff, city, make_person, make_employer):
    g, w = city["c11"], city["c31"]
    boss = make_employer(g)
    for i, region in enumerate((g, g, w)):
        p = h.person(make_person, region, seq=301 + 2 * i)
        h.register(staff["worker"] if region == g else None, p, day=date(2026, 3, 2))
    employed = h.person(make_person, g, seq=311)
    _start(employed, boss, date(2025, 1, 1))
    codes = [i.code for i in all_indicators() if i.app in ("employment", "training")]
    together = {r.indicator.code: (r.value, r.rows) for r in evaluate(None, SEPT, city["city"], codes=codes)}
    alone = {c: (r.value, r.rows) for c in codes for r in evaluate(None, SEPT, city["city"], codes=[c])}
    assert together == alone
    # the employed counted by subtraction equals counting the ORM definition's two disjoint sets
    unemployed, registered_with_relation = indicators._unemployed_counts(None, SEPT, city["city"])
    employed = indicators._employed_counts(None, SEPT, city["city"], registered_with_relation)
    direct = sum(qs.count() for qs in indicators.urban_employed(None, SEPT, city["city"]))
    assert sum(employed.values()) == direct == 1
    assert sum(unemployed.values()) == indicators.registered_unemployed(None, SEPT, city["city"]).count() == 3
    # a compute called directly never crosses the jurisdiction: a 吴中 officer gets 吴中's one, even for 姑苏
    assert sum(indicators._unemployed_counts(staff["foreign"], SEPT, city["city"])[0].values()) == 1
    assert indicators._unemployed_counts(staff["foreign"], SEPT, city["gusu"]) == (Counter(), Counter())
