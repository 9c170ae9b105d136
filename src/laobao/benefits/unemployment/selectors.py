"""Reads of unemployment registrations and claims, scoped through the person (deny by default, 404 outside).
Employer users see none (the person's own affair)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.registry.models import Person
from laobao.registry.selectors import persons_visible

from . import evaluate as ev
from .models import UnemploymentClaim, UnemploymentRegistration


def _employer(user) -> bool:
    return user is not None and getattr(user, "role", None) == Role.EMPLOYER_USER


def claims_visible(user) -> QuerySet[UnemploymentClaim]:
    if _employer(user):
        return UnemploymentClaim.objects.none()
    return UnemploymentClaim.objects.filter(person__in=persons_visible(user))


def person_claims(user, person: Person) -> QuerySet[UnemploymentClaim]:
    return claims_visible(user).filter(person=person).select_related("maker", "checker", "benefit").order_by("-id")


def person_registrations(user, person: Person) -> QuerySet[UnemploymentRegistration]:
    if _employer(user):
        return UnemploymentRegistration.objects.none()
    return (UnemploymentRegistration.objects.filter(person__in=persons_visible(user), person=person)
            .order_by("-registered_on", "-id"))


def claim_get(user, claim_no: str) -> UnemploymentClaim:
    claim = (claims_visible(user).select_related("person__residence_region", "maker", "checker", "benefit",
                                                 "registration", "carried_from").filter(claim_no=claim_no).first())
    if claim is None:
        raise NotFound
    return claim


def preview(user, person: Person, month: date | None) -> ev.Evaluation:
    """What receiving a claim would store, without writing (the counter form's preview)."""
    if _employer(user) or not persons_visible(user).filter(pk=person.pk).exists():
        raise NotFound
    today = timezone.localdate()
    return ev.evaluate(person, (month or today).replace(day=1), today)
