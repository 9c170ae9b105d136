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
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import translation

from laobao.core.models import Region
from laobao.insurance.models import Enrollment
from laobao.kpi.districts import DISTRICT_PATH_LEN, count_rows, district_labels, district_of
from laobao.kpi.registry import Indicator, Row, register, share
from laobao.kpi.selectors import month_end, scoped, shared
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


def _active_relations(end: date):
    return EmploymentRelation.objects.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=end))


def _flexible(month: date):
    return Enrollment.objects.filter(employer__isnull=True, start_month__lte=month).filter(
        Q(end_month__isnull=True) | Q(end_month__gte=month))


def urban_employed(user, month: date, region: Region) -> list:
    """Two querysets of persons whose union is the urban employed at the month end, disjoint so their counts add:
    (a) with an active relation, (b) without one but with an open employer-less enrollment; neither registered as
    unemployed. Plain semi/anti joins (an OR of two EXISTS would be a per-row subplan in PostgreSQL); the
    relations and the employer-less enrollments are read once as ``pk IN (…)`` sets."""
    end = month_end(month)
    relation = _active_relations(end).filter(person=OuterRef("pk"))
    unemployed = UnemploymentRegistration.objects.filter(_open_at(end), person=OuterRef("pk"))
    base = scoped(Person.objects.filter(hukou_type=HukouType.URBAN), user, region, "residence_region__path")
    return [base.filter(pk__in=_active_relations(end).values("person_id")).filter(~Exists(unemployed)),
            base.filter(pk__in=_flexible(month).values("person_id")).filter(~Exists(relation), ~Exists(unemployed))]


def _employed_counts(user, month: date, region: Region, registered_with_relation: Counter) -> Counter:
    """Urban employed by region id, computed as (persons with an active relation) − (those of them registered
    as unemployed, counted from the few open registrations by :func:`_unemployed_counts`) + (flexibly employed
    without a relation and not registered): no anti-join over every person. Equal to counting
    :func:`urban_employed` (tests). (A single query joining the persons to the three de-duplicated sets was
    measured too: 20–30 % more CPU on both databases.)"""
    end = month_end(month)
    with_relation = scoped(Person.objects.filter(hukou_type=HukouType.URBAN, pk__in=_active_relations(end).values(
        "person_id")), user, region, "residence_region__path")
    got = _by_region(with_relation, "residence_region")
    got.subtract(registered_with_relation)
    got.update(_by_region(urban_employed(user, month, region)[1], "residence_region"))
    return got


def _unemployed_counts(user, month: date, region: Region) -> tuple[Counter, Counter]:
    """By region id: the registered urban unemployed, and those of them who also have an active relation (they
    count as unemployed, so they are subtracted from the persons with a relation). One grouped query over the
    open registrations."""
    end = month_end(month)
    employed = Exists(_active_relations(end).filter(person=OuterRef("person")))
    rows = (registered_unemployed(user, month, region).values("person__residence_region")
            .annotate(n=Count("pk"), employed=Count("pk", filter=Q(employed))).order_by())
    field = "person__residence_region"
    return (Counter({r[field]: r["n"] for r in rows}), Counter({r[field]: r["employed"] for r in rows}))


def _by_region(qs, field: str) -> Counter:
    """Counts of ``qs`` grouped by the integer region id in ``field`` (no join, no string per row)."""
    return Counter({r[field]: r["n"] for r in qs.values(field).annotate(n=Count("pk")).order_by()})


def _fold_districts(by_region: Counter) -> Counter:
    """region id → count folded into district path → count (the region paths of the few ids, one query)."""
    paths = dict(Region.objects.filter(pk__in=[r for r in by_region if r is not None]).values_list("id", "path"))
    got: Counter[str] = Counter()
    for rid, n in by_region.items():
        got[district_of((paths.get(rid) or "")[:DISTRICT_PATH_LEN])] += n
    return got


def _shared_key(name: str, user, month: date, region: Region) -> tuple:
    return ("employment." + name, getattr(user, "pk", None), month, region.pk)


def counts(user, month: date, region: Region) -> dict[str, tuple[int, int]]:
    """district path → (registered urban unemployed, urban employed) at the month end; three grouped queries (plus
    the region paths), run once per evaluation and shared by the city rate, the rate by district and the
    unemployed by district."""
    def compute():
        unemployed, registered_with_relation = _unemployed_counts(user, month, region)
        employed = _fold_districts(_employed_counts(user, month, region, registered_with_relation))
        unemployed = _fold_districts(unemployed)
        return {d: (unemployed[d], employed[d]) for d in set(unemployed) | set(employed)}
    return shared(_shared_key("rate_parts", user, month, region), compute)


def rate(user, month: date, region: Region):
    """The city (or region) rate from the same district counts as the breakdown: Σ unemployed ÷ Σ (both)."""
    parts = counts(user, month, region).values()
    u = sum(p[0] for p in parts)
    return share(u, u + sum(p[1] for p in parts))


def rate_by_district(user, month: date, region: Region) -> list[Row]:
    got = counts(user, month, region)
    labels = district_labels({d for d in got if d})
    return [Row(key=(("district", labels[d][0]),), label_zh=labels[d][1], label_en=labels[d][2],
                value=share(got[d][0], got[d][0] + got[d][1])) for d in sorted(got, key=lambda d: labels[d][0])]


def unemployed_by_district(user, month: date, region: Region) -> list[Row]:
    got = {d: u for d, (u, _) in counts(user, month, region).items() if u}
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


def _ended_employed(user, month: date, region: Region) -> dict[str, int]:
    """Registrations ended in the month on the ground employed: all of them and those of persons hard to employ
    then (4050 at the month end by ``employment.hard_to_employ_age``, or an open recorded flag on the end day).
    One aggregate plus one EXISTS count over the month's few ended rows; shared by two indicators."""
    def compute():
        end = month_end(month)
        ages = param("employment.hard_to_employ_age", end).value
        old = Q()
        for sex, years in ages.items():
            old |= Q(person__sex=sex, person__birth_date__lte=_years_before(end, int(years)))
        ended = scoped(UnemploymentRegistration.objects.filter(_in_month("ended_on", month),
                                                               end_reason=EndGround.EMPLOYED), user, region, PATH)
        got = ended.aggregate(n=Count("pk"), old=Count("pk", filter=old))
        flag = HardshipFlag.objects.filter(person=OuterRef("person"), recorded_on__lte=OuterRef("ended_on")).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("ended_on")))
        flagged = ended.exclude(old).filter(Exists(flag)).count()  # disjoint from `old`: no OR of EXISTS
        return {"reemployed": got["n"], "hard": got["old"] + flagged}
    return shared(_shared_key("ended_employed", user, month, region), compute)


def hard_to_employ_placed(user, month: date, region: Region) -> int:
    return _ended_employed(user, month, region)["hard"]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def reemployed(user, month: date, region: Region) -> int:
    return _ended_employed(user, month, region)["reemployed"]


def new_jobs(user, month: date, region: Region) -> list[Row]:
    """新增就业: persons with an employment relation starting in the month who were not employed at the end of the
    previous month (no relation active that day, no open employer-less enrollment covering that month), counted
    once each, by the district of residence. Anti-joins only (no OR of EXISTS)."""
    prev_end = month - timedelta(days=1)
    prev_month = prev_end.replace(day=1)
    before = EmploymentRelation.objects.filter(person=OuterRef("person"), start_date__lte=prev_end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=prev_end))
    flexible = Enrollment.objects.filter(person=OuterRef("person"), employer__isnull=True,
                                         start_month__lte=prev_month).filter(
        Q(end_month__isnull=True) | Q(end_month__gte=prev_month))
    started = EmploymentRelation.objects.filter(_in_month("start_date", month)).filter(~Exists(before),
                                                                                       ~Exists(flexible))
    qs = scoped(started, user, region, PATH).values("person__residence_region").annotate(
        n=Count("person", distinct=True)).order_by()
    got = _fold_districts(Counter({r["person__residence_region"]: r["n"] for r in qs}))
    labels = district_labels({d for d in got if d})
    return [Row(key=(("district", labels[d][0]),), label_zh=labels[d][1], label_en=labels[d][2], value=got[d])
            for d in sorted(got, key=lambda d: labels[d][0])]


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
register(Indicator(
    code="employment.new_jobs",
    name_zh="新增就业人数（按区）", name_en="New jobs by district", unit="人", unit_en="persons",
    definition_zh="当月开始劳动关系、且上月末未就业（上月末无在职劳动关系，也无覆盖上月的个人身份参保）的人数，每人只计一次，"
                  "按现居住地所在区统计；换工作（上月末仍在职）不计。与国家口径“城镇新增就业＝新就业人数－自然减员”不同："
                  "此处不扣减退休、死亡等自然减员，也不限城镇户籍；年度数为各月之和。",
    definition_en="Persons whose employment relation starts in the month and who were not employed at the end of the "
                  "previous month (no relation active that day, no employer-less enrollment covering that month), each "
                  "once, by district of residence; a job change (still employed at the previous month end) does not "
                  "count. Unlike the national 城镇新增就业 (new employment minus natural attrition) nothing is "
                  "subtracted for retirements or deaths and any hukou counts; the year's figure is the sum of its "
                  "months.",
    compute=new_jobs))

from .communities import indicators as _communities_indicators  # noqa: E402,F401  充分就业社区 (helper F)
from .migrant import indicators as _migrant_indicators  # noqa: E402,F401  外来劳动力、农村富余劳动力 (helper F)
