"""Pages of 充分就业社区: a district's (or the user's own node's) communities with their figures and assessment, and
one community with the records behind each figure. Thin: parse, call the selectors, render."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from laobao.core.models import RegionLevel
from laobao.core.scoping import can_read
from laobao.core.views import page, require, staff_view

from . import selectors
from .assessment import LABELS, PARAMS, standards
from .figures import SERVICES, as_of


def _year(request) -> tuple[int, str]:
    this_year = timezone.localdate().year
    raw = (request.GET.get("year") or "").strip()
    if not raw:
        return this_year, ""
    if raw.isdigit() and 2000 <= int(raw) <= this_year:
        return int(raw), ""
    return this_year, _("年份无效：请填写2000年至今年之间的年份，已显示今年")


def _standards(year: int) -> list[dict]:
    values = standards(as_of(year)[1])
    return [{"code": code, "label": LABELS[code][0], "label_en": LABELS[code][1], "param": PARAMS[code],
             "value": values[code]} for code in PARAMS]


@staff_view
@require_GET
def community_list(request):
    require(can_read(request.user, "indicator"))
    year, problem = _year(request)
    region = selectors.region_for(request.user, request.GET.get("region"))
    districts = selectors.districts_of(region) if region.level == RegionLevel.CITY else []
    rows = [] if districts else selectors.table(request.user, region, year)
    return page(request, "employment/communities/list.html", {
        "region": region, "year": year, "problem": problem, "rows": rows, "districts": districts,
        "standards": _standards(year), "met": sum(1 for r in rows if r.assessment.result == "met")})


@staff_view
@require_GET
def community_detail(request, code: str):
    require(can_read(request.user, "indicator"))
    year, problem = _year(request)
    row = selectors.community(request.user, code, year)
    return page(request, "employment/communities/detail.html", {
        "row": row, "region": row.region, "year": year, "problem": problem, "standards": _standards(year),
        "records": selectors.records(request.user, row.region, year), "names": selectors.may_see_names(request.user),
        "services": [(code, zh, en) for code, (_m, _d, zh, en) in SERVICES.items()]})
