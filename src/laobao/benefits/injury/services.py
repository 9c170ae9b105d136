"""Writes of a work-injury case: the report (工伤认定申请) and the recognition decision (认定). One transaction
each, audited (``injury_case.*``), DomainError zh + en. Jurisdiction: the injured person's residence region;
reporting needs ``benefit.write``, deciding ``benefit.approve`` and a checker who is not the maker.

工伤保险条例（2010年修订）: the employer reports within 30 days of the accident (第十七条第一款) — later it is still
received, flagged ``late_employer`` (the employer bears the costs of the gap, 第十七条第四款); the worker or close
relatives report within 1 year (第十七条第二款) — later it is refused. The decision is due 60 days after
acceptance (第二十条第一款), 15 days when the facts are clear (第二十条第二款). Recognition: 第十四条 (工伤) or
第十五条 (视同工伤) with its ground; refusal: 第十六条 or "not caused by the work", in words the applicant reads.
Award writes (assessment, death, approval) are in ``awards.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.registry.models import Employer, Person
from laobao.registry.services import check_write

from . import evaluate as ev
from . import grounds
from .models import ApplicantKind, CaseStatus, InjuryCase


@dataclass(frozen=True)
class ReportInput:
    accident_date: date
    place: str
    description: str
    applicant_kind: str
    simple_facts: bool = False
    received_on: date | None = None  # default today


def _err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


def path_of(person: Person) -> str:
    return person.residence_region.path if person.residence_region_id else ""


def snapshot(c: InjuryCase) -> dict:
    return {"case_no": c.case_no, "person": c.person_id, "employer": c.employer_id, "status": c.status,
            "accident_date": c.accident_date.isoformat(), "applicant_kind": c.applicant_kind,
            "received_on": c.received_on.isoformat(), "decision_due": c.decision_due.isoformat(),
            "late_employer": c.late_employer, "insured": c.insured, "recognition": c.recognition,
            "ground": c.ground, "maker": c.maker_id, "checker": c.checker_id}


def _validate(data: ReportInput, today: date) -> date:
    if data.applicant_kind not in ApplicantKind.values:
        raise _err("applicant_kind", "injury.applicant_kind", "申请人只能是用人单位、职工本人或近亲属",
                   "the applicant is the employer, the worker or a close relative")
    received = data.received_on or today
    if data.accident_date > today or received > today:
        raise _err("accident_date", "injury.date_future", "事故日期和受理日期不能晚于今天", "dates cannot be in the future")
    if received < data.accident_date:
        raise _err("received_on", "injury.received_before", "受理日期不能早于事故日期",
                   "the application cannot be received before the accident")
    if not data.place.strip() or not data.description.strip():
        raise _err("description", "injury.description_required", "请填写事故地点和经过",
                   "give the place of the accident and what happened")
    days = (received - data.accident_date).days
    if data.applicant_kind != ApplicantKind.EMPLOYER and days > ev.WORKER_DAYS:
        raise _err("accident_date", "injury.worker_late",
                   f"事故已过去 {days} 日：职工或近亲属应在事故发生之日起1年内提出工伤认定申请（工伤保险条例第十七条第二款），不予受理",
                   f"{days} days since the accident: the worker or relatives must apply within 1 year (art. 17(2)); "
                   "the application cannot be accepted")
    return received


def _case_no(day: date) -> str:
    prefix = f"GS{day:%Y%m%d}"
    return f"{prefix}{InjuryCase.objects.filter(case_no__startswith=prefix).count() + 1:04d}"


def _save_new(case: InjuryCase, today: date) -> None:
    for _ in range(3):  # the day's sequence number; a concurrent counter may take the same one
        case.case_no = _case_no(today)
        try:
            with transaction.atomic():
                case.save()
            return
        except IntegrityError:
            if InjuryCase.objects.filter(person=case.person, accident_date=case.accident_date).exclude(
                    status=CaseStatus.NOT_RECOGNISED).exists():
                break
    raise _err("accident_date", "injury.case_exists", "此人这次事故已有工伤认定申请（未办结或已认定）",
               "this person already has an injury case for this accident (open or recognised)")


@transaction.atomic
def report(*, user, person: Person, employer: Employer, data: ReportInput) -> InjuryCase:
    """Receive an injury report; store the relation/enrollment checks, the deadline and the late flag."""
    person = Person.objects.select_for_update(of=("self",)).select_related("residence_region").get(pk=person.pk)
    check_write(user, person.residence_region, "benefit.write")
    today = timezone.localdate()
    received = _validate(data, today)
    facts = ev.report_facts(person, employer, data.accident_date, received, data.applicant_kind)
    if not (facts["relation"] or facts["insured"]):
        bad = facts["checks"][0]
        raise _err("employer", "injury.no_relation", bad["zh"] + "（工伤保险条例第十八条：申请须提交劳动关系证明）",
                   bad["en"] + " (art. 18: the application needs proof of the employment relation)")
    case = InjuryCase(person=person, employer=employer, accident_date=data.accident_date,
                      place=data.place.strip()[:200],
                      description=data.description.strip()[:1000], applicant_kind=data.applicant_kind,
                      received_on=received, simple_facts=bool(data.simple_facts),
                      decision_due=ev.decision_due(received, bool(data.simple_facts)), late_employer=facts["late"],
                      insured=facts["insured"], checks=facts["checks"], maker=user)
    _save_new(case, today)
    audit.record("injury_case.report", object_type="injury_case", object_id=case.pk, region_path=path_of(person),
                 after=snapshot(case))
    return case


def locked(case: InjuryCase) -> InjuryCase:
    return (InjuryCase.objects.select_for_update(of=("self",))
            .select_related("person__residence_region", "employer__region").get(pk=case.pk))


def check_decider(user, region, maker_id: int, what_zh: str, what_en: str) -> None:
    """Maker-checker: a staff member with ``benefit.approve`` in the region who did not make the entry."""
    if user is None:
        raise _err("checker", "claim.checker_required", "核准或驳回须由有权限的工作人员在系统中办理",
                   "a decision is made by an authorized staff member, not by the machine operator")
    check_write(user, region, "benefit.approve")
    if maker_id == user.pk:
        raise _err("checker", "claim.maker_is_checker", f"受理人不能{what_zh}：须由另一名工作人员复核",
                   f"the caseworker who made the entry cannot {what_en}: a second person must check it")


@transaction.atomic
def decide(*, user, case: InjuryCase, ground: str, reason_zh: str = "", reason_en: str = "") -> InjuryCase:
    """认定 (second person): recognise with a 第十四/十五条 ground, or refuse (第十六条 / not work-related)."""
    case = locked(case)
    check_decider(user, case.person.residence_region, case.maker_id, "对自己受理的申请作出认定", "decide their own case")
    if case.status != CaseStatus.RECEIVED:
        raise _err("case", "injury.decided", f"{case.case_no} 已作出认定（{case.get_status_display()}），不能再次认定",
                   f"{case.case_no} is already decided ({case.status})")
    if ground not in grounds.ALL:
        raise _err("ground", "injury.ground", "请选择认定依据（第十四、十五、十六条）",
                   "choose the ground of the decision (art. 14, 15 or 16)")
    before = snapshot(case)
    zh, en = grounds.ALL[ground]
    typed_zh, typed_en = (reason_zh or "").strip(), (reason_en or "").strip()
    case.recognition, case.ground = grounds.recognition_of(ground), ground
    case.status = CaseStatus.RECOGNISED if case.recognition else CaseStatus.NOT_RECOGNISED
    case.reason_zh = (zh + ("：" + typed_zh if typed_zh else ""))[:500]
    case.reason_en = (en + ("; " + (typed_en or typed_zh) if typed_zh or typed_en else ""))[:500]
    case.checker, case.decided_at = user, timezone.now()
    case.save()
    audit.record("injury_case.decide", object_type="injury_case", object_id=case.pk,
                 region_path=path_of(case.person), before=before,
                 after=snapshot(case) | {"overdue": timezone.localdate() > case.decision_due})
    return case
