"""/persons: search, detail (read is audited), register, update, reveal the full ID number."""

from __future__ import annotations

from typing import Optional

from django.db import transaction
from ninja import Query, Router, Schema

from laobao.core import audit
from laobao.core.identifiers import parse_citizen_id
from laobao.registry import selectors, services
from laobao.registry.models import Person

from .schemas import ERRORS, Input, PageParams, Pk, Text, page

router = Router(tags=["persons"])

Name = Text(100)
Short = Text(32)


class PersonOut(Schema):
    id: int
    name: str
    citizen_id_masked: str
    sex: str
    birth_year: int
    hukou_type: str
    residence_region_code: Optional[str]
    residence_region_name: Optional[str]
    mobile_masked: str


class PersonDetailOut(PersonOut):
    hukou_region_code: str
    mobile: str
    created_at: str
    updated_at: str


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class PersonIn(Input):
    citizen_id: Short
    name: Name
    hukou_type: Short
    hukou_region_code: Short
    residence_region_code: Short
    mobile: Short = ""


class PersonPatch(Input):
    """Only these may change; the ID number, sex and birth date never do."""

    name: Optional[Name] = None
    hukou_type: Optional[Short] = None
    hukou_region_code: Optional[Short] = None
    residence_region_code: Optional[Short] = None
    mobile: Optional[Short] = None


def _changes(payload: Input) -> dict:
    """The fields the caller sent; ``null`` means "leave as is" (send "" to clear the mobile)."""
    return payload.model_dump(exclude_unset=True, exclude_none=True)


class RevealIn(Input):
    reason: Text(500)


class RevealOut(Schema):
    id: int
    citizen_id: str


def mask_mobile(mobile: str) -> str:
    return mobile[:3] + "****" + mobile[-4:] if mobile else ""


def person_out(p: Person) -> dict:
    region = p.residence_region if p.residence_region_id else None
    return {
        "id": p.pk, "name": p.name, "citizen_id_masked": parse_citizen_id(p.citizen_id).masked(),
        "sex": p.sex, "birth_year": p.birth_date.year, "hukou_type": p.hukou_type,
        "residence_region_code": region.code if region else None,
        "residence_region_name": region.name if region else None,
        "mobile_masked": mask_mobile(p.mobile),
    }


def person_detail_out(p: Person) -> dict:
    return person_out(p) | {
        "hukou_region_code": p.hukou_region_code, "mobile": p.mobile,
        "created_at": p.created_at.isoformat(), "updated_at": p.updated_at.isoformat(),
    }


@router.get("/persons", response={200: PersonPage, **ERRORS}, summary="Search or list persons")
def list_persons(request, paging: Query[PageParams], q: Name = "", region: Short = ""):
    """``q``: exact citizen ID (15 or 18 digits), mobile, or name (exact, then prefix). ``region``: a region code."""
    user = request.auth
    if q.strip():
        rows = selectors.person_search(user, q)
        if region:
            path = selectors.region_get(user, region).path
            rows = [p for p in rows if p.residence_region_id and p.residence_region.path.startswith(path)]
    else:
        rows = selectors.persons_visible(user).select_related("residence_region")
        if region:
            rows = rows.filter(residence_region__path__startswith=selectors.region_get(user, region).path)
    return page(rows, paging, person_out)


@router.get("/persons/{person_id}", response={200: PersonDetailOut, **ERRORS}, summary="One person (the read is audited)")
def get_person(request, person_id: Pk):
    person = selectors.person_get(request.auth, person_id)
    with transaction.atomic():
        audit.record("person.view", object_type="person", object_id=person.pk,
                     region_path=person.residence_region.path if person.residence_region_id else "")
    return person_detail_out(person)


@router.post("/persons", response={201: PersonDetailOut, **ERRORS}, summary="Register a person")
def create_person(request, payload: PersonIn):
    person = services.person_register(user=request.auth, **payload.model_dump())
    return 201, person_detail_out(person)


@router.patch("/persons/{person_id}", response={200: PersonDetailOut, **ERRORS}, summary="Update a person")
def update_person(request, person_id: Pk, payload: PersonPatch):
    person = selectors.person_get(request.auth, person_id)
    person = services.person_update(user=request.auth, person=person, **_changes(payload))
    return person_detail_out(person)


@router.post("/persons/{person_id}/reveal-id", response={200: RevealOut, **ERRORS},
             summary="Reveal the full ID number (needs a reason; audited)")
def reveal_id(request, person_id: Pk, payload: RevealIn):
    person = selectors.person_get(request.auth, person_id)
    number = services.person_reveal_id(user=request.auth, person=person, reason=payload.reason)
    return {"id": person.pk, "citizen_id": number}
