"""Reads of the employment records, scoped through the person's residence region (deny by default, 404 outside;
employer and citizen users see none of these back-office lists).

- ``person_view``: everything the person's employment page shows.
- ``hardship``: the hard-to-employ flags of a person: 4050 derived from the ID's birth date (parameter
  ``employment.hard_to_employ_age``: women 40+, men 50+) plus the recorded flags with their source.
- The community office's queues: ``due_for_contact``, ``certificates_to_renew``, ``applications_waiting``;
  ``help_next``: registered persons ordered by need — most hard-to-employ flags first, then the longest
  registered, then the longest without a successful contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (Case, Count, DateField, F, IntegerField, Max, OuterRef, QuerySet, Subquery, Value,
                              When)
from django.db.models.functions import Coalesce

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.core.scoping import region_prefix
from laobao.policy.params import param
from laobao.registry.models import Person
from laobao.registry.selectors import persons_visible
from laobao.training import selectors as training_selectors
from laobao.training.models import CourseStatus, EnrolmentStatus

from .certificates import OPEN
from .models import (AssistanceAction, CertificateStatus, ContactOutcome, HardshipFlag, JobSeeker,
                     ReemploymentCertificate, Referral, RegistrationContact, SupportApplication,
                     UnemploymentRegistration)
from .services import shift_day

RENEW_AHEAD_DAYS = 30


def _staff(user) -> bool:
    return user is None or getattr(user, "role", None) not in (Role.CITIZEN, Role.EMPLOYER_USER)


def persons(user) -> QuerySet[Person]:
    return persons_visible(user) if _staff(user) else Person.objects.none()


def person_get(user, pk) -> Person:
    person = persons(user).select_related("residence_region").filter(pk=pk).first()
    if person is None:
        raise NotFound
    return person


def _birthday_cutoff(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def is_4050(person: Person, on: date) -> bool:
    ages = param("employment.hard_to_employ_age", on).value
    years = int(ages.get(person.sex, 0)) if ages.get(person.sex) is not None else None
    return years is not None and person.birth_date <= _birthday_cutoff(on, years)


def hardship(person: Person, on: date) -> list[dict]:
    out = []
    if is_4050(person, on):
        out.append({"kind": "4050", "label": "4050人员", "source": "身份证出生日期", "recorded_on": None})
    for f in HardshipFlag.objects.filter(person=person, ended_on__isnull=True).order_by("kind"):
        out.append({"kind": f.kind, "label": f.get_kind_display(), "source": f.source, "recorded_on": f.recorded_on,
                    "flag": f})
    return out


def person_view(user, person: Person, on: date) -> dict:
    """The person's registrations with contacts, profile, certificates, applications, flags and assistance."""
    person = person_get(user, person.pk)
    regs = list(UnemploymentRegistration.objects.filter(person=person).prefetch_related("contacts")
                .order_by("-registered_on", "-id"))
    return {
        "person": person, "seeker": JobSeeker.objects.filter(person=person).select_related("wanted_region").first(),
        "registrations": regs, "open_registration": next((r for r in regs if r.ended_on is None), None),
        "certificates": list(ReemploymentCertificate.objects.filter(person=person).order_by("-issued_on", "-id")),
        "valid_certificate": ReemploymentCertificate.objects.filter(person=person, status=CertificateStatus.VALID).first(),
        "applications": list(SupportApplication.objects.filter(person=person).select_related("employer", "certificate")
                             .order_by("-received_on", "-id")),
        "hardship": hardship(person, on),
        "assistance": list(AssistanceAction.objects.filter(person=person).order_by("-acted_on", "-id")),
    }


def registration_get(user, pk) -> UnemploymentRegistration:
    reg = UnemploymentRegistration.objects.filter(pk=pk, person__in=persons(user)).select_related("person").first()
    if reg is None:
        raise NotFound
    return reg


def certificate_get(user, number: str) -> ReemploymentCertificate:
    cert = (ReemploymentCertificate.objects.filter(number=number, person__in=persons(user))
            .select_related("person").first())
    if cert is None:
        raise NotFound
    return cert


def application_get(user, number: str) -> SupportApplication:
    app = (SupportApplication.objects.filter(application_no=number, person__in=persons(user))
           .select_related("person__residence_region", "certificate", "employer", "maker", "checker").first())
    if app is None:
        raise NotFound
    return app


def flag_get(user, pk) -> HardshipFlag:
    flag = HardshipFlag.objects.filter(pk=pk, person__in=persons(user)).first()
    if flag is None:
        raise NotFound
    return flag


def action_get(user, pk) -> AssistanceAction:
    act = AssistanceAction.objects.filter(pk=pk, person__in=persons(user)).first()
    if act is None:
        raise NotFound
    return act


# --- queues of the community office ---------------------------------------------------------------------------

def _open_registrations(user) -> QuerySet[UnemploymentRegistration]:
    last = (RegistrationContact.objects.filter(registration=OuterRef("pk")).exclude(outcome=ContactOutcome.NOT_REACHED)
            .values("registration").annotate(d=Max("contacted_on")).values("d"))
    return (UnemploymentRegistration.objects.filter(ended_on__isnull=True, person__in=persons(user))
            .select_related("person__residence_region")
            .annotate(last_contact=Subquery(last, output_field=DateField()))
            .annotate(since=Coalesce("last_contact", "registered_on")))


def due_for_contact(user, on: date, limit: int = 200) -> list[UnemploymentRegistration]:
    """Open registrations whose last successful contact (or the registration) is ``employment.contact_due_months``
    or more ago, the longest waiting first."""
    cutoff = shift_day(on, -param("employment.contact_due_months", on).value)
    return list(_open_registrations(user).filter(since__lte=cutoff).order_by("since", "pk")[:limit])


def certificates_to_renew(user, on: date, limit: int = 200) -> list[ReemploymentCertificate]:
    """Valid certificates ending within ``RENEW_AHEAD_DAYS`` days or already expired, the earliest first."""
    return list(ReemploymentCertificate.objects.filter(status=CertificateStatus.VALID, person__in=persons(user),
                                                       valid_until__lte=on + timedelta(days=RENEW_AHEAD_DAYS))
                .select_related("person").order_by("valid_until", "pk")[:limit])


def applications_waiting(user, limit: int = 200) -> list[SupportApplication]:
    return list(SupportApplication.objects.filter(status__in=OPEN, person__in=persons(user))
                .select_related("person", "employer").order_by("received_on", "pk")[:limit])


def help_next(user, on: date, limit: int = 50) -> list[UnemploymentRegistration]:
    """Whom to help next: open registrations ordered by the number of hard-to-employ flags (4050 derived in SQL
    plus open recorded flags) descending, then registered the longest, then the longest without contact."""
    ages = param("employment.hard_to_employ_age", on).value
    flags = (HardshipFlag.objects.filter(person=OuterRef("person"), ended_on__isnull=True).values("person")
             .annotate(n=Count("pk")).values("n"))
    age4050 = Case(*[When(person__sex=sex, person__birth_date__lte=_birthday_cutoff(on, int(years)), then=Value(1))
                     for sex, years in ages.items()], default=Value(0), output_field=IntegerField())
    qs = (_open_registrations(user).annotate(recorded=Coalesce(Subquery(flags, output_field=IntegerField()), 0))
          .annotate(flags=age4050 + Coalesce(Subquery(flags, output_field=IntegerField()), 0))
          .order_by("-flags", "registered_on", "since", "pk"))
    return list(qs[:limit])


def open_registrations(user) -> QuerySet[UnemploymentRegistration]:
    return UnemploymentRegistration.objects.filter(ended_on__isnull=True, person__in=persons(user))


def training_to_confirm(user, on: date):
    """Enrolments still "enrolled" in a course that ended before ``on`` (the result is to be recorded), of persons
    or institutions in the user's jurisdiction, the longest waiting first."""
    if not _staff(user):
        return training_selectors.enrolments_visible(None).none()
    return (training_selectors.enrolments_visible(user)
            .filter(status=EnrolmentStatus.ENROLLED, course__end_date__lt=on)
            .select_related("course").order_by("course__end_date", "pk"))


def courses_starting(user, start: date, end: date):
    """Open courses of institutions in the user's jurisdiction starting between ``start`` and ``end``."""
    prefix = region_prefix(user) if user is not None else ""
    qs = training_selectors.courses_visible(user)
    if prefix is None or not _staff(user):
        return qs.none()
    return (qs.filter(institution__region__path__startswith=prefix, status=CourseStatus.OPEN,
                      start_date__gte=start, start_date__lte=end).order_by("start_date", "pk"))


def region_for_code(code: str):
    """A region in force by its code (the job seeker's wanted location); DomainError when unknown."""
    from laobao.core.errors import DomainError
    from laobao.core.models import Region

    region = Region.objects.filter(code=(code or "").strip(), valid_to__isnull=True).first()
    if region is None:
        raise DomainError.of("wanted_region_code", "region.unknown", f"区划代码“{code}”不存在：请填写 6 位区县或 12 位街道/社区代码",
                             f"region code '{code}' does not exist: enter a 6-digit district or 12-digit code")
    return region


def employer_for_code(user, code: str):
    """An employer the user sees, by credit code (the employer hiring a certificate holder)."""
    from laobao.core.errors import DomainError
    from laobao.registry.selectors import employers_visible

    employer = employers_visible(user).filter(credit_code=(code or "").strip().upper()).first()
    if employer is None:
        raise DomainError.of("employer_code", "employer.unknown", "辖区内未找到该统一社会信用代码的单位",
                             "no employer with this credit code in your jurisdiction")
    return employer


# --- the person's employment story (registry person page, employment person page, API) ------------------------

STORY_ROWS = 20


@dataclass(frozen=True)
class Section:
    """One section of a person's story: the newest ``STORY_ROWS`` rows and how many there are in all."""

    rows: list
    total: int

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def _section(qs: QuerySet, limit: int) -> Section:
    rows = list(qs[:limit])
    return Section(rows, len(rows) if len(rows) < limit else qs.count())


def story_registrations(user, person: Person, limit: int = STORY_ROWS) -> Section:
    """Unemployment registrations, open first then newest; one query (two when there are more than ``limit``)."""
    qs = UnemploymentRegistration.objects.filter(person=person, person__in=persons(user))
    return _section(qs.order_by(F("ended_on").desc(nulls_first=True), "-registered_on", "-id"), limit)


def story_certificates(user, person: Person, limit: int = STORY_ROWS) -> Section:
    qs = ReemploymentCertificate.objects.filter(person=person, person__in=persons(user))
    return _section(qs.order_by("-issued_on", "-id"), limit)


def story_referrals(user, person: Person, limit: int = STORY_ROWS) -> Section:
    """Referrals with their vacancy, employer and occupation (one joined query) and outcome."""
    qs = (Referral.objects.filter(person=person, person__in=persons(user))
          .select_related("vacancy__employer", "vacancy__occupation"))
    return _section(qs.order_by("-referred_on", "-id"), limit)


def story_trainings(user, person: Person, limit: int = STORY_ROWS) -> Section:
    """Training enrolments with course, institution and exam result (one joined query)."""
    qs = (training_selectors.enrolments_visible(user).filter(person=person, person__in=persons(user))
          .select_related("course__institution", "result"))
    return _section(qs.order_by("-enrolled_on", "-id"), limit)


def story_qualifications(user, person: Person, limit: int = STORY_ROWS) -> Section:
    """Vocational qualification certificates (level, occupation, number), newest first."""
    qs = training_selectors.certificates_visible(user).filter(person=person, person__in=persons(user))
    return _section(qs.order_by("-issued_on", "-id"), limit)


STORY = {"registrations": story_registrations, "certificates": story_certificates, "referrals": story_referrals,
         "trainings": story_trainings, "qualifications": story_qualifications}


def person_story(user, person: Person, only: tuple[str, ...] = tuple(STORY)) -> dict[str, Section]:
    """The sections named in ``only`` (default all); each selector is scoped on its own (a foreign person gives
    empty sections): one query per section, two when it holds more than ``STORY_ROWS`` rows."""
    return {name: STORY[name](user, person) for name in only}
