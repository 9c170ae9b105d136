"""/regions: the region tree within the caller's jurisdiction, with person and employer counts."""

from __future__ import annotations

from datetime import date
from typing import Optional

from ninja import Query, Router, Schema

from laobao.core.models import Region
from laobao.registry import selectors

from .schemas import ERRORS, Code, PageParams, Text, page

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    name_en: str
    level: str
    parent_code: Optional[str]
    valid_from: Optional[date]
    valid_to: Optional[date]


class RegionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RegionOut]


class RegionCountOut(RegionOut):
    persons: int
    employers: int


class RegionFilters(Schema):
    level: Optional[Text(12)] = None
    parent: Optional[Code] = None
    current: bool = True


def region_out(r: Region) -> dict:
    return {
        "code": r.code, "name": r.name, "name_en": r.name_en, "level": r.level,
        "parent_code": r.parent.code if r.parent_id else None, "valid_from": r.valid_from, "valid_to": r.valid_to,
    }


@router.get("/regions", response={200: RegionPage, **ERRORS}, summary="Regions in your jurisdiction")
def list_regions(request, filters: Query[RegionFilters], paging: Query[PageParams]):
    rows = selectors.regions_visible(request.auth).select_related("parent").order_by("path")
    if filters.level:
        rows = rows.filter(level=filters.level)
    if filters.parent:
        rows = rows.filter(parent__code=filters.parent)
    if filters.current:
        rows = rows.filter(valid_to__isnull=True)
    return page(rows, paging, region_out)


@router.get("/regions/{code}", response={200: RegionOut, **ERRORS}, summary="One region")
def get_region(request, code: Code):
    return region_out(selectors.region_get(request.auth, code))


@router.get("/regions/{code}/children", response={200: list[RegionCountOut], **ERRORS},
            summary="Child regions with person and employer counts")
def region_children(request, code: Code):
    region = selectors.region_get(request.auth, code)
    return [region_out(row["region"]) | {"persons": row["persons"], "employers": row["employers"]}
            for row in selectors.region_counts(request.auth, region)]
