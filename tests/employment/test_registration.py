"""失业登记 (issue 6, Must have 1): the conditions read from the registry, contacts, de-registration on its
grounds, and the automatic end when an employment relation or an insurance enrollment starts (once, also when
benefits' own receiver runs). Fixtures are plain; the retirement months come from policy.rules.retirement
(the 2024 NPC decision's closed form, tested in tests/policy)."""

from __future__ import annotations

from datetime import date

import pytest

from laobao.benefits.models import Benefit
from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import AuditEvent
from laobao.employment import services
from laobao.employment.models import ContactOutcome, JobSeeker, UnemploymentRegistration
from laobao.insurance import services as insurance_services
from laobao.registry import services as registry_services

import employment_helpers as h


@pytest.fixture
def staff(make_user, city):
    return h.staff(make_user, city)


def _failed(exc) -> str:
    return exc.value.problems[0].zh


def test_declarations_are_required_and_recorded(staff, city, make_person):
    p = h.person(make_person, city["c11"])
    with pytest.raises(DomainError) as exc:
        h.register(staff["worker"], p, able_to_work=None, willing_to_work=None)
    assert "有劳动能力" in _failed(exc) and "有就业要求" in _failed(exc)
    reg = h.register(staff["worker"], p)
    seeker = JobSeeker.objects.get(person=p)
    assert seeker.able_to_work and seeker.willing_to_work and seeker.declared_on is not None
    assert [c["code"] for c in reg.checks] == ["working_age", "able", "willing", "no_employment", "no_enrollment"]
    assert all(c["ok"] for c in reg.checks)
    with pytest.raises(DomainError) as exc:
        h.register(staff["worker"], p)
    assert exc.value.problems[0].code == "unemployment.registration_open"


def test_working_age_from_the_retirement_rules(staff, city, make_person):
    old_man = h.person(make_person, city["c11"], birth="19600101", seq=1)  # 60 + 0 delay: retired 2020-01
    with pytest.raises(DomainError) as exc:
        h.register(staff["worker"], old_man)
    assert "不在劳动年龄内" in _failed(exc)
    woman = h.person(make_person, city["c11"], birth="19750101", seq=2)  # 50 track: 1975-01 + 50y + 1m = 2025-02
    with pytest.raises(DomainError) as exc:
        h.register(staff["worker"], woman)
    assert "2025-02" in _failed(exc)
    with acting_as(staff["worker"]):
        services.save_job_seeker(user=staff["worker"], person=woman, original_retirement_age=55)
    assert h.register(staff["worker"], woman).pk  # 55 track: + 16 months delay → 2030-05
    child = h.person(make_person, city["c11"], birth="20110101", seq=3)  # 15 in 2026
    with pytest.raises(DomainError) as exc:
        h.register(staff["worker"], child)
    assert "须满 16 周岁" in _failed(exc)


def test_current_job_or_open_enrollment_refused(staff, city, make_person, make_employer):
    p = h.person(make_person, city["c11"])
    with acting_as(None, username="test"):
        registry_services.relation_start(user=None, person=p, employer=make_employer(city["c11"]),
                                         start_date=date(2020, 1, 1))
    with pytest.raises(DomainError) as exc:
        h.register(staff["worker"], p)
    assert "在职劳动关系" in _failed(exc)
    q = h.person(make_person, city["c11"], seq=5)
    with acting_as(None, username="test"):
        insurance_services.enroll(user=None, person=q, insurance="pension", start_month=date(2025, 1, 1),
                                  reason="self_enrollment")
    with pytest.raises(DomainError) as exc:
        h.register(staff["worker"], q)
    assert "未停保的参保记录" in _failed(exc)


def _ends(reg) -> int:
    return AuditEvent.objects.filter(action="unemployment_registration.end", object_id=str(reg.pk)).count()


def test_relation_start_ends_the_registration_once(staff, city, make_person, make_employer):
    p = h.person(make_person, city["c11"])
    reg = h.register(staff["worker"], p)
    with acting_as(None, username="test"):
        registry_services.relation_start(user=None, person=p, employer=make_employer(city["c11"]),
                                         start_date=date(2026, 8, 3))
    reg.refresh_from_db()
    assert (reg.ended_on, reg.end_reason) == (date(2026, 8, 3), "reemployment")
    assert "劳动关系开始" in reg.end_note and _ends(reg) == 1


def test_enrollment_start_ends_the_registration(staff, city, make_person):
    p = h.person(make_person, city["c11"])
    reg = h.register(staff["worker"], p)
    with acting_as(None, username="test"):
        insurance_services.enroll(user=None, person=p, insurance="pension", start_month=date(2026, 9, 1),
                                  reason="self_enrollment")
    reg.refresh_from_db()
    assert (reg.ended_on, reg.end_reason, reg.end_note) == (date(2026, 9, 1), "reemployment", "2026-09 参保开始")


def test_with_a_benefit_both_receivers_run_and_it_ends_once(staff, city, make_person, make_employer):
    p = h.person(make_person, city["c11"])
    reg = h.register(staff["worker"], p)
    benefit = Benefit.objects.create(person=p, kind="unemployment", fund="fund:unemployment",
                                     start_month=date(2026, 7, 1), end_month=date(2027, 6, 1), source="test:u1")
    with acting_as(None, username="test"):
        registry_services.relation_start(user=None, person=p, employer=make_employer(city["c11"]),
                                         start_date=date(2026, 10, 8))
    benefit.refresh_from_db()
    reg.refresh_from_db()
    assert (benefit.status, benefit.end_month) == ("stopped", date(2026, 9, 1))  # benefits' receiver
    assert (reg.ended_on, reg.end_reason) == (date(2026, 10, 8), "reemployment") and _ends(reg) == 1


def test_contacts_and_the_no_contact_ground(staff, city, make_person):
    p = h.person(make_person, city["c11"])
    reg = h.register(staff["worker"], p, day=date(2026, 1, 5))
    with acting_as(staff["worker"]):
        services.record_contact(user=staff["worker"], registration=reg, contacted_on=date(2026, 4, 1),
                                channel="phone", outcome=ContactOutcome.SEEKING)
        services.record_contact(user=staff["worker"], registration=reg, contacted_on=date(2026, 9, 1),
                                channel="phone", outcome=ContactOutcome.NOT_REACHED)  # not a contact
        with pytest.raises(DomainError) as exc:  # 2026-04-01 + 6 months > 2026-09-30
            services.deregister(user=staff["worker"], registration=reg, ground="no_contact", ended_on=date(2026, 9, 30))
        assert exc.value.problems[0].code == "unemployment.contact_recent"
        other = h.register(staff["worker"], h.person(make_person, city["c11"], seq=7), day=date(2026, 1, 5))
        ended = services.deregister_no_contact(user=staff["worker"], on=date(2026, 10, 2))
    assert sorted(ended) == sorted([reg.pk, other.pk])
    reg.refresh_from_db()
    assert (reg.ended_on, reg.end_reason) == (date(2026, 10, 2), "no_contact")


def test_deregister_on_a_ground(staff, city, make_person):
    reg = h.register(staff["worker"], h.person(make_person, city["c11"]))
    with acting_as(staff["worker"]):
        with pytest.raises(DomainError):
            services.deregister(user=staff["worker"], registration=reg, ground="holiday", ended_on=date(2026, 7, 1))
        services.deregister(user=staff["worker"], registration=reg, ground="study", ended_on=date(2026, 9, 1),
                            note="考入苏州大学")
    reg.refresh_from_db()
    assert (reg.end_reason, reg.end_note) == ("study", "考入苏州大学")
    assert UnemploymentRegistration.objects.filter(person=reg.person, ended_on__isnull=True).count() == 0


def test_jurisdiction(staff, city, make_person):
    sibling = h.person(make_person, city["c12"])
    with pytest.raises(Forbidden):
        h.register(staff["worker"], sibling)  # a caseworker of c11 does not register a c12 resident
    assert h.register(staff["street"], sibling).pk  # the street officer of s1 does
    other = h.person(make_person, city["c31"], seq=9)
    with pytest.raises(Forbidden):
        h.register(staff["officer"], other)  # 姑苏 officer, 吴中 resident


def test_cli_sweep_contacts(staff, city, make_person, capsys):
    from django.core.management import call_command
    reg = h.register(staff["worker"], h.person(make_person, city["c11"], seq=13), day=date(2026, 1, 5))
    call_command("lb_employment", "sweep-contacts", "--on", "2026-07-05", "--region", "320508")
    assert "1 registrations ended" in capsys.readouterr().out
    reg.refresh_from_db()
    assert (reg.ended_on, reg.end_reason) == (date(2026, 7, 5), "no_contact")
