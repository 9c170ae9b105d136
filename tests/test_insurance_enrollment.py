"""Enrollment (参保登记), issue 4 item 1: rules, jurisdiction, audit, all-or-nothing hires."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import AuditEvent, Role
from laobao.insurance import selectors, services
from laobao.insurance.models import Enrollment, Insurance, Reason
from laobao.registry import services as registry

JAN = date(2024, 1, 1)


@pytest.fixture
def hire(city, make_person, make_employer):
    person, employer = make_person(city["c11"]), make_employer(city["c11"])
    with acting_as(None, username="test"):
        return registry.relation_start(user=None, person=person, employer=employer, start_date=date(2024, 1, 15))


def _enroll(**kw):
    with acting_as(None, username="test"):
        return services.enroll(user=None, **kw)


def _code(exc) -> str:
    return exc.value.problems[0].code


def test_hire_enrolls_in_all_five(hire):
    with acting_as(None, username="test"):
        rows = services.enroll_hire(user=None, relation=hire)
    assert sorted(r.insurance for r in rows) == sorted(Insurance.values)
    assert all(r.start_month == JAN and r.employer_id == hire.employer_id and r.start_reason == Reason.HIRE
               for r in rows)
    assert selectors.active_on(Enrollment.objects.filter(person=hire.person), date(2024, 3, 9)).count() == 5
    assert selectors.active_on(Enrollment.objects.filter(person=hire.person), date(2023, 12, 1)).count() == 0


def test_double_enrollment_refused_open_and_overlapping_closed(hire):
    first = _enroll(person=hire.person, insurance="pension", start_month=JAN, employer=hire.employer, reason="hire")
    with pytest.raises(DomainError) as e:
        _enroll(person=hire.person, insurance="pension", start_month=date(2024, 5, 20), employer=hire.employer,
                reason="hire")
    assert _code(e) == "enrollment.duplicate" and e.value.problems[0].field == "insurance"
    with acting_as(None, username="test"):
        services.stop(user=None, enrollment=first, end_month=date(2024, 6, 1), reason="leave")
    with pytest.raises(DomainError) as e:  # overlaps the closed period Jan–Jun
        _enroll(person=hire.person, insurance="pension", start_month=date(2024, 6, 1), employer=hire.employer,
                reason="hire")
    assert _code(e) == "enrollment.duplicate"
    assert Enrollment.objects.filter(person=hire.person).count() == 1


def test_open_enrollment_unique_in_the_database(hire):
    Enrollment.objects.create(person=hire.person, insurance="medical", start_month=JAN, start_reason="hire")
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(person=hire.person, insurance="medical", start_month=date(2024, 3, 1),
                                  start_reason="hire")


def test_end_before_start_refused_by_the_database(hire):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(person=hire.person, insurance="medical", start_month=JAN,
                                  end_month=date(2023, 12, 1), start_reason="hire", end_reason="leave")


def test_outside_the_employment_relation_refused(hire, make_employer, city):
    other = make_employer(city["c11"])
    with pytest.raises(DomainError) as e:  # no relation at all with this employer
        _enroll(person=hire.person, insurance="pension", start_month=JAN, employer=other, reason="hire")
    assert _code(e) == "enrollment.no_employment" and e.value.problems[0].field == "employer"
    with pytest.raises(DomainError) as e:  # before the relation started
        _enroll(person=hire.person, insurance="pension", start_month=date(2023, 12, 1), employer=hire.employer,
                reason="hire")
    assert _code(e) == "enrollment.no_employment"
    with acting_as(None, username="test"):
        registry.relation_end(user=None, relation=hire, end_date=date(2024, 3, 10))
    with pytest.raises(DomainError) as e:  # after it ended
        _enroll(person=hire.person, insurance="pension", start_month=date(2024, 4, 1), employer=hire.employer,
                reason="hire")
    assert _code(e) == "enrollment.no_employment"
    ok = _enroll(person=hire.person, insurance="pension", start_month=date(2024, 3, 1), employer=hire.employer,
                 reason="hire")  # the month it ended in still counts
    assert ok.start_month == date(2024, 3, 1)
    assert Enrollment.objects.count() == 1


@pytest.mark.parametrize("insurance", ["unemployment", "injury", "maternity"])
def test_flexible_enrollment_refused_outside_pension_and_medical(city, make_person, insurance):
    person = make_person(city["c11"])
    with pytest.raises(DomainError) as e:
        _enroll(person=person, insurance=insurance, start_month=JAN, reason="self_enrollment")
    assert _code(e) == "enrollment.flexible_insurance" and not Enrollment.objects.exists()


def test_flexible_enrollment_in_pension_and_medical(city, make_person):
    person = make_person(city["c11"])
    rows = [_enroll(person=person, insurance=i, start_month=date(2024, 2, 17), reason="self_enrollment")
            for i in ("pension", "medical")]
    assert [r.start_month for r in rows] == [date(2024, 2, 1)] * 2 and all(r.employer is None for r in rows)


def test_start_month_beyond_next_month_refused(city, make_person):
    person = make_person(city["c11"])
    with pytest.raises(DomainError) as e:
        _enroll(person=person, insurance="pension", start_month=date(2099, 1, 1), reason="self_enrollment")
    assert _code(e) == "enrollment.future"


def test_unknown_insurance_refused(city, make_person):
    with pytest.raises(DomainError) as e:
        _enroll(person=make_person(city["c11"]), insurance="dental", start_month=JAN, reason="self_enrollment")
    assert _code(e) == "enrollment.insurance"


def test_stop_and_reenroll_later(hire):
    first = _enroll(person=hire.person, insurance="pension", start_month=JAN, employer=hire.employer, reason="hire")
    with acting_as(None, username="test"):
        services.stop(user=None, enrollment=first, end_month=date(2024, 3, 31), reason="suspension")
        with pytest.raises(DomainError) as e:
            services.stop(user=None, enrollment=first, end_month=date(2024, 4, 1), reason="leave")
    assert _code(e) == "enrollment.already_ended"
    first.refresh_from_db()
    assert first.end_month == date(2024, 3, 1) and first.end_reason == "suspension"
    again = _enroll(person=hire.person, insurance="pension", start_month=date(2024, 4, 1), employer=hire.employer,
                    reason="hire")
    assert again.end_month is None
    assert selectors.active_on(Enrollment.objects.all(), date(2024, 3, 1)).get() == first
    assert selectors.active_on(Enrollment.objects.all(), date(2024, 4, 1)).get() == again


def test_end_before_start_refused(hire):
    e1 = _enroll(person=hire.person, insurance="medical", start_month=date(2024, 2, 1), employer=hire.employer,
                 reason="hire")
    with pytest.raises(DomainError) as e, acting_as(None, username="test"):
        services.stop(user=None, enrollment=e1, end_month=JAN, reason="leave")
    assert _code(e) == "enrollment.months" and e.value.problems[0].field == "end_month"
    e1.refresh_from_db()
    assert e1.end_month is None


def test_caseworker_cannot_enroll_or_see_another_district(city, make_person, make_user):
    mine, theirs = make_person(city["c11"]), make_person(city["c31"])
    worker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    with acting_as(worker), pytest.raises(Forbidden):
        services.enroll(user=worker, person=theirs, insurance="pension", start_month=JAN, reason="self_enrollment")
    assert not Enrollment.objects.exists()
    with acting_as(worker):
        own = services.enroll(user=worker, person=mine, insurance="pension", start_month=JAN,
                              reason="self_enrollment")
    other = _enroll(person=theirs, insurance="pension", start_month=JAN, reason="self_enrollment")
    assert list(selectors.enrollments_visible(worker)) == [own]
    assert list(selectors.person_enrollments(worker, theirs)) == []
    wuzhong = make_user(Role.DISTRICT_OFFICER, city["wuzhong"])
    assert list(selectors.enrollments_visible(wuzhong)) == [other]
    assert list(selectors.enrollments_visible(make_user(Role.LEADER, city["city"]))) == []


def test_visible_through_the_employer(city, make_person, make_employer, make_user):
    person, employer = make_person(city["c31"]), make_employer(city["c11"])
    with acting_as(None, username="test"):
        relation = registry.relation_start(user=None, person=person, employer=employer, start_date=date(2024, 1, 2))
        services.enroll_hire(user=None, relation=relation, insurances=["pension"])
    worker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    assert selectors.enrollments_visible(worker).count() == 1


def test_audit_rows_masked(hire):
    with acting_as(None, username="test"):
        rows = services.enroll_hire(user=None, relation=hire, insurances=["pension"])
        services.stop(user=None, enrollment=rows[0], end_month=date(2024, 2, 1), reason="leave")
    events = AuditEvent.objects.filter(object_type="enrollment").order_by("seq")
    assert [e.action for e in events] == ["enrollment.enroll", "enrollment.stop"]
    assert events[0].after["insurance"] == "pension" and events[1].after["end_month"] == "2024-02-01"
    assert events[0].region_path == hire.employer.region.path
    for e in events:
        assert hire.person.citizen_id not in str(e.before) + str(e.after)


def test_enroll_hire_is_all_or_nothing(hire):
    # Unemployment (the 3rd) is already held elsewhere: the whole hire is refused, nothing is written.
    Enrollment.objects.create(person=hire.person, insurance="unemployment", start_month=date(2023, 6, 1),
                              start_reason="hire")
    audit_before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as e, acting_as(None, username="test"):
        services.enroll_hire(user=None, relation=hire)
    assert _code(e) == "enrollment.duplicate"
    assert list(Enrollment.objects.values_list("insurance", flat=True)) == ["unemployment"]
    assert AuditEvent.objects.count() == audit_before
