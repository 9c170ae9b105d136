"""The registry's own indicators (issue 2 item 12), registered with :mod:`laobao.kpi.registry`.

Imported once by ``KpiConfig.ready`` (``autodiscover_modules("indicators")``). Each compute reads
through :func:`laobao.kpi.selectors.scoped` (the user's jurisdiction, kind "indicator") and groups
in SQL; nothing loops over rows in Python.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils import translation

from laobao.core.models import Region
from laobao.kpi.districts import count_rows
from laobao.kpi.registry import Indicator, Row, register
from laobao.kpi.selectors import month_cut, month_end, scoped

from .models import Employer, EmployerStatus, EmployerType, EmploymentRelation, HukouType, Person

HUKOU_EN = {"urban": "local urban hukou", "rural": "local rural hukou", "elsewhere": "hukou from elsewhere"}
EMPLOYER_TYPE_EN = {
    "state_owned": "state-owned enterprise", "collective": "collective enterprise", "private": "private enterprise",
    "joint_stock": "joint-stock enterprise", "foreign": "foreign-invested enterprise",
    "hmt": "Hong Kong, Macao or Taiwan-invested enterprise", "public_institution": "public institution",
    "government": "government body", "individual_business": "individual business", "other": "other",
}


def _persons(user, month: date, region: Region):
    """Persons registered by the end of ``month`` whose residence lies in ``region`` (and the user's scope)."""
    qs = Person.objects.filter(created_at__lt=month_cut(month))
    return scoped(qs, user, region, "residence_region__path")


def _zh(choices, value: str) -> str:
    """The Chinese label of a choice whatever the active language (the msgids are Chinese)."""
    if value not in choices.values:
        return value
    with translation.override("zh-hans"):
        return str(choices(value).label)


def _hukou_labels(hukou: str) -> tuple[str, str]:
    return _zh(HukouType, hukou), HUKOU_EN.get(hukou, hukou)


def persons_total(user, month: date, region: Region) -> int:
    return _persons(user, month, region).count()


def persons_by_hukou(user, month: date, region: Region) -> list[Row]:
    return count_rows(_persons(user, month, region), "residence_region__path", "hukou_type",
                      order=HukouType.values, labels=_hukou_labels)


def employers_by_ownership(user, month: date, region: Region) -> list[Row]:
    qs = Employer.objects.filter(created_at__lt=month_cut(month), status=EmployerStatus.ACTIVE)
    counts = scoped(qs, user, region, "region__path").values("type").annotate(n=Count("id")).order_by()
    by_type = {c["type"]: c["n"] for c in counts}
    order = list(EmployerType.values) + sorted(set(by_type) - set(EmployerType.values))
    return [
        Row(key=(("type", t),), label_zh=_zh(EmployerType, t),
            label_en=EMPLOYER_TYPE_EN.get(t, t), value=by_type[t])
        for t in order if t in by_type
    ]


def active_employment_relations(user, month: date, region: Region) -> int:
    end = month_end(month)
    qs = EmploymentRelation.objects.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=end))
    return scoped(qs, user, region, "employer__region__path").count()


_PERSONS_DEF_ZH = "截至当月末（含月末当天）已在登记库中建档的人员，按现居住社区所在区划统计；居住地以当前记录为准（暂不保留居住地变更历史）。"
_PERSONS_DEF_EN = ("Persons whose record was created in the registry by the end of the month (inclusive), counted "
                   "by the region of their current residence community (residence history is not kept yet).")

register(Indicator(
    code="registry.persons_total",
    name_zh="登记人员总数", name_en="Registered persons",
    unit="人", unit_en="persons",
    definition_zh=_PERSONS_DEF_ZH, definition_en=_PERSONS_DEF_EN,
    compute=persons_total,
))

register(Indicator(
    code="registry.persons_by_hukou",
    name_zh="登记人员（按户籍类型和区）", name_en="Registered persons by hukou type and district",
    unit="人", unit_en="persons",
    definition_zh=_PERSONS_DEF_ZH + "按户籍类型（本市城镇、本市农村、外地）和区（县级市）分组；为零的组合不列出。",
    definition_en=_PERSONS_DEF_EN + " Grouped by hukou type (local urban, local rural, from elsewhere) and district "
                  "(or county-level city); combinations with no one are not listed.",
    compute=persons_by_hukou,
))

register(Indicator(
    code="registry.employers_by_ownership",
    name_zh="正常状态用人单位（按单位类型）", name_en="Active employers by ownership type",
    unit="家", unit_en="employers",
    definition_zh="截至当月末已登记、当前状态为“正常”的用人单位，按单位类型（所有制）分组，按单位所在区划统计；"
                  "状态以当前记录为准（暂不保留状态变更历史）；为零的类型不列出。",
    definition_en="Employers registered by the end of the month whose current status is active, grouped by type "
                  "(ownership) and counted by the employer's region; status is the current one (status history is "
                  "not kept yet); types with no employer are not listed.",
    compute=employers_by_ownership,
))

register(Indicator(
    code="registry.active_employment_relations",
    name_zh="月末在职劳动关系数", name_en="Active employment relations at month end",
    unit="个", unit_en="relations",
    definition_zh="当月最后一天仍有效的劳动关系（开始日期不晚于月末，且终止日期为空或不早于月末），"
                  "按用人单位所在区划统计；一人在两家单位任职计两个。",
    definition_en="Employment relations in force on the last day of the month (start date on or before the month "
                  "end, and no end date or an end date on or after it), counted by the employer's region; a person "
                  "working for two employers counts twice.",
    compute=active_employment_relations,
))
