"""Writes of enrollment (参保登记): one transaction each, validated, scoped, audited."""

from __future__ import annotations

import calendar
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.registry.models import Employer, EmploymentRelation, Person
from laobao.registry.services import check_write

from .models import FLEXIBLE_INSURANCES, Enrollment, Insurance, Reason

ALL_INSURANCES = tuple(Insurance)


def first_of_month(d: date) -> date:
    return d.replace(day=1)


def last_of_month(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def snapshot(e: Enrollment) -> dict:
    """What the audit log keeps: ids and months, never the person's ID number."""
    return {"person": e.person_id, "insurance": e.insurance, "employer": e.employer_id,
            "start_month": e.start_month.isoformat(), "end_month": e.end_month.isoformat() if e.end_month else None,
            "start_reason": e.start_reason, "end_reason": e.end_reason}


def _region(person: Person, employer: Employer | None):
    return employer.region if employer is not None else person.residence_region


def _clean_choice(value, choices, field: str, zh: str, en: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise DomainError.of(field, f"enrollment.{field}", f"{zh}无效：请填写 {allowed} 之一",
                             f"Unknown {en}: use one of {allowed}")
    return value


def _clean_month(value, field: str) -> date:
    if not isinstance(value, date):
        raise DomainError.of(field, "enrollment.month", "月份格式错误：请填写 YYYY-MM 形式的年月",
                             "The month is not a date: give a month as YYYY-MM")
    return first_of_month(value)


def _duplicate_error(insurance: str) -> DomainError:
    label = Insurance(insurance).label
    return DomainError.of(
        "insurance", "enrollment.duplicate",
        f"此人在该期间已参加{label}保险：同一险种不能重复参保；请先办理停保，或更正起始月份",
        f"This person is already enrolled in {insurance} insurance for that period: the same insurance cannot be "
        "enrolled twice; stop the existing enrollment first or correct the start month",
    )


def _check_employment(person: Person, employer: Employer, month: date) -> None:
    active = EmploymentRelation.objects.filter(
        person=person, employer=employer, start_date__lte=last_of_month(month)
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
    if not active.exists():
        raise DomainError.of(
            "employer", "enrollment.no_employment",
            f"此人在 {month:%Y-%m} 与该单位没有有效的劳动关系：请先登记劳动关系（入职），或更正参保单位或起始月份",
            f"This person has no active employment with this employer in {month:%Y-%m}: record the employment "
            "(hire) first, or correct the employer or the start month",
        )


def _check_rules(person: Person, insurance: str, start: date, employer: Employer | None) -> None:
    if employer is None and insurance not in FLEXIBLE_INSURANCES:
        raise DomainError.of(
            "employer", "enrollment.flexible_insurance",
            "灵活就业人员和个体工商户只能以个人身份参加养老和医疗保险：失业、工伤、生育保险须由用人单位办理",
            "Flexibly employed persons and individual businesses may enroll themselves in pension and medical "
            "insurance only: unemployment, injury and maternity insurance need an employer",
        )
    if start > next_month(first_of_month(timezone.localdate())):
        raise DomainError.of(
            "start_month", "enrollment.future",
            "起始月份最晚为下个月：请填写实际参保月份",
            "The start month can be next month at the latest: enter the actual first month of coverage",
        )
    if employer is not None:
        _check_employment(person, employer, start)
    clash = Enrollment.objects.filter(person=person, insurance=insurance).filter(
        Q(end_month__isnull=True) | Q(end_month__gte=start))
    if clash.exists():
        raise _duplicate_error(insurance)


@transaction.atomic
def enroll(*, user, person: Person, insurance: str, start_month: date, employer: Employer | None = None,
           reason: str) -> Enrollment:
    """Enroll ``person`` in ``insurance`` from ``start_month`` (open-ended). Refuses any overlap."""
    insurance = _clean_choice(insurance, Insurance, "insurance", "险种", "insurance")
    reason = _clean_choice(reason, Reason, "start_reason", "参保原因", "start reason")
    start = _clean_month(start_month, "start_month")
    region = _region(person, employer)
    check_write(user, region)
    _check_rules(person, insurance, start, employer)
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(person=person, insurance=insurance, employer=employer,
                                                   start_month=start, start_reason=reason)
    except IntegrityError:  # a concurrent open enrollment of the same insurance won the race
        raise _duplicate_error(insurance) from None
    audit.record("enrollment.enroll", object_type="enrollment", object_id=enrollment.pk,
                 region_path=region.path, after=snapshot(enrollment))
    return enrollment


@transaction.atomic
def stop(*, user, enrollment: Enrollment, end_month: date, reason: str) -> Enrollment:
    """End coverage after ``end_month`` (the last covered month)."""
    region = _region(enrollment.person, enrollment.employer)
    check_write(user, region)
    reason = _clean_choice(reason, Reason, "end_reason", "停保原因", "end reason")
    end = _clean_month(end_month, "end_month")
    if enrollment.end_month is not None:
        raise DomainError.of(
            "end_month", "enrollment.already_ended",
            f"该参保记录已于 {enrollment.end_month:%Y-%m} 停保：如月份有误，请更正记录而不是再次停保",
            f"This enrollment already ended in {enrollment.end_month:%Y-%m}: correct the record instead of stopping it again",
        )
    if end < enrollment.start_month:
        raise DomainError.of(
            "end_month", "enrollment.months",
            f"停保月份不能早于起始月份 {enrollment.start_month:%Y-%m}：请更正停保月份",
            f"The end month cannot be before the start month {enrollment.start_month:%Y-%m}: correct the end month",
        )
    before = snapshot(enrollment)
    enrollment.end_month, enrollment.end_reason = end, reason
    enrollment.save(update_fields=["end_month", "end_reason", "updated_at"])
    audit.record("enrollment.stop", object_type="enrollment", object_id=enrollment.pk,
                 region_path=region.path, before=before, after=snapshot(enrollment))
    return enrollment


@transaction.atomic
def enroll_hire(*, user, relation: EmploymentRelation, insurances=ALL_INSURANCES,
                start_month: date | None = None) -> list[Enrollment]:
    """Enroll a hire in every given insurance with its employer, all or nothing."""
    start = start_month or first_of_month(relation.start_date)
    return [enroll(user=user, person=relation.person, insurance=ins, start_month=start,
                   employer=relation.employer, reason=Reason.HIRE) for ins in insurances]
