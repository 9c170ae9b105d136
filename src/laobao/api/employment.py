"""/vacancies: open vacancies, public fields only (citizen self-service, job sites, any signed-in user);
/persons/{id}/matches: the top open vacancies for a job seeker with the points and reasons of each component.

Matches follow /persons scoping (404 outside the jurisdiction); a citizen reads their own; an employer user
gets an empty list (a job seeker's wishes are not the employer's to read). Reading matches is audited.
"""

from __future__ import annotations

from typing import Optional

from django.db import transaction
from ninja import Query, Router, Schema

from laobao.core import audit
from laobao.core.models import Role
from laobao.employment.matching import selectors
from laobao.registry import selectors as registry_selectors

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
