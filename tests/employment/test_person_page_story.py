"""What people see (issue 6 Must have 9): the person's employment story on the registry person page and on the
employment page, and the community office's six-services dashboard — for two roles, with a foreign-jurisdiction
404, the sections capped and cheap (a fixed number of queries however many rows), the queues scoped."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laobao.benefits.unemployment import services as unemployment_services
from laobao.core.context import acting_as
from laobao.core.models import Role
from laobao.employment import certificates, office, selectors
from laobao.employment.matching import referrals
from laobao.employment.matching import services as matching_services
from laobao.training.models import Certificate

import employment_helpers as h

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "training"))
import training_fixtures as tf  # noqa: E402

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _occupations(db):
    from laobao.employment.matching.models import MatchingState, Occupation
    from laobao.employment.matching.occupation_data import seed

    seed(Occupation, MatchingState)


@pytest.fixture
def staff(make_user, city):
    return h.staff(make_user, city) | {"foreign": make_user(Role.COMMUNITY_CASEWORKER, city["c31"]),
                                       "sibling": make_user(Role.COMMUNITY_CASEWORKER, city["c12"]),
                                       "citizen": make_user(Role.CITIZEN, city["c11"])}


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _vacancy(employer, region, title="仓库管理员", expires=TODAY + timedelta(days=60)):
    with acting_as(None, username="test"):
        return matching_services.vacancy_post(user=None, employer=employer, title=title, occupation_code="4-03-02-01",
                                              wage_min_fen=400_000, wage_max_fen=500_000, count=2, posted_on=TODAY,
                                              expires_on=expires, region=region)


@pytest.fixture
def story(staff, city, make_person, make_employer):
    """张 in c11: a registration ended by a hire through a referral, a re-employment certificate, a second
    referral still pending, a passed training with its certificate."""
    p = h.person(make_person, city["c11"], name="故事甲", seq=61)
    reg = h.register(staff["worker"], p, day=date(2026, 6, 10))
    with acting_as(staff["worker"]):
        cert = certificates.issue(user=staff["worker"], person=p, issued_on=date(2026, 7, 1))
    boss = make_employer(city["c11"], name="石路仓储")
    hired_v, pending_v = _vacancy(boss, city["c11"]), _vacancy(boss, city["c11"], "叉车司机")
    with acting_as(staff["worker"]):
        pending = referrals.referral_create(user=staff["worker"], person=p, vacancy=pending_v, referred_on=TODAY)
        hired = referrals.referral_create(user=staff["worker"], person=p, vacancy=hired_v, referred_on=TODAY)
        referrals.referral_outcome(user=staff["worker"], referral=hired, outcome="hired", outcome_on=TODAY)
    inst = tf.institution(city["c11"])
    course = tf.course(inst)
    enrolment = tf.passed(p, course)
    qual = Certificate.objects.get(enrolment=enrolment)
    return {"person": p, "registration": reg, "certificate": cert, "pending": pending, "hired": hired,
            "course": course, "qualification": qual}


def test_registry_person_page_tells_the_story_to_two_roles(story, staff):
    p = story["person"]
    for role in ("worker", "street"):
        body = _client(staff[role]).get(reverse("person_detail", args=[p.pk])).content.decode()
        assert "2026-06-10" in body and story["certificate"].number in body  # registration, 再就业优惠证
        assert "叉车司机" in body and "仓库管理员" in body and "已录用" in body  # referrals and their outcomes
        assert "数控车工（中级）" in body and "2006-03-01 – 2006-04-30" in body and "合格" in body  # training
        number = story["qualification"].number
        assert number in body and reverse("training:verify", args=[number]) in body  # level, number, public check
        assert "四级/中级工" in body
        assert reverse("employment:person", args=[p.pk]) in body and reverse("training:person_training",
                                                                             args=[p.pk]) in body


def test_foreign_jurisdiction_gets_404_and_no_story(story, staff):
    p = story["person"]
    foreign = _client(staff["foreign"])
    assert foreign.get(reverse("person_detail", args=[p.pk])).status_code == 404
    assert foreign.get(reverse("employment:person", args=[p.pk])).status_code == 404
    # the selectors are scoped on their own: a foreign user asking with the object gets empty sections
    got = selectors.person_story(staff["foreign"], p)
    assert all(s.rows == [] and s.total == 0 for s in got.values())


def test_employment_page_shows_trainings_qualifications_and_referrals(story, staff):
    body = _client(staff["worker"]).get(reverse("employment:person", args=[story["person"].pk])).content.decode()
    assert "数控车工（中级）" in body and story["qualification"].number in body and "叉车司机" in body


def test_sections_are_capped_and_cost_the_same_queries_for_many_rows(story, staff):
    p = story["person"]
    with CaptureQueriesContext(connection) as few:
        small = selectors.person_story(staff["worker"], p)
    Certificate.objects.bulk_create([Certificate(number=f"ZT{i:015d}", person=p, level=5, occupation_code="6-04",
                                                 issuing_body="外省鉴定中心", issued_on=date(2010, 1, 1) + timedelta(days=i),
                                                 source="external") for i in range(40)])
    with CaptureQueriesContext(connection) as many:
        big = selectors.person_story(staff["worker"], p)
    assert small["qualifications"].total == 1 and not small["qualifications"].more
    assert big["qualifications"].total == 41 and len(big["qualifications"].rows) == selectors.STORY_ROWS
    assert big["qualifications"].more
    assert len(many.captured_queries) == len(few.captured_queries) + 1  # only the count of the full section
    body = _client(staff["worker"]).get(reverse("person_detail", args=[p.pk])).content.decode()
    assert "共 41 条" in body


def test_office_dashboard_six_services_for_two_roles(story, staff, city, make_person, make_employer):
    p = story["person"]
    waiting = h.person(make_person, city["c11"], name="申领乙", seq=63)
    h.register(staff["worker"], waiting, day=date(2026, 6, 1))
    with acting_as(staff["worker"]):
        claim = unemployment_services.receive(user=staff["worker"], person=waiting)
    soon = _vacancy(make_employer(city["c11"], name="观前百货"), city["c11"], "理货员", TODAY + timedelta(days=5))
    starting = tf.course(tf.institution(city["c11"], name="平江培训", licence="320508-PX-009"), code="C-NEXT",
                         start=TODAY + timedelta(days=10), end=TODAY + timedelta(days=40))
    ended = tf.course(story["course"].institution, code="C-ENDED", start=date(2026, 9, 1), end=date(2026, 10, 31))
    tf.enrol(make_person(city["c11"], name="学员丙"), ended, on=date(2026, 8, 20))
    for role in ("worker", "street"):
        body = _client(staff[role]).get(reverse("employment:office")).content.decode()
        for title in ("失业登记", "失业保险金申领", "再就业优惠证", "再就业援助", "职业介绍", "职业培训"):
            assert title in body
        assert "申领乙" in body and claim.claim_no in body  # benefits' queue, registered from benefits
        assert "叉车司机" in body and "理货员" in body  # referral pending, vacancy expiring
        assert "学员丙" in body and starting.name in body  # result to record, course starting
    services = {s.key: s for s in office.services(staff["worker"], TODAY)}
    assert list(services) == ["registration", "benefit", "certificate", "assistance", "placement", "training"]
    assert all(s.available for s in services.values())
    queues = {q.key: q for s in services.values() for q in s.queues}
    assert queues["claims_waiting"].count == 1 and queues["referrals_pending"].count == 1
    assert queues["vacancies_expiring"].count == 1 and queues["results_to_confirm"].count == 1
    assert queues["courses_starting"].count == 1
    assert queues["due_for_contact"].count == 1  # 申领乙 (registered 2026-06-01, never contacted); 甲 is employed


def test_office_dashboard_is_scoped_and_refused_to_citizens(story, staff, city, make_employer):
    _vacancy(make_employer(city["c11"], name="观前百货"), city["c11"], "理货员", TODAY + timedelta(days=5))
    for role in ("foreign", "sibling"):
        body = _client(staff[role]).get(reverse("employment:office")).content.decode()
        assert "故事甲" not in body and "叉车司机" not in body and "理货员" not in body
        queues = {q.key: q.count for s in office.services(staff[role], TODAY) for q in s.queues}
        assert queues["referrals_pending"] == 0 and queues["vacancies_expiring"] == 0
    assert _client(staff["citizen"]).get(reverse("employment:office")).status_code in (403, 404)
