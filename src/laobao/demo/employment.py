"""Employment services in the demo city (issue 6): job seekers, 失业登记 with contacts and every
de-registration ground, 再就业优惠证 (valid, to renew, lapsed, renewed, cancelled), support applications
(waiting, approved with their ledger posting, rejected), hard-to-employ flags and assistance, employment
agencies with placements, a job fair, vacancies (open, filled, closed, expired) and referrals with every outcome.

After the benefits (``demo.benefits``): everything goes through the services, as a caseworker would do it
(maker ``city_officer``, checker ``district_gusu``), so every invariant, check and audit row is the real one.
The services refuse future dates and decide "today" themselves (an application is received today, a
certificate is valid on today), so the stories are dated backwards from the day the demo is built: the same
seed gives the same people, vacancies and outcomes; the dates move with the build day, and the office queues
(contacts due, certificates to renew) are live whenever the demo is built.

One exception, stated: the employer social insurance subsidy needs contributions billed after the hire, and
the insurance history ends at ``tables.AS_OF``. Its story therefore starts in the past: a person of 姑苏 hired
in 2025 had been registered and held a certificate issued by the legacy system (rows written here with the
checks as recorded, ``reason`` naming the migration); the certificate is renewed, the employer applies, a
second person approves, and the subsidy is posted to the fund journal — through the services.

The cast: 王芳 (4050, laid off by 河畔纺织 in 2026-01, registered by the benefits demo) gets a certificate,
counselling, a re-employment course (demo.training) and is referred to the clinic's 护理员 vacancy and hired,
which ends her registration (and her unemployment benefit) through the ``employment_started`` signal.

Idempotent: the marker audit event says it is done; one transaction, so an interrupted run leaves nothing.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from typing import TextIO

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import AuditEvent, Region, RegionLevel, User
from laobao.registry.models import Employer, EmploymentRelation, Person

from .users import cast_member

MARKER = "demo.employment"
DEMO_NOTE = "演示数据：岗位职责与任职要求见面试说明"
GUSU = "/320508/"

#: (occupation code, vacancy title, wanted-occupation label, skill level or None, wage range yuan)
JOBS = (
    ("6-04-03", "织造挡车工", "纺织织造", 5, (4200, 5600)),
    ("6-04-02", "纺纱工", "纺纱", None, (4000, 5200)),
    ("6-05-01", "缝纫工", "服装缝纫", 5, (4000, 5500)),
    ("4-14-01", "护理员", "医疗护理辅助", 5, (4300, 5800)),
    ("4-10-01", "家政服务员", "家政服务", None, (3800, 5200)),
    ("4-03-02-01", "中式烹调师", "中式烹调", 4, (5000, 7000)),
    ("4-03-02-02", "中式面点师", "中式面点", 5, (4500, 6200)),
    ("4-03-02-05", "餐厅服务员", "餐厅服务", None, (3600, 4600)),
    ("4-01-02-04", "收银员", "收银", None, (3600, 4500)),
    ("4-02-07-08", "快递员", "快递", None, (5000, 8000)),
    ("4-02-06-01", "仓储管理员", "仓储管理", 4, (4800, 6500)),
    ("4-04-05-01", "计算机程序设计员", "软件开发", 4, (8000, 14000)),
    ("4-07-05", "保安员", "安保", None, (3800, 4800)),
    ("6-18-01", "车工", "机械加工", 4, (5500, 7500)),
)


def today() -> date:
    return timezone.localdate()


def done() -> bool:
    return AuditEvent.objects.filter(action=MARKER).exists()


_STARTED = [0.0, 0.0]


def say(progress: TextIO | None, part: str, text: str) -> None:
    if progress is not None:
        wall, cpu = time.perf_counter() - _STARTED[0], time.process_time() - _STARTED[1]
        progress.write(f"demo {part}: {text} ({wall:.1f} s, CPU {cpu:.1f} s)\n")
        progress.flush()


def story(name: str, fn, *args) -> object:
    """One story, one transaction; a demo without it is still a demo: say why it was skipped."""
    try:
        with transaction.atomic():
            return fn(*args)
    except DomainError as exc:
        sys.stderr.write(f"demo: {name} skipped ({exc.text('en')})\n")
    except Forbidden:
        sys.stderr.write(f"demo: {name} skipped (outside the demo user's jurisdiction)\n")
    return None


def user(username: str):
    return User.objects.filter(username=username).first()


def years_before(d: date, years: int) -> date:
    return d.replace(year=d.year - years, day=28 if (d.month, d.day) == (2, 29) else d.day)


def grow(*, seed: int, progress: TextIO | None = sys.stderr) -> dict:
    """Load the employment services of the demo city (idempotent); returns counts for the summary line.
    One transaction (each story a savepoint): an interrupted run leaves nothing and is simply run again; one
    commit instead of hundreds (SQLite's fsync per commit was most of the wall time)."""
    with transaction.atomic():
        return _grow(seed, progress)


def _grow(seed: int, progress: TextIO | None) -> dict:
    if done():
        return counts()
    _STARTED[:] = [time.perf_counter(), time.process_time()]
    rng = np.random.Generator(np.random.PCG64([seed, 6, 1]))
    maker, checker = user("city_officer"), user("district_gusu")
    if maker is None or checker is None:
        raise DomainError.of("users", "demo.no_users", "演示账号未创建：请先运行 laobao demo",
                             "the demo logins are missing: run laobao demo first")
    n = max(16, min(Person.objects.count() // 200, 150))
    agencies = story("agencies", _agencies, rng)
    fair = story("job fair", _fair, rng, agencies)
    story("vacancies", _vacancies, rng, n, fair, agencies)
    say(progress, "employment", "agencies, job fair and vacancies posted")
    story("王芳", _wangfang, maker)  # first: the clinic's 护理员 place is hers
    people = _pool(rng, n)
    for i, (pk, role) in enumerate(people):
        story(f"registration of person {pk}", _person_story, rng, Person.objects.get(pk=pk), role, i, maker, checker)
    say(progress, "employment", f"{len(people)} registrations with their certificates, contacts and referrals")
    story("employer subsidy", _employer_subsidy, rng, maker, checker)
    result = counts()
    audit.record(MARKER, object_type="demo", object_id=str(seed), after=result)
    say(progress, "employment", "done")
    return result


def counts() -> dict:
    from laobao.employment.models import (Referral, ReemploymentCertificate, SupportApplication,
                                          UnemploymentRegistration, Vacancy)

    return {"registrations": UnemploymentRegistration.objects.count(),
            "open_registrations": UnemploymentRegistration.objects.filter(ended_on__isnull=True).count(),
            "certificates": ReemploymentCertificate.objects.count(),
            "applications": SupportApplication.objects.count(),
            "vacancies": Vacancy.objects.count(), "referrals": Referral.objects.count(),
            "hired": Referral.objects.filter(outcome="hired").count()}


# --- agencies, the job fair, vacancies ----------------------------------------------------------------------

def _region(code: str) -> Region:
    return Region.objects.get(code=code, valid_to__isnull=True)


def _agencies(rng) -> list:
    from laobao.employment.matching import services

    t = today()
    rows = [("姑苏区公共就业服务中心", "public", "320508", "公共就业服务机构（演示）"),
            ("苏州市人力资源市场", "public", "320500", "公共就业服务机构（演示）"),
            ("苏州平江人力资源服务有限公司", "private", "320508", "人社许可（演示）"),
            ("吴中区木渎职业介绍所", "private", "320506", "人社许可（演示）")]
    out = []
    for i, (name, kind, code, _note) in enumerate(rows):
        agency = services.agency_register(user=None, name=name, kind=kind, licence_no=f"DEMO-320500-{2006 + i}{i:03d}",
                                          region=_region(code), licensed_on=date(2006 + i, 3, 1))
        for back in (3, 2, 1):
            month = date(t.year, t.month, 1) - timedelta(days=1 + 31 * (back - 1))
            services.placements_record(user=None, agency=agency, month=month.replace(day=1),
                                       placed=int(rng.integers(3, 40)) * (3 if kind == "public" else 1))
        out.append(agency)
    return out


def _fair(rng, agencies):
    from laobao.employment.matching import services

    fair = services.fair_create(user=None, name=f"{today().year}年姑苏区就业援助月专场招聘会", held_on=today() - timedelta(days=12),
                                place="姑苏区人力资源市场一楼大厅（演示）", region=_region("320508"),
                                agency=agencies[0] if agencies else None)
    for i, employer in enumerate(_employers(rng)[:6]):
        services.fair_join(user=None, fair=fair, employer=employer, booth=f"A{i + 1:02d}")
    return fair


def _employers(rng) -> list[Employer]:
    """The cast's employers first, then active employers of 姑苏, then the rest of the city (seeded order)."""
    cast = [e for e in (cast_member("employer", k) for k in ("hepan", "clinic", "noodles")) if e is not None]
    ids = list(Employer.objects.filter(status="active").exclude(pk__in=[e.pk for e in cast]).order_by("id")
               .values_list("id", "region__path"))
    order = sorted(range(len(ids)), key=lambda i: (GUSU not in ids[i][1], rng.random()))
    by_id = Employer.objects.in_bulk([ids[i][0] for i in order[:60]])
    return cast + [by_id[ids[i][0]] for i in order[:60]]


def _known_jobs():
    from laobao.employment.models import Occupation

    known = set(Occupation.objects.filter(code__in=[j[0] for j in JOBS]).values_list("code", flat=True))
    return [j for j in JOBS if j[0] in known]


def _vacancies(rng, n: int, fair, agencies) -> int:
    """Open, expired, closed vacancies of the employers (filled ones come from the hires); the clinic's 护理员
    vacancy waits for 王芳."""
    from laobao.employment.matching import services

    t, jobs, employers = today(), _known_jobs(), _employers(rng)
    if not jobs or not employers:  # no occupation table (a flushed test database) or no employer
        return 0
    joined = set(fair.participants.values_list("employer_id", flat=True)) if fair else set()
    clinic = cast_member("employer", "clinic")
    nurse = next((j for j in jobs if j[0] == "4-14-01"), jobs[0])
    posted = 0
    for i in range(n):
        employer = employers[i % len(employers)]
        code, title, _, skill, (low, high) = jobs[int(rng.integers(0, len(jobs)))] if i else nurse
        if i == 0 and clinic is not None:
            employer = clinic
        kind = ("open", "open", "open", "expired", "open", "closed")[i % 6]
        posted_on = t - timedelta(days=int(rng.integers(200, 300) if kind == "expired" else rng.integers(3, 90)))
        posted_on = max(posted_on, date(2026, 1, 5))  # the minimum wage has no value for 2025 (policy/parameters)
        expires_on = posted_on + timedelta(days=int(rng.integers(60, 180)))
        if kind == "expired":
            expires_on = min(expires_on, t - timedelta(days=1))
        else:
            expires_on = max(expires_on, t + timedelta(days=30))
        wage_min = int(low + 100 * rng.integers(0, 6)) * 100
        vacancy = services.vacancy_post(
            user=None, employer=employer, title=title, occupation_code=code, wage_min_fen=wage_min,
            wage_max_fen=max(wage_min, high * 100), count=1 if i % 4 == 0 else int(rng.integers(2, 6)),
            posted_on=posted_on, expires_on=expires_on, skill_level=skill,
            description=DEMO_NOTE, fair=fair if employer.pk in joined and i % 2 else None,
            agency=agencies[(i // 2) % len(agencies)] if agencies and i % 3 == 1 else None)
        if kind == "closed":
            services.vacancy_close(user=None, vacancy=vacancy)
        posted += 1
    return posted


# --- registered unemployed persons --------------------------------------------------------------------------

#: the story of each registered person (cycled; the oldest retires, the youngest goes back to school)
ROLES = ("applicant", "hired", "renew", "pending", "due", "applicant_b", "moved", "no_contact", "lapsed", "rejected",
         "not_reached", "renewed", "no_show", "seeking", "hired", "seeking")


def _pool(rng, n: int) -> list[tuple[int, str]]:
    """Working-age persons without a job, an open enrollment or a registration who have worked before; 姑苏
    first (the demo caseworker's district), in seeded order. Roles assigned; the cast is left to its stories."""
    from laobao.employment.models import UnemploymentRegistration
    from laobao.insurance.models import Enrollment

    t = today()
    cast = [p.pk for p in (cast_member("person", k) for k in ("zhangwei", "lina", "wangfang", "liuyang", "chenjing",
                                                              "zhaolei", "zhangxiaoyu")) if p is not None]
    rows = list(Person.objects.filter(birth_date__lte=years_before(t, 19))
                .filter(Q(sex="M", birth_date__gt=years_before(t, 57)) | Q(sex="F", birth_date__gt=years_before(t, 47)))
                .filter(relations__isnull=False)
                .exclude(relations__end_date__gt=t - timedelta(days=430))  # registered after the last job ended
                .exclude(pk__in=EmploymentRelation.objects.filter(end_date__isnull=True).values("person_id"))
                .exclude(pk__in=Enrollment.objects.filter(end_month__isnull=True).values("person_id"))
                .exclude(pk__in=UnemploymentRegistration.objects.values("person_id"))
                .exclude(pk__in=cast).distinct().order_by("id").values_list("id", "residence_region__path", "birth_date"))
    order = sorted(range(len(rows)), key=lambda i: (GUSU not in rows[i][1], rng.random()))[:n]
    chosen = [rows[i] for i in order]
    if len(chosen) < 3:
        return [(r[0], ROLES[i % len(ROLES)]) for i, r in enumerate(chosen)]
    oldest = min(range(len(chosen)), key=lambda i: chosen[i][2])
    youngest = max(range(len(chosen)), key=lambda i: chosen[i][2])
    out, k = [], 0
    for i, row in enumerate(chosen):
        if i == oldest:
            out.append((row[0], "retired"))
        elif i == youngest:
            out.append((row[0], "study"))
        else:
            out.append((row[0], ROLES[k % len(ROLES)]))
            k += 1
    return out


#: days before today of the registration, by role
_REGISTERED = {"hired": 120, "seeking": 70, "due": 200, "renew": 352, "applicant": 150, "applicant_b": 140, "moved": 180,
               "no_contact": 300, "lapsed": 410, "rejected": 90, "not_reached": 110, "renewed": 390, "no_show": 80,
               "pending": 45, "retired": 240, "study": 160}


def _seeker(rng, person: Person, maker, i: int):
    from laobao.employment import services

    jobs = _known_jobs() or [("", "", "", None, (4000, 6000))]
    code, _, label, skill, (low, high) = jobs[int(rng.integers(0, len(jobs)))]
    street = person.residence_region.parent if person.residence_region_id else None
    education = ("junior", "senior", "senior", "college", "bachelor", "junior")[i % 6]
    return services.save_job_seeker(
        user=maker, person=person, education=education, skills=f"{label},计算机基础" if i % 3 == 0 else label,
        skill_level=skill if i % 2 else None, wanted_occupation_code=code, wanted_occupation=label,
        wanted_region=street if i % 4 else None, wanted_wage_min_fen=low * 100, wanted_wage_max_fen=high * 100,
        able_to_work=True, willing_to_work=True)


def _person_story(rng, person: Person, role: str, i: int, maker, checker) -> None:
    from laobao.employment import assistance, certificates, services

    t = today()
    _seeker(rng, person, maker, i)
    registered_on = t - timedelta(days=_REGISTERED[role] + int(rng.integers(0, 10)))
    reg = services.register(user=maker, person=person, registered_on=registered_on, involuntary=i % 5 != 0,
                            reason=("劳动合同期满终止", "用人单位经济性裁员", "本人辞职", "单位关闭破产")[i % 4] + "（演示数据）")
    contact = {"seeking": 25, "hired": 40, "applicant": 30, "applicant_b": 35, "renew": 30, "renewed": 30, "rejected": 20}
    if role in contact:
        services.record_contact(user=maker, registration=reg, contacted_on=t - timedelta(days=contact[role]),
                                channel=("phone", "counter", "visit", "sms")[i % 4], outcome="seeking",
                                note="仍在求职，已告知近期招聘会（演示数据）")
    elif role in ("due", "not_reached", "moved"):
        services.record_contact(user=maker, registration=reg, contacted_on=registered_on + timedelta(days=30),
                                channel="phone", outcome="not_reached" if role == "not_reached" else "seeking")
    cert = None
    if role not in ("no_contact", "study", "due", "not_reached"):
        issued = registered_on + timedelta(days=5)
        cert = certificates.issue(user=maker, person=person, issued_on=issued)
    if role == "renewed":
        certificates.renew(user=maker, certificate=cert, renewed_on=t - timedelta(days=8))
    _flags(rng, person, i, maker)
    ends = {"moved": ("moved_away", 40, "户籍迁出本市（演示数据）"), "no_contact": ("no_contact", 20, ""),
            "retired": ("retired", 15, "达到退休年龄，办理退休（演示数据）"), "study": ("study", 30, "考入高等职业院校（演示数据）")}
    if role in ends:
        ground, back, note = ends[role]
        services.deregister(user=maker, registration=reg, ground=ground, ended_on=t - timedelta(days=back), note=note)
        if cert is not None:
            certificates.cancel(user=maker, certificate=cert, reason={"moved_away": "迁出本市", "retired": "已退休"}.get(
                ground, "注销失业登记"), cancelled_on=t - timedelta(days=back))
    if role.startswith("applicant"):
        _applications(person, cert, role.endswith("_b"), maker, checker)
    if role in ("hired", "rejected", "no_show", "pending"):
        action = assistance.action_add(user=maker, person=person, kind="referral", acted_on=t - timedelta(days=15),
                                       note="按匹配结果推荐岗位（演示数据）")
        outcome = _refer(person, role, maker)
        if outcome is not None and role != "pending":
            assistance.action_outcome(user=maker, action=action, outcome="employed" if role == "hired" else "no_result",
                                      outcome_on=t - timedelta(days=2))


def _flags(rng, person: Person, i: int, maker) -> None:
    from laobao.employment import assistance

    t = today()
    kind = {3: "disabled", 7: "zero_employment_family", 11: "land_expropriated"}.get(i % 12)
    if kind is None:
        return
    source = {"disabled": f"残疾人证 {person.pk:08d}（演示数据）", "zero_employment_family": "街道民政认定（演示数据）",
              "land_expropriated": "苏府征〔2024〕演示号"}[kind]
    assistance.flag_add(user=maker, person=person, kind=kind, source=source, recorded_on=t - timedelta(days=60))
    act = assistance.action_add(user=maker, person=person, kind=("counselling", "training", "welfare_post")[i % 3],
                                acted_on=t - timedelta(days=40), note="就业援助对象，一对一帮扶（演示数据）")
    if kind == "disabled":
        assistance.action_outcome(user=maker, action=act, outcome="declined", outcome_on=t - timedelta(days=20))


def _refer(person: Person, role: str, maker, prefer_employer: Employer | None = None, prefer_code: str = ""):
    """Refer the person to their best match (the matches page's order) and record the role's outcome."""
    from laobao.employment.matching import referrals
    from laobao.employment.matching.selectors import matches_for

    t = today()
    _, matches = matches_for(maker, person, day=t)
    if prefer_employer is not None:
        mine = [m for m in matches if m.vacancy.employer_id == prefer_employer.pk]
        matches = [m for m in mine if m.vacancy.occupation_id == prefer_code] or mine or matches
    if not matches:
        return None
    best = matches[0]
    ref = referrals.referral_create(user=maker, person=person, vacancy=best.vacancy,
                                    referred_on=t - timedelta(days=40 if role == "hired" else 14),
                                    score=best.score.total, note="按匹配推荐（演示数据）")
    outcome = {"hired": "hired", "rejected": "rejected", "no_show": "no_show"}.get(role)
    if outcome is None:
        return ref
    day = date(t.year, t.month, 1) - timedelta(days=4) if role == "hired" else t - timedelta(days=5)
    return referrals.referral_outcome(user=maker, referral=ref, outcome=outcome, outcome_on=max(day, ref.referred_on),
                                      note={"hired": "已录用，签订劳动合同", "rejected": "面试未通过",
                                            "no_show": "未按约参加面试"}[outcome] + "（演示数据）")


def _applications(person: Person, cert, second: bool, maker, checker) -> None:
    """A loan approved, tax relief waiting for the checker, self-employment rejected, an employer subsidy whose
    conditions fail (received: no hire yet)."""
    from laobao.employment import certificates

    if cert is None:
        return
    business = f"{person.name[0]}记便民小店（演示）"
    decide = GUSU in person.residence_region.path  # the demo checker (district_gusu) decides in 姑苏 only
    loan = certificates.receive(user=maker, certificate=cert, kind="guaranteed_loan", amount_fen=1_500_000,
                                business_name=business)
    if loan.status == "checked" and decide:
        certificates.approve(user=checker, application=loan)
    certificates.receive(user=maker, certificate=cert, kind="tax_relief", amount_fen=480_000, business_name=business)
    if not second and decide:
        own = certificates.receive(user=maker, certificate=cert, kind="self_employment", business_name="")
        certificates.reject(user=checker, application=own, reason="未提供经营项目及营业执照，不予核准（演示数据）")
    else:
        hepan = cast_member("employer", "hepan")
        t = today()
        certificates.receive(user=maker, certificate=cert, kind="employer_subsidy", employer=hepan,
                             from_month=date(t.year, t.month, 1), to_month=date(t.year, t.month, 1))


# --- the cast and the subsidy --------------------------------------------------------------------------------

def _wangfang(maker) -> None:
    """王芳: registered by the benefits demo; contacts, a certificate, counselling, then the clinic hires her."""
    from laobao.employment import assistance, certificates, services
    from laobao.employment.models import ReemploymentCertificate, UnemploymentRegistration

    person = cast_member("person", "wangfang")
    if person is None:
        return
    t = today()
    reg = UnemploymentRegistration.objects.filter(person=person, ended_on__isnull=True).first()
    if reg is None:
        reg = services.register(user=maker, person=person, registered_on=date(2026, 2, 10), involuntary=True,
                                reason="劳动合同期满终止，单位不再续订（演示数据）", able_to_work=True, willing_to_work=True)
    services.save_job_seeker(user=maker, person=person, education="senior", skills="纺织挡车,护理", skill_level=5,
                             wanted_occupation_code="4-14-01", wanted_occupation="护理员",
                             wanted_region=person.residence_region.parent, wanted_wage_min_fen=430_000,
                             wanted_wage_max_fen=560_000, able_to_work=True, willing_to_work=True)
    for days in (150, 90, 30):
        day = t - timedelta(days=days)
        if day >= reg.registered_on:
            services.record_contact(user=maker, registration=reg, contacted_on=day, channel="visit", outcome="seeking",
                                    note="上门走访，参加再就业培训意向（演示数据）")
    if not ReemploymentCertificate.objects.filter(person=person).exists():
        certificates.issue(user=maker, person=person, issued_on=max(reg.registered_on, t - timedelta(days=140)))
    act = assistance.action_add(user=maker, person=person, kind="counselling", acted_on=t - timedelta(days=100),
                                note="4050 人员，职业指导：建议转岗护理员并参加再就业技能培训（演示数据）")
    assistance.action_outcome(user=maker, action=act, outcome="employed", outcome_on=t - timedelta(days=3))
    _refer(person, "hired", maker, prefer_employer=cast_member("employer", "clinic"), prefer_code="4-14-01")


def _employer_subsidy(rng, maker, checker) -> None:
    """A 姑苏 person hired in 2025 after registration and a (legacy-issued) certificate: the employer's social
    insurance subsidy for months billed by the history, approved by a second person, posted to the journal."""
    t = today()
    hires = (EmploymentRelation.objects.filter(start_date__gte=date(2025, 2, 1), start_date__lte=date(2025, 10, 31),
                                               end_date__isnull=True, person__residence_region__path__contains=GUSU,
                                               person__birth_date__gt=years_before(t, 45),
                                               person__birth_date__lte=years_before(t, 22))
             .exclude(person__unemployment_registrations__isnull=False)
             .order_by("person_id").select_related("person__residence_region", "employer")[:40])
    for rel in hires:
        try:
            with transaction.atomic():
                if _subsidy_for(rel, maker, checker):
                    return
        except DomainError:
            continue


def _subsidy_for(rel: EmploymentRelation, maker, checker) -> bool:
    from laobao.employment import certificates
    from laobao.employment.models import ReemploymentCertificate, UnemploymentRegistration
    from laobao.insurance.models import Contribution

    from . import tables

    t = today()
    first = certificates.add_months(rel.start_date.replace(day=1), 1)
    last = min(certificates.add_months(first, 5), tables.AS_OF.replace(day=1))
    if not Contribution.objects.filter(person=rel.person, bill__employer=rel.employer, month=first).exists():
        return False
    before = EmploymentRelation.objects.filter(person=rel.person, start_date__lt=rel.start_date).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=rel.start_date - timedelta(days=40)))
    if before.exists():
        return False
    registered = rel.start_date - timedelta(days=35)
    reg = UnemploymentRegistration.objects.create(
        person=rel.person, registered_on=registered, involuntary=True, reason="原系统迁移的失业登记（演示数据）",
        ended_on=rel.start_date, end_reason="reemployment", end_note=f"{rel.start_date:%Y-%m-%d} 劳动关系开始",
        checks=[{"code": "migrated", "ok": True, "zh": "原系统已审核（迁移）", "en": "checked by the legacy system (migrated)"}])
    issued = registered + timedelta(days=7)
    district = rel.person.residence_region.path.strip("/").split("/")[1]
    prefix = f"ZY{district}{issued:%Y}"
    cert = ReemploymentCertificate.objects.create(
        number=f"{prefix}{ReemploymentCertificate.objects.filter(number__startswith=prefix).count() + 1:05d}",
        person=rel.person, registration=reg, issued_on=issued, valid_until=certificates.valid_until(issued),
        checks=reg.checks)
    audit.record("demo.employment_history", object_type="reemployment_certificate", object_id=cert.pk,
                 region_path=rel.person.residence_region.path,
                 after={"registration": reg.pk, "certificate": cert.number, "hired": rel.start_date.isoformat()})
    if cert.valid_until < t:
        cert = certificates.renew(user=maker, certificate=cert, renewed_on=t - timedelta(days=20))
    app = certificates.receive(user=maker, certificate=cert, kind="employer_subsidy", employer=rel.employer,
                               from_month=first, to_month=last)
    if app.status != "checked":
        raise DomainError.of("application", "demo.skip", "条件不满足", "conditions not met: " + "; ".join(
            c["en"] for c in app.checks if not c["ok"]))
    certificates.approve(user=checker, application=app)
    return True


__all__ = ["MARKER", "counts", "done", "grow"]
