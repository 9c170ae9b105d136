"""Indicators of migrant and rural labor (kpi registry), by district and month; each one or two grouped queries.

The plan (苏州市劳动和社会保障事业发展“十一五”规划) gives no numeric 2006–2010 target for these; it gives the end of
the 10th plan (一(一)): 纳入用工管理的外来劳动力 111.55万人, of whom 苏北劳动力 18.5万 and 对口挂钩地区输入的劳动力
登记人数 4.3万; 一(三): 农村富余劳动力 registered for employment since 2002, 19.49万 of them trained 2002–2005;
二(二)2: 绝对剩余劳动力 20多万 among the 50多万 农转非 of land expropriation. The 2005 stock of migrants is the
baseline of ``employment.migrants_registered``; the others are quoted in the definitions only (different measures).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Value, When

from laobao.kpi.districts import count_rows, district_labels, district_of, with_district
from laobao.kpi.registry import Baseline, Indicator, Row, register, share
from laobao.kpi.selectors import month_end, scoped
from laobao.registry.models import EmploymentRelation

from .models import ExchangeGroup, MigrantRegistration, PartnerKind, RuralLaborer, RuralTransfer
from .origins import CITY_PREFIX, NORTH_JIANGSU

PATH = "region__path"
ORIGINS = {"north": ("苏北", "north Jiangsu"), "jiangsu": ("省内其他", "rest of Jiangsu"),
           "city": ("本市其他区县（农村户籍）", "other districts of the city (rural hukou)"),
           "other": ("外省", "other provinces")}
KINDS = {k: (str(label), k) for k, label in PartnerKind.choices}
KIND_EN = {"paired": "paired region", "north": "north Jiangsu", "other": "other region"}


def open_at(end: date) -> Q:
    return Q(registered_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))


def relation_active(end: date, person_ref: str = "person"):
    return EmploymentRelation.objects.filter(person=OuterRef(person_ref), start_date__lte=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=end))


def _origin_group():
    north = Q()
    for prefix in NORTH_JIANGSU:
        north |= Q(origin_code__startswith=prefix)
    return Case(When(north, then=Value("north")), When(origin_code__startswith=CITY_PREFIX, then=Value("city")),
                When(origin_code__startswith="32", then=Value("jiangsu")), default=Value("other"),
                output_field=CharField())


def migrants(user, month: date, region):
    return scoped(MigrantRegistration.objects.filter(open_at(month_end(month))), user, region, PATH)


def migrants_registered(user, month: date, region) -> list[Row]:
    qs = migrants(user, month, region).annotate(origin=_origin_group())
    return count_rows(qs, PATH, "origin", order=list(ORIGINS), labels=lambda v: ORIGINS[v])


def employed_sets(user, month: date, region) -> tuple:
    """Disjoint: (a) an employment relation active at the month end; (b) none, but an employer on the registration."""
    base = migrants(user, month, region)
    active = Exists(relation_active(month_end(month)))
    return base.filter(active), base.filter(~active, employer__isnull=False)


def _by_district(qs, path: str) -> Counter:
    got: Counter[str] = Counter()
    for r in with_district(qs, path).values("district").annotate(n=Count("pk")).order_by():
        got[district_of(r["district"])] += r["n"]
    return got


def _district_rows(got: dict, value) -> list[Row]:
    labels = district_labels({d for d in got if d})
    return [Row(key=(("district", labels[d][0]),), label_zh=labels[d][1], label_en=labels[d][2], value=value(d))
            for d in sorted(got, key=lambda d: labels[d][0])]


def migrants_employed(user, month: date, region) -> list[Row]:
    got = sum((_by_district(qs, PATH) for qs in employed_sets(user, month, region)), Counter())
    return _district_rows(got, lambda d: got[d])


def transferred_in_year(user, month: date, region):
    """Laborers with a transfer dated from 1 January to the month end (each counted once)."""
    window = RuralTransfer.objects.filter(laborer=OuterRef("pk"), transferred_on__gte=month.replace(month=1, day=1),
                                          transferred_on__lte=month_end(month))
    return scoped(RuralLaborer.objects.filter(Exists(window)), user, region, PATH)


def rural_transferred_year(user, month: date, region) -> list[Row]:
    got = _by_district(transferred_in_year(user, month, region), PATH)
    return _district_rows(got, lambda d: got[d])


def rural_counts(user, month: date, region) -> dict[str, tuple[int, int]]:
    """district → (laborers registered at the month end, of whom in non-farm work at the month end)."""
    end = month_end(month)
    working = RuralTransfer.objects.filter(laborer=OuterRef("pk"), transferred_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=end))
    registered = scoped(RuralLaborer.objects.filter(open_at(end)), user, region, PATH)
    total, moved = _by_district(registered, PATH), _by_district(registered.filter(Exists(working)), PATH)
    return {d: (total[d], moved[d]) for d in total}


def rural_transferred_share(user, month: date, region) -> list[Row]:
    got = rural_counts(user, month, region)
    return _district_rows(got, lambda d: share(got[d][1], got[d][0]))


def brought(user, month: date, region):
    """Migrant registrations of persons who arrived with an exchange group whose arrival day is in the month."""
    qs = MigrantRegistration.objects.filter(group__arrived_on__gte=month, group__arrived_on__lte=month_end(month))
    return scoped(qs.annotate(kind=ExchangeGroup.objects.filter(pk=OuterRef("group")).values("agreement__partner_kind")[:1]),
                  user, region, PATH)


def exchange_brought(user, month: date, region) -> list[Row]:
    return count_rows(brought(user, month, region), PATH, "kind", order=PartnerKind.values,
                      labels=lambda k: (KINDS.get(k, (k, k))[0], KIND_EN.get(k, k)))


register(Indicator(
    code="employment.migrants_registered", name_zh="外来劳动力登记人数（月末）", name_en="Migrant workers registered",
    unit="人", unit_en="persons", compute=migrants_registered,
    definition_zh="月末有效的外来劳动力登记（登记日不晚于月末、未注销或注销日在月末之后），按登记地所在区和来源（苏北、省内其他、"
                  "本市其他区县农村户籍、外省）分组。",
    definition_en="Migrant registrations open at the month end, by district of registration and origin (north Jiangsu, "
                  "rest of Jiangsu, rural hukou of another district of the city, other provinces).",
    baseline_2005=Baseline(1_115_500, "一(一)", "“十五”期末全市纳入用工管理的外来劳动力111.55万人（其中苏北劳动力18.5万人）",
                           "migrant workers under employment management at the end of 2005: 1,115,500 "
                           "(185,000 of them from north Jiangsu)")))
register(Indicator(
    code="employment.migrants_employed", name_zh="在业外来劳动力人数（月末）", name_en="Migrant workers in employment",
    unit="人", unit_en="persons", compute=migrants_employed,
    definition_zh="月末有效的外来劳动力登记中，月末有在职劳动关系的人数，加上没有劳动关系但登记了用工单位的人数；按登记地所在区。",
    definition_en="Of the migrant registrations open at the month end: persons with an employment relation active at "
                  "the month end, plus those without one whose registration names an employer; by district."))
register(Indicator(
    code="employment.rural_transferred_year", name_zh="农村富余劳动力当年转移就业人数（累计）",
    name_en="Rural surplus labor transferred this year (cumulative)", unit="人", unit_en="persons",
    compute=rural_transferred_year,
    definition_zh="本年1月1日至月末有转移就业记录（受雇或自主创业，本地或外出）的农村富余劳动力人数，每人计一次；按所在村的区。"
                  "规划未给出“十一五”数值目标（一(三)：2002年起开展农村富余劳动力就业登记）。",
    definition_en="Rural surplus laborers with a transfer to non-farm work (employed or self-employed, local or out of "
                  "the area) dated from 1 January to the month end, each once; by district of the village. The plan "
                  "sets no 2006–2010 figure (一(三): registration of rural surplus labor since 2002)."))
register(Indicator(
    code="employment.rural_transferred_share", name_zh="农村富余劳动力转移就业比例（按区）",
    name_en="Share of rural surplus labor in non-farm work, by district", unit="%", unit_en="%",
    compute=rural_transferred_share, additive=False,
    definition_zh="月末已登记的农村富余劳动力中，月末处于转移就业（转移记录未结束）的比例；按所在村的区。",
    definition_en="Of the rural surplus laborers registered at the month end, the share in non-farm work at the month "
                  "end (a transfer not ended); by district of the village."))
register(Indicator(
    code="employment.exchange_brought", name_zh="南北劳务交流组织输入人数", name_en="Persons brought through the "
    "north–south labor exchange", unit="人", unit_en="persons", compute=exchange_brought,
    definition_zh="当月到达的劳务交流输入批次中已办理外来劳动力登记的人数（以登记记录计，不以批次申报人数计），按合作地区类别"
                  "（对口挂钩、苏北、其他）和登记地所在区。“十五”期间对口挂钩地区输入登记4.3万人（一(一)）。",
    definition_en="Persons registered as migrants who came with an exchange group arriving in the month (counted from "
                  "the registrations, not the group's announced headcount), by partner kind (paired, north Jiangsu, "
                  "other) and district. 2001–2005: 43,000 registered from paired regions (一(一))."))
