"""Vocational training in the demo city (issue 6): institutions, courses of the four kinds (finished, running,
open for enrolment), enrolments from the counter and one by the citizen himself, attendance sheets, exam results
(passes and failures), qualification certificates of the five levels (about 20:60:20 high:middle:junior, the
plan's target mix), two skill-master studios and the monthly training-subsidy runs.

After ``demo.employment`` (the re-employment courses take registered unemployed persons). Everything goes
through the training services as the bureau's officer (``city_officer``); the citizen 张伟 enrols himself in an
open course. Certificate numbers are random by design (``training.numbers``: not enumerable), so they differ
between two builds of the same seed; the rest follows the seed.

**Subsidy standard.** ``training.subsidy_per_trainee`` has no value (no Suzhou notice found), so a course carries
a subsidy of 0 and the batch would pay nothing. To show the batch, the demo's finished courses get a *demo
standard* (``DEMO_SUBSIDY``: stated as such in the audit event ``demo.training_subsidy_standard``; enterprise
training none, it is the employer's). The parameter stays empty; no real course is touched.

The cast: 王芳 (4050, laid off) takes the re-employment course for 护理员 and passes (初级) before the clinic hires
her, so her course's subsidy is paid (employment within ``training.employment_within_months``); 赵磊 (young rural
worker at the noodle shop) passes 中式面点师 中级 in the rural labour course; 张伟 (河畔纺织) holds an external 技师
certificate and leads the company's skill-master studio, and enrols himself in an open course; 刘洋 (migrant at
河畔纺织) is in the running enterprise course.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from typing import TextIO

import numpy as np
from django.db import transaction
from django.db.models import Count, Q

from laobao.core import audit
from laobao.core.models import AuditEvent
from laobao.registry.models import EmploymentRelation, Person

from . import employment
from .employment import say, story, today, user, years_before
from .users import cast_member

MARKER = "demo.training"
#: the demo's subsidy per trainee (fen) by kind — demo values, NOT a policy standard (see the module docstring)
DEMO_SUBSIDY = {"reemployment": 60_000, "rural": 50_000, "entrepreneurship": 100_000, "enterprise": 0}

INSTITUTIONS = (
    ("苏州市职业技能培训指导中心", "320500", "public"),
    ("姑苏区再就业培训学校", "320508", "public"),
    ("苏州平江职业培训学校", "320508", "private"),
    ("吴中区农村劳动力转移培训基地", "320506", "public"),
)

#: (institution, kind, occupation code, occupation, level, course name, phase, size factor, who)
COURSES = (
    (1, "reemployment", "4-14-01", "护理员", 5, "再就业技能培训·护理员（初级）", "finished", 1.0, "unemployed"),
    (1, "reemployment", "4-10-01", "家政服务员", 5, "再就业技能培训·家政服务员（初级）", "finished", 1.0, "unemployed"),
    (3, "rural", "6-05-01", "缝纫工", 5, "农村劳动力转移培训·缝纫工（初级）", "finished", 1.0, "rural"),
    (3, "rural", "4-03-02-02", "中式面点师", 4, "农村劳动力转移培训·中式面点师（中级）", "finished", 1.5, "rural"),
    (2, "reemployment", "4-03-02-01", "中式烹调师", 4, "再就业技能培训·中式烹调师（中级）", "finished", 1.5, "unemployed"),
    (0, "enterprise", "6-04-03", "织造工", 4, "企业职工培训·织造工（中级）", "finished", 1.5, "employed"),
    (2, "reemployment", "4-02-06-01", "仓储管理员", 4, "再就业技能培训·仓储管理员（中级）", "finished", 1.5, "unemployed"),
    (2, "entrepreneurship", "4-01-02-01", "营销员", 4, "创业培训“准老板”·小店经营（中级营销员）", "finished", 1.5, "starter"),
    (0, "enterprise", "6-18-01", "车工", 3, "企业职工培训·车工（高级）", "finished", 1.0, "employed"),
    (0, "reemployment", "4-04-05-01", "计算机程序设计员", 3, "高校毕业生技能培训·计算机程序设计员（高级）", "finished", 1.0,
     "young"),
    (0, "enterprise", "6-04-02", "纺纱工", 4, "企业职工培训·纺纱工（中级）", "running", 1.0, "employed"),
    (1, "reemployment", "4-10-01", "家政服务员", 4, "再就业技能培训·家政服务员（中级）", "running", 1.0, "unemployed"),
    (2, "entrepreneurship", "4-01-02-01", "营销员", 4, "创业培训“准老板”·网店经营（招生中）", "open", 1.0, "starter"),
    (3, "rural", "4-02-07-08", "快递员", 5, "农村劳动力转移培训·快递员（招生中）", "open", 1.0, "rural"),
)


def done() -> bool:
    return AuditEvent.objects.filter(action=MARKER).exists()


def counts() -> dict:
    from laobao.training.models import Certificate, Course, Enrolment, Institution, TrainingSubsidy

    levels = dict(Certificate.objects.values_list("level").annotate(n=Count("id")).order_by("level"))
    return {"institutions": Institution.objects.count(), "courses": Course.objects.count(),
            "enrolments": Enrolment.objects.count(), "certificates": sum(levels.values()),
            "by_level": {int(k): v for k, v in sorted(levels.items())},
            "subsidies": TrainingSubsidy.objects.count()}


def grow(*, seed: int, progress: TextIO | None = sys.stderr) -> dict:
    """Load the training of the demo city (idempotent); returns counts for the summary line. One transaction, each
    story a savepoint (as ``demo.employment``)."""
    with transaction.atomic():
        return _grow(seed, progress)


def _grow(seed: int, progress: TextIO | None) -> dict:
    if done():
        return counts()
    rng = np.random.Generator(np.random.PCG64([seed, 6, 2]))
    employment._STARTED[:] = [time.perf_counter(), time.process_time()]
    officer = user("city_officer")
    size = max(6, min(Person.objects.count() // 1000, 30))
    institutions = story("training institutions", _institutions, officer) or []
    if institutions:
        for i, row in enumerate(COURSES):
            story(f"course {row[5]}", _course, rng, officer, institutions, i, row, size)
        say(progress, "training", "courses, enrolments, attendance, results and certificates")
        story("external certificates", _external, rng, officer, size)
        story("skill-master studios", _studios, officer, institutions)
        story("self enrolment", _self_enrolment)
        story("training subsidies", _subsidies, progress)
    result = counts()
    audit.record(MARKER, object_type="demo", object_id=str(seed), after=result)
    say(progress, "training", "done")
    return result


def _institutions(officer) -> list:
    from laobao.training import services

    return [services.institution_create(user=officer, name=name, licence_no=f"DEMO-PX-3205-{i + 1:04d}",
                                        region_code=code, ownership=ownership)
            for i, (name, code, ownership) in enumerate(INSTITUTIONS)]


# --- who takes which course --------------------------------------------------------------------------------

def _working_age(t: date):
    return (Person.objects.filter(birth_date__lte=years_before(t, 18))
            .filter(Q(sex="M", birth_date__gt=years_before(t, 58)) | Q(sex="F", birth_date__gt=years_before(t, 48))))


def _candidates(who: str, t: date) -> list[int]:
    from laobao.employment.models import UnemploymentRegistration

    employed = EmploymentRelation.objects.filter(end_date__isnull=True).values("person_id")
    base = _working_age(t)
    if who == "unemployed":
        registered = UnemploymentRegistration.objects.filter(registered_on__gte=t - timedelta(days=400))
        qs = base.filter(pk__in=registered.values("person_id"))
    elif who == "rural":
        qs = base.filter(hukou_type="rural")
    elif who == "employed":
        qs = base.filter(pk__in=employed)
    elif who == "young":
        qs = base.filter(birth_date__gt=years_before(t, 27))
    else:  # starter: not in a job
        qs = base.exclude(pk__in=employed)
    return list(qs.order_by("id").values_list("id", flat=True)[:5000])


def _pick(rng, who: str, n: int, must: list[int]) -> list[int]:
    cast = {p.pk for p in (cast_member("person", k) for k in CAST) if p is not None}  # the cast: their own stories
    pool = [p for p in _candidates(who, today()) if p not in cast]
    chosen = [int(p) for p in rng.permutation(pool)[:max(n - len(must), 0)]] if pool else []
    return must + chosen


CAST = ("zhangwei", "lina", "wangfang", "liuyang", "chenjing", "zhaolei", "zhangxiaoyu")


def _cast_for(i: int) -> list[int]:
    """The cast members of course ``i`` (by its position in COURSES)."""
    keys = {0: ("wangfang",), 3: ("zhaolei",), 10: ("liuyang",)}.get(i, ())
    return [p.pk for p in (cast_member("person", k) for k in keys) if p is not None]


# --- courses -----------------------------------------------------------------------------------------------

def _dates(phase: str, i: int, t: date) -> tuple[date, date]:
    if phase == "finished":
        start = t - timedelta(days=130 + 12 * i)
        return start, start + timedelta(days=28)
    if phase == "running":
        return t - timedelta(days=14 + i), t + timedelta(days=30)
    return t + timedelta(days=20 + i), t + timedelta(days=60 + i)


def _course(rng, officer, institutions, i: int, row, size: int) -> None:
    from laobao.training import services
    from laobao.training.models import Course, Enrolment

    inst, kind, code, occupation, level, name, phase, factor, who = row
    t = today()
    start, end = _dates(phase, i, t)
    n = int(round(size * factor)) if phase != "open" else max(2, size // 3)
    course = services.course_create(user=officer, institution=institutions[inst], code=f"DEMO-{start:%Y}-{i + 1:03d}",
                                    name=name, kind=kind, occupation_code=code, occupation_name=occupation,
                                    target_level=level, start_date=start, end_date=end, capacity=n + 5)
    people = Person.objects.in_bulk(_pick(rng, who, n, _cast_for(i)))
    enrolled_on = min(start - timedelta(days=7), t)
    enrolments = [services.enrol(user=officer, person=p, course=course, on=enrolled_on) for p in people.values()]
    sessions = [start + timedelta(days=d) for d in (0, 7, 14, 21, 28) if start + timedelta(days=d) <= min(end, t)]
    for day in sessions:
        present = {e.pk for e in enrolments if rng.random() < 0.92}
        services.attendance_record(user=officer, course=course, session_date=day, present_ids=present)
    if phase == "running":
        services.course_set_status(user=officer, course=course, status="closed")  # under way: enrolment closed
    if phase != "finished":
        return
    for e in Enrolment.objects.filter(course=course).select_related("course__institution__region", "person__residence_region"):
        theory, practical = (int(x) for x in np.clip(rng.normal(77, 10, 2), 30, 100))
        if e.person_id in _cast_for(i):
            theory, practical = max(theory, 72), max(practical, 75)
        elif rng.random() < 0.08:
            practical = int(rng.integers(35, 59))  # a failure
        services.result_record(user=officer, enrolment=e, exam_date=end, theory=theory, practical=practical)
    services.course_set_status(user=officer, course=Course.objects.get(pk=course.pk), status="finished")


def _external(rng, officer, size: int) -> None:
    """Certificates obtained elsewhere: 技师 and 高级技师 of experienced workers (张伟 first), a few 高级."""
    from laobao.training import services

    t = today()
    zhangwei = cast_member("person", "zhangwei")
    if zhangwei is not None:
        services.certificate_record_external(user=officer, person=zhangwei, level=2, occupation_code="6-04-03",
                                             occupation_name="织造工", issuing_body="江苏省职业技能鉴定中心（演示）",
                                             issued_on=date(2018, 11, 20))
    workers = [p for p in _candidates("employed", t) if not zhangwei or p != zhangwei.pk]
    chosen = [int(p) for p in rng.permutation(workers)[:max(size // 2, 3)]]
    for k, pk in enumerate(chosen):
        level = (1, 2, 2, 3)[k % 4]
        code, name = (("6-18-01", "车工"), ("6-04-03", "织造工"), ("4-03-02-01", "中式烹调师"))[k % 3]
        services.certificate_record_external(user=officer, person=Person.objects.get(pk=pk), level=level,
                                             occupation_code=code, occupation_name=name,
                                             issuing_body="苏州市职业技能鉴定中心（演示）",
                                             issued_on=t - timedelta(days=400 + 90 * k))


def _studios(officer, institutions) -> None:
    from laobao.training import services
    from laobao.training.models import Certificate

    zhangwei, hepan = cast_member("person", "zhangwei"), cast_member("employer", "hepan")
    if zhangwei is not None and hepan is not None:
        services.studio_create(user=officer, name="张伟纺织织造技能大师工作室", master=zhangwei, level="city",
                               approved_on=date(2024, 9, 10), employer=hepan)
    senior = Certificate.objects.filter(level=1).exclude(person=zhangwei).order_by("id").first()
    if senior is not None:
        services.studio_create(user=officer, name=f"{senior.person.name}{senior.occupation_name}技能大师工作室",
                               master=senior.person, level="province", approved_on=date(2025, 5, 18),
                               institution=institutions[0])


def _self_enrolment() -> None:
    """张伟 enrols himself (citizen portal) in the open entrepreneurship course."""
    from laobao.training import services
    from laobao.training.models import Course

    citizen = user("citizen_zhangwei")
    course = Course.objects.filter(code__startswith="DEMO-", kind="entrepreneurship", status="open").order_by("id").first()
    if citizen is not None and course is not None:
        services.enrol_self(user=citizen, course=course)


def _subsidies(progress) -> None:
    """The demo standard on the finished demo courses, then the monthly batch from the first completion on."""
    from laobao.training import subsidies
    from laobao.training.models import Course

    courses = Course.objects.filter(code__startswith="DEMO-", status="finished")
    for kind, fen in DEMO_SUBSIDY.items():
        courses.filter(kind=kind, subsidy_fen=0).update(subsidy_fen=fen)  # a real standard, once entered, wins
    audit.record("demo.training_subsidy_standard", object_type="demo", object_id="training",
                 reason="演示值：training.subsidy_per_trainee 尚无数值（未找到文件），演示课程按演示值计补贴 / demo values, "
                        "not a policy standard", after=DEMO_SUBSIDY)
    first = courses.order_by("end_date").values_list("end_date", flat=True).first()
    if first is None:
        return
    t = today()
    month, stop = first.replace(day=1), t.replace(day=1)
    total = 0
    while month < stop:  # whole months only: the entries are dated at the month end
        total += subsidies.run(month, progress=None).count
        month = (month + timedelta(days=32)).replace(day=1)
    say(progress, "training", f"training subsidies: {total} paid")


__all__ = ["MARKER", "counts", "done", "grow"]
