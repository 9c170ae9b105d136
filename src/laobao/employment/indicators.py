"""Employment indicators (issue 6), registered with :mod:`laobao.kpi.registry` (autodiscovered by KpiConfig).

城镇登记失业率 (registered urban unemployment rate) = registered urban unemployed ÷ (urban employed + registered
urban unemployed), the state at the month end, counted by the person's residence district. The statistical
definition (as quoted from the statistical yearbooks' explanatory notes by secondary pages; the NBS/MOHRSS
primary text was not retrieved here: UNVERIFIED wording) is: 城镇登记失业人员数 ÷ (城镇单位就业人员（扣除使用的
农村劳动力、聘用的离退休人员、港澳台及外方人员）+ 城镇单位中的不在岗职工 + 城镇私营业主、个体户主 + 城镇私营企业和
个体就业人员 + 城镇登记失业人员); 城镇登记失业人员 = 有非农业户口，在一定的劳动年龄内（16岁以上及男60岁以下、女50岁以下），
有劳动能力，无业而要求就业，并在当地就业服务机构进行求职登记的人员.

Where each part comes from in our records (README "Registered unemployment rate"):
- registered urban unemployed: ``UnemploymentRegistration`` open at the month end (registered on or before it,
  not ended by it) of persons with ``hukou_type = urban`` (本市城镇户籍 = 非农业户口);
- urban employed: persons with urban hukou, not counted as registered unemployed, with an
  ``EmploymentRelation`` active at the month end (units and private employers alike; the relation's employer
  kind does not matter) or an open employer-less ``Enrollment`` covering the month (flexibly employed,
  individual business owners: the 私营业主/个体户主 part). Not excluded (no record says so): rehired retirees,
  laid-off workers still on the books (不在岗职工 are *included* by the definition and count if their relation
  is open).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import translation

from laobao.core.models import Region
from laobao.insurance.models import Enrollment
from laobao.kpi.districts import count_rows, district_labels, district_of, with_district
from laobao.kpi.registry import Indicator, Row, register, share
from laobao.kpi.selectors import month_end, scoped
from laobao.kpi.targets import plan_target
from laobao.policy.params import param
from laobao.registry.models import EmploymentRelation, HukouType, Person

from .models import EndGround, HardshipFlag, UnemploymentRegistration

PATH = "person__residence_region__path"
GROUND_EN = {"reemployment": "employed", "study": "study", "retired": "retired", "moved_away": "moved away",
             "no_contact": "no contact"}


def _open_at(end: date):
    return Q(registered_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))


def registered_unemployed(user, month: date, region: Region):
    end = month_end(month)
    qs = UnemploymentRegistration.objects.filter(_open_at(end), person__hukou_type=HukouType.URBAN)
    return scoped(qs, user, region, PATH)


def urban_employed(user, month: date, region: Region) -> list:
    """Two querysets whose union is the urban employed at the month end, disjoint so their counts add: (a) with an
    active relation, (b) without one but with an open employer-less enrollment. Each is plain semi/anti joins (an
    OR of two EXISTS would be a per-row subplan in PostgreSQL)."""
    end = month_end(month)
    relation = EmploymentRelation.objects.filter(person=OuterRef("pk"), start_date__lte=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=end))
    flexible = Enrollment.objects.filter(person=OuterRef("pk"), employer__isnull=True, start_month__lte=month).filter(
        Q(end_month__isnull=True) | Q(end_month__gte=month))
    unemployed = UnemploymentRegistration.objects.filter(_open_at(end), person=OuterRef("pk"))
    base = Person.objects.filter(hukou_type=HukouType.URBAN).filter(~Exists(unemployed))
    return [scoped(qs, user, region, "residence_region__path")
            for qs in (base.filter(Exists(relation)), base.filter(~Exists(relation)).filter(Exists(flexible)))]


def _by_district(qs, path: str) -> Counter:
    got: Counter[str] = Counter()
    for r in with_district(qs, path).values("district").annotate(n=Count("pk")).order_by():
        got[district_of(r["district"])] += r["n"]
    return got


def counts(user, month: date, region: Region) -> dict[str, tuple[int, int]]:
    """district path → (registered urban unemployed, urban employed) at the month end; two grouped queries."""
    unemployed = _by_district(registered_unemployed(user, month, region), PATH)
    employed = sum((_by_district(qs, "residence_region__path") for qs in urban_employed(user, month, region)), Counter())
    return {d: (unemployed[d], employed[d]) for d in set(unemployed) | set(employed)}


def rate(user, month: date, region: Region):
    parts = counts(user, month, region).values()
    u = sum(p[0] for p in parts)
    return share(u, u + sum(p[1] for p in parts))


def rate_by_district(user, month: date, region: Region) -> list[Row]:
    got = counts(user, month, region)
    labels = district_labels({d for d in got if d})
    return [Row(key=(("district", labels[d][0]),), label_zh=labels[d][1], label_en=labels[d][2],
                value=share(got[d][0], got[d][0] + got[d][1])) for d in sorted(got, key=lambda d: labels[d][0])]


def unemployed_by_district(user, month: date, region: Region) -> list[Row]:
    got = _by_district(registered_unemployed(user, month, region), PATH)
    labels = district_labels({d for d in got if d})
    return [Row(key=(("district", labels[d][0]),), label_zh=labels[d][1], label_en=labels[d][2], value=got[d])
            for d in sorted(got, key=lambda d: labels[d][0])]


def _in_month(field: str, month: date) -> Q:
    return Q(**{f"{field}__gte": month, f"{field}__lte": month_end(month)})


def new_registrations(user, month: date, region: Region) -> list[Row]:
    qs = scoped(UnemploymentRegistration.objects.filter(_in_month("registered_on", month)), user, region, PATH)
    return count_rows(qs, PATH, "involuntary", order=[True, False],
                      labels=lambda v: ("非自愿失业", "involuntary") if v else ("自愿离职等", "voluntary or other"))


def _ground_zh(ground: str) -> str:
    with translation.override("zh-hans"):
        return str(EndGround(ground).label) if ground in EndGround.values else ground


def deregistrations(user, month: date, region: Region) -> list[Row]:
    qs = scoped(UnemploymentRegistration.objects.filter(_in_month("ended_on", month)), user, region, PATH)
    return count_rows(qs, PATH, "end_reason", order=EndGround.values,
                      labels=lambda g: (_ground_zh(g), GROUND_EN.get(g, g)))


def hard_to_employ_placed(user, month: date, region: Region) -> int:
    """Registrations ended in the month on the ground employed of persons who were hard to employ then: 4050 at
    the month end (employment.hard_to_employ_age) or an open recorded flag on the end day."""
    end = month_end(month)
    ages = param("employment.hard_to_employ_age", end).value
    old = Q()
    for sex, years in ages.items():
        old |= Q(person__sex=sex, person__birth_date__lte=_years_before(end, int(years)))
    flag = HardshipFlag.objects.filter(person=OuterRef("person"), recorded_on__lte=OuterRef("ended_on")).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("ended_on")))
    ended = scoped(UnemploymentRegistration.objects.filter(_in_month("ended_on", month),
                                                           end_reason=EndGround.EMPLOYED), user, region, PATH)
    return ended.filter(old).count() + ended.exclude(old).filter(Exists(flag)).count()  # disjoint: no OR of EXISTS


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def reemployed(user, month: date, region: Region) -> int:
    qs = UnemploymentRegistration.objects.filter(_in_month("ended_on", month), end_reason=EndGround.EMPLOYED)
    return scoped(qs, user, region, PATH).count()


DEFINITION_ZH = ("月末城镇登记失业人数 ÷（月末城镇从业人数 + 月末城镇登记失业人数）。登记失业人数：月末仍有效的失业登记，"
                 "本市城镇户籍；从业人数：本市城镇户籍、月末未处于失业登记、且月末有在职劳动关系或有未停保的个人参保"
                 "（灵活就业、个体）记录的人员；按现居住地所在区统计。")
DEFINITION_EN = ("Registered urban unemployed at the month end ÷ (urban employed + registered urban unemployed). "
                 "Unemployed: open unemployment registrations at the month end of persons with urban hukou; employed: "
                 "persons with urban hukou, not registered as unemployed, with an employment relation active at the "
                 "month end or an open employer-less enrollment (flexibly employed, individual business); by the "
                 "district of residence.")

register(plan_target("employment.registered_unemployment_rate").indicator(
    compute=rate, definition_zh=DEFINITION_ZH, definition_en=DEFINITION_EN, additive=False))
register(Indicator(
    code="employment.registered_unemployment_rate_by_district",
    name_zh="城镇登记失业率（按区）", name_en="Registered urban unemployment rate by district", unit="%", unit_en="%",
    definition_zh=DEFINITION_ZH, definition_en=DEFINITION_EN, compute=rate_by_district, additive=False))
register(Indicator(
    code="employment.registered_unemployed",
    name_zh="城镇登记失业人数（按区）", name_en="Registered urban unemployed by district", unit="人", unit_en="persons",
    definition_zh="月末仍有效的失业登记（本市城镇户籍），按现居住地所在区统计。",
    definition_en="Open unemployment registrations at the month end (urban hukou), by district of residence.",
    compute=unemployed_by_district))
register(Indicator(
    code="employment.new_registrations",
    name_zh="新增失业登记人数", name_en="New unemployment registrations", unit="人", unit_en="persons",
    definition_zh="登记日期在当月的失业登记（不限户籍），按是否非因本人意愿中断就业和现居住地所在区分组。",
    definition_en="Registrations dated in the month (any hukou), by involuntary job loss and district of residence.",
    compute=new_registrations))
register(Indicator(
    code="employment.deregistrations",
    name_zh="注销失业登记人数（按注销理由）", name_en="De-registrations by ground", unit="人", unit_en="persons",
    definition_zh="注销日期在当月的失业登记，按注销理由（已就业、升学、退休、迁出、长期未联系）和现居住地所在区分组。",
    definition_en="Registrations ended in the month, by ground (employed, study, retired, moved away, no contact) "
                  "and district of residence.",
    compute=deregistrations))
register(plan_target("employment.unemployed_reemployed").indicator(
    compute=reemployed,
    definition_zh="当月因就业（劳动关系开始或参保开始，或经办注销理由为已就业）注销失业登记的人数；年度数为各月之和。",
    definition_en="Registrations ended in the month on the ground 'employed' (an employment relation or enrollment "
                  "started, or a caseworker recorded employment); the year's figure is the sum of its months."))
register(plan_target("employment.hard_to_employ_placed").indicator(
    compute=hard_to_employ_placed,
    definition_zh="当月因就业注销失业登记的人员中，月末为4050人员（女40岁、男50岁以上）或注销日有有效的困难类别登记"
                  "（残疾人、零就业家庭成员、被征地农民）的人数；年度数为各月之和。",
    definition_en="Registrations ended in the month on the ground 'employed' of persons who were 4050 (women 40+, "
                  "men 50+) at the month end or had an open recorded hardship flag (disabled, zero-employment family, "
                  "land-expropriated farmer) on the end day; the year's figure is the sum of its months."))
