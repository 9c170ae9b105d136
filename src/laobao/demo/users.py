"""Demo logins: one user per role, bound to a region where the fixed cast can be seen.

Passwords are derived from the seed and the user name (SHA-256, 16 characters from a 57-letter
alphabet, about 93 bits), so a demo is reproducible and its logins can be printed again with
``laobao demo --if-empty``. Anyone who knows the seed knows them: demo databases only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction

from laobao.core import audit
from laobao.core.models import Region, RegionLevel, Role, User
from laobao.core.services import user_add
from laobao.registry.models import Employer, PortalLink, Person

from . import cast

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
COMMUNITY, STREET, GUSU, CITY = "community", cast.CAST_STREET, "320508", "320500"

# (username, role, region: a code or COMMUNITY for the cast's community, portal record)
DEMO_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("caseworker_gusu", Role.COMMUNITY_CASEWORKER, COMMUNITY, ""),
    ("street_pingjiang", Role.STREET_OFFICER, STREET, ""),
    ("district_gusu", Role.DISTRICT_OFFICER, GUSU, ""),
    ("city_officer", Role.CITY_OFFICER, CITY, ""),
    ("inspector_gusu", Role.INSPECTOR, GUSU, ""),
    ("arbitrator_city", Role.ARBITRATOR, CITY, ""),
    ("fund_supervisor", Role.FUND_SUPERVISOR, CITY, ""),
    ("leader", Role.LEADER, CITY, ""),
    ("auditor", Role.AUDITOR, CITY, ""),
    ("sysadmin", Role.SYSTEM_ADMIN, CITY, ""),
    ("secadmin", Role.SECURITY_ADMIN, CITY, ""),
    ("citizen_zhangwei", Role.CITIZEN, COMMUNITY, "person:zhangwei"),
    ("employer_hepan", Role.EMPLOYER_USER, COMMUNITY, "employer:hepan"),
)


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    region: str  # code and name
    password: str
    created: bool


def demo_password(seed: int, username: str) -> str:
    number = int.from_bytes(hashlib.sha256(f"laobao-demo/{seed}/{username}".encode()).digest(), "big")
    chars = []
    for _ in range(16):
        number, r = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[r])
    return "".join(chars)


def cast_community() -> Region | None:
    """The community of the fixed cast: the first one (by code) under 平江街道."""
    return (Region.objects.filter(parent__code=cast.CAST_STREET, level=RegionLevel.COMMUNITY, valid_to__isnull=True)
            .order_by("code").first())


def ensure_users(seed: int) -> list[Login]:
    """Create the demo users that do not exist yet; return every login with its demo password.

    A citizen or employer login is created only when its cast record exists (a generated city).
    Run inside ``acting_as(None, username="cli:demo")``: each user is added through
    :func:`laobao.core.services.user_add` and audited there.
    """
    community = cast_community()
    logins = []
    for username, role, where, portal in DEMO_USERS:
        code = community.code if where == COMMUNITY and community else where
        region = Region.objects.filter(code=code).first()
        if region is None or (where == COMMUNITY and community is None):
            continue
        target = _portal_target(portal)
        if portal and target is None:
            continue
        password = demo_password(seed, username)
        created = not User.objects.filter(username=username).exists()
        if created:
            _add(username, role, region, password, target)
        logins.append(Login(username, str(role), f"{region.code} {region.name}", password, created))
    return logins


def cast_member(kind: str, key: str):
    """The cast's person or employer with ``key`` in this database (None before the demo is loaded)."""
    if kind == "person":
        p = next(p for p in cast.PERSONS if p.key == key)
        return Person.objects.filter(name=p.name, birth_date=p.birth, hukou_region_code=p.hukou_region_code,
                                     citizen_id__startswith=p.prefix).first()
    e = next(e for e in cast.EMPLOYERS if e.key == key)
    return Employer.objects.filter(name=e.name, org_code__startswith=e.org_body).first()


def _portal_target(portal: str):
    return cast_member(*portal.split(":")) if portal else None


@transaction.atomic
def _add(username: str, role: str, region: Region, password: str, target) -> None:
    user, _ = user_add(username=username, role=role, region_code=region.code, password=password)
    if target is None:
        return
    link = PortalLink.objects.create(
        user=user, person=target if isinstance(target, Person) else None,
        employer=target if isinstance(target, Employer) else None,
    )
    audit.record("portal.link", object_type="user", object_id=user.pk, region_path=region.path,
                 after={"person": link.person_id, "employer": link.employer_id})
