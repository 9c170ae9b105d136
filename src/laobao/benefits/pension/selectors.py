"""Reads of pension claims, scoped: a claim is visible when its person is (deny by default, 404 outside).

Employer users never see claims (a pension claim is the person's own affair); a citizen sees their own.
"""

from __future__ import annotations

from django.db.models import QuerySet

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.registry.models import Person
from laobao.registry.selectors import persons_visible

from ..models import OPEN_CLAIM, PensionClaim
from . import evaluate as ev


def claims_visible(user) -> QuerySet[PensionClaim]:
    if user is not None and getattr(user, "role", None) == Role.EMPLOYER_USER:
        return PensionClaim.objects.none()
    return PensionClaim.objects.filter(person__in=persons_visible(user))


def person_claims(user, person: Person) -> QuerySet[PensionClaim]:
    return claims_visible(user).filter(person=person).select_related("maker", "checker").order_by("-id")


def claim_get(user, claim_no: str) -> PensionClaim:
    claim = (claims_visible(user).select_related("person__residence_region", "maker", "checker", "benefit")
             .filter(claim_no=claim_no).first())
    if claim is None:
        raise NotFound
    return claim


def waiting(user) -> QuerySet[PensionClaim]:
    """Undecided claims in the user's sight, oldest first (the checker's queue)."""
    return (claims_visible(user).filter(status__in=OPEN_CLAIM).select_related("person", "maker")
            .order_by("received_on", "id"))


def preview(user, person: Person, data) -> ev.Evaluation:
    """What receiving the claim would store, without writing (the counter form's preview)."""
    if not persons_visible(user).filter(pk=person.pk).exists():
        raise NotFound
    return ev.evaluate(person, data.category, data.option, data.shift_months, ev.clean(data))
