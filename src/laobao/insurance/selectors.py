"""Reads of enrollment, scoped to the user's jurisdiction (deny by default)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from laobao.core.models import Role
from laobao.core.scoping import can_read, within
from laobao.registry.models import Person
from laobao.registry.selectors import employers_visible, persons_visible

from .models import Enrollment


def enrollments_visible(user) -> QuerySet[Enrollment]:
    """An enrollment is visible when its person or its employer is visible to the user."""
    qs = Enrollment.objects.all()
    if not can_read(user, "person"):
        return qs.none()
    if user.role in (Role.CITIZEN, Role.EMPLOYER_USER):
        return qs.filter(Q(person__in=persons_visible(user)) | Q(employer__in=employers_visible(user)))
    by_person = within(qs, user, "person", "person__residence_region__path")
    by_employer = within(qs, user, "employer", "employer__region__path")
    return by_person | by_employer


def person_enrollments(user, person: Person) -> QuerySet[Enrollment]:
    return enrollments_visible(user).filter(person=person).select_related("employer")


def active_on(qs: QuerySet[Enrollment], month: date) -> QuerySet[Enrollment]:
    """Enrollments covering ``month`` (any day of it)."""
    m = month.replace(day=1)
    return qs.filter(start_month__lte=m).filter(Q(end_month__isnull=True) | Q(end_month__gte=m))
