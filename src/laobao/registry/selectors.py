"""Reads of the registry. Every queryset starts here and is narrowed by the user's jurisdiction."""

from __future__ import annotations

import re
from collections import Counter

from django.db import connection
from django.db.models import Count, Q, QuerySet

from laobao.core.errors import DomainError, NotFound
from laobao.core.identifiers import parse_citizen_id
from laobao.core.models import Region, Role
from laobao.core.scoping import can_read, region_prefix, within

from .models import Employer, EmploymentRelation, MergeConflict, Person, PortalLink

SEARCH_LIMIT = 50
_ID_LIKE = re.compile(r"^\d{15}$|^\d{17}[\dXx]$")
_MOBILE_LIKE = re.compile(r"^1\d{10}$")


def _link(user) -> PortalLink | None:
    return PortalLink.objects.filter(user=user).first()


def persons_visible(user) -> QuerySet[Person]:
    qs = within(Person.objects.all(), user, "person", "residence_region__path")
    if user is not None and getattr(user, "role", None) in (Role.CITIZEN, Role.EMPLOYER_USER):
        link = _link(user)
        if link is None:
            return qs.none()
        if user.role == Role.CITIZEN:
            return qs.filter(pk=link.person_id) if link.person_id else qs.none()
        if not link.employer_id:
            return qs.none()
        return qs.filter(relations__employer_id=link.employer_id, relations__end_date__isnull=True).distinct()
    return qs


def employers_visible(user) -> QuerySet[Employer]:
    qs = within(Employer.objects.all(), user, "employer", "region__path")
    if user is not None and getattr(user, "role", None) == Role.EMPLOYER_USER:
        link = _link(user)
        return qs.filter(pk=link.employer_id) if link and link.employer_id else qs.none()
    return qs


def relations_visible(user) -> QuerySet[EmploymentRelation]:
    """A relation is visible when its person or its employer is visible to the user."""
    if not can_read(user, "relation"):
        return EmploymentRelation.objects.none()
    if user.role in (Role.CITIZEN, Role.EMPLOYER_USER):
        return EmploymentRelation.objects.filter(
            Q(person__in=persons_visible(user)) | Q(employer__in=employers_visible(user))
        )
    prefix = region_prefix(user)
    return EmploymentRelation.objects.filter(
        Q(person__residence_region__path__startswith=prefix) | Q(employer__region__path__startswith=prefix)
    )


def regions_visible(user) -> QuerySet[Region]:
    return within(Region.objects.all(), user, "region", "path")


def conflicts_visible(user) -> QuerySet[MergeConflict]:
    return within(MergeConflict.objects.all(), user, "conflict", "person__residence_region__path")


def person_get(user, pk) -> Person:
    person = persons_visible(user).select_related("residence_region").filter(pk=pk).first()
    if person is None:
        raise NotFound
    return person


def employer_get(user, pk) -> Employer:
    employer = employers_visible(user).select_related("region").filter(pk=pk).first()
    if employer is None:
        raise NotFound
    return employer


def region_get(user, code: str) -> Region:
    if "\x00" in (code or ""):  # PostgreSQL refuses NUL in text: not a code, not a 500
        raise NotFound
    region = regions_visible(user).filter(code=code).first()
    if region is None:
        raise NotFound
    return region


def normalize_citizen_id(query: str) -> str | None:
    """The 18-digit form of an ID-like query (15-digit legacy numbers upgraded), or None."""
    try:
        return parse_citizen_id(query).number
    except DomainError:
        return None


def person_search(user, query: str, *, limit: int = SEARCH_LIMIT) -> list[Person]:
    """Find persons by citizen ID (exact, 15 or 18 digits), mobile (exact) or name (exact, then prefix)."""
    q = (query or "").strip().replace(" ", "").replace("\x00", "")
    if not q:
        return []
    base = persons_visible(user).select_related("residence_region")
    if _ID_LIKE.match(q):
        number = normalize_citizen_id(q)
        return list(base.filter(citizen_id=number)[:1]) if number else []
    if _MOBILE_LIKE.match(q):
        return list(base.filter(mobile=q)[:limit])
    exact = list(base.filter(name=q)[:limit])
    if len(exact) >= limit:
        return exact
    return exact + list(_names_starting_with(base, q)[: limit - len(exact)])


def _names_starting_with(qs: QuerySet, prefix: str) -> QuerySet:
    """Names that start with ``prefix`` (the exact name excluded), through the name index on both backends.

    SQLite cannot use an index for ``LIKE … ESCAPE``; a range over its binary (code point) order can.
    PostgreSQL gets Django's ``varchar_pattern_ops`` index for ``LIKE 'prefix%'``.
    """
    if connection.vendor == "sqlite":
        return qs.filter(name__gt=prefix, name__lt=prefix + "\U0010ffff")
    return qs.filter(name__startswith=prefix).exclude(name=prefix)


def person_by_citizen_id(user, number: str) -> Person | None:
    """Exact lookup by the 18-digit number (the hot path at the counter)."""
    return persons_visible(user).filter(citizen_id=number).first()


def employer_search(user, query: str, *, limit: int = SEARCH_LIMIT) -> list[Employer]:
    query = (query or "").replace("\x00", "")  # PostgreSQL refuses NUL in text
    q = query.strip().replace(" ", "").upper()
    if not q:
        return []
    base = employers_visible(user).select_related("region")
    if len(q) == 18 and q.isascii() and q.isalnum():  # isalnum() alone is true for Chinese names too
        return list(base.filter(credit_code=q)[:1])
    if len(q) in (9, 10) and q.replace("-", "").isalnum() and not any("\u4e00" <= c <= "\u9fff" for c in q):
        return list(base.filter(org_code=q.replace("-", ""))[:1])
    q = (query or "").strip()
    return list(base.filter(name__contains=q)[:limit])


def employees(user, employer: Employer, *, current_only: bool = True) -> QuerySet[EmploymentRelation]:
    qs = relations_visible(user).filter(employer=employer).select_related("person")
    return qs.filter(end_date__isnull=True) if current_only else qs


def person_relations(user, person: Person) -> QuerySet[EmploymentRelation]:
    return relations_visible(user).filter(person=person).select_related("employer")


def region_counts(user, region: Region) -> list[dict]:
    """Children of ``region`` (in the user's jurisdiction) with their person and employer counts."""
    children = list(regions_visible(user).filter(parent=region).order_by("code"))
    if not children:
        return []
    persons = Counter()
    for row in (
        persons_visible(user).filter(residence_region__path__startswith=region.path)
        .values("residence_region__path").annotate(n=Count("id"))
    ):
        persons[row["residence_region__path"]] += row["n"]
    employers = Counter()
    for row in (
        employers_visible(user).filter(region__path__startswith=region.path)
        .values("region__path").annotate(n=Count("id"))
    ):
        employers[row["region__path"]] += row["n"]
    out = []
    for child in children:
        out.append({
            "region": child,
            "persons": sum(n for p, n in persons.items() if p.startswith(child.path)),
            "employers": sum(n for p, n in employers.items() if p.startswith(child.path)),
        })
    return out
