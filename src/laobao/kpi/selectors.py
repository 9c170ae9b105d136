"""Reads for indicators: the month cut, the region a user's figures cover, scoped querysets, evaluation.

Scoping: ``user`` None is the operator at the machine (CLI) and sees the whole city. Any other user
must hold the "indicator" read (:func:`laobao.core.scoping.can_read`) and sees only their own
subtree: a leader bound to 姑苏 asking for the city gets 姑苏's figures, asking for 吴中 gets nothing
(NotFound). Indicators are aggregates: a leader reads counts, never the rows behind them.

Time: a figure "for a month" is the state at the end of that month (see :func:`month_end` and
:func:`month_cut`); ``month`` is always the first day of the month.
"""

from __future__ import annotations

import calendar
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from laobao.core.errors import DomainError, Forbidden, NotFound
from laobao.core.models import Region
from laobao.core.scoping import can_read, within

from .registry import Indicator, Row, Value, all_indicators, get, json_value

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | None, *, today: date | None = None) -> date:
    """``YYYY-MM`` → the first day of that month. Future months are refused: their state is unknown."""
    m = _MONTH_RE.match((text or "").strip())
    year, month = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    if not m or not 1 <= month <= 12 or year < 1900:
        raise DomainError.of(
            "month", "month.format",
            f"月份“{text}”格式不对：请写成 YYYY-MM，例如 2010-12",
            f"Month '{text}' is not valid: write it as YYYY-MM, e.g. 2010-12",
        )
    first = date(year, month, 1)
    today = today or timezone.localdate()
    if first > today.replace(day=1):
        raise DomainError.of(
            "month", "month.future",
            f"月份 {text} 尚未到来：请选择本月或以前的月份",
            f"Month {text} has not come yet: choose this month or an earlier one",
        )
    return first


def month_end(month: date) -> date:
    """The last day of ``month``."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_cut(month: date) -> datetime:
    """The first instant after ``month`` in the bureau's time zone: records created before it count."""
    return timezone.make_aware(datetime.combine(month_end(month) + timedelta(days=1), time.min))


def city_root() -> Region:
    root = Region.objects.filter(parent__isnull=True).order_by("code").first()
    if root is None:
        raise DomainError.of("region", "region.tree_missing", "尚未载入行政区划：请先运行 laobao migrate",
                             "The region tree is not loaded: run laobao migrate first")
    return root


def region_by_code(code: str) -> Region:
    """A region by its code, for the CLI (the operator may name any node, current or abolished)."""
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise DomainError.of(
            "region", "region.unknown",
            f"区划代码“{code}”不存在：请填写 6 位区县代码或 12 位街道/社区代码，例如 320508",
            f"Region code '{code}' does not exist: enter a 6-digit district or a 12-digit street or community "
            "code, e.g. 320508",
        )
    return region


def scope_region(user, region: Region | None = None) -> Region:
    """The region whose subtree ``user`` gets figures for, when asking about ``region``.

    Raises Forbidden when the user may not read indicators at all, NotFound when ``region`` lies
    outside (and not above) the user's jurisdiction.
    """
    if user is None:
        return region or city_root()
    if not can_read(user, "indicator"):
        raise Forbidden
    own = user.region
    if region is None or own.path.startswith(region.path):
        return own
    if region.path.startswith(own.path):
        return region
    raise NotFound


def scoped(qs: QuerySet, user, region: Region, path_lookup: str) -> QuerySet:
    """``qs`` narrowed to the user's jurisdiction (kind "indicator") and to ``region``'s subtree."""
    if user is not None:
        qs = within(qs, user, "indicator", path_lookup)
    return qs.filter(**{f"{path_lookup}__startswith": region.path})


@dataclass(frozen=True)
class Result:
    """One indicator computed for one month and one region."""

    indicator: Indicator
    month: date
    region: Region
    value: Value
    rows: tuple[Row, ...] = ()

    def as_dict(self) -> dict:
        ind = self.indicator
        return {
            "code": ind.code, "name_zh": ind.name_zh, "name_en": ind.name_en,
            "unit": ind.unit, "unit_en": ind.unit_en,
            "definition_zh": ind.definition_zh, "definition_en": ind.definition_en,
            "month": self.month.strftime("%Y-%m"), "month_end": month_end(self.month).isoformat(),
            "region": {"code": self.region.code, "name_zh": self.region.name, "name_en": self.region.name_en},
            "value": json_value(self.value),
            "rows": [row.as_dict() for row in self.rows],
            "target": ind.target.as_dict() if ind.target else None,
            "target_met": ind.target.met(self.value) if ind.target else None,
            "baseline_2005": ind.baseline_2005.as_dict() if ind.baseline_2005 else None,
        }


def evaluate_one(indicator: Indicator, user, month: date, region: Region) -> Result:
    """Run one indicator; ``region`` must already be scoped (see :func:`scope_region`)."""
    out = indicator.compute(user, month, region)
    if isinstance(out, list):
        rows = tuple(out)
        value = sum(r.value for r in rows if r.value is not None) if indicator.additive else None
        return Result(indicator, month, region, value, rows)
    return Result(indicator, month, region, out)


_SHARED: ContextVar[dict | None] = ContextVar("kpi_shared", default=None)


def shared(key: tuple, compute: Callable[[], object]):
    """A count several indicators need (e.g. the unemployment rate's parts, for the city and by district),
    computed once per :func:`evaluate` call; outside one (a compute called directly) it is simply computed.
    ``key`` must name everything the count depends on (indicator family, user, month, region)."""
    memo = _SHARED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def evaluate(user, month: date, region: Region | None = None, codes: list[str] | None = None) -> list[Result]:
    """Every registered indicator (or those in ``codes``) for ``month`` and the user's view of ``region``."""
    effective = scope_region(user, region)
    indicators = [get(c) for c in codes] if codes else all_indicators()
    token = _SHARED.set({})  # shared counts live for this one evaluation only: never stale across requests
    try:
        return [evaluate_one(ind, user, month, effective) for ind in indicators]
    finally:
        _SHARED.reset(token)
