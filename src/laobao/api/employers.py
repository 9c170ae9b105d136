"""/employers: search, detail, current employees, register, update."""

from __future__ import annotations

from typing import Optional

from ninja import Query, Router, Schema

from laobao.registry import selectors, services
from laobao.registry.models import Employer

from .relations import RelationPage, relation_out
from .schemas import ERRORS, Input, PageParams, Pk, Text, page

router = Router(tags=["employers"])

Name = Text(200)
Short = Text(32)


class EmployerOut(Schema):
    id: int
    name: str
    credit_code: Optional[str]
    org_code: Optional[str]
    type: str
    industry: str
    size: str
    status: str
    region_code: Optional[str]
    region_name: Optional[str]


class EmployerPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EmployerOut]


class EmployerIn(Input):
    name: Name
    type: Short
    industry: Short
    size: Short
    region_code: Short
    credit_code: Short = ""
    org_code: Short = ""


class EmployerPatch(Input):
    """Status changes (suspension, cancellation) are business procedures of their own, not a field edit."""

    name: Optional[Name] = None
    type: Optional[Short] = None
    industry: Optional[Short] = None
    size: Optional[Short] = None
    region_code: Optional[Short] = None


def employer_out(e: Employer) -> dict:
    region = e.region if e.region_id else None
    return {
        "id": e.pk, "name": e.name, "credit_code": e.credit_code, "org_code": e.org_code, "type": e.type,
        "industry": e.industry, "size": e.size, "status": e.status,
        "region_code": region.code if region else None, "region_name": region.name if region else None,
    }


@router.get("/employers", response={200: EmployerPage, **ERRORS}, summary="Search or list employers")
def list_employers(request, paging: Query[PageParams], q: Name = ""):
    """``q``: credit code (18), organization code (9), or part of the name."""
    user = request.auth
    if q.strip():
        rows = selectors.employer_search(user, q)
    else:
        rows = selectors.employers_visible(user).select_related("region")
    return page(rows, paging, employer_out)


@router.get("/employers/{employer_id}", response={200: EmployerOut, **ERRORS}, summary="One employer")
def get_employer(request, employer_id: Pk):
    return employer_out(selectors.employer_get(request.auth, employer_id))


@router.get("/employers/{employer_id}/employees", response={200: RelationPage, **ERRORS},
            summary="The employer's employees (current ones unless current=false)")
def list_employees(request, employer_id: Pk, paging: Query[PageParams], current: bool = True):
    employer = selectors.employer_get(request.auth, employer_id)
    rows = selectors.employees(request.auth, employer, current_only=current).select_related("employer")
    return page(rows, paging, relation_out)


@router.post("/employers", response={201: EmployerOut, **ERRORS}, summary="Register an employer")
def create_employer(request, payload: EmployerIn):
    return 201, employer_out(services.employer_register(user=request.auth, **payload.model_dump()))


@router.patch("/employers/{employer_id}", response={200: EmployerOut, **ERRORS}, summary="Update an employer")
def update_employer(request, employer_id: Pk, payload: EmployerPatch):
    employer = selectors.employer_get(request.auth, employer_id)
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)  # null = leave as is
    return employer_out(services.employer_update(user=request.auth, employer=employer, **changes))
