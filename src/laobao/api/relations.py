"""/relations: employment relations (person ↔ employer), filtered; start and end one."""

from __future__ import annotations

from datetime import date
from typing import Optional

from ninja import Query, Router, Schema

from laobao.core.errors import NotFound
from laobao.core.identifiers import parse_citizen_id
from laobao.registry import selectors, services
from laobao.registry.models import EmploymentRelation

from .schemas import ERRORS, Input, PageParams, Pk, page

router = Router(tags=["relations"])


class RelationOut(Schema):
    id: int
    person_id: int
    person_name: str
    person_citizen_id_masked: str
    employer_id: int
    employer_name: str
    start_date: date
    end_date: Optional[date]


class RelationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RelationOut]


class RelationIn(Input):
    person_id: Pk
    employer_id: Pk
    start_date: date
    end_date: Optional[date] = None


class RelationEndIn(Input):
    end_date: date


def relation_out(r: EmploymentRelation) -> dict:
    return {
        "id": r.pk, "person_id": r.person_id, "person_name": r.person.name,
        "person_citizen_id_masked": parse_citizen_id(r.person.citizen_id).masked(),
        "employer_id": r.employer_id, "employer_name": r.employer.name,
        "start_date": r.start_date, "end_date": r.end_date,
    }


class RelationFilters(Schema):
    person: Optional[Pk] = None
    employer: Optional[Pk] = None
    current: Optional[bool] = None


@router.get("/relations", response={200: RelationPage, **ERRORS}, summary="List employment relations")
def list_relations(request, filters: Query[RelationFilters], paging: Query[PageParams]):
    rows = selectors.relations_visible(request.auth).select_related("person", "employer")
    if filters.person is not None:
        rows = rows.filter(person_id=filters.person)
    if filters.employer is not None:
        rows = rows.filter(employer_id=filters.employer)
    if filters.current is not None:
        rows = rows.filter(end_date__isnull=filters.current)
    return page(rows, paging, relation_out)


@router.post("/relations", response={201: RelationOut, **ERRORS}, summary="Start an employment relation")
def create_relation(request, payload: RelationIn):
    user = request.auth
    person = selectors.person_get(user, payload.person_id)
    employer = selectors.employer_get(user, payload.employer_id)
    relation = services.relation_start(user=user, person=person, employer=employer,
                                       start_date=payload.start_date, end_date=payload.end_date)
    return 201, relation_out(relation)


@router.post("/relations/{relation_id}/end", response={200: RelationOut, **ERRORS}, summary="End an employment relation")
def end_relation(request, relation_id: Pk, payload: RelationEndIn):
    relation = (selectors.relations_visible(request.auth).select_related("person", "employer__region")
                .filter(pk=relation_id).first())
    if relation is None:
        raise NotFound
    relation = services.relation_end(user=request.auth, relation=relation, end_date=payload.end_date)
    return relation_out(relation)
