"""Reads of community management, scoped like the registry: a community (region in the user's sight, 404
outside) and its retirees — persons residing in it or under it with a pension in payment — each with the
last verification, the month it falls due and the status: verified | due (this or next month) | overdue
(past due, not yet suspended) | suspended (payment suspended for a missed verification) | dead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.registry import selectors as registry
from laobao.registry.models import Person

from ..models import Benefit, Death, Overpayment, Verification
from ..payroll.due import mi, month_date
from .batch import period
from .services import SUSPEND_REASON


@dataclass
class Retiree:
    person: Person
    benefit: Benefit
    last_verified: date | None
    due_month: date
    status: str
    died_on: date | None = None


def community(user, code: str):
    return registry.region_get(user, code)


def _status(b: Benefit, due: date, today: date, died_on) -> str:
    if died_on is not None:
        return "dead"
    if b.status == "suspended":
        return "suspended"
    if mi(due) < mi(today):
        return "overdue"
    return "due" if mi(due) <= mi(today) + 1 else "verified"


def retirees(user, region, *, on: date | None = None, limit: int = 500) -> list[Retiree]:
    """The retirees of ``region`` (and the regions under it) visible to ``user`` (none for employer users)."""
    if user is not None and getattr(user, "role", None) == Role.EMPLOYER_USER:
        return []
    persons = registry.persons_visible(user).filter(residence_region__path__startswith=region.path)
    return _rows(Benefit.objects.filter(kind="pension", person__in=persons), on, limit)


def _rows(benefits, on: date | None, limit: int) -> list[Retiree]:
    today = on or timezone.localdate()
    months = period(today)
    last = Verification.objects.filter(person=OuterRef("person")).values("person").annotate(m=Max("verified_on")).values("m")
    rows = list(benefits.select_related("person").annotate(last_verified=Subquery(last))
                .order_by("person__name", "id")[:limit])
    deaths = dict(Death.objects.filter(person__in=[b.person_id for b in rows]).values_list("person_id", "died_on"))
    out = []
    for b in rows:
        base = b.last_verified or b.start_month
        due = month_date(mi(base) + months)
        died = deaths.get(b.person_id)
        out.append(Retiree(b.person, b, b.last_verified, due, _status(b, due, today, died), died))
    return out


@dataclass
class PersonState:
    verifications: list
    death: Death | None
    overpayments: list
    retiree: Retiree | None


def person_state(user, person: Person) -> PersonState:
    """A person's verifications, death record, overpayments and verification status (404 outside the sight;
    nothing for employer users)."""
    if not registry.persons_visible(user).filter(pk=person.pk).exists():
        raise NotFound
    if user is not None and getattr(user, "role", None) == Role.EMPLOYER_USER:
        return PersonState([], None, [], None)
    death = Death.objects.filter(person=person).first()
    rows = _rows(Benefit.objects.filter(kind="pension", person=person), None, 1)
    return PersonState(list(Verification.objects.filter(person=person).select_related("by").order_by("-verified_on", "-id")),
                       death, list(Overpayment.objects.filter(person=person).order_by("first_month")),
                       rows[0] if rows else None)


def suspended_for_verification(benefit: Benefit) -> bool:
    last = benefit.events.filter(kind="suspend").order_by("-id").first()
    return last is not None and last.reason == SUSPEND_REASON
