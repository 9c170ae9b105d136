"""/vacancies: open vacancies, public fields only (citizen self-service, job sites, any signed-in user);
/persons/{id}/matches: the top open vacancies for a job seeker with the points and reasons of each component;
/persons/{id}/employment: the person's unemployment registrations, re-employment certificates and referrals;
/persons/{id}/training: the person's training enrolments and qualification certificates;
/training/certificates/{number}: a qualification certificate by number (staff lookup).

Person reads follow /persons scoping (404 outside the jurisdiction); the employment and training records are
back-office records, so a citizen or an employer user gets empty lists (as for matches). Reads of a person's
records are audited (``employment.view``). The certificate lookup gives every signed-in user what the public
verification page shows (masked name, level, occupation, dates, status; 404 for an unknown or forged number) and
adds the holder only when the certificate is in the user's jurisdiction (audited ``training.certificate_view``).
"""

from __future__ import annotations

from typing import Optional

from django.db import transaction
from ninja import Query, Router, Schema

from laobao.core import audit
from laobao.core.models import Role
from laobao.core.errors import NotFound
from laobao.employment import selectors as employment_selectors
from laobao.employment.matching import selectors
from laobao.registry import selectors as registry_selectors
from laobao.training import selectors as training_selectors

from .schemas import ERRORS, PageParams, Pk, Text, page

router = Router(tags=["employment"])


class VacancyOut(Schema):
    id: int
    title: str
    employer: str
    occupation_code: str
    occupation: str
    skill_level: Optional[int]
    wage_min_fen: int
    wage_max_fen: int
    region_code: str
    region: str
    count: int
    posted_on: str
    expires_on: str
    job_fair: Optional[str]


class VacancyPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[VacancyOut]


class ComponentOut(Schema):
    name: str
    level: int
    points: int
    zh: str
    en: str


class MatchOut(Schema):
    score: int
    components: list[ComponentOut]
    vacancy: VacancyOut


class MatchesOut(Schema):
    person_id: int
    wanted_occupation_code: Optional[str]
    matches: list[MatchOut]


def _vacancy_out(v) -> dict:
    return {"id": v.pk, "title": v.title, "employer": v.employer.name, "occupation_code": v.occupation_id,
            "occupation": v.occupation.name, "skill_level": v.skill_level, "wage_min_fen": v.wage_min_fen,
            "wage_max_fen": v.wage_max_fen, "region_code": v.region.code, "region": v.region.name, "count": v.count,
            "posted_on": v.posted_on.isoformat(), "expires_on": v.expires_on.isoformat(),
            "job_fair": v.fair.name if v.fair_id else None}


@router.get("/vacancies", response={200: VacancyPage, **ERRORS},
            summary="Open vacancies (public fields), newest first; filter by words, occupation code prefix, region")
def list_vacancies(request, paging: Query[PageParams], q: Text(40) = "", occupation: Text(12) = "",
                   region: Text(12) = ""):
    rows = selectors.vacancy_search(q=q.strip(), occupation=occupation.strip(), region_code=region.strip())
    return page(rows.select_related("fair"), paging, _vacancy_out)


@router.get("/persons/{person_id}/matches", response={200: MatchesOut, **ERRORS},
            summary="The top 20 open vacancies for a job seeker, with the points and reason of each component")
def person_matches(request, person_id: Pk):
    person = registry_selectors.person_get(request.auth, person_id)
    if request.auth.role == Role.EMPLOYER_USER:
        return {"person_id": person.pk, "wanted_occupation_code": None, "matches": []}
    seeker, matches = selectors.matches_for(request.auth, person)
    with transaction.atomic():
        audit.record("matching.view", object_type="person", object_id=person.pk,
                     region_path=person.residence_region.path if person.residence_region_id else "")
    return {"person_id": person.pk, "wanted_occupation_code": getattr(seeker, "wanted_occupation_code", None) or None,
            "matches": [{"score": m.score.total, "vacancy": _vacancy_out(m.vacancy),
                         "components": [c.__dict__ for c in m.score.components]} for m in matches]}


# --- a person's employment and training records --------------------------------------------------------------

ROWS = 200  # every section is capped; ``*_total`` says how many there are


class RegistrationOut(Schema):
    id: int
    registered_on: str
    involuntary: bool
    reason: str
    ended_on: Optional[str]
    end_reason: str


class ReemploymentCertificateOut(Schema):
    number: str
    issued_on: str
    valid_until: str
    renewals: int
    status: str


class ReferralOut(Schema):
    id: int
    referred_on: str
    vacancy_id: int
    vacancy_title: str
    employer: str
    occupation_code: str
    outcome: str
    outcome_on: Optional[str]


class PersonEmploymentOut(Schema):
    person_id: int
    registrations: list[RegistrationOut]
    registrations_total: int
    certificates: list[ReemploymentCertificateOut]
    certificates_total: int
    referrals: list[ReferralOut]
    referrals_total: int


class EnrolmentOut(Schema):
    id: int
    course_code: str
    course_name: str
    course_kind: str
    institution: str
    start_date: str
    end_date: str
    enrolled_on: str
    status: str
    completed_on: Optional[str]
    passed: Optional[bool]
    theory_score: Optional[int]
    practical_score: Optional[int]


class QualificationOut(Schema):
    number: str
    level: int
    occupation_code: str
    occupation_name: str
    issuing_body: str
    issued_on: str
    status: str
    revoked_on: Optional[str]


class PersonTrainingOut(Schema):
    person_id: int
    enrolments: list[EnrolmentOut]
    enrolments_total: int
    qualifications: list[QualificationOut]
    qualifications_total: int


class CertificateHolderOut(Schema):
    person_id: int
    name: str


class CertificateLookupOut(Schema):
    number: str
    name_masked: str
    level: int
    occupation_code: str
    occupation_name: str
    issued_on: str
    status: str
    revoked_on: Optional[str]
    in_jurisdiction: bool
    holder: Optional[CertificateHolderOut]


def _iso(day) -> Optional[str]:
    return day.isoformat() if day else None


def _audited_person(request, person_id: int):
    person = registry_selectors.person_get(request.auth, person_id)
    with transaction.atomic():
        audit.record("employment.view", object_type="person", object_id=person.pk,
                     region_path=person.residence_region.path if person.residence_region_id else "")
    return person


def _registration_out(r) -> dict:
    return {"id": r.pk, "registered_on": r.registered_on.isoformat(), "involuntary": r.involuntary,
            "reason": r.reason, "ended_on": _iso(r.ended_on), "end_reason": r.end_reason}


def _certificate_out(c) -> dict:
    return {"number": c.number, "issued_on": c.issued_on.isoformat(), "valid_until": c.valid_until.isoformat(),
            "renewals": c.renewals, "status": c.status}


def _referral_out(r) -> dict:
    return {"id": r.pk, "referred_on": r.referred_on.isoformat(), "vacancy_id": r.vacancy_id,
            "vacancy_title": r.vacancy.title, "employer": r.vacancy.employer.name,
            "occupation_code": r.vacancy.occupation_id, "outcome": r.outcome, "outcome_on": _iso(r.outcome_on)}


def _enrolment_out(e) -> dict:
    result = getattr(e, "result", None)  # the reverse one-to-one raises an AttributeError subclass when absent
    return {"id": e.pk, "course_code": e.course.code, "course_name": e.course.name, "course_kind": e.course.kind,
            "institution": e.course.institution.name, "start_date": e.course.start_date.isoformat(),
            "end_date": e.course.end_date.isoformat(), "enrolled_on": e.enrolled_on.isoformat(),
            "status": e.status, "completed_on": _iso(e.completed_on),
            "passed": result.passed if result else None, "theory_score": result.theory_score if result else None,
            "practical_score": result.practical_score if result else None}


def _qualification_out(c) -> dict:
    return {"number": c.number, "level": c.level, "occupation_code": c.occupation_code,
            "occupation_name": c.occupation_name, "issuing_body": c.issuing_body, "issued_on": c.issued_on.isoformat(),
            "status": c.status, "revoked_on": _iso(c.revoked_on)}


@router.get("/persons/{person_id}/employment", response={200: PersonEmploymentOut, **ERRORS},
            summary="A person's unemployment registrations, re-employment certificates and referrals (audited)")
def person_employment(request, person_id: Pk):
    person = _audited_person(request, person_id)
    story = employment_selectors.person_story(request.auth, person, ("registrations", "certificates", "referrals"))
    return {"person_id": person.pk,
            "registrations": [_registration_out(r) for r in story["registrations"].rows],
            "registrations_total": story["registrations"].total,
            "certificates": [_certificate_out(c) for c in story["certificates"].rows],
            "certificates_total": story["certificates"].total,
            "referrals": [_referral_out(r) for r in story["referrals"].rows],
            "referrals_total": story["referrals"].total}


@router.get("/persons/{person_id}/training", response={200: PersonTrainingOut, **ERRORS},
            summary="A person's training enrolments (course, dates, result) and qualification certificates (audited)")
def person_training(request, person_id: Pk):
    person = _audited_person(request, person_id)
    story = employment_selectors.person_story(request.auth, person, ("trainings", "qualifications"))
    return {"person_id": person.pk,
            "enrolments": [_enrolment_out(e) for e in story["trainings"].rows],
            "enrolments_total": story["trainings"].total,
            "qualifications": [_qualification_out(c) for c in story["qualifications"].rows],
            "qualifications_total": story["qualifications"].total}


@router.get("/training/certificates/{number}", response={200: CertificateLookupOut, **ERRORS},
            summary="A qualification certificate by number: the public facts, and the holder when in your jurisdiction")
def certificate_lookup(request, number: Text(20)):
    public = training_selectors.public_certificate(number)
    if public is None:
        raise NotFound
    try:
        cert = training_selectors.certificate_get(request.auth, public["number"])
    except NotFound:
        cert = None
    if cert is not None:
        with transaction.atomic():
            region = cert.person.residence_region if cert.person.residence_region_id else None
            audit.record("training.certificate_view", object_type="certificate", object_id=cert.number,
                         region_path=region.path if region else "")
    return {"number": public["number"], "name_masked": public["name"], "level": public["level"],
            "occupation_code": public["occupation_code"], "occupation_name": public["occupation_name"],
            "issued_on": public["issued_on"].isoformat(), "status": public["status"],
            "revoked_on": _iso(public["revoked_on"]), "in_jurisdiction": cert is not None,
            "holder": {"person_id": cert.person_id, "name": cert.person.name} if cert is not None else None}

