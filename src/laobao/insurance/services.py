"""Writes of enrollment (参保登记): one transaction each, validated, scoped, audited."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError, Forbidden
from laobao.core.scoping import can
from laobao.policy.rules.contribution.exact import yuan
from laobao.registry import services as registry_services
from laobao.registry.models import Employer, EmploymentRelation, Person
from laobao.registry.services import check_write
from laobao.registry.signals import employment_started

from . import rechecks
from .models import FLEXIBLE_INSURANCES, BaseLimit, ContractKind, Enrollment, HireReport, Insurance, Reason

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
    employment_started.send(sender=Enrollment, person=person, started=start)
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


# --- the employer hall: 增员 / 减员, self-enrollment, base limits ------------------------------------------
# (the yearly base declaration is in ``declarations.py``)

MAX_WAGE_FEN = 100_000_000  # 1,000,000 yuan a month: anything above is a typo (yuan entered as fen, extra zeros)
END_REASONS = (Reason.LEAVE, Reason.RETIREMENT, Reason.DEATH, Reason.TRANSFER_OUT, Reason.SUSPENSION)


def hall_actor(user, employer: Employer):
    """Who the registry and enrollment services act as for a hall write on ``employer``.

    An employer user (单位经办人) may act for the one employer its portal link names, inside its region:
    the check is made here, and the services below then run as the operator (``None``) — the audit row
    still names the logged-in user (the actor comes from the request context). Staff need
    ``registry.write`` over the employer's region; ``None`` is the CLI.
    """
    from laobao.core.models import Role
    from laobao.core.scoping import region_prefix
    from laobao.registry.selectors import employers_visible

    if user is None:
        return None
    if getattr(user, "role", None) == Role.EMPLOYER_USER:
        if region_prefix(user) is None or not employers_visible(user).filter(pk=employer.pk).exists():
            raise Forbidden
        return None
    check_write(user, employer.region)
    return user


def clean_wage(value, field: str = "wage_fen") -> int:
    """A monthly wage in fen: an integer from 0 to 1,000,000 yuan."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError.of(field, "wage.type", "工资须为整数（分）：请填写以元为单位、最多两位小数的金额",
                             "The wage must be a whole number of fen: enter yuan with at most two decimals")
    if value < 0:
        raise DomainError.of(field, "wage.negative", "工资不能为负数：请填写实际月工资",
                             "The wage cannot be negative: enter the actual monthly wage")
    if value > MAX_WAGE_FEN:
        raise DomainError.of(field, "wage.absurd",
                             "月工资超过 1,000,000 元，不合常理：请检查是否多填了零或把“分”当成了“元”",
                             "A monthly wage above 1,000,000 yuan is not plausible: check for extra zeros "
                             "or fen entered as yuan")
    return value


def _clean_contract(kind, start: date, end: date | None) -> str:
    kind = _clean_choice(kind, ContractKind, "contract_kind", "合同类型", "contract kind")
    if kind == ContractKind.FIXED and end is None:
        raise DomainError.of("contract_end", "hire.contract_end", "固定期限劳动合同须填写合同终止日期",
                             "A fixed-term contract needs its end date")
    if end is not None and end < start:
        raise DomainError.of("contract_end", "hire.contract_dates", "合同终止日期不能早于合同开始日期：请更正日期",
                             "The contract end date cannot be before its start date: correct the dates")
    return kind


def _hire_snapshot(report: HireReport) -> dict:
    return {"relation": report.relation_id, "contract_kind": report.contract_kind,
            "contract_start": report.contract_start.isoformat(),
            "contract_end": report.contract_end.isoformat() if report.contract_end else None,
            "position": report.position, "wage_fen": report.wage_fen}


@transaction.atomic
def hire(*, user, person: Person, employer: Employer, start_date: date, contract_kind: str, wage_fen: int,
         contract_start: date | None = None, contract_end: date | None = None, position: str = "",
         insurances=ALL_INSURANCES) -> HireReport:
    """增员: the employment, the hire report, the enrollments and the first year's base — all or nothing."""
    from . import declarations
    from .bases import contribution_year

    actor = hall_actor(user, employer)
    wage_fen = clean_wage(wage_fen)
    contract_start = contract_start or start_date
    kind = _clean_contract(contract_kind, contract_start, contract_end)
    insurances = _clean_insurances(insurances, ALL_INSURANCES)
    relation = registry_services.relation_start(user=actor, person=person, employer=employer, start_date=start_date)
    report = HireReport.objects.create(relation=relation, contract_kind=kind, contract_start=contract_start,
                                       contract_end=contract_end, position=" ".join((position or "").split())[:60],
                                       wage_fen=wage_fen)
    start = first_of_month(start_date)
    enroll_hire(user=actor, relation=relation, insurances=insurances, start_month=start)
    declarations.record_first_year(person=person, employer=employer, year=contribution_year(start), wage_fen=wage_fen)
    rechecks.mark(person=person, employer=employer, from_month=start, reason="back-dated hire")
    audit.record("insurance.hire", object_type="relation", object_id=relation.pk, region_path=employer.region.path,
                 after=_hire_snapshot(report) | {"insurances": list(insurances)})
    return report


def _clean_insurances(values, allowed) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(values or ()))
    bad = [v for v in chosen if v not in allowed]
    if not chosen or bad:
        names = ", ".join(allowed)
        raise DomainError.of("insurances", "enrollment.insurances", f"请选择参保险种（可选 {names}）",
                             f"Choose the insurances to enroll in (from {names})")
    return chosen


@transaction.atomic
def leave(*, user, relation: EmploymentRelation, end_date: date, reason: str = Reason.LEAVE) -> list[Enrollment]:
    """减员: end the employment and stop every open enrollment with that employer after the leaving month."""
    actor = hall_actor(user, relation.employer)
    if reason not in END_REASONS:
        allowed = ", ".join(END_REASONS)
        raise DomainError.of("end_reason", "leave.reason", f"减员原因无效：请填写 {allowed} 之一",
                             f"Unknown reason for leaving: use one of {allowed}")
    if end_date > timezone.localdate() + timedelta(days=31):
        raise DomainError.of("end_date", "leave.future", "离职日期最晚为一个月之后：请填写实际离职日期",
                             "The leaving date can be a month ahead at the latest: enter the actual date")
    registry_services.relation_end(user=actor, relation=relation, end_date=end_date)
    end = first_of_month(end_date)
    open_rows = list(Enrollment.objects.filter(person=relation.person, employer=relation.employer,
                                               end_month__isnull=True).select_related("person", "employer"))
    stopped = [stop(user=actor, enrollment=e, end_month=end, reason=reason) for e in open_rows]
    rechecks.mark(person=relation.person, employer=relation.employer, from_month=next_month(end),
                  reason="back-dated leave")
    audit.record("insurance.leave", object_type="relation", object_id=relation.pk,
                 region_path=relation.employer.region.path,
                 after={"end_date": end_date.isoformat(), "reason": reason, "stopped": [e.pk for e in stopped]})
    return stopped


def _check_self_base(base_fen: int, year: int, insurances) -> None:
    from .bases import limits

    table = limits(year)
    for ins in insurances:
        floor, cap = table[ins]
        if not floor <= base_fen <= cap:
            raise DomainError.of(
                "base_fen", "self.base_range",
                f"{year} 年度{Insurance(ins).label}保险的缴费基数须在下限 {yuan(floor)} 元与上限 {yuan(cap)} 元之间"
                f"（含）：请在此范围内选择基数",
                f"The {year} contribution base for {ins} insurance must lie between the floor {yuan(floor)} and "
                f"the cap {yuan(cap)} yuan (inclusive): choose a base in that range")


@transaction.atomic
def enroll_self(*, user, person: Person, insurances, start_month: date, base_fen: int) -> list[Enrollment]:
    """灵活就业人员参保: pension and/or medical at a base the person chooses between the year's floor and cap."""
    from . import declarations
    from .bases import contribution_year

    insurances = _clean_insurances(insurances, tuple(sorted(FLEXIBLE_INSURANCES)))
    start = _clean_month(start_month, "start_month")
    base_fen = clean_wage(base_fen, "base_fen")
    year = contribution_year(start)
    _check_self_base(base_fen, year, insurances)
    rows = [enroll(user=user, person=person, insurance=ins, start_month=start, employer=None,
                   reason=Reason.SELF_ENROLLMENT) for ins in insurances]
    declarations.record_self(person=person, year=year, base_fen=base_fen)
    rechecks.mark(person=person, employer=None, from_month=start, reason="back-dated self-enrollment")
    audit.record("insurance.enroll_self", object_type="person", object_id=person.pk,
                 region_path=person.residence_region.path,
                 after={"insurances": list(insurances), "start_month": start.isoformat(), "base_fen": base_fen,
                        "year": year})
    return rows


def _limit_snapshot(row: BaseLimit) -> dict:
    return {"year": row.year, "insurance": row.insurance, "floor_fen": row.floor_fen, "cap_fen": row.cap_fen,
            "reference": row.reference}


@transaction.atomic
def set_limits(*, user, year: int, floor_fen: int, cap_fen: int, insurance: str = "", reference: str) -> BaseLimit:
    """缴费基数上下限 of a contribution year (city officer or the CLI): set, or corrected with its before/after."""
    from laobao.core.models import Role

    if user is not None and (user.role != Role.CITY_OFFICER or not can(user, "registry.write")):
        raise Forbidden
    if insurance:
        insurance = _clean_choice(insurance, Insurance, "insurance", "险种", "insurance")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise DomainError.of("year", "limits.year", "年度无效：请填写四位年份，如 2024", "Invalid year: give four digits, e.g. 2024")
    floor_fen, cap_fen = clean_wage(floor_fen, "floor_fen"), clean_wage(cap_fen, "cap_fen")
    if floor_fen <= 0 or cap_fen < floor_fen:
        raise DomainError.of("cap_fen", "limits.order",
                             f"下限 {yuan(floor_fen)} 元须大于 0 且不高于上限 {yuan(cap_fen)} 元：请核对本市公布的上下限",
                             f"The floor {yuan(floor_fen)} must be above 0 and not above the cap {yuan(cap_fen)} yuan: "
                             "check the city's published limits")
    reference = " ".join((reference or "").split())
    if len(reference) < 4:
        raise DomainError.of("reference", "limits.reference", "请填写依据（文件名称和文号，至少4个字）",
                             "Give the source (notice title and number, at least 4 characters)")
    row = BaseLimit.objects.filter(year=year, insurance=insurance).first()
    before = _limit_snapshot(row) if row else None
    if row is None:
        row = BaseLimit(year=year, insurance=insurance)
    row.floor_fen, row.cap_fen, row.reference = floor_fen, cap_fen, reference[:300]
    row.save()
    audit.record("insurance.set_limits", object_type="base_limit", object_id=row.pk, before=before,
                 after=_limit_snapshot(row))
    return row

