"""Reads of migrant and rural labor, scoped through the registration's region (the person's residence when
registered; an agreement: the district that signed it). Deny by default: staff reading persons only; 404 outside."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from laobao.core.errors import NotFound
from laobao.core.scoping import within
from laobao.registry import selectors as registry
from laobao.registry.models import Employer

from .models import ExchangeAgreement, ExchangeGroup, MigrantRegistration, RuralLaborer

LIST_LIMIT = 200


def migrants_visible(user) -> QuerySet[MigrantRegistration]:
    qs = MigrantRegistration.objects.select_related("person", "region", "employer", "group__agreement")
    return qs if user is None else within(qs, user, "person", "region__path")


def migrant_get(user, pk) -> MigrantRegistration:
    reg = migrants_visible(user).filter(pk=pk).first()
    if reg is None:
        raise NotFound
    return reg


def open_migrants(user) -> list[MigrantRegistration]:
    return list(migrants_visible(user).filter(ended_on__isnull=True).order_by("-registered_on", "-id")[:LIST_LIMIT])


def laborers_visible(user) -> QuerySet[RuralLaborer]:
    qs = RuralLaborer.objects.select_related("person", "region").prefetch_related("transfers__employer")
    return qs if user is None else within(qs, user, "person", "region__path")


def laborer_get(user, pk) -> RuralLaborer:
    laborer = laborers_visible(user).filter(pk=pk).first()
    if laborer is None:
        raise NotFound
    return laborer


def open_laborers(user) -> list[RuralLaborer]:
    return list(laborers_visible(user).filter(ended_on__isnull=True).order_by("-registered_on", "-id")[:LIST_LIMIT])


def agreements_visible(user) -> QuerySet[ExchangeAgreement]:
    qs = ExchangeAgreement.objects.select_related("region")
    return qs if user is None else within(qs, user, "person", "region__path")


def agreement_get(user, pk) -> ExchangeAgreement:
    agreement = agreements_visible(user).filter(pk=pk).first()
    if agreement is None:
        raise NotFound
    return agreement


def groups(user) -> list[ExchangeGroup]:
    """Groups of the visible agreements with the persons actually registered from each (``registered``)."""
    ids = agreements_visible(user).values("pk")
    return list(ExchangeGroup.objects.filter(agreement__in=ids).select_related("agreement", "employer")
                .annotate(registered=Count("members")).order_by("-arrived_on", "-id")[:LIST_LIMIT])


def group_get(user, pk) -> ExchangeGroup:
    group = ExchangeGroup.objects.filter(agreement__in=agreements_visible(user).values("pk"), pk=pk).first()
    if group is None:
        raise NotFound
    return group


def signing_region(user):
    """The district of the user's node (an agreement is signed by a district; a city user signs for the city)."""
    from laobao.core.models import Region

    own = user.region
    return Region.objects.filter(path=own.path[:15]).first() or own if len(own.path) > 15 else own


def person_by_id(user, number: str):
    return registry.person_by_citizen_id(user, (number or "").strip().upper())


def employer_by_code(user, code: str) -> Employer | None:
    """An employer of the user's jurisdiction by its credit code or organization code (exact), or None."""
    code = (code or "").strip().upper().replace("-", "")
    if not code:
        return None
    matches = [e for e in registry.employer_search(user, code) if code in (e.credit_code, e.org_code)]
    return matches[0] if len(matches) == 1 else None
