"""Writes of the training app: each public function is one transaction, validated and audited.

Who may write: staff with ``training.write`` (caseworkers, officers) for institutions, courses, enrolments,
attendance, results, certificates and studios — institutions, courses, attendance and results only inside the
writer's jurisdiction (the institution's region); enrolment at the counter of any visible person in any course; a citizen enrols only themselves, in an open course (``enrol_self``). Enrolment locks the course
row, so two counters cannot both take the last place. The monthly subsidy batch is in :mod:`.subsidies`.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError, Forbidden, NotFound
from laobao.core.models import Region, Role
from laobao.core.scoping import can, in_scope
from laobao.policy.params import ParameterError, param
from laobao.registry.models import Person

from . import numbers
from .models import (Attendance, Certificate, CertificateSource, CertificateStatus, Channel, Course, CourseStatus,
                     Enrolment, EnrolmentStatus, ExamResult, Institution, SkillMasterStudio)


def _err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


def _writer(user) -> None:
    if user is not None and not can(user, "training.write"):
        raise Forbidden


def _own_institution(user, institution: Institution) -> None:
    """The institution is the bureau's public offer (readable city-wide); writing needs it in the jurisdiction."""
    if user is not None and not in_scope(user, institution.region.path):
        raise Forbidden


def _path(person: Person) -> str:
    return person.residence_region.path if person.residence_region_id else ""


# --- institutions and courses ------------------------------------------------------------------------------

def institution_create(*, user, name: str, licence_no: str, region_code: str, ownership: str) -> Institution:
    _writer(user)
    region = Region.objects.filter(code=region_code, valid_to__isnull=True).first()
    if region is None or (user is not None and not in_scope(user, region.path)):
        raise _err("region", "training.region", "区划代码不在您的辖区内：请填写本辖区的区划代码",
                   "the region code is not in your jurisdiction: give a region code in it")
    if Institution.objects.filter(licence_no=licence_no.strip()).exists():
        raise _err("licence_no", "training.licence_taken", f"办学许可证号 {licence_no} 已登记：请查找已有机构",
                   f"licence number {licence_no} is already registered: look up the existing institution")
    with transaction.atomic():
        inst = Institution.objects.create(name=name.strip(), licence_no=licence_no.strip(), region=region,
                                          ownership=ownership)
        audit.record("training.institution_create", object_type="institution", object_id=inst.pk,
                     region_path=region.path, after={"name": inst.name, "licence_no": inst.licence_no})
    return inst


def employment_deadline(completed_on: date) -> date:
    """``completed_on`` plus N months (the day clamped to the month's last), N in force on ``completed_on``."""
    n = param("training.employment_within_months", completed_on).value
    y, m = divmod(completed_on.month - 1 + n, 12)
    year, month = completed_on.year + y, m + 1
    return date(year, month, min(completed_on.day, calendar.monthrange(year, month)[1]))


def default_pass_mark(on: date) -> int:
    return param("training.pass_mark", on).value


def _subsidy_standard(kind: str, on) -> int:
    """The subsidy per trainee of ``kind`` from ``training.subsidy_per_trainee``; 0 while the parameter has no
    value on ``on`` (no standard entered: the course pays no subsidy, and its page says 0.00)."""
    try:
        return int(param("training.subsidy_per_trainee", on).value.get(kind, 0))
    except ParameterError:
        return 0


def course_create(*, user, institution: Institution, code: str, name: str, kind: str, occupation_code: str,
                  occupation_name: str, target_level: int, start_date: date, end_date: date, capacity: int,
                  pass_mark: int | None = None) -> Course:
    _writer(user)
    _own_institution(user, institution)
    occupation_code = (occupation_code or "").strip()
    if not numbers.valid_occupation_code(occupation_code):
        raise _err("occupation_code", "training.occupation_code",
                   "职业代码格式应为 大类-中类-小类-细类（如 6-04-01-01）或其前缀（如 6-04）",
                   "the occupation code is d-dd-dd-dd (e.g. 6-04-01-01) or a prefix of it (e.g. 6-04)")
    if end_date < start_date:
        raise _err("end_date", "training.dates", "结束日期不能早于开始日期", "the end date is before the start date")
    if capacity < 1:
        raise _err("capacity", "training.capacity", "招生人数至少为1", "the capacity is at least 1")
    if pass_mark is not None and not 0 < pass_mark <= 100:
        raise _err("pass_mark", "training.pass_mark", "合格分数线应在1至100之间", "the pass mark is 1 to 100")
    if Course.objects.filter(code=code.strip()).exists():
        raise _err("code", "training.course_code_taken", f"课程编号 {code} 已存在", f"course code {code} exists")
    subsidy = _subsidy_standard(kind, start_date)
    with transaction.atomic():
        course = Course.objects.create(
            code=code.strip(), name=name.strip(), institution=institution, kind=kind, occupation_code=occupation_code,
            occupation_name=occupation_name.strip(), target_level=target_level, start_date=start_date,
            end_date=end_date, capacity=capacity, subsidy_fen=subsidy, pass_mark=pass_mark)
        audit.record("training.course_create", object_type="course", object_id=course.pk,
                     region_path=institution.region.path,
                     after={"code": course.code, "kind": kind, "capacity": capacity, "subsidy_fen": subsidy})
    return course


def course_set_status(*, user, course: Course, status: str) -> Course:
    _writer(user)
    _own_institution(user, course.institution)
    with transaction.atomic():
        before = course.status
        Course.objects.filter(pk=course.pk).update(status=status)
        course.status = status
        audit.record("training.course_status", object_type="course", object_id=course.pk,
                     region_path=course.institution.region.path, before={"status": before}, after={"status": status})
    return course


# --- enrolment ---------------------------------------------------------------------------------------------

def _enrol(person: Person, course_id: int, channel: str, on: date) -> Enrolment:
    course = Course.objects.select_for_update().select_related("institution__region").get(pk=course_id)
    if course.status != CourseStatus.OPEN:
        raise _err("course", "training.course_not_open", "该课程不在招生中", "the course is not open for enrolment")
    if Enrolment.objects.filter(course=course, person=person).exists():
        raise _err("course", "training.already_enrolled", "此人已报名该课程（每人每课程限报一次）",
                   "this person is already enrolled in the course (one enrolment per course)")
    taken = Enrolment.objects.filter(course=course).exclude(status=EnrolmentStatus.WITHDRAWN).count()
    if taken >= course.capacity:
        raise _err("course", "training.course_full", f"课程已满（{course.capacity}人）：请选择其他班次",
                   f"the course is full ({course.capacity} places): choose another course")
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(course=course, person=person, channel=channel, enrolled_on=on)
    except IntegrityError:  # a concurrent enrolment of the same person won the race
        raise _err("course", "training.already_enrolled", "此人已报名该课程", "already enrolled") from None
    audit.record("training.enrol", object_type="person", object_id=person.pk, region_path=_path(person),
                 after={"course": course.code, "channel": channel, "enrolment": enrolment.pk})
    return enrolment


def enrol(*, user, person: Person, course: Course, on: date | None = None) -> Enrolment:
    """Enrol a person at the counter (``person`` comes from a scoped selector)."""
    _writer(user)
    with transaction.atomic():
        return _enrol(person, course.pk, Channel.COUNTER, on or timezone.localdate())


def enrol_self(*, user, course: Course, on: date | None = None) -> Enrolment:
    """A citizen enrols themselves (self-service): the person is the one their portal link names."""
    from laobao.registry.selectors import persons_visible

    if getattr(user, "role", None) != Role.CITIZEN:
        raise Forbidden
    person = persons_visible(user).first()
    if person is None:
        raise NotFound
    with transaction.atomic():
        return _enrol(person, course.pk, Channel.SELF, on or timezone.localdate())


def withdraw(*, user, enrolment: Enrolment) -> Enrolment:
    _writer(user)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise _err("enrolment", "training.not_enrolled", "只有在培学员可以退出", "only an enrolled trainee can withdraw")
    with transaction.atomic():
        Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.WITHDRAWN)
        enrolment.status = EnrolmentStatus.WITHDRAWN
        audit.record("training.withdraw", object_type="person", object_id=enrolment.person_id,
                     region_path=_path(enrolment.person), after={"enrolment": enrolment.pk})
    return enrolment


def attendance_record(*, user, course: Course, session_date: date, present_ids: set[int]) -> int:
    """The attendance sheet of one session: every enrolled trainee present (in ``present_ids``) or absent."""
    _writer(user)
    _own_institution(user, course.institution)
    if not course.start_date <= session_date <= course.end_date:
        raise _err("session_date", "training.session_date", "上课日期应在课程起止日期之内",
                   "the session date is within the course's dates")
    enrolments = list(course.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).values_list("pk", flat=True))
    with transaction.atomic():
        Attendance.objects.filter(enrolment_id__in=enrolments, session_date=session_date).delete()
        Attendance.objects.bulk_create([Attendance(enrolment_id=e, session_date=session_date, present=e in present_ids)
                                        for e in enrolments])
        audit.record("training.attendance", object_type="course", object_id=course.pk,
                     region_path=course.institution.region.path,
                     after={"session_date": session_date, "present": len(set(enrolments) & present_ids),
                            "enrolled": len(enrolments)})
    return len(enrolments)


# --- exams and certificates --------------------------------------------------------------------------------

def result_record(*, user, enrolment: Enrolment, exam_date: date, theory: int, practical: int,
                  issuing_body: str = "") -> ExamResult:
    """Record the exam; a pass completes the enrolment and issues the certificate of the course's level. Only
    staff whose jurisdiction holds the course's institution record results (its supervisor)."""
    _writer(user)
    _own_institution(user, enrolment.course.institution)
    for field, score in (("theory", theory), ("practical", practical)):
        if not 0 <= score <= 100:
            raise _err(field, "training.score", "成绩应为0至100的整数", "a score is a whole number from 0 to 100")
    if enrolment.status != EnrolmentStatus.ENROLLED or hasattr(enrolment, "result"):
        raise _err("enrolment", "training.result_exists", "该学员已有考核结果或已退出", "the trainee already has a result or withdrew")
    course = enrolment.course
    if exam_date < course.start_date:
        raise _err("exam_date", "training.exam_date", "考核日期不能早于开课日期", "the exam date is before the course starts")
    mark = course.pass_mark or default_pass_mark(exam_date)
    passed = theory >= mark and practical >= mark
    with transaction.atomic():
        result = ExamResult.objects.create(enrolment=enrolment, exam_date=exam_date, theory_score=theory,
                                           practical_score=practical, pass_mark=mark, passed=passed)
        status = EnrolmentStatus.COMPLETED if passed else EnrolmentStatus.FAILED
        completed, by = (exam_date, employment_deadline(exam_date)) if passed else (None, None)
        Enrolment.objects.filter(pk=enrolment.pk).update(status=status, completed_on=completed, employment_by=by)
        enrolment.status, enrolment.completed_on, enrolment.employment_by = status, completed, by
        audit.record("training.result", object_type="person", object_id=enrolment.person_id,
                     region_path=_path(enrolment.person),
                     after={"enrolment": enrolment.pk, "theory": theory, "practical": practical, "passed": passed})
        if passed:
            _issue(person=enrolment.person, enrolment=enrolment, level=course.target_level,
                   occupation_code=course.occupation_code, occupation_name=course.occupation_name,
                   issuing_body=issuing_body or course.institution.name, issued_on=exam_date,
                   source=CertificateSource.EXAM)
    return result


def _issue(*, person, enrolment, level, occupation_code, occupation_name, issuing_body, issued_on, source) -> Certificate:
    for _attempt in range(5):  # 10^9 random numbers a year and level: a collision is rare, retried
        number = numbers.new_number(issued_on.year, level)
        if not Certificate.objects.filter(number=number).exists():
            break
    cert = Certificate.objects.create(number=number, person=person, enrolment=enrolment, level=level,
                                      occupation_code=occupation_code, occupation_name=occupation_name,
                                      issuing_body=issuing_body, issued_on=issued_on, source=source)
    audit.record("training.certificate_issue", object_type="person", object_id=person.pk, region_path=_path(person),
                 after={"certificate": cert.number, "level": level, "source": source})
    return cert


def certificate_record_external(*, user, person: Person, level: int, occupation_code: str, occupation_name: str,
                                issuing_body: str, issued_on: date) -> Certificate:
    """Record a certificate obtained elsewhere (with its issuing body); it gets a number of this system."""
    _writer(user)
    if not numbers.valid_occupation_code((occupation_code or "").strip()):
        raise _err("occupation_code", "training.occupation_code", "职业代码格式应为 6-04-01-01 或其前缀",
                   "the occupation code is d-dd-dd-dd or a prefix of it")
    if not (issuing_body or "").strip():
        raise _err("issuing_body", "training.issuing_body", "请填写发证机构", "give the issuing body")
    if issued_on > timezone.localdate():
        raise _err("issued_on", "training.issued_on", "发证日期不能晚于今天", "the issue date is in the future")
    with transaction.atomic():
        return _issue(person=person, enrolment=None, level=level, occupation_code=occupation_code.strip(),
                      occupation_name=(occupation_name or "").strip(), issuing_body=issuing_body.strip(),
                      issued_on=issued_on, source=CertificateSource.EXTERNAL)


def certificate_revoke(*, user, certificate: Certificate, reason: str, on: date | None = None) -> Certificate:
    _writer(user)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise _err("reason", "training.revoke_reason", "请写明撤销原因", "state the reason for the revocation")
    if certificate.status == CertificateStatus.REVOKED:
        raise _err("reason", "training.already_revoked", "该证书已撤销", "the certificate is already revoked")
    with transaction.atomic():
        on = on or timezone.localdate()
        Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.REVOKED, revoked_on=on,
                                                             revoke_reason=reason[:300])
        certificate.status, certificate.revoked_on, certificate.revoke_reason = CertificateStatus.REVOKED, on, reason
        audit.record("training.certificate_revoke", object_type="person", object_id=certificate.person_id,
                     region_path=_path(certificate.person), reason=reason, after={"certificate": certificate.number})
    return certificate


# --- skill-master studios ----------------------------------------------------------------------------------

def studio_create(*, user, name: str, master: Person, level: str, approved_on: date,
                  institution: Institution | None = None, employer=None) -> SkillMasterStudio:
    _writer(user)
    if institution is None and employer is None:
        raise _err("institution", "training.studio_host", "请填写工作室所在的培训机构或单位",
                   "give the institution or employer that hosts the studio")
    with transaction.atomic():
        studio = SkillMasterStudio.objects.create(name=name.strip(), master=master, level=level, approved_on=approved_on,
                                                  institution=institution, employer=employer,
                                                  created_by=user if user is not None else None)
        audit.record("training.studio_create", object_type="person", object_id=master.pk, region_path=_path(master),
                     after={"studio": studio.pk, "name": studio.name, "level": level})
    return studio
