"""Reads of maternity claims, scoped: a claim is visible when its person is (deny by default, 404 outside).
Employer users see none here (the employer's own view is a later slice)."""

from __future__ import annotations

from django.db.models import QuerySet

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.registry.models import Employer, Person
from laobao.registry.selectors import persons_visible

from . import evaluate as ev
from .models import MaternityClaim


def claims_visible(user) -> QuerySet[MaternityClaim]:
    if user is not None and getattr(user, "role", None) == Role.EMPLOYER_USER:
        return MaternityClaim.objects.none()
    return MaternityClaim.objects.filter(person__in=persons_visible(user))


def person_claims(user, person: Person) -> QuerySet[MaternityClaim]:
    return claims_visible(user).filter(person=person).select_related("employer", "maker", "checker").order_by("-id")


def claim_get(user, claim_no: str) -> MaternityClaim:
    claim = (claims_visible(user).select_related("person__residence_region", "employer", "maker", "checker")
             .filter(claim_no=claim_no).first())
    if claim is None:
        raise NotFound
    return claim


def person_employers(person: Person) -> QuerySet[Employer]:
    """Employers the person was ever insured with for maternity (the form's choices), newest first."""
    ids = person.enrollments.filter(insurance="maternity", employer__isnull=False).values("employer_id")
    return Employer.objects.filter(pk__in=ids).order_by("-pk")


def preview(user, person: Person, employer: Employer, facts: ev.Facts) -> ev.Evaluation:
    """What receiving the claim would store, without writing (the counter form's preview)."""
    if not persons_visible(user).filter(pk=person.pk).exists():
        raise NotFound
    return ev.evaluate(person, employer, facts)
