"""The figures of 充分就业社区, for every community under a region at once: a dozen grouped queries, each over the
region's subtree and grouped by the person's residence region (a community node). Persons living directly under a
street (no community recorded) belong to no community and are not counted here.

The year ``Y`` is read "as of" ``on`` = 31 December of Y, or today while Y is running; ``start`` = 1 January.
- labor force: the registered urban unemployment rate's two parts at the end of ``on``'s month, exactly as
  ``employment.registered_unemployment_rate`` defines them (urban hukou; see employment README);
- registered in the year: persons with a 失业登记 open at some day of the year; re-employed: of them, those with a
  registration ended on the ground employed in the year;
- zero-employment families: 零就业家庭 flags recorded in the year; helped = an employment relation started, or a
  registration ended on the ground employed, from the day recorded to ``N`` days later
  (``employment.full_employment_zero_family_days``); overdue = not helped and the N days over by ``on``;
- hard to employ: of the persons registered in the year, those 4050 at ``on`` (``employment.hard_to_employ_age``)
  or with a recorded hardship flag open at some day of the year; placed = re-employed as above;
- services: records of the five services checkable from the employment records, dated in the year, of persons
  living in the community.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import BooleanField, Count, DateField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone

from laobao.core.models import Region
from laobao.kpi.selectors import scoped
from laobao.policy.params import param
from laobao.registry.models import EmploymentRelation
from laobao.training.models import Enrolment

from ..indicators import registered_unemployed, urban_employed
from ..models import (AssistanceAction, EndGround, HardshipFlag, HardshipKind, ReemploymentCertificate, Referral,
                      UnemploymentRegistration)

PPATH = "person__residence_region__path"
SERVICES = {  # code → (model, date field, zh, en)
    "registration": (UnemploymentRegistration, "registered_on", "失业登记", "unemployment registration"),
    "certificate": (ReemploymentCertificate, "issued_on", "再就业优惠证发放", "re-employment certificates"),
    "assistance": (AssistanceAction, "acted_on", "再就业援助", "re-employment assistance"),
    "referral": (Referral, "referred_on", "职业介绍", "job referrals"),
    "training": (Enrolment, "enrolled_on", "技能培训报名", "training enrolment"),
}


@dataclass
class Figures:
    unemployed: int = 0
    employed: int = 0
    registered: int = 0
    reemployed: int = 0
    zero_families: int = 0
    zero_helped: int | None = 0
    zero_overdue: int | None = 0
    hard: int = 0
    hard_placed: int = 0
    services: dict = field(default_factory=lambda: dict.fromkeys(SERVICES, 0))


def as_of(year: int, today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return date(year, 1, 1), min(date(year, 12, 31), today)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _group(qs, key: str, **counts) -> dict:
    return {r[key]: r for r in qs.values(key).annotate(**counts).order_by()}


def registered_in_year(user, region: Region, start: date, on: date):
    qs = UnemploymentRegistration.objects.filter(registered_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    return scoped(qs, user, region, PPATH)


def reemployed_q(start: date, on: date) -> Q:
    return Q(end_reason=EndGround.EMPLOYED, ended_on__gte=start, ended_on__lte=on)


def old_q(on: date, prefix: str = "person__") -> Q:
    ages = param("employment.hard_to_employ_age", on).value
    old = Q()
    for sex, years in ages.items():
        old |= Q(**{f"{prefix}sex": sex, f"{prefix}birth_date__lte": _years_before(on, int(years))})
    return old


def flag_in_year(start: date, on: date, person_ref: str = "person"):
    return HardshipFlag.objects.filter(person=OuterRef(person_ref), recorded_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start))


def zero_flags(user, region: Region, start: date, on: date, days: int | None):
    """零就业家庭 flags recorded in the year, annotated ``helped`` (None when the period has no value)."""
    qs = scoped(HardshipFlag.objects.filter(kind=HardshipKind.ZERO_EMPLOYMENT_FAMILY, recorded_on__gte=start,
                                            recorded_on__lte=on), user, region, PPATH)
    if days is None:
        return qs
    deadline = ExpressionWrapper(F("recorded_on") + timedelta(days=days), output_field=DateField())
    relation = EmploymentRelation.objects.filter(person=OuterRef("person"), start_date__gte=OuterRef("recorded_on"),
                                                 start_date__lte=OuterRef("deadline"))
    ended = UnemploymentRegistration.objects.filter(person=OuterRef("person"), end_reason=EndGround.EMPLOYED,
                                                    ended_on__gte=OuterRef("recorded_on"),
                                                    ended_on__lte=OuterRef("deadline"))
    helped = ExpressionWrapper(Q(Exists(relation)) | Q(Exists(ended)), output_field=BooleanField())
    return qs.annotate(deadline=deadline).annotate(helped=helped)


def compute(user, region: Region, year: int, *, days: int | None, today: date | None = None,
            communities: list[int] | None = None) -> dict[int, Figures]:
    """residence region id → :class:`Figures` for every community with records under ``region``.

    ``communities`` (the ids of the community nodes under ``region``) narrows the labor-force queries (driven by the
    persons) by the residence region id as well as by the path: the same rows (only persons living in a community
    are grouped), but the planner walks the residence index instead of every person of the city (SQLite cannot use
    an index for LIKE). The other queries are driven by their record tables (registrations, flags, services: a few
    per cent of the persons) and keep the path filter only, so the planner starts from the records."""
    start, on = as_of(year, today)
    month = on.replace(day=1)
    out: dict[int, Figures] = defaultdict(Figures)
    own = {} if communities is None else {"residence_region__in": communities}
    for rid, r in _group(registered_unemployed(user, month, region), "person__residence_region",
                         n=Count("pk")).items():
        out[rid].unemployed = r["n"]
    for qs in urban_employed(user, month, region):
        for rid, r in _group(qs.filter(**own), "residence_region", n=Count("pk")).items():
            out[rid].employed += r["n"]
    year_regs = registered_in_year(user, region, start, on)
    for rid, r in _group(year_regs, "person__residence_region", n=Count("person", distinct=True),
                         e=Count("person", distinct=True, filter=reemployed_q(start, on))).items():
        out[rid].registered, out[rid].reemployed = r["n"], r["e"]
    flagged = Exists(flag_in_year(start, on))
    for qs in (year_regs.filter(old_q(on)), year_regs.exclude(old_q(on)).filter(flagged)):  # disjoint
        for rid, r in _group(qs, "person__residence_region", n=Count("person", distinct=True),
                             e=Count("person", distinct=True, filter=reemployed_q(start, on))).items():
            out[rid].hard += r["n"]
            out[rid].hard_placed += r["e"]
    _zero(out, zero_flags(user, region, start, on, days), on, days)
    for code, (model, day, _zh, _en) in SERVICES.items():
        qs = scoped(model.objects.filter(**{f"{day}__gte": start, f"{day}__lte": on}), user, region, PPATH)
        for rid, r in _group(qs, "person__residence_region", n=Count("pk")).items():
            out[rid].services[code] = r["n"]
    return dict(out)


def _zero(out: dict, flags, on: date, days: int | None) -> None:
    if days is None:
        for rid, r in _group(flags, "person__residence_region", n=Count("pk")).items():
            out[rid].zero_families, out[rid].zero_helped, out[rid].zero_overdue = r["n"], None, None
        return
    due = Q(helped=False, deadline__lt=on)
    for rid, r in _group(flags, "person__residence_region", n=Count("pk"), h=Count("pk", filter=Q(helped=True)),
                         o=Count("pk", filter=due)).items():
        out[rid].zero_families, out[rid].zero_helped, out[rid].zero_overdue = r["n"], r["h"], r["o"]
