"""The employer hall's services (issue 4 item 1): hire, leave, self-enrollment, base limits."""

from __future__ import annotations

from datetime import date

import pytest

from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import AuditEvent, Role
from laobao.insurance import services
from laobao.insurance.models import (BaseDeclaration, BaseLimit, DeclarationKind, Enrollment, HireReport, Insurance,
                                     Recheck)
from laobao.registry.models import EmploymentRelation, PortalLink

from hall_fixtures import bill, hire, set_limits

JUL = date(2024, 7, 1)


@pytest.fixture
def shop(city, make_person, make_employer):
    return make_person(city["c11"], "王芳"), make_employer(city["c11"])


def _code(exc) -> str:
    return exc.value.problems[0].code


def test_hire_records_relation_report_enrollments_and_first_year_base(shop):
    person, employer = shop
    report = hire(person, employer, contract_kind="fixed", contract_end=date(2027, 7, 14), position="挡车工")
    assert report.relation.start_date == date(2024, 7, 15) and report.wage_fen == 650_000
    rows = Enrollment.objects.filter(person=person, employer=employer)
    assert sorted(rows.values_list("insurance", flat=True)) == sorted(Insurance.values)
    assert {r.start_month for r in rows} == {JUL}
    decl = BaseDeclaration.objects.get(person=person, employer=employer)
    assert (decl.year, decl.wage_fen, decl.kind) == (2024, 650_000, DeclarationKind.NEW_HIRE)
    assert AuditEvent.objects.filter(action="insurance.hire", object_id=str(report.relation_id)).exists()


def test_hire_chosen_insurances_and_hire_in_june_belongs_to_previous_year(shop):
    person, employer = shop
    hire(person, employer, start=date(2024, 6, 3), insurances=("pension", "medical"))
    assert set(Enrollment.objects.filter(person=person).values_list("insurance", flat=True)) == {"pension", "medical"}
    assert BaseDeclaration.objects.get(person=person).year == 2023  # July-to-June base year (parameter)


@pytest.mark.parametrize("kw,field,code", [
    ({"wage": -1}, "wage_fen", "wage.negative"),
    ({"wage": 100_000_001}, "wage_fen", "wage.absurd"),
    ({"contract_kind": "fixed"}, "contract_end", "hire.contract_end"),
    ({"contract_kind": "forever"}, "contract_kind", "enrollment.contract_kind"),
    ({"insurances": ("pension", "pets")}, "insurances", "enrollment.insurances"),
])
def test_hire_refusals_name_the_field(shop, kw, field, code):
    person, employer = shop
    with pytest.raises(DomainError) as e:
        hire(person, employer, **kw)
    assert (e.value.problems[0].field, _code(e)) == (field, code)
    assert e.value.problems[0].zh and e.value.problems[0].en
    assert not EmploymentRelation.objects.filter(person=person).exists()


def test_hire_is_all_or_nothing(shop):
    """An enrollment refused half-way (already insured elsewhere) leaves no relation, report or declaration."""
    person, employer = shop
    with acting_as(None, username="test"):
        services.enroll(user=None, person=person, insurance="medical", start_month=date(2024, 1, 1), employer=None,
                        reason="self_enrollment")
    with pytest.raises(DomainError) as e:
        hire(person, employer)
    assert _code(e) == "enrollment.duplicate"
    assert not EmploymentRelation.objects.filter(person=person).exists()
    assert not HireReport.objects.exists() and not BaseDeclaration.objects.exists()
    assert Enrollment.objects.filter(person=person).count() == 1


def test_back_dated_hire_leaves_a_recheck_only_when_billed(shop, make_person, city):
    person, employer = shop
    hire(person, employer)
    assert not Recheck.objects.exists()  # nothing billed yet
    bill(employer, date(2024, 9, 1))
    late = make_person(city["c11"], "李强")
    hire(late, employer, start=date(2024, 8, 2))
    check = Recheck.objects.get()
    assert (check.person_id, check.employer_id, check.from_month) == (late.pk, employer.pk, date(2024, 8, 1))


def test_leave_ends_relation_and_every_open_enrollment(shop):
    person, employer = shop
    report = hire(person, employer)
    with acting_as(None, username="test"):
        stopped = services.leave(user=None, relation=report.relation, end_date=date(2025, 3, 20), reason="retirement")
    assert len(stopped) == 5
    assert set(Enrollment.objects.filter(person=person).values_list("end_month", "end_reason")) == {
        (date(2025, 3, 1), "retirement")}
    report.relation.refresh_from_db()
    assert report.relation.end_date == date(2025, 3, 20)


def test_leave_in_a_billed_month_leaves_a_recheck_and_bad_reason_is_refused(shop):
    person, employer = shop
    report = hire(person, employer)
    with acting_as(None, username="test"), pytest.raises(DomainError) as e:
        services.leave(user=None, relation=report.relation, end_date=date(2025, 1, 5), reason="holiday")
    assert e.value.problems[0].field == "end_reason"
    bill(employer, date(2025, 2, 1))
    with acting_as(None, username="test"):
        services.leave(user=None, relation=report.relation, end_date=date(2025, 1, 5))
    assert Recheck.objects.get().from_month == date(2025, 2, 1)


def test_employer_user_acts_for_its_own_employer_only(shop, make_user, make_employer, city):
    person, employer = shop
    clerk = make_user(Role.EMPLOYER_USER, city["c11"])
    PortalLink.objects.create(user=clerk, employer=employer)
    other = make_employer(city["c11"], "别的公司")
    with pytest.raises(Forbidden):
        hire(person, other, user=clerk)
    report = hire(person, employer, user=clerk)
    event = AuditEvent.objects.get(action="insurance.hire")
    assert event.actor_id == clerk.pk and report.relation.employer_id == employer.pk


def test_caseworker_outside_the_employers_region_is_refused(shop, make_user, city):
    person, employer = shop
    with pytest.raises(Forbidden):
        hire(person, employer, user=make_user(Role.COMMUNITY_CASEWORKER, city["c12"]))
    hire(person, employer, user=make_user(Role.COMMUNITY_CASEWORKER, city["c11"]))


def test_self_enrollment_between_floor_and_cap(shop):
    person, _ = shop
    set_limits()
    with acting_as(None, username="test"):
        with pytest.raises(DomainError) as e:
            services.enroll_self(user=None, person=person, insurances=["pension"], start_month=JUL, base_fen=400_000)
        assert _code(e) == "self.base_range" and "4879.00" in e.value.problems[0].zh and "24396.00" in e.value.problems[0].en
        with pytest.raises(DomainError) as e:
            services.enroll_self(user=None, person=person, insurances=["injury"], start_month=JUL, base_fen=500_000)
        assert e.value.problems[0].field == "insurances"
        rows = services.enroll_self(user=None, person=person, insurances=["pension", "medical"], start_month=JUL,
                                    base_fen=487_900)
    assert {r.employer_id for r in rows} == {None} and len(rows) == 2
    decl = BaseDeclaration.objects.get(person=person, employer__isnull=True)
    assert (decl.year, decl.wage_fen, decl.kind) == (2024, 487_900, DeclarationKind.SELF)


def test_self_enrollment_without_limits_names_the_command(shop):
    person, _ = shop
    with acting_as(None, username="test"), pytest.raises(DomainError) as e:
        services.enroll_self(user=None, person=person, insurances=["pension"], start_month=JUL, base_fen=500_000)
    assert _code(e) == "bases.no_limits" and "laobao bases limits set" in e.value.problems[0].zh


def test_set_limits_upserts_with_audit_and_only_city_officer(city, make_user):
    set_limits()
    set_limits(floor_fen=488_000)
    row = BaseLimit.objects.get(year=2024, insurance="")
    assert row.floor_fen == 488_000
    event = AuditEvent.objects.filter(action="insurance.set_limits").order_by("-seq").first()
    assert event.before["floor_fen"] == 487_900 and event.after["floor_fen"] == 488_000
    with pytest.raises(DomainError) as e:
        set_limits(floor_fen=3_000_000)
    assert _code(e) == "limits.order"
    with pytest.raises(Forbidden):
        with acting_as(None, username="test"):
            services.set_limits(user=make_user(Role.DISTRICT_OFFICER, city["gusu"]), year=2025, floor_fen=1,
                                cap_fen=2, reference="测试依据文件")
    with acting_as(None, username="test"):
        services.set_limits(user=make_user(Role.CITY_OFFICER, city["city"]), year=2025, floor_fen=500_000,
                            cap_fen=2_500_000, insurance="medical", reference="测试依据文件")
