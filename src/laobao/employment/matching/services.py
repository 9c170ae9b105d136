"""Writes of job placement (职业介绍): vacancies, job fairs, agencies and their placements, referrals.

One transaction each, validated, audited. Who may post a vacancy: the employer's own user (employer hall) or
staff with ``vacancy.post`` whose jurisdiction holds the employer (counter, job fair); ``user=None`` is the
operator at the machine (CLI, demo). Referrals need ``employment.write`` and the person in the jurisdiction.
Every change to vacancies bumps ``MatchingState`` so the cached columns of the open vacancies reload.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from laobao.core import audit
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import Region, Role
from laobao.core.scoping import can, in_scope
from laobao.policy.params import ParameterError, param
from laobao.registry import selectors as registry_selectors
from laobao.registry.models import Employer, Person

from .models import (AgencyKind, AgencyPlacement, EmploymentAgency, JobFair, JobFairEmployer, MatchingState,
                     Occupation, SkillLevel, Vacancy, VacancyStatus)
from .scoring import OCCUPATION_CODE

MAX_OPEN_DAYS = 366
WAGE_MAX_FEN = 100_000_000  # one million yuan a month: anything above is a typing error


def _path(region) -> str:
    return region.path if region is not None else ""


def bump() -> None:
    """Tell every process that the open vacancies changed (call inside the writing transaction)."""
    MatchingState.objects.update_or_create(pk=1, defaults={"generation": uuid.uuid4().int >> 65})


def check_employer(user, employer: Employer) -> None:
    """May ``user`` post or change vacancies of ``employer``? (employer user: its own; staff: in jurisdiction)."""
    if user is None:
        return
    if not can(user, "vacancy.post"):
        raise Forbidden
    if user.role == Role.EMPLOYER_USER:
        if not registry_selectors.employers_visible(user).filter(pk=employer.pk).exists():
            raise Forbidden
    elif not in_scope(user, _path(employer.region)):
        raise Forbidden


def check_person(user, person: Person, action: str = "employment.write") -> None:
    if user is None:
        return
    path = person.residence_region.path if person.residence_region_id else None
    if not can(user, action) or not in_scope(user, path):
        raise Forbidden


# --- occupations ------------------------------------------------------------------------------------

def occupation_for(code: str, field: str = "occupation") -> Occupation:
    """The minor group or detailed occupation named by ``code``; bad format or unknown code is refused."""
    code = (code or "").strip()
    if not OCCUPATION_CODE.match(code) or code.count("-") < 2:
        raise DomainError.of(field, "occupation.format",
                             f"职业代码“{code}”格式不对：请按《职业分类大典》填写小类或职业代码，如 4-03-02 或 4-03-02-01",
                             f"Occupation code {code!r} is malformed: give a minor group or occupation code of the "
                             "national classification, e.g. 4-03-02 or 4-03-02-01")
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        raise DomainError.of(field, "occupation.unknown",
                             f"职业代码“{code}”不在《职业分类大典（2022年版）》代码表中：请从代码表中选择",
                             f"Occupation code {code!r} is not in the 2022 classification: choose one from the list")
    return occupation


# --- vacancies --------------------------------------------------------------------------------------

def _vacancy_snapshot(v: Vacancy) -> dict:
    return {"employer": v.employer_id, "title": v.title, "occupation": v.occupation_id, "skill_level": v.skill_level,
            "wage_min_fen": v.wage_min_fen, "wage_max_fen": v.wage_max_fen, "region": v.region.code,
            "count": v.count, "hired": v.hired, "status": v.status, "posted_on": v.posted_on.isoformat(),
            "expires_on": v.expires_on.isoformat(), "fair": v.fair_id, "agency": v.agency_id}


def _check_vacancy(*, wage_min_fen: int, wage_max_fen: int, count: int, posted_on: date, expires_on: date,
                   skill_level, region: Region | None) -> None:
    problems = []
    if wage_min_fen < 0 or wage_max_fen < wage_min_fen or wage_max_fen > WAGE_MAX_FEN:
        problems += DomainError.of("wage_max", "vacancy.wage_range",
                                   "工资区间不对：下限不能为负，上限不能低于下限（单位：元/月）",
                                   "The wage range is wrong: the minimum cannot be negative nor the maximum below it "
                                   "(yuan a month)").problems
    else:
        try:
            minimum = param("wages.minimum_wage", on=posted_on).value
        except ParameterError:  # no verified minimum wage for that date: nothing to compare with
            minimum = 0
        if wage_min_fen < minimum:
            problems += DomainError.of("wage_min", "vacancy.below_minimum_wage",
                                       f"工资下限低于当地最低工资标准 {minimum // 100} 元/月：请提高工资下限",
                                       f"The minimum wage offered is below the legal minimum of {minimum // 100} yuan "
                                       "a month: raise it").problems
    if count < 1:
        problems += DomainError.of("count", "vacancy.count", "招聘人数至少为 1", "Post at least one place").problems
    if expires_on < posted_on or expires_on > posted_on + timedelta(days=MAX_OPEN_DAYS):
        problems += DomainError.of("expires_on", "vacancy.dates",
                                   f"有效期不对：截止日期须在发布日期之后、{MAX_OPEN_DAYS} 天以内",
                                   f"The validity is wrong: the end date must follow the posting date by at most "
                                   f"{MAX_OPEN_DAYS} days").problems
    if skill_level is not None and skill_level not in SkillLevel.values:
        problems += DomainError.of("skill_level", "vacancy.skill_level", "技能等级只能是五级（初级）至一级（高级技师）",
                                   "The skill level must be 5 (初级) to 1 (高级技师)").problems
    if region is None or not region.is_current():
        problems += DomainError.of("region", "vacancy.region", "请填写有效的工作地点（本市区划代码）",
                                   "Give a valid work location (a region code of the city)").problems
    if problems:
        raise DomainError(*problems)


@transaction.atomic
def vacancy_post(*, user, employer: Employer, title: str, occupation_code: str, wage_min_fen: int,
                 wage_max_fen: int, count: int, posted_on: date, expires_on: date, skill_level: int | None = None,
                 region: Region | None = None, description: str = "", fair: JobFair | None = None,
                 agency: EmploymentAgency | None = None) -> Vacancy:
    check_employer(user, employer)
    region = region or employer.region
    occupation = occupation_for(occupation_code)
    _check_vacancy(wage_min_fen=wage_min_fen, wage_max_fen=wage_max_fen, count=count, posted_on=posted_on,
                   expires_on=expires_on, skill_level=skill_level, region=region)
    if fair is not None and not JobFairEmployer.objects.filter(fair=fair, employer=employer).exists():
        raise DomainError.of("fair", "vacancy.fair_employer", "该单位未报名参加此招聘会：请先登记参会单位",
                             "This employer does not take part in the job fair: add it to the fair first")
    vacancy = Vacancy.objects.create(
        employer=employer, title=title.strip()[:100] or occupation.name, occupation=occupation, skill_level=skill_level,
        wage_min_fen=wage_min_fen, wage_max_fen=wage_max_fen, region=region, count=count, posted_on=posted_on,
        expires_on=expires_on, description=description.strip()[:1000], fair=fair, agency=agency,
        posted_by=user if user is not None and user.pk else None)
    bump()
    audit.record("vacancy.post", object_type="vacancy", object_id=vacancy.pk, region_path=_path(employer.region),
                 after=_vacancy_snapshot(vacancy))
    return vacancy


EDITABLE = ("title", "skill_level", "wage_min_fen", "wage_max_fen", "count", "expires_on", "description", "region")


@transaction.atomic
def vacancy_update(*, user, vacancy: Vacancy, occupation_code: str | None = None, **changes) -> Vacancy:
    check_employer(user, vacancy.employer)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = _vacancy_snapshot(vacancy)
    if occupation_code is not None:
        vacancy.occupation = occupation_for(occupation_code)
    for name, value in changes.items():
        setattr(vacancy, name, value)
    _check_vacancy(wage_min_fen=vacancy.wage_min_fen, wage_max_fen=vacancy.wage_max_fen, count=vacancy.count,
                   posted_on=vacancy.posted_on, expires_on=vacancy.expires_on, skill_level=vacancy.skill_level,
                   region=vacancy.region)
    if vacancy.count < vacancy.hired:
        raise DomainError.of("count", "vacancy.count_below_hired", f"已录用 {vacancy.hired} 人，招聘人数不能少于此数",
                             f"{vacancy.hired} already hired: the number of places cannot be lower")
    vacancy.save()
    bump()
    audit.record("vacancy.update", object_type="vacancy", object_id=vacancy.pk,
                 region_path=_path(vacancy.employer.region), before=before, after=_vacancy_snapshot(vacancy))
    return vacancy


@transaction.atomic
def vacancy_close(*, user, vacancy: Vacancy, status: str = VacancyStatus.CLOSED) -> Vacancy:
    """Close (or mark filled, or reopen while not expired) a vacancy."""
    check_employer(user, vacancy.employer)
    if status not in VacancyStatus.values:
        raise DomainError.of("status", "vacancy.status", "岗位状态只能是招聘中、已关闭或已招满",
                             "The status must be open, closed or filled")
    before = _vacancy_snapshot(vacancy)
    vacancy.status = status
    vacancy.save(update_fields=["status", "updated_at"])
    bump()
    audit.record("vacancy.close", object_type="vacancy", object_id=vacancy.pk,
                 region_path=_path(vacancy.employer.region), before=before, after=_vacancy_snapshot(vacancy))
    return vacancy


# --- job fairs and agencies -------------------------------------------------------------------------

def _check_staff(user, region: Region | None, action: str = "employment.write") -> None:
    if user is None:
        return
    if not can(user, action) or region is None or not in_scope(user, region.path):
        raise Forbidden


@transaction.atomic
def fair_create(*, user, name: str, held_on: date, place: str, region: Region,
                agency: EmploymentAgency | None = None) -> JobFair:
    _check_staff(user, region)
    if not name.strip() or not place.strip():
        raise DomainError.of("name", "fair.required", "请填写招聘会名称和地点", "Give the job fair's name and place")
    fair = JobFair.objects.create(name=name.strip()[:120], held_on=held_on, place=place.strip()[:200], region=region,
                                  agency=agency)
    audit.record("job_fair.create", object_type="job_fair", object_id=fair.pk, region_path=region.path,
                 after={"name": fair.name, "held_on": held_on.isoformat(), "place": fair.place, "region": region.code})
    return fair


@transaction.atomic
def fair_join(*, user, fair: JobFair, employer: Employer, booth: str = "") -> JobFairEmployer:
    _check_staff(user, fair.region)
    try:
        with transaction.atomic():
            row = JobFairEmployer.objects.create(fair=fair, employer=employer, booth=booth.strip()[:20])
    except IntegrityError:
        raise DomainError.of("employer", "fair.already_joined", "该单位已登记参加此招聘会",
                             "This employer already takes part in the job fair") from None
    audit.record("job_fair.join", object_type="job_fair", object_id=fair.pk, region_path=fair.region.path,
                 after={"employer": employer.pk, "booth": row.booth})
    return row


@transaction.atomic
def agency_register(*, user, name: str, kind: str, licence_no: str, region: Region,
                    licensed_on: date) -> EmploymentAgency:
    _check_staff(user, region, "employment.approve")
    licence_no = licence_no.strip().upper()
    if kind not in AgencyKind.values or not name.strip() or not licence_no:
        raise DomainError.of("licence_no", "agency.required", "请填写机构名称、性质（公共/经营性）和许可证编号",
                             "Give the agency's name, kind (public/private) and licence number")
    try:
        with transaction.atomic():
            agency = EmploymentAgency.objects.create(name=name.strip()[:200], kind=kind, licence_no=licence_no,
                                                     region=region, licensed_on=licensed_on)
    except IntegrityError:
        raise DomainError.of("licence_no", "agency.duplicate", f"许可证编号 {licence_no} 已登记：请勿重复登记",
                             f"Licence {licence_no} is already registered: do not register it twice") from None
    audit.record("agency.register", object_type="agency", object_id=agency.pk, region_path=region.path,
                 after={"name": agency.name, "kind": kind, "licence_no": licence_no, "region": region.code})
    return agency


@transaction.atomic
def placements_record(*, user, agency: EmploymentAgency, month: date, placed: int) -> AgencyPlacement:
    """The agency's placements of ``month`` (a correction replaces the month's figure; both are audited)."""
    _check_staff(user, agency.region)
    month = month.replace(day=1)
    if placed < 0:
        raise DomainError.of("placed", "agency.placed", "介绍就业人数不能为负", "The number placed cannot be negative")
    row = AgencyPlacement.objects.filter(agency=agency, month=month).first()
    before = {"placed": row.placed} if row else None
    if row is None:
        row = AgencyPlacement.objects.create(agency=agency, month=month, placed=placed,
                                             recorded_by=user if user is not None and user.pk else None)
    else:
        row.placed = placed
        row.save(update_fields=["placed"])
    audit.record("agency.placements", object_type="agency", object_id=agency.pk, region_path=agency.region.path,
                 before=before, after={"month": month.isoformat(), "placed": placed})
    return row
