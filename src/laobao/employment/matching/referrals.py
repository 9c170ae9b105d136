"""Referrals (推荐): a caseworker refers a person to a vacancy; the outcome is recorded with its date.

A hire records the employment relation through ``registry.services.relation_start``, which sends
``employment_started``: its receivers end the unemployment registration and stop the unemployment benefit
(nothing of that is repeated here). The relation is started as the operator (``user=None``) after this
module's own check, because the caseworker who referred the person may serve the person's community while the
employer sits in another district: the referral, not the registry jurisdiction, is what entitles the write.
The audit rows name the real actor (the request's bound actor).
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.core.models import Role
from laobao.registry import services as registry_services
from laobao.registry.models import Person

from .models import Referral, ReferralOutcome, Vacancy, VacancyStatus
from .services import bump, check_employer, check_person


def _snapshot(r: Referral) -> dict:
    return {"person": r.person_id, "vacancy": r.vacancy_id, "referred_on": r.referred_on.isoformat(),
            "score": r.score, "outcome": r.outcome, "outcome_on": r.outcome_on.isoformat() if r.outcome_on else None,
            "relation": r.relation_id}


def _person_path(person: Person) -> str:
    return person.residence_region.path if person.residence_region_id else ""


@transaction.atomic
def referral_create(*, user, person: Person, vacancy: Vacancy, referred_on: date | None = None, score: int = 0,
                    note: str = "") -> Referral:
    check_person(user, person)
    referred_on = referred_on or timezone.localdate()
    if vacancy.status != VacancyStatus.OPEN or vacancy.expires_on < referred_on:
        raise DomainError.of("vacancy", "referral.vacancy_closed", "该岗位已关闭、招满或过期：请推荐其他岗位",
                             "The vacancy is closed, filled or expired: refer the person to another one")
    try:
        with transaction.atomic():
            referral = Referral.objects.create(person=person, vacancy=vacancy, referred_on=referred_on,
                                               score=max(0, int(score)), note=note.strip()[:200],
                                               referred_by=user if user is not None and user.pk else None)
    except IntegrityError:
        raise DomainError.of("vacancy", "referral.duplicate", "已向此人推荐过该岗位：请在推荐记录中登记结果",
                             "This person was already referred to this vacancy: record the outcome instead") from None
    audit.record("referral.create", object_type="referral", object_id=referral.pk, region_path=_person_path(person),
                 after=_snapshot(referral))
    return referral


def _check_outcome_actor(user, referral: Referral) -> None:
    if user is not None and user.role == Role.EMPLOYER_USER:
        check_employer(user, referral.vacancy.employer)  # the employer answers for its own vacancy
    else:
        check_person(user, referral.person)


@transaction.atomic
def referral_outcome(*, user, referral: Referral, outcome: str, outcome_on: date, note: str = "") -> Referral:
    """Record hired / rejected / no-show; a hire starts the employment relation and counts towards the places."""
    referral = (Referral.objects.select_for_update(of=("self",))
                .select_related("vacancy__employer__region", "person").get(pk=referral.pk))
    _check_outcome_actor(user, referral)
    if outcome not in (ReferralOutcome.HIRED, ReferralOutcome.REJECTED, ReferralOutcome.NO_SHOW):
        raise DomainError.of("outcome", "referral.outcome", "结果只能是已录用、未录用或未应聘",
                             "The outcome must be hired, rejected or no-show")
    if referral.outcome != ReferralOutcome.PENDING:
        raise DomainError.of("outcome", "referral.decided", f"该推荐已登记结果（{referral.get_outcome_display()}），不能再改",
                             "This referral already has an outcome; it cannot be changed")
    if outcome_on < referral.referred_on or outcome_on > timezone.localdate():
        raise DomainError.of("outcome_on", "referral.outcome_date", "结果日期须在推荐日期之后、不晚于今天",
                             "The outcome date must be on or after the referral date and not in the future")
    before = _snapshot(referral)
    vacancy = referral.vacancy
    if outcome == ReferralOutcome.HIRED:
        referral.relation = registry_services.relation_start(user=None, person=referral.person,
                                                             employer=vacancy.employer, start_date=outcome_on)
        Vacancy.objects.filter(pk=vacancy.pk).update(hired=F("hired") + 1)
        vacancy.refresh_from_db(fields=["hired"])
        if vacancy.hired >= vacancy.count and vacancy.status == VacancyStatus.OPEN:
            vacancy.status = VacancyStatus.FILLED
            vacancy.save(update_fields=["status", "updated_at"])
        bump()
    referral.outcome, referral.outcome_on = outcome, outcome_on
    referral.note = (note.strip()[:200] or referral.note)
    referral.save(update_fields=["outcome", "outcome_on", "relation", "note"])
    audit.record("referral.outcome", object_type="referral", object_id=referral.pk,
                 region_path=_person_path(referral.person), before=before, after=_snapshot(referral))
    return referral

