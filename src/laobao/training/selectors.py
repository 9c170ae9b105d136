"""Reads of the training app, every one scoped.

* Institutions and courses are the bureau's public offer: any back-office user who reads persons sees all of
  them (a caseworker enrols a resident in a course anywhere in the city); a citizen sees open courses only.
* Enrolments, attendance, results and certificates are personal data: visible when the person is visible
  (registry ``persons_visible``: the residence subtree, or the citizen's own record) OR the course's institution
  lies in the user's subtree (the institution's supervisor keeps its attendance sheets) — the registry's rule for
  employment relations (person or employer in sight). Foreign records are 404.
* The public verification page reads one certificate by its exact number and returns only the masked facts.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.core.scoping import can_read, region_prefix
from laobao.registry.selectors import persons_visible

from . import numbers
from .models import (Certificate, Course, CourseStatus, Enrolment, EnrolmentStatus, Institution, SkillMasterStudio,
                     TrainingSubsidy)


def _staff(user) -> bool:
    return can_read(user, "person") and user.role not in (Role.CITIZEN, Role.EMPLOYER_USER)


def institutions_visible(user) -> QuerySet[Institution]:
    return Institution.objects.select_related("region") if _staff(user) else Institution.objects.none()


def courses_visible(user) -> QuerySet[Course]:
    qs = Course.objects.select_related("institution__region")
    if _staff(user):
        return qs
    if getattr(user, "role", None) == Role.CITIZEN and region_prefix(user) is not None:
        return qs.filter(status=CourseStatus.OPEN)
    return qs.none()


def institution_get(user, pk) -> Institution:
    inst = institutions_visible(user).filter(pk=pk).first()
    if inst is None:
        raise NotFound
    return inst


def course_get(user, pk) -> Course:
    course = courses_visible(user).filter(pk=pk).first()
    if course is None:
        raise NotFound
    return course


def courses_with_counts(user, *, institution=None, open_only=False) -> QuerySet[Course]:
    qs = courses_visible(user)
    if institution is not None:
        qs = qs.filter(institution=institution)
    if open_only:
        qs = qs.filter(status=CourseStatus.OPEN)
    return qs.annotate(taken=Count("enrolments", filter=~Q(enrolments__status=EnrolmentStatus.WITHDRAWN)))


def _person_or_institution(user, person_lookup: str, institution_path: str) -> Q | None:
    if getattr(user, "role", None) in (Role.CITIZEN, Role.EMPLOYER_USER):
        return Q(**{f"{person_lookup}__in": persons_visible(user)}) if user.role == Role.CITIZEN else None
    if not can_read(user, "person"):
        return None
    prefix = region_prefix(user)
    return (Q(**{f"{person_lookup}__residence_region__path__startswith": prefix})
            | Q(**{f"{institution_path}__startswith": prefix}))


def enrolments_visible(user) -> QuerySet[Enrolment]:
    q = _person_or_institution(user, "person", "course__institution__region__path")
    qs = Enrolment.objects.select_related("person", "course__institution")
    return qs.filter(q) if q is not None else qs.none()


def enrolment_get(user, pk) -> Enrolment:
    e = enrolments_visible(user).filter(pk=pk).first()
    if e is None:
        raise NotFound
    return e


def certificates_visible(user) -> QuerySet[Certificate]:
    person_q = _person_or_institution(user, "person", "enrolment__course__institution__region__path")
    qs = Certificate.objects.select_related("person")
    return qs.filter(person_q) if person_q is not None else qs.none()


def certificate_get(user, number: str) -> Certificate:
    cert = certificates_visible(user).filter(number=numbers.normalize(number)).first()
    if cert is None:
        raise NotFound
    return cert


def course_roster(user, course: Course) -> list[Enrolment]:
    """The course's trainees the user may see (withdrawn ones last), with result and certificate."""
    return list(enrolments_visible(user).filter(course=course).select_related("result", "certificate")
                .order_by("status", "id"))


def attendance_of(user, course: Course) -> dict[int, dict]:
    """enrolment id → {session date: present} for the trainees the user may see."""
    out: dict[int, dict] = {}
    for e in enrolments_visible(user).filter(course=course).prefetch_related("attendance"):
        out[e.pk] = {a.session_date: a.present for a in e.attendance.all()}
    return out


def person_training(user, person) -> dict:
    """The person's enrolments (with results), certificates and studios — the person is already scoped."""
    enrolments = list(enrolments_visible(user).filter(person=person).select_related("result", "course__institution")
                      .order_by("-enrolled_on", "-id"))
    certificates = list(certificates_visible(user).filter(person=person))
    studios = list(studios_visible(user).filter(master=person)) if _staff(user) else []
    return {"enrolments": enrolments, "certificates": certificates, "studios": studios}


def studios_visible(user) -> QuerySet[SkillMasterStudio]:
    """Studios whose master lives, or whose host institution or employer lies, in the user's subtree."""
    if not _staff(user):
        return SkillMasterStudio.objects.none()
    prefix = region_prefix(user)
    return SkillMasterStudio.objects.select_related("master", "institution", "employer").filter(
        Q(master__residence_region__path__startswith=prefix) | Q(institution__region__path__startswith=prefix)
        | Q(employer__region__path__startswith=prefix))


def subsidies_visible(user) -> QuerySet[TrainingSubsidy]:
    if not _staff(user):
        return TrainingSubsidy.objects.none()
    return TrainingSubsidy.objects.filter(institution__region__path__startswith=region_prefix(user))


def subsidy_totals(user, institution) -> list[dict]:
    """Subsidies recorded for the institution by month (count, fen), newest first — within the user's subtree."""
    return list(subsidies_visible(user).filter(institution=institution).values("month")
                .annotate(n=Count("id"), fen=Sum("amount_fen")).order_by("-month")[:36])


def public_certificate(number: str) -> dict | None:
    """What the public verification page may show, or None (forged or never issued). No login, no scope:
    only the masked name, level, occupation, issue date and status — nothing else leaves this function."""
    number = numbers.normalize(number)
    if not numbers.is_well_formed(number):
        return None
    row = (Certificate.objects.filter(number=number)
           .values("number", "person__name", "level", "occupation_code", "occupation_name", "issued_on", "status",
                   "revoked_on").first())
    if row is None:
        return None
    return {"number": row["number"], "name": numbers.mask_name(row["person__name"]), "level": row["level"],
            "occupation_code": row["occupation_code"], "occupation_name": row["occupation_name"],
            "issued_on": row["issued_on"], "status": row["status"], "revoked_on": row["revoked_on"]}
