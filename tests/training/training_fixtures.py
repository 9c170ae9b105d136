"""Helpers of the training tests (no tests here): an institution in C11, courses, a passed trainee."""

from __future__ import annotations

from datetime import date

from laobao.core.context import acting_as
from laobao.training import services


def institution(region, name="苏州市姑苏职业培训学校", licence="320508-PX-001"):
    with acting_as(None, username="test"):
        return services.institution_create(user=None, name=name, licence_no=licence, region_code=region.code,
                                           ownership="public")


def course(inst, code="C2006-001", kind="reemployment", capacity=2, level=4, start=date(2006, 3, 1),
           end=date(2006, 4, 30), pass_mark=None):
    with acting_as(None, username="test"):
        return services.course_create(user=None, institution=inst, code=code, name="数控车工（中级）", kind=kind,
                                      occupation_code="6-04-01-01", occupation_name="车工", target_level=level,
                                      start_date=start, end_date=end, capacity=capacity, pass_mark=pass_mark)


def enrol(person, course, on=date(2006, 2, 20)):
    with acting_as(None, username="test"):
        return services.enrol(user=None, person=person, course=course, on=on)


def passed(person, course, exam=date(2006, 4, 28), theory=75, practical=80):
    e = enrol(person, course)
    with acting_as(None, username="test"):
        services.result_record(user=None, enrolment=e, exam_date=exam, theory=theory, practical=practical)
    e.refresh_from_db()
    return e
