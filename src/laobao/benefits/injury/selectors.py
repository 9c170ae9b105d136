"""Reads of work-injury cases and awards, scoped: visible when the injured person is (deny by default, 404
outside). Employer users see none here (the employer's own view is a later slice)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.registry.models import Employer, Person
from laobao.registry.selectors import persons_visible

from ..models import Benefit, Death
from .models import CaseStatus, InjuryAward, InjuryCase


def cases_visible(user) -> QuerySet[InjuryCase]:
    if user is not None and getattr(user, "role", None) == Role.EMPLOYER_USER:
        return InjuryCase.objects.none()
    return InjuryCase.objects.filter(person__in=persons_visible(user))


def person_cases(user, person: Person) -> QuerySet[InjuryCase]:
    return cases_visible(user).filter(person=person).select_related("employer", "maker", "checker").order_by("-id")


def case_get(user, case_no: str) -> InjuryCase:
    case = (cases_visible(user).select_related("person__residence_region", "employer", "maker", "checker")
            .filter(case_no=case_no).first())
    if case is None:
        raise NotFound
    return case


def case_awards(case: InjuryCase) -> list[InjuryAward]:
    return list(case.awards.select_related("maker", "checker").order_by("id"))


def award_get(user, award_no: str) -> InjuryAward:
    award = InjuryAward.objects.filter(award_no=award_no, case__in=cases_visible(user)).select_related("case").first()
    if award is None:
        raise NotFound
    return award


def award_benefits(case: InjuryCase) -> list[Benefit]:
    """The benefits the case's approved awards created (``source`` injury:<award_no>[:n])."""
    nos = [a.award_no for a in case.awards.all() if a.status == "approved"]
    if not nos:
        return []
    found = Benefit.objects.none()
    for no in nos:
        found = found | Benefit.objects.filter(source__startswith=f"injury:{no}")
    return list(found.select_related("person").prefetch_related("rates").order_by("id"))


def waiting(user) -> QuerySet[InjuryCase]:
    """Cases awaiting the decision in the user's sight, the earliest deadline (the overdue) first."""
    return (cases_visible(user).filter(status=CaseStatus.RECEIVED).select_related("person", "employer", "maker")
            .order_by("decision_due", "id"))


def awards_waiting(user) -> QuerySet[InjuryAward]:
    return (InjuryAward.objects.filter(status="checked", case__in=cases_visible(user))
            .select_related("case__person", "maker").order_by("created_at", "id"))


def overdue(case: InjuryCase) -> bool:
    return case.status == CaseStatus.RECEIVED and timezone.localdate() > case.decision_due


def person_employers(person: Person) -> QuerySet[Employer]:
    """Employers the person has a relation with or was insured for work injury with (the form's choices)."""
    enrolled = person.enrollments.filter(insurance="injury", employer__isnull=False)
    ids = set(enrolled.values_list("employer_id", flat=True))
    ids |= set(person.relations.values_list("employer_id", flat=True))
    return Employer.objects.filter(pk__in=ids).order_by("-pk")


def death_recorded(person: Person) -> bool:
    """Whether the person's death is recorded (community.services.record_death stops every benefit)."""
    return Death.objects.filter(person=person).exists()


def dependants_by_id(user, numbers: list[str]) -> dict[str, Person]:
    """Registered persons in the user's sight by citizen ID (the death form's dependants)."""
    return {p.citizen_id: p for p in persons_visible(user).filter(citizen_id__in=numbers)}
