"""Helpers of the employment-core tests (helper F): staff of the fixture city and a registered person."""

from __future__ import annotations

from datetime import date

from laobao.core.context import acting_as
from laobao.core.models import Role
from laobao.employment import services

from conftest import make_id


def staff(make_user, city) -> dict:
    return {"worker": make_user(Role.COMMUNITY_CASEWORKER, city["c11"]),
            "street": make_user(Role.STREET_OFFICER, city["s1"]),
            "officer": make_user(Role.DISTRICT_OFFICER, city["gusu"]),
            "officer2": make_user(Role.DISTRICT_OFFICER, city["gusu"])}


def person(make_person, region, *, birth="19800101", seq=1, name="求职甲", hukou="urban"):
    """A person born ``birth``; odd ``seq`` = man, even = woman (the ID's 17th digit)."""
    return make_person(region, name=name, citizen_id=make_id(birth=birth, seq=seq), hukou_type=hukou)


def register(user, p, day=date(2026, 6, 10), **kw):
    kw.setdefault("able_to_work", True)
    kw.setdefault("willing_to_work", True)
    with acting_as(user):
        return services.register(user=user, person=p, registered_on=day, involuntary=kw.pop("involuntary", True),
                                 reason="劳动合同期满终止", **kw)
