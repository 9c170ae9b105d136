"""Reads of 充分就业社区: a region's communities with their figures and assessment, one community with the records
behind each figure. Figures need ``indicator`` reading (kpi.selectors.scope_region: the user's own subtree; a node
outside it answers 404); the names behind the figures need ``person`` reading too (a leader sees counts only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, Q

from laobao.core.errors import NotFound
from laobao.core.models import Region, RegionLevel
from laobao.core.scoping import can_read
from laobao.kpi.selectors import city_root, scope_region

from ..indicators import registered_unemployed
from ..models import EndGround
from .assessment import Assessment, assess, standards, zero_days
from .figures import (SERVICES, Figures, as_of, compute, flag_in_year, old_q, reemployed_q, registered_in_year,
                      scoped, zero_flags)

LIST_LIMIT = 500


@dataclass(frozen=True)
class CommunityRow:
    region: Region
    figures: Figures
    assessment: Assessment


def communities_under(region: Region, start: date):
    return Region.objects.filter(level=RegionLevel.COMMUNITY, path__startswith=region.path).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)).order_by("code")


def region_for(user, code: str | None) -> Region:
    """The node asked for, narrowed to the user's jurisdiction (None: the user's own node; the operator: the city)."""
    region = None
    if code:
        region = Region.objects.filter(code=code.strip()).first()
        if region is None:
            raise NotFound
    return scope_region(user, region) if user is not None else (region or city_root())


def districts_of(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region, level=RegionLevel.DISTRICT, valid_to__isnull=True).order_by("code"))


def table(user, region: Region, year: int, *, today: date | None = None) -> list[CommunityRow]:
    """Every community under ``region`` (already scoped) with its figures and assessment, by code."""
    start, on = as_of(year, today)
    std = standards(on)
    nodes = list(communities_under(region, start))
    if not nodes:
        return []
    figures = compute(user, region, year, days=zero_days(on), today=today, communities=[c.pk for c in nodes])
    return [CommunityRow(c, figures.get(c.pk, Figures()), assess(figures.get(c.pk, Figures()), std)) for c in nodes]


def community(user, code: str, year: int, *, today: date | None = None) -> CommunityRow:
    region = Region.objects.filter(code=(code or "").strip(), level=RegionLevel.COMMUNITY).first()
    if region is None:
        raise NotFound
    if user is not None and scope_region(user, region) != region:  # a community above the user's node: not theirs
        raise NotFound
    rows = table(user, region, year, today=today)
    if not rows:
        raise NotFound
    return rows[0]


def may_see_names(user) -> bool:
    return user is None or can_read(user, "person")


def records(user, region: Region, year: int, *, today: date | None = None) -> dict[str, list[dict]]:
    """The records behind each figure of one community (names only for users who may read persons)."""
    if not may_see_names(user):
        return {}
    start, on = as_of(year, today)
    month = on.replace(day=1)
    person = ("person_id", "person__name")
    out = {"unemployed": list(registered_unemployed(user, month, region).order_by("person__name")
                              .values(*person, "registered_on")[:LIST_LIMIT])}
    year_regs = registered_in_year(user, region, start, on).order_by("person__name", "registered_on")
    out["registered"] = list(year_regs.values(*person, "registered_on", "ended_on", "end_reason")[:LIST_LIMIT])
    for r in out["registered"]:
        r["end_label"] = EndGround(r["end_reason"]).label if r["end_reason"] in EndGround.values else r["end_reason"]
    out["reemployed"] = [r for r in out["registered"] if r["end_reason"] == EndGround.EMPLOYED and r["ended_on"]
                         and start <= r["ended_on"] <= on]
    placed = year_regs.filter(reemployed_q(start, on)).annotate(flagged=Exists(flag_in_year(start, on)))
    out["hard"] = list(placed.filter(Q(flagged=True) | old_q(on)).values(*person, "ended_on")[:LIST_LIMIT])
    days = zero_days(on)
    flags = zero_flags(user, region, start, on, days).order_by("recorded_on")
    fields = [*person, "recorded_on", "source"] + (["deadline", "helped"] if days is not None else [])
    out["zero_families"] = list(flags.values(*fields)[:LIST_LIMIT])
    for code, (model, day, _zh, _en) in SERVICES.items():
        qs = scoped(model.objects.filter(**{f"{day}__gte": start, f"{day}__lte": on}), user, region,
                    "person__residence_region__path")
        out[f"service_{code}"] = list(qs.order_by(day).values(*person, day)[:LIST_LIMIT])
    return out
