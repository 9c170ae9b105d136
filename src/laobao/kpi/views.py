"""The indicators page: the registry's figures for a month and a region, with the plan's targets."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import get_language

from laobao.core.errors import DomainError, NotFound
from laobao.core.scoping import can_read
from laobao.core.views import page, region_label, require, staff_view
from laobao.registry.selectors import regions_visible

from . import selectors
from .registry import is_registered
from .targets import PLAN_TARGETS


def _region(user, code: str):
    if not code:
        return None
    region = regions_visible(user).filter(code=code.strip()[:12]).first()
    if region is None:
        raise NotFound
    return region


@staff_view
def indicators(request):
    """Figures at the end of the chosen month (default: this month) for the user's jurisdiction or a node in it."""
    user = request.user
    require(can_read(user, "indicator"))
    month_text = (request.GET.get("month") or timezone.localdate().strftime("%Y-%m"))[:7]
    error = None
    try:
        month = selectors.parse_month(month_text)
    except DomainError as exc:
        error, month = exc.problems[0].text(get_language() or "zh-hans"), timezone.localdate().replace(day=1)
    region = _region(user, request.GET.get("region", ""))
    results = selectors.evaluate(user, month, region)
    effective = results[0].region if results else user.region
    english = (get_language() or "").startswith("en")
    return page(request, "kpi/indicators.html", {
        "month": month.strftime("%Y-%m"), "month_end": selectors.month_end(month), "error": error,
        "region_label": region_label(effective), "region_code": effective.code,
        "children": regions_visible(user).filter(parent=effective).order_by("code"),
        "results": [_row(r, english) for r in results],
        "targets": [_target(t, english) for t in PLAN_TARGETS],
    })


def _row(result, english: bool) -> dict:
    ind = result.indicator
    return {
        "code": ind.code, "name": ind.name_en if english else ind.name_zh,
        "unit": ind.unit_en if english else ind.unit, "value": result.value,
        "definition": ind.definition_en if english else ind.definition_zh,
        "rows": [{"label": r.label_en if english else r.label_zh, "value": r.value} for r in result.rows],
    }


def _target(t, english: bool) -> dict:
    return {
        "name": t.name_en if english else t.name_zh, "section": t.section,
        "target": f"{t.target.direction} {t.target.value} {t.unit_en if english else t.unit}",
        "baseline": t.baseline_2005.value if t.baseline_2005 else "", "computed": is_registered(t.code),
    }
