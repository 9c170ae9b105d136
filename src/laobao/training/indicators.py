"""Training indicators (issue 6 Must have 9), registered with :mod:`laobao.kpi.registry`.

Set-based, one grouped query each through :func:`laobao.kpi.selectors.scoped` (kind "indicator"); a trainee or a
certificate counts in the holder's residence region. A certificate is *held* at a month end when it was issued on
or before that day and was not revoked on or before it (a certificate revoked later still counts for the month).

The skill ratio and the young share carry the plan's targets (《苏州市劳动和社会保障事业发展“十一五”规划》四(三)1:
高、中、初级技术工人比例 20:60:20; 青年高技能人才比例 ≥ 40%). High skill (高技能) = level 3 (高级工), 2 (技师) and
1 (高级技师), as the plan's 2005 baseline counts “高级工及以上”; middle = level 4; junior = level 5. Young = aged 35
or less at the month end (the 35 of the plan's 青年 is this system's reading; the plan gives no age).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils import translation

from laobao.core.models import Region
from laobao.kpi.districts import count_rows
from laobao.kpi.registry import Indicator, Row, register, share
from laobao.kpi.selectors import month_end, scoped, shared
from laobao.kpi.targets import plan_target

from .models import HIGH_LEVELS, Certificate, CourseKind, Enrolment, Level

PATH = "person__residence_region__path"
YOUNG_MAX_AGE = 35
KIND_EN = {"reemployment": "re-employment skills", "entrepreneurship": "entrepreneurship",
           "rural": "rural labor transfer", "enterprise": "enterprise employees"}
LEVEL_EN = {5: "level 5 (basic)", 4: "level 4 (intermediate)", 3: "level 3 (advanced)", 2: "level 2 (technician)",
            1: "level 1 (senior technician)"}
GROUPS = (("high", "高级（高级工及以上）", "high (level 3 and above)"), ("middle", "中级", "intermediate"),
          ("junior", "初级", "basic"))


def _zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def held(user, month: date, region: Region):
    end = month_end(month)
    qs = Certificate.objects.filter(issued_on__lte=end).exclude(revoked_on__lte=end)
    return scoped(qs, user, region, PATH)


def trainees(user, month: date, region: Region) -> list[Row]:
    """Enrolments made in the month (withdrawn ones included), by course kind and district."""
    end = month_end(month)
    qs = scoped(Enrolment.objects.filter(enrolled_on__gte=month, enrolled_on__lte=end), user, region, PATH)
    return count_rows(qs, PATH, "course__kind", order=CourseKind.values,
                      labels=lambda k: (_zh(CourseKind(k).label), KIND_EN.get(k, k)))


def certificates_by_level(user, month: date, region: Region) -> list[Row]:
    """Certificates issued in the month (revoked ones included), by level and district."""
    end = month_end(month)
    qs = scoped(Certificate.objects.filter(issued_on__gte=month, issued_on__lte=end), user, region, PATH)
    return count_rows(qs, PATH, "level", order=[5, 4, 3, 2, 1],
                      labels=lambda v: (_zh(Level(v).label), LEVEL_EN.get(v, str(v))))


def _held_counts(user, month: date, region: Region) -> dict[str, int]:
    """One aggregate over the certificates held at the month end, shared by the skill ratio and the young share:
    certificates by group, and distinct high-skill holders (all, and aged ≤ 35)."""
    def compute():
        high = Q(level__in=HIGH_LEVELS)
        young = _born_after(month_end(month))
        return held(user, month, region).aggregate(
            high=Count("id", filter=high), middle=Count("id", filter=Q(level=4)),
            junior=Count("id", filter=Q(level=5)), holders=Count("person", distinct=True, filter=high),
            young=Count("person", distinct=True, filter=high & Q(person__birth_date__gt=young)))
    return shared(("training.held", getattr(user, "pk", None), month, region.pk), compute)


def skill_level_ratio(user, month: date, region: Region) -> list[Row]:
    """Shares (%) of certificates held at the month end: high (levels 3–1), middle (4), junior (5)."""
    got = _held_counts(user, month, region)
    total = got["high"] + got["middle"] + got["junior"]
    return [Row(key=(("group", g),), label_zh=zh, label_en=en, value=share(got[g], total)) for g, zh, en in GROUPS]


def _born_after(end: date) -> date:
    """Aged ≤ 35 at ``end`` ⇔ born after this day (the 36th birthday falls after ``end``)."""
    try:
        return end.replace(year=end.year - YOUNG_MAX_AGE - 1)
    except ValueError:  # 29 February in a year whose 36th predecessor is not a leap year
        return date(end.year - YOUNG_MAX_AGE - 1, 2, 28)


def young_high_skill_share(user, month: date, region: Region):
    """Persons holding a high-skill certificate (level 3–1) at the month end who are aged ≤ 35 ÷ all such persons."""
    got = _held_counts(user, month, region)
    return share(got["young"], got["holders"])


register(Indicator(
    code="training.trainees", name_zh="培训人数（按培训类别和区）", name_en="Trainees by course kind and district",
    unit="人次", unit_en="enrolments",
    definition_zh="当月报名参加培训的人次（含后来退出的），按培训类别和学员现居住地所在区（县级市）分组。",
    definition_en="Enrolments made in the month (including later withdrawals), by course kind and the district of "
                  "the trainee's residence.",
    compute=trainees))
register(Indicator(
    code="training.certificates_by_level", name_zh="职业资格证书核发数（按等级和区）",
    name_en="Qualification certificates issued by level and district", unit="本", unit_en="certificates",
    definition_zh="当月核发或登记的职业资格证书（含后来撤销的），按等级和持证人现居住地所在区（县级市）分组。",
    definition_en="Certificates issued or recorded in the month (including later revocations), by level and the "
                  "district of the holder's residence.",
    compute=certificates_by_level))
register(plan_target("training.skill_level_ratio").indicator(
    compute=skill_level_ratio, additive=False,
    definition_zh="月末持有的有效职业资格证书中，高级（三级及以上：高级工、技师、高级技师）、中级（四级）、初级（五级）"
                  "各占的百分比（按证书计，与规划2005年基数口径一致）；按持证人现居住地区划统计。",
    definition_en="Shares (%) of the certificates held at the month end that are high (level 3 and above), "
                  "intermediate (level 4) and basic (level 5), counted by certificate as the plan's 2005 baseline is; "
                  "by the holder's residence region."))
register(plan_target("training.young_high_skill_share").indicator(
    compute=young_high_skill_share, additive=False,
    definition_zh="月末持有高级（三级及以上）有效证书的人员中，月末年龄不超过35周岁者所占比例（按人计）。",
    definition_en="Among persons holding a high-level (level 3 and above) certificate at the month end, the share "
                  "aged 35 or less at the month end (counted by person)."))
