"""Reads of job placement, scoped. Open vacancies are public (any signed-in user may read their public
fields); a vacancy's referrals and candidates show only persons in the user's jurisdiction; an employer user
sees its own employer's vacancies only. Matching loads the open vacancies once into NumPy columns
(:class:`.columns.VacancyColumns`), cached per process until ``MatchingState.generation`` changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.core.scoping import can_read
from laobao.registry import selectors as registry
from laobao.registry.models import EmploymentRelation, Person

from .columns import VacancyColumns
from .models import (AgencyPlacement, EmploymentAgency, JobFair, MatchingState, Occupation, Referral, Vacancy,
                     VacancyStatus)
from .scoring import (OCCUPATION_CODE, Facts, Score, score_columns, score_pair, seeker_facts, top_k, vacancy_facts,
                      weights_on)

TOP = 20
_LOCK = threading.Lock()
_CACHE: dict[str, tuple[tuple, VacancyColumns]] = {}


# --- vacancies --------------------------------------------------------------------------------------

def vacancies_open(day: date | None = None) -> QuerySet[Vacancy]:
    """Open, unexpired vacancies: the public list (citizen self-service, job seekers, any staff)."""
    day = day or timezone.localdate()
    return Vacancy.objects.filter(status=VacancyStatus.OPEN, expires_on__gte=day)


def vacancy_search(*, q: str = "", occupation: str = "", region_code: str = "", day: date | None = None):
    qs = vacancies_open(day).select_related("employer", "occupation", "region")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(employer__name__icontains=q) | Q(occupation__name__icontains=q))
    if occupation:
        qs = qs.filter(occupation__code__startswith=occupation)
    if region_code:
        qs = qs.filter(region__path__contains=f"/{region_code}/")
    return qs.order_by("-posted_on", "-id")


def vacancies_visible(user) -> QuerySet[Vacancy]:
    """Every vacancy (any status) the user may open: staff all (they are public postings), an employer user its
    own employer's, nobody else."""
    if user is None:
        return Vacancy.objects.all()
    if user.role == Role.EMPLOYER_USER:
        return Vacancy.objects.filter(employer__in=registry.employers_visible(user))
    if user.role == Role.CITIZEN or not can_read(user, "employer"):
        return Vacancy.objects.none()
    return Vacancy.objects.all()


def vacancy_get(user, pk) -> Vacancy:
    vacancy = vacancies_visible(user).select_related("employer__region", "occupation", "region", "fair").filter(
        pk=pk).first()
    if vacancy is None:
        raise NotFound
    return vacancy


def employer_vacancies(user, employer) -> QuerySet[Vacancy]:
    return vacancies_visible(user).filter(employer=employer).select_related("occupation", "region")


# --- the cached columns of the open vacancies -------------------------------------------------------

def _stamp(day: date) -> tuple:
    generation = list(MatchingState.objects.filter(pk=1).values_list("generation", flat=True))
    return (generation[0] if generation else None, day)


def open_columns(day: date | None = None) -> VacancyColumns:
    """The open vacancies of ``day`` as columns: loaded once, reused until a vacancy changes (or the day)."""
    day = day or timezone.localdate()
    alias = router.db_for_read(Vacancy)
    key = (connections[alias].settings_dict.get("NAME"), alias)
    stamp = _stamp(day)
    cached = _CACHE.get(str(key))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    rows = list(vacancies_open(day).values_list("id", "occupation_id", "skill_level", "region__path", "wage_min_fen",
                                                "wage_max_fen"))
    columns = VacancyColumns.build(*(zip(*rows) if rows else ([],) * 6))
    with _LOCK:
        _CACHE[str(key)] = (stamp, columns)
    return columns


# --- matching -----------------------------------------------------------------------------------------

@dataclass
class Match:
    vacancy: Vacancy
    score: Score


def valid_code(code: str) -> bool:
    return bool(code) and bool(OCCUPATION_CODE.match(code)) and code.count("-") >= 2


def seeker_of(person: Person):
    """The person's job seeker profile (求职登记, employment.models.JobSeeker) or None."""
    from laobao.employment.models import JobSeeker

    found = list(JobSeeker.objects.filter(person=person).select_related("wanted_region")[:1])
    return found[0] if found else None


def facts_of_seeker(seeker, person: Person) -> Facts | None:
    """What matching needs from a profile; None when no valid wanted occupation is recorded. The place is the
    wanted region, else the residence."""
    if seeker is None or not valid_code(seeker.wanted_occupation_code):
        return None
    region = seeker.wanted_region or person.residence_region
    return seeker_facts(occupation_code=seeker.wanted_occupation_code, skill_level=seeker.skill_level,
                        place_path=region.path if region else None, wanted_wage_fen=seeker.wanted_wage_min_fen)


def all_seeker_facts() -> list[tuple[int, Facts]]:
    """(person id, facts) of every job seeker with a valid wanted occupation, read in one query (the batch)."""
    from laobao.employment.models import JobSeeker

    rows = JobSeeker.objects.exclude(wanted_occupation_code="").values_list(
        "person_id", "wanted_occupation_code", "skill_level", "wanted_region__path", "person__residence_region__path",
        "wanted_wage_min_fen")
    return [(pid, seeker_facts(occupation_code=code, skill_level=level, place_path=wanted or home,
                               wanted_wage_fen=wage))
            for pid, code, level, wanted, home, wage in rows.iterator(chunk_size=5_000) if valid_code(code)]


def rank_for(facts: Facts, *, day: date | None = None, k: int = TOP) -> list[tuple[int, int]]:
    """(vacancy id, score) of the ``k`` best open vacancies for one seeker's facts."""
    day = day or timezone.localdate()
    columns = open_columns(day)
    rows, scores = columns.top(facts, weights_on(day), k)
    return [(int(columns.ids[i]), int(s)) for i, s in zip(rows, scores)]


def rank_many(facts: list[Facts], *, day: date | None = None, k: int = TOP) -> list[list[tuple[int, int]]]:
    """The batch: ranked matches of many seekers against the columns loaded once."""
    day = day or timezone.localdate()
    columns, weights = open_columns(day), weights_on(day)
    out = []
    for f in facts:
        rows, scores = columns.top(f, weights, k)
        out.append(list(zip(columns.ids[rows].tolist(), scores.tolist())))
    return out


def matches_for(user, person: Person, *, day: date | None = None, k: int = TOP) -> tuple[object, list[Match]]:
    """The person's job seeker profile and the top ``k`` open vacancies with the reasons of every component.
    ``person`` must come from a scoped selector (``registry.person_get``)."""
    day = day or timezone.localdate()
    seeker = seeker_of(person)
    facts = facts_of_seeker(seeker, person)
    if facts is None:
        return seeker, []
    ranked = rank_for(facts, day=day, k=k)
    vacancies = Vacancy.objects.select_related("employer", "occupation", "region").in_bulk([v for v, _ in ranked])
    weights = weights_on(day)
    out = []
    for vid, _score in ranked:
        v = vacancies.get(vid)
        if v is not None:
            out.append(Match(v, score_pair(facts, facts_of_vacancy(v), weights)))
    return seeker, out


def facts_of_vacancy(v: Vacancy) -> Facts:
    return vacancy_facts(occupation_code=v.occupation_id, skill_level=v.skill_level, place_path=v.region.path,
                         wage_min_fen=v.wage_min_fen, wage_max_fen=v.wage_max_fen)


@dataclass
class Candidate:
    person: Person
    seeker: object
    score: Score
    referred: bool


def candidates_for(user, vacancy: Vacancy, *, day: date | None = None, k: int = TOP) -> list[Candidate]:
    """Registered job seekers in the user's jurisdiction, not in work, ranked for ``vacancy``."""
    from laobao.employment.models import JobSeeker

    day = day or timezone.localdate()
    working = EmploymentRelation.objects.filter(person=OuterRef("person"), end_date__isnull=True)
    rows = [r for r in JobSeeker.objects.filter(person__in=registry.persons_visible(user))
            .exclude(wanted_occupation_code="").filter(~Exists(working))
            .values_list("id", "wanted_occupation_code", "skill_level", "wanted_region__path",
                         "person__residence_region__path", "wanted_wage_min_fen") if valid_code(r[1])]
    if not rows:
        return []
    ids, codes, levels, wanted_paths, home_paths, wages = zip(*rows)
    seekers = VacancyColumns.build(ids, codes, levels, [w or h for w, h in zip(wanted_paths, home_paths)],
                                   [w or 0 for w in wages], [w or 0 for w in wages])
    weights = weights_on(day)
    scores = _seeker_column_scores(seekers, facts_of_vacancy(vacancy), weights)
    best = top_k(scores, k, seekers.ids)
    chosen = [int(seekers.ids[i]) for i in best]
    profiles = JobSeeker.objects.select_related("person__residence_region", "wanted_region").in_bulk(chosen)
    referred = set(Referral.objects.filter(vacancy=vacancy, person__job_seeker__in=chosen)
                   .values_list("person_id", flat=True))
    vf = facts_of_vacancy(vacancy)
    out = []
    for sid in chosen:
        seeker = profiles[sid]
        facts = facts_of_seeker(seeker, seeker.person)
        out.append(Candidate(seeker.person, seeker, score_pair(facts, vf, weights), seeker.person_id in referred))
    return out


def _seeker_column_scores(seekers: VacancyColumns, vacancy: Facts, weights) -> np.ndarray:
    """Seekers as columns against one vacancy: the generic column scoring of :mod:`.scoring`."""
    occ_index = seekers.occupation_skill // 6
    facts = Facts(tuple(k[occ_index] for k in seekers.occupation_keys), seekers.skill.astype(np.int16),
                  tuple(k[seekers.place] for k in seekers.place_keys), seekers.wage_min, seekers.wage_min)
    return score_columns(facts, vacancy, weights)


# --- referrals, fairs, agencies -------------------------------------------------------------------------

def referrals_of_person(user, person: Person) -> QuerySet[Referral]:
    """``person`` from a scoped selector; the vacancies are public."""
    return Referral.objects.filter(person=person).select_related("vacancy__employer", "vacancy__occupation")


def referrals_of_vacancy(user, vacancy: Vacancy) -> QuerySet[Referral]:
    """Staff see referred persons of their jurisdiction; the employer's user sees everyone referred to it."""
    qs = Referral.objects.filter(vacancy=vacancy).select_related("person")
    if user is not None and user.role == Role.EMPLOYER_USER:
        return qs if vacancies_visible(user).filter(pk=vacancy.pk).exists() else qs.none()
    return qs.filter(person__in=registry.persons_visible(user))


def referral_get(user, pk) -> Referral:
    referral = Referral.objects.select_related("person__residence_region", "vacancy__employer__region").filter(
        pk=pk).first()
    if referral is None:
        raise NotFound
    if user is not None and user.role == Role.EMPLOYER_USER:
        if not vacancies_visible(user).filter(pk=referral.vacancy_id).exists():
            raise NotFound
    elif not registry.persons_visible(user).filter(pk=referral.person_id).exists():
        raise NotFound
    return referral


def fairs(user) -> QuerySet[JobFair]:
    """Job fairs are public events: every staff member sees the list."""
    return JobFair.objects.select_related("region") if can_read(user, "employer") else JobFair.objects.none()


def fair_get(user, pk) -> JobFair:
    fair = fairs(user).filter(pk=pk).first()
    if fair is None:
        raise NotFound
    return fair


def fair_vacancies(user, fair: JobFair) -> QuerySet[Vacancy]:
    return Vacancy.objects.filter(fair=fair).select_related("employer", "occupation")


def fair_employers(user, fair: JobFair):
    return fair.participants.select_related("employer").order_by("booth", "employer__name")


def agencies(user) -> QuerySet[EmploymentAgency]:
    """The register of employment agencies is public: every staff member sees it."""
    return (EmploymentAgency.objects.select_related("region") if can_read(user, "employer")
            else EmploymentAgency.objects.none())


def agency_get(user, pk) -> EmploymentAgency:
    agency = agencies(user).filter(pk=pk).first()
    if agency is None:
        raise NotFound
    return agency


def placements(user, agency: EmploymentAgency, months: int = 12) -> QuerySet[AgencyPlacement]:
    return AgencyPlacement.objects.filter(agency=agency).order_by("-month")[:months]


def occupation_options(prefix: str = "", *, limit: int = 50) -> QuerySet[Occupation]:
    """Occupations usable by a vacancy or a seeker (minor groups and detailed occupations)."""
    qs = Occupation.objects.filter(level__gte=3)
    if prefix:
        qs = qs.filter(Q(code__startswith=prefix) | Q(name__contains=prefix))
    return qs.order_by("code")[:limit]


def region_by_code(code: str):
    """A region in force by its code (the region tree is reference data), or None."""
    from laobao.core.models import Region

    code = (code or "").strip()
    if not code.isdigit():
        return None
    region = Region.objects.filter(code=code).first()
    return region if region is not None and region.is_current() else None


def employer_by_code(user, text: str):
    """An employer in the user's sight named by credit code, organization code or record number, or None."""
    text = (text or "").strip().upper().replace("-", "")
    qs = registry.employers_visible(user)
    if text.isdigit() and len(text) <= 12:
        return qs.filter(pk=int(text)).first()
    return qs.filter(Q(credit_code=text) | Q(org_code=text)).first()


def score_of(person: Person, vacancy: Vacancy, day: date | None = None) -> int:
    """The match score of one person for one vacancy (0 when the person has no valid wanted occupation)."""
    facts = facts_of_seeker(seeker_of(person), person)
    if facts is None:
        return 0
    return score_pair(facts, facts_of_vacancy(vacancy), weights_on(day or timezone.localdate())).total
