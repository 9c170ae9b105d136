"""Vacancies, matching and referrals (issue 6, Must have 5) on the database: a hand-built case whose order is
known with the reasons shown, referral → hired → employment relation (and the unemployment registration
ended by the receiver of employment_started), employer users and jurisdiction, occupation codes.

The expected points are those of policy/parameters/employment/matching_weights.yaml (our own design, 2006-):
occupation 40/28/16/6, skill 20/8, location 25/18/10/4, wage 15/10/4.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import Role
from laobao.employment.matching import referrals, selectors, services
from laobao.employment.matching.models import Occupation, ReferralOutcome, Vacancy, VacancyStatus
from laobao.employment.matching.occupation_data import MAJOR, MIDDLE, MINOR
from laobao.employment.models import JobSeeker, UnemploymentRegistration
from laobao.registry.models import EmploymentRelation, PortalLink

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _occupations(db):
    """The classification is seeded by migration 0002; a flush by a transactional test elsewhere removes it."""
    from laobao.employment.matching.models import MatchingState
    from laobao.employment.matching.occupation_data import seed

    seed(Occupation, MatchingState)


def _vacancy(employer, code, level, region, low, high, **kw):
    with acting_as(None, username="test"):
        return services.vacancy_post(user=None, employer=employer, title=kw.pop("title", code), occupation_code=code,
                                     skill_level=level, region=region, wage_min_fen=low * 100, wage_max_fen=high * 100,
                                     count=kw.pop("count", 2), posted_on=kw.pop("posted_on", TODAY),
                                     expires_on=kw.pop("expires_on", TODAY + timedelta(days=60)), **kw)


@pytest.fixture
def world(city, make_person, make_employer):
    gusu_factory = make_employer(city["c11"], name="姑苏饭店")
    wz = make_employer(city["c31"], name="吴中物流")
    seeker_person = make_person(city["c11"], name="陈厨")
    JobSeeker.objects.create(person=seeker_person, wanted_occupation_code="4-03-02-01", wanted_occupation="中式烹调师",
                             skill_level=4, wanted_wage_min_fen=400_000, able_to_work=True, willing_to_work=True)
    v = {
        "A": _vacancy(gusu_factory, "4-03-02-01", 4, city["c11"], 4000, 5000, title="中式烹调师"),
        "B": _vacancy(gusu_factory, "4-03-02-02", None, city["c12"], 3500, 4500, title="面点师"),
        "C": _vacancy(gusu_factory, "4-03-01-02", 3, city["c21"], 3000, 3700, title="客房服务员"),
        "D": _vacancy(wz, "4-01-02-04", None, city["c31"], 5000, 6000, title="收银员"),
        "E": _vacancy(wz, "6-18-01", 2, city["c31"], 2700, 2900, title="车工"),
        "closed": _vacancy(gusu_factory, "4-03-02-01", 4, city["c11"], 5000, 6000, title="已关闭"),
        "expired": _vacancy(gusu_factory, "4-03-02-01", 4, city["c11"], 5000, 6000, title="已过期",
                            posted_on=TODAY - timedelta(days=100), expires_on=TODAY - timedelta(days=1)),
    }
    with acting_as(None, username="test"):
        services.vacancy_close(user=None, vacancy=v["closed"])
    return {"city": city, "person": seeker_person, "v": v, "gusu": gusu_factory, "wz": wz}


def test_occupations_seeded_8_79_and_minor_groups(db):
    assert Occupation.objects.filter(level=1).count() == 8
    assert Occupation.objects.filter(level=2).count() == 79 == len(MIDDLE.strip().splitlines())
    assert Occupation.objects.filter(level=3).count() == len(MINOR.strip().splitlines()) == 450
    assert Occupation.objects.get(code="4-03-02").parent_id == "4-03"
    assert Occupation.objects.get(code="6").name == MAJOR.strip().splitlines()[5].split(" ", 1)[1]


@pytest.mark.parametrize("code, rule", [("4-3-2", "occupation.format"), ("9-01-01", "occupation.format"),
                                        ("4-03", "occupation.format"), ("4-03-77", "occupation.unknown"),
                                        ("4-03-02-99", "occupation.unknown")])
def test_occupation_code_format_and_existence(db, code, rule):
    with pytest.raises(DomainError) as exc:
        services.occupation_for(code)
    assert exc.value.problems[0].code == rule


def test_hand_built_ranking_with_reasons(world):
    seeker, matches = selectors.matches_for(None, world["person"])
    assert seeker.person_id == world["person"].pk
    titles = [m.vacancy.title for m in matches]
    assert titles == ["中式烹调师", "面点师", "收银员", "客房服务员", "车工"]  # closed and expired are not matched
    assert [m.score.total for m in matches] == [100, 76, 45, 38, 4]
    reasons = {m.vacancy.title: {c.name: (c.zh, c.points) for c in m.score.components} for m in matches}
    assert reasons["中式烹调师"] == {"occupation": ("职业相同", 40), "skill": ("技能等级达到要求", 20),
                                 "location": ("同一社区", 25), "wage": ("岗位工资不低于期望", 15)}
    assert reasons["面点师"] == {"occupation": ("同一小类", 28), "skill": ("岗位不要求技能等级", 20),
                              "location": ("同一街道", 18), "wage": ("期望工资在岗位工资区间内", 10)}
    assert reasons["客房服务员"] == {"occupation": ("同一中类", 16), "skill": ("技能等级低于要求一级", 8),
                                "location": ("同一区", 10), "wage": ("工资接近期望（不低于九成）", 4)}
    assert reasons["收银员"] == {"occupation": ("同一大类", 6), "skill": ("岗位不要求技能等级", 20),
                              "location": ("同一城市", 4), "wage": ("岗位工资不低于期望", 15)}
    assert reasons["车工"]["occupation"] == ("职业不同", 0) and reasons["车工"]["skill"][1] == 0
    for m in matches:  # the reasons shown add up to the score
        assert m.score.total == sum(c.points for c in m.score.components)


def test_the_column_cache_reloads_after_a_change(world):
    first = selectors.open_columns()
    assert selectors.open_columns() is first
    _vacancy(world["gusu"], "4-03-02-01", 4, world["city"]["c11"], 6000, 7000, title="厨师长")
    assert selectors.open_columns() is not first
    assert selectors.matches_for(None, world["person"])[1][0].vacancy.title == "中式烹调师"  # tie 100: lower id first


def test_candidates_for_a_vacancy_are_ranked_and_scoped(world, make_person, make_user):
    city = world["city"]
    other = make_person(city["c31"], name="吴师傅")
    JobSeeker.objects.create(person=other, wanted_occupation_code="4-03-02-01", skill_level=5,
                             wanted_wage_min_fen=300_000)
    near = make_person(city["c12"], name="周面点")
    JobSeeker.objects.create(person=near, wanted_occupation_code="4-03-02-02", skill_level=3)
    a = world["v"]["A"]
    city_officer = make_user(Role.CITY_OFFICER, city["city"])
    ranked = selectors.candidates_for(city_officer, a)
    assert [c.person.name for c in ranked] == ["陈厨", "周面点", "吴师傅"]
    assert ranked[0].score.total == 100
    assert [c.score.total for c in ranked] == sorted((c.score.total for c in ranked), reverse=True)
    caseworker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    assert [c.person.name for c in selectors.candidates_for(caseworker, a)] == ["陈厨"]
    with acting_as(None, username="test"):  # someone in work is no candidate
        EmploymentRelation.objects.create(person=world["person"], employer=world["wz"], start_date=TODAY)
    assert "陈厨" not in [c.person.name for c in selectors.candidates_for(city_officer, a)]


def test_refer_then_hired_records_the_relation_and_ends_the_registration(world, make_user):
    city, person, a = world["city"], world["person"], world["v"]["A"]
    reg = UnemploymentRegistration.objects.create(person=person, registered_on=TODAY - timedelta(days=30),
                                                  involuntary=True)
    caseworker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    client = Client()
    client.force_login(caseworker)
    page = client.get(reverse("employment:person_matches", args=[person.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "中式烹调师" in body and "职业相同" in body and "同一社区" in body
    response = client.post(reverse("employment:person_refer", args=[person.pk]), {"vacancy": a.pk})
    assert response.status_code == 302
    referral = selectors.referrals_of_person(caseworker, person).get()
    assert (referral.vacancy_id, referral.score, referral.outcome) == (a.pk, 100, ReferralOutcome.PENDING)
    again = client.post(reverse("employment:person_refer", args=[person.pk]), {"vacancy": a.pk})
    assert again.status_code == 400 and "已向此人推荐过该岗位" in again.content.decode()
    response = client.post(reverse("employment:referral_outcome", args=[referral.pk]),
                           {"outcome": "hired", "outcome_on": TODAY.isoformat()})
    assert response.status_code == 302
    referral.refresh_from_db()
    a.refresh_from_db()
    assert referral.outcome == ReferralOutcome.HIRED and referral.relation is not None
    relation = EmploymentRelation.objects.get(pk=referral.relation_id)
    assert (relation.person_id, relation.employer_id, relation.start_date) == (person.pk, a.employer_id, TODAY)
    assert a.hired == 1 and a.status == VacancyStatus.OPEN
    reg.refresh_from_db()
    assert reg.ended_on == TODAY and reg.end_reason == "reemployment"  # by the receiver of employment_started
    with pytest.raises(DomainError):  # an outcome is recorded once
        referrals.referral_outcome(user=caseworker, referral=referral, outcome="rejected", outcome_on=TODAY)


def test_last_place_hired_fills_the_vacancy_and_a_filled_one_takes_no_referral(world, make_person):
    v = _vacancy(world["gusu"], "4-03-02-05", None, world["city"]["c11"], 3000, 4000, count=1, title="服务员")
    p = make_person(world["city"]["c12"], name="钱服务")
    with acting_as(None, username="test"):
        r = referrals.referral_create(user=None, person=p, vacancy=v)
        referrals.referral_outcome(user=None, referral=r, outcome="hired", outcome_on=TODAY)
        v.refresh_from_db()
        assert v.status == VacancyStatus.FILLED
        with pytest.raises(DomainError) as exc:
            referrals.referral_create(user=None, person=world["person"], vacancy=v)
    assert exc.value.problems[0].code == "referral.vacancy_closed"


def test_no_show_and_rejected_record_no_relation(world):
    with acting_as(None, username="test"):
        r = referrals.referral_create(user=None, person=world["person"], vacancy=world["v"]["B"])
        referrals.referral_outcome(user=None, referral=r, outcome="no_show", outcome_on=TODAY)
    r.refresh_from_db()
    assert r.outcome == "no_show" and r.relation_id is None
    assert not EmploymentRelation.objects.filter(person=world["person"]).exists()


def test_employer_user_sees_and_edits_only_its_own_vacancies(world, make_user):
    city = world["city"]
    user = make_user(Role.EMPLOYER_USER, city["c11"])
    PortalLink.objects.create(user=user, employer=world["gusu"])
    client = Client()
    client.force_login(user)
    own, foreign = world["v"]["A"], world["v"]["D"]
    assert client.get(reverse("employment:employer_vacancies", args=[world["gusu"].pk])).status_code == 200
    assert client.get(reverse("employment:employer_vacancies", args=[world["wz"].pk])).status_code == 404
    assert client.get(reverse("employment:vacancy_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("employment:vacancy_detail", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("employment:vacancy_close", args=[foreign.pk]), {"status": "closed"}).status_code == 404
    assert client.post(reverse("employment:vacancy_close", args=[own.pk]), {"status": "closed"}).status_code == 302
    own.refresh_from_db()
    assert own.status == VacancyStatus.CLOSED
    form = {"title": "帮厨", "occupation": "4-03-02-01", "skill_level": "", "wage_min": "3000", "wage_max": "3500",
            "count": "1", "region": "", "posted_on": TODAY.isoformat(),
            "expires_on": (TODAY + timedelta(days=30)).isoformat()}
    assert client.post(reverse("employment:employer_vacancy_new", args=[world["wz"].pk]), form).status_code == 404
    response = client.post(reverse("employment:employer_vacancy_new", args=[world["gusu"].pk]), form)
    assert response.status_code == 302
    new = Vacancy.objects.get(title="帮厨")
    assert (new.employer_id, new.region_id, new.wage_min_fen, new.posted_by_id) == (world["gusu"].pk, city["c11"].pk,
                                                                                    300_000, user.pk)
    bad = client.post(reverse("employment:employer_vacancy_new", args=[world["gusu"].pk]),
                      {**form, "occupation": "4-03-02-99", "wage_max": "100"})
    assert bad.status_code == 400 and "不在《职业分类大典" in bad.content.decode()
    with pytest.raises(Forbidden):
        services.vacancy_close(user=user, vacancy=foreign)
    assert client.get(reverse("employment:vacancy_candidates", args=[own.pk])).status_code == 403  # staff only


def test_staff_post_only_for_employers_in_their_jurisdiction(world, make_user):
    caseworker = make_user(Role.COMMUNITY_CASEWORKER, world["city"]["c11"])
    inspector = make_user(Role.INSPECTOR, world["city"]["c11"])
    kwargs = dict(title="司机", occupation_code="4-02-02-02", wage_min_fen=500_000, wage_max_fen=600_000, count=1,
                  posted_on=TODAY, expires_on=TODAY + timedelta(days=10))
    with acting_as(caseworker):
        assert services.vacancy_post(user=caseworker, employer=world["gusu"], **kwargs).region_id == world["gusu"].region_id
        with pytest.raises(Forbidden):
            services.vacancy_post(user=caseworker, employer=world["wz"], **kwargs)
    with pytest.raises(Forbidden):
        services.vacancy_post(user=inspector, employer=world["gusu"], **kwargs)


def test_vacancy_rules(world):
    base = dict(employer=world["gusu"], title="x", occupation_code="4-03-02-01", count=1, posted_on=TODAY,
                expires_on=TODAY + timedelta(days=10), wage_min_fen=400_000, wage_max_fen=500_000)
    for change, rule in (({"wage_max_fen": 300_000}, "vacancy.wage_range"), ({"count": 0}, "vacancy.count"),
                         ({"expires_on": TODAY - timedelta(days=1)}, "vacancy.dates"),
                         ({"expires_on": TODAY + timedelta(days=400)}, "vacancy.dates"),
                         ({"wage_min_fen": 100_000}, "vacancy.below_minimum_wage"),
                         ({"skill_level": 7}, "vacancy.skill_level")):
        with pytest.raises(DomainError) as exc, acting_as(None, username="test"):
            services.vacancy_post(user=None, **{**base, **change})
        assert rule in [p.code for p in exc.value.problems]


def test_fairs_agencies_and_placements(world, make_user):
    city = world["city"]
    officer = make_user(Role.DISTRICT_OFFICER, city["gusu"])
    client = Client()
    client.force_login(officer)
    response = client.post(reverse("employment:fair_new"), {"name": "姑苏区春风行动招聘会", "held_on": TODAY.isoformat(),
                                                            "place": "姑苏区人力资源市场", "region": "320508"})
    assert response.status_code == 302
    fair = selectors.fairs(officer).get()
    assert client.post(reverse("employment:fair_join", args=[fair.pk]),
                       {"employer": world["gusu"].credit_code, "booth": "A01"}).status_code == 302
    assert client.post(reverse("employment:fair_join", args=[fair.pk]),
                       {"employer": world["wz"].credit_code}).status_code == 400  # outside the district
    with acting_as(None, username="test"):
        v = services.vacancy_post(user=None, employer=world["gusu"], title="招聘会岗位", occupation_code="4-03-02-05",
                                  wage_min_fen=300_000, wage_max_fen=350_000, count=3, posted_on=TODAY,
                                  expires_on=TODAY + timedelta(days=5), fair=fair)
        with pytest.raises(DomainError):
            services.vacancy_post(user=None, employer=world["wz"], title="y", occupation_code="4-03-02-05",
                                  wage_min_fen=300_000, wage_max_fen=350_000, count=1, posted_on=TODAY,
                                  expires_on=TODAY + timedelta(days=5), fair=fair)
    body = client.get(reverse("employment:fair_detail", args=[fair.pk])).content.decode()
    assert "A01" in body and "招聘会岗位" in body and v.employer.name in body
    response = client.post(reverse("employment:agencies"), {"name": "姑苏区公共就业服务中心", "kind": "public",
                                                            "licence_no": "GS-2026-001", "region": "320508",
                                                            "licensed_on": "2006-01-01"})
    assert response.status_code == 302
    agency = selectors.agencies(officer).get()
    for placed in (12, 15):  # a correction replaces the month's figure
        assert client.post(reverse("employment:agency_placements", args=[agency.pk]),
                           {"month": "2026-10-15", "placed": placed}).status_code == 302
    assert [(p.month.isoformat(), p.placed) for p in selectors.placements(officer, agency)] == [("2026-10-01", 15)]
    again = client.post(reverse("employment:agencies"), {"name": "重复", "kind": "private", "licence_no": "gs-2026-001",
                                                         "region": "320508", "licensed_on": "2006-01-01"})
    assert again.status_code == 400 and "已登记" in again.content.decode()
    caseworker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    client.force_login(caseworker)  # registering an agency needs employment.approve
    assert client.post(reverse("employment:agencies"), {"name": "x"}).status_code == 403
    assert "姑苏区公共就业服务中心" in client.get(reverse("employment:agencies")).content.decode()


def test_vacancy_list_page_and_search(world, make_user):
    client = Client()
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, world["city"]["c11"]))
    body = client.get(reverse("employment:vacancies")).content.decode()
    assert "中式烹调师" in body and "收银员" in body and "已关闭" not in body and "已过期" not in body
    body = client.get(reverse("employment:vacancies"), {"occupation": "4-01"}).content.decode()
    assert "收银员" in body and "中式烹调师" not in body
    body = client.get(reverse("employment:vacancies"), {"region": "320506"}).content.decode()
    assert "车工" in body and "面点师" not in body


def test_api_open_vacancies_public_fields_and_matches(world, make_user):
    city, person = world["city"], world["person"]
    citizen = make_user(Role.CITIZEN, city["c11"])
    PortalLink.objects.create(user=citizen, person=person)
    client = Client()
    client.force_login(citizen)
    data = client.get("/api/v1/vacancies", {"limit": 50}).json()
    assert data["count"] == 5 and {i["title"] for i in data["items"]} == {"中式烹调师", "面点师", "客房服务员", "收银员", "车工"}
    item = next(i for i in data["items"] if i["title"] == "收银员")
    assert set(item) == {"id", "title", "employer", "occupation_code", "occupation", "skill_level", "wage_min_fen",
                         "wage_max_fen", "region_code", "region", "count", "posted_on", "expires_on", "job_fair"}
    assert item["employer"] == world["wz"].name and item["wage_min_fen"] == 500_000
    assert client.get("/api/v1/vacancies", {"occupation": "6-18"}).json()["count"] == 1
    own = client.get(f"/api/v1/persons/{person.pk}/matches").json()  # the citizen's own matches
    assert [m["score"] for m in own["matches"]] == [100, 76, 45, 38, 4]
    caseworker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    client.force_login(caseworker)
    body = client.get(f"/api/v1/persons/{person.pk}/matches").json()
    first = body["matches"][0]
    assert body["wanted_occupation_code"] == "4-03-02-01" and first["vacancy"]["title"] == "中式烹调师"
    assert [(c["name"], c["points"]) for c in first["components"]] == [("occupation", 40), ("skill", 20),
                                                                         ("location", 25), ("wage", 15)]
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c31"]))
    assert client.get(f"/api/v1/persons/{person.pk}/matches").status_code == 404


def test_candidates_page_shows_reasons_and_refers(world, make_user):
    client = Client()
    client.force_login(make_user(Role.STREET_OFFICER, world["city"]["s1"]))
    a = world["v"]["A"]
    body = client.get(reverse("employment:vacancy_candidates", args=[a.pk])).content.decode()
    assert "陈厨" in body and "职业相同" in body and "100" in body
    assert client.post(reverse("employment:person_refer", args=[world["person"].pk]), {"vacancy": a.pk}).status_code == 302
    body = client.get(reverse("employment:vacancy_detail", args=[a.pk])).content.decode()
    assert "陈厨" in body and "待反馈" in body
    assert client.post(reverse("employment:person_refer", args=[world["person"].pk]),
                       {"vacancy": 10**9}).status_code == 400  # no such vacancy: a form error, not a 500
    assert client.post(reverse("employment:person_refer", args=[world["person"].pk]),
                       {"vacancy": 10**30}).status_code == 400


def test_vacancy_update_is_checked_and_audited(world, make_user):
    from laobao.core.models import AuditEvent

    user = make_user(Role.EMPLOYER_USER, world["city"]["c11"])
    PortalLink.objects.create(user=user, employer=world["gusu"])
    a = world["v"]["A"]
    with acting_as(user):
        services.vacancy_update(user=user, vacancy=a, occupation_code="4-03-02-02", wage_max_fen=600_000, count=3)
        with pytest.raises(DomainError):
            services.vacancy_update(user=user, vacancy=a, wage_max_fen=100)
        with pytest.raises(Forbidden):
            services.vacancy_update(user=user, vacancy=world["v"]["D"], count=5)
    a.refresh_from_db()
    assert (a.occupation_id, a.wage_max_fen, a.count) == ("4-03-02-02", 600_000, 3)
    event = AuditEvent.objects.filter(action="vacancy.update", object_id=str(a.pk)).latest("seq")
    assert event.before["occupation"] == "4-03-02-01" and event.after["occupation"] == "4-03-02-02"


def test_vacancy_edit_page(world, make_user):
    user = make_user(Role.EMPLOYER_USER, world["city"]["c11"])
    PortalLink.objects.create(user=user, employer=world["gusu"])
    client = Client()
    client.force_login(user)
    a = world["v"]["A"]
    page = client.get(reverse("employment:vacancy_detail", args=[a.pk])).content.decode()
    assert "修改岗位" in page and 'value="4000.00"' in page
    form = {"title": "中式烹调师（早班）", "occupation": "4-03-02-01", "skill_level": "4", "wage_min": "4200",
            "wage_max": "5200", "count": "2", "region": "", "posted_on": TODAY.isoformat(),
            "expires_on": (TODAY + timedelta(days=30)).isoformat()}
    assert client.post(reverse("employment:vacancy_edit", args=[a.pk]), form).status_code == 302
    a.refresh_from_db()
    assert (a.title, a.wage_min_fen, a.region_id) == ("中式烹调师（早班）", 420_000, world["city"]["c11"].pk)
    bad = client.post(reverse("employment:vacancy_edit", args=[a.pk]), {**form, "count": "0"})
    assert bad.status_code == 400
    assert client.post(reverse("employment:vacancy_edit", args=[world["v"]["D"].pk]), form).status_code == 404
