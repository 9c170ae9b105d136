"""Pages of the contribution record, an employer's bills, payments, arrears and employees, and the documents.

Thin shells over :mod:`laobao.insurance.selectors` (scoped: foreign records are 404) and the document
builders. Back-office pages use ``staff_view``; a citizen reads their own record at ``/me/record/``.
Every document download and every record view is audited (personal data).
"""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from laobao.core import audit
from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.core.scoping import can_read
from laobao.core.views import guarded_view, page, require, staff_view
from laobao.registry import selectors as registry_selectors
from laobao.registry.views import mask_id

from . import selectors
from .documents import rights_record_pdf, statement_pdf, statement_xlsx
from .models import Insurance

LINES_PAGE_SIZE = 100
EMPLOYEES_PAGE_SIZE = 100
MIME = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


#: A citizen's self-service page: role citizen, bound to a region in force.
citizen_view = guarded_view(lambda user: user.role == Role.CITIZEN)


def _year(request) -> int | None:
    text = request.GET.get("year") or ""
    return int(text) if text.isascii() and text.isdigit() and 1950 <= int(text) <= 2100 else None


def _on(request) -> date:
    """The "as of" date of arrears (?on=YYYY-MM-DD), today when absent or not a date."""
    try:
        return date.fromisoformat((request.GET.get("on") or "")[:10])
    except ValueError:
        return timezone.localdate()


def _region_path(obj, attr: str) -> str:
    region = getattr(obj, attr)
    return region.path if region is not None else ""


def _audit(action: str, object_type: str, obj, path: str, **after) -> None:
    with transaction.atomic():
        audit.record(action, object_type=object_type, object_id=obj.pk, region_path=path, after=after or None)


def _download(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=MIME[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- the person's record ------------------------------------------------------------------------------------

def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def _display_rows(record: dict) -> list[dict]:
    """The record's rows with every cell pre-formatted (base, due, status, label): a 240-month record is 3,600
    cells, too many for per-cell template filters within the page's time budget."""
    labels = {k: str(v) for k, v in selectors.STATUS_LABELS.items()}
    out = []
    for r in record["months"]:
        cells = []
        for ins in selectors.INSURANCES:
            c = r["cells"].get(ins)
            cells.append(None if c is None else (_yuan(c["base_fen"]), _yuan(c["due_fen"]) + ("*" if c["adjusted"] else ""),
                                                 c["status"], labels[c["status"]]))
        out.append({"month": r["month"].strftime("%Y-%m"), "adjusted": r["adjusted"], "transfer": r["transfer"],
                    "employer": r["employer"], "cells": cells})
    return out


def _record_context(user, person, year: int | None) -> dict:
    record = selectors.person_record(user, person, year=year)
    return {"person": person, "masked_id": mask_id(person.citizen_id), "record": record, "rows": _display_rows(record),
            "insurances": [(i.value, i.label) for i in Insurance], "accounts": selectors.person_accounts(user, person),
            "pdf_year": year or (record["years"][-1] if record["years"] else timezone.localdate().year)}


@staff_view
def person_record(request, pk: int):
    person = registry_selectors.person_get(request.user, pk)
    _audit("insurance.record.view", "person", person, _region_path(person, "residence_region"))
    return page(request, "insurance/person_record.html", _record_context(request.user, person, _year(request)))


def _rights_pdf(request, person, year: int):
    data = selectors.rights_record(request.user, person, year)
    _audit("insurance.rights_record.download", "person", person, _region_path(person, "residence_region"), year=year)
    return _download(rights_record_pdf(data), "pdf", f"rights-record-{person.pk}-{year}.pdf")


@staff_view
def person_rights_pdf(request, pk: int, year: int):
    return _rights_pdf(request, registry_selectors.person_get(request.user, pk), year)


@citizen_view
def my_record(request):
    person = selectors.own_person(request.user)
    _audit("insurance.record.view", "person", person, _region_path(person, "residence_region"))
    return page(request, "insurance/my_record.html", _record_context(request.user, person, _year(request)))


@citizen_view
def my_rights_pdf(request, year: int):
    return _rights_pdf(request, selectors.own_person(request.user), year)


# --- the employer's bills, payments, arrears, employees -------------------------------------------------------

@staff_view
def employer_insurance(request, pk: int):
    user = request.user
    employer = registry_selectors.employer_get(user, pk)
    on = _on(request)
    month = selectors.data_current_to() or on.replace(day=1)
    employees = {"counts": {}, "persons": []}
    if can_read(user, "person"):
        employees = selectors.employer_employees_by_insurance(user, employer, month)
    staff_page = Paginator(employees["persons"], EMPLOYEES_PAGE_SIZE).get_page(request.GET.get("page"))
    for row in staff_page:
        row["masked_id"] = mask_id(row["citizen_id"])
    return page(request, "insurance/employer_insurance.html", {
        "employer": employer, "on": on, "bills": selectors.employer_bills(user, employer),
        "payments": selectors.employer_payments(user, employer), "arrears": selectors.employer_arrears(user, employer, on),
        "employees": employees, "page_obj": staff_page, "employees_month": month,
        "insurances": [(i.value, i.label) for i in Insurance], "current_to": selectors.data_current_to(),
    })


@staff_view
def bill_detail(request, pk: int):
    user = request.user
    bill = selectors.bill_get(user, pk)
    lines = Paginator(selectors.bill_lines(user, bill), LINES_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"c": c, "masked_id": mask_id(c.person.citizen_id), "name": c.person.name,
             "cells": [_line_cell(c, i) for i in selectors.INSURANCES]} for c in lines]
    return page(request, "insurance/bill_detail.html", {
        "bill": bill, "items": selectors.bill_items(user, bill), "lines": rows, "page_obj": lines,
        "insurances": [(i.value, i.label) for i in Insurance], "show_lines": can_read(user, "person"),
    })


def _line_cell(c, insurance: str) -> dict | None:
    base, er, ee = selectors.COLUMNS[insurance]
    if getattr(c, base) is None:
        return None
    return {"base": getattr(c, base), "due": (getattr(c, er) or 0) + ((getattr(c, ee) or 0) if ee else 0)}


@staff_view
def employer_statement(request, pk: int, fmt: str):
    user = request.user
    if fmt not in MIME:
        raise NotFound
    employer = registry_selectors.employer_get(user, pk)
    require(can_read(user, "employer"))
    on = _on(request)
    data = selectors.employer_statement(user, employer, on)
    _audit("insurance.statement.download", "employer", employer, _region_path(employer, "region"),
           on=on.isoformat(), format=fmt)
    build = statement_pdf if fmt == "pdf" else statement_xlsx
    return _download(build(data), fmt, f"statement-{employer.pk}-{on:%Y%m%d}.{fmt}")
