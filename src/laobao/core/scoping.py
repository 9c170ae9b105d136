"""Jurisdiction: the one place that decides what a user may read and do. Deny by default.

Every selector in every app narrows its queryset with :func:`within`. A user reads a kind of record
only if (1) the account is active, (2) its role is known and grants that kind, and (3) it is bound
to a region node that is in force; the rows are then those whose region path lies in that subtree.
A row with no region matches no prefix and is seen by nobody (security.md B2). Permissions are
looked up on every request, never cached (B9).
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Role

STAFF_REGISTRY = frozenset({"person", "employer", "relation", "region", "indicator", "conflict"})

# What each role may read. "self" roles (citizen, employer user) are further narrowed to their own
# record by the registry selectors.
READS: dict[str, frozenset[str]] = {
    Role.COMMUNITY_CASEWORKER: STAFF_REGISTRY,
    Role.STREET_OFFICER: STAFF_REGISTRY,
    Role.DISTRICT_OFFICER: STAFF_REGISTRY,
    Role.CITY_OFFICER: STAFF_REGISTRY,
    Role.INSPECTOR: frozenset({"person", "employer", "relation", "region"}),
    Role.ARBITRATOR: frozenset({"person", "employer", "relation", "region"}),
    Role.FUND_SUPERVISOR: frozenset({"employer", "region", "indicator"}),
    Role.LEADER: frozenset({"region", "indicator"}),
    Role.EMPLOYER_USER: frozenset({"employer", "relation", "person"}),
    Role.CITIZEN: frozenset({"person", "relation"}),
    Role.AUDITOR: frozenset({"audit", "region"}),
    Role.SYSTEM_ADMIN: frozenset({"region"}),
    Role.SECURITY_ADMIN: frozenset({"region", "user"}),
}

SELF_SCOPED = frozenset({Role.CITIZEN, Role.EMPLOYER_USER})
BACK_OFFICE = frozenset(set(Role) - SELF_SCOPED)

_REGISTRY_WRITERS = frozenset(
    {Role.COMMUNITY_CASEWORKER, Role.STREET_OFFICER, Role.DISTRICT_OFFICER, Role.CITY_OFFICER}
)
# What each role may do beyond reading.
ACTIONS: dict[str, frozenset[str]] = {
    "registry.write": _REGISTRY_WRITERS,
    "person.reveal_id": _REGISTRY_WRITERS | {Role.INSPECTOR, Role.ARBITRATOR},
    "registry.import": frozenset({Role.DISTRICT_OFFICER, Role.CITY_OFFICER}),
    "registry.export": frozenset({Role.DISTRICT_OFFICER, Role.CITY_OFFICER}),
    # 冲正、退款、认领 of payments (insurance.collection.corrections): district and city officers
    "collection.correct": frozenset({Role.DISTRICT_OFFICER, Role.CITY_OFFICER}),
    "conflict.resolve": _REGISTRY_WRITERS,
    "benefit.write": _REGISTRY_WRITERS,  # receive and recheck benefit claims (benefits app)
    "benefit.approve": frozenset({Role.DISTRICT_OFFICER, Role.CITY_OFFICER}),  # decide them (second person)
    # employment services (issue 6): registration, certificates, assistance, referrals at the counter
    "employment.write": _REGISTRY_WRITERS,
    "employment.approve": frozenset({Role.DISTRICT_OFFICER, Role.CITY_OFFICER}),  # support applications
    # vacancies: an employer posts its own; staff post for employers at the counter or a job fair
    "vacancy.post": _REGISTRY_WRITERS | {Role.EMPLOYER_USER},
    "training.write": _REGISTRY_WRITERS,  # courses, enrolments, results, certificates at the counter
    "audit.read": frozenset({Role.AUDITOR}),
    "user.manage": frozenset({Role.SECURITY_ADMIN}),
}


def region_prefix(user) -> str | None:
    """The path prefix of the user's jurisdiction, or None when the user may see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role not in READS or user.region_id is None:
        return None
    region = user.region
    if not region.is_current():
        return None
    return region.path


def can_read(user, kind: str) -> bool:
    return region_prefix(user) is not None and kind in READS.get(user.role, frozenset())


def can(user, action: str) -> bool:
    return region_prefix(user) is not None and user.role in ACTIONS.get(action, frozenset())


def in_scope(user, path: str | None) -> bool:
    prefix = region_prefix(user)
    return bool(prefix and path and path.startswith(prefix))


def within(qs: QuerySet, user, kind: str, path_lookup: str) -> QuerySet:
    """Narrow ``qs`` to the user's subtree, by the region path reached through ``path_lookup``."""
    prefix = region_prefix(user)
    if prefix is None or kind not in READS.get(user.role, frozenset()):
        return qs.none()
    return qs.filter(**{f"{path_lookup}__startswith": prefix})
