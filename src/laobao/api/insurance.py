"""/persons/{id}/record, /persons/{id}/accounts, /employers/{id}/bills, /employers/{id}/arrears, /bills/{id}.

Amounts are integer fen (``*_fen``); totals also as yuan text (``*_yuan``, "1854.70"). Scoped like
/persons and /employers: a record outside the caller's sight is 404. Reading a record is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Optional

from django.db import transaction
from django.utils import timezone
from ninja import Query, Router, Schema

from laobao.core import audit
from laobao.core.identifiers import parse_citizen_id
from laobao.insurance import selectors
from laobao.registry import selectors as registry_selectors

from .schemas import ERRORS, PageParams, Pk, page

router = Router(tags=["insurance"])


def yuan(fen: int | None) -> str | None:
    if fen is None:
        return None
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


class CellOut(Schema):
    base_fen: int
    employer_fen: int
    employee_fen: int
    due_fen: int
    account_fen: int
    status: str
    adjusted: bool


class MonthOut(Schema):
    month: str
    employer_id: Optional[int]
    employer: str
    transfer: str
    adjusted: bool
    due_fen: int
    cells: dict[str, CellOut]


class TotalOut(Schema):
    months: int
    months_assessed: int
    due_fen: int
    due_yuan: str


class RecordOut(Schema):
    person_id: int
    name: str
    citizen_id_masked: str
    current_to: Optional[str]
    year: Optional[int]
    years: list[int]
    months: list[MonthOut]
    totals: dict[str, TotalOut]


class JournalOut(Schema):
    entry: int
    key: str
    posted_at: str
    kind: str
    memo: str
    debit_fen: int
    credit_fen: int
    balance_fen: int


class AccountOut(Schema):
    code: str
    insurance: str
    balance_fen: int
    balance_yuan: str
    journal: list[JournalOut]


class AccountsOut(Schema):
    person_id: int
    accounts: list[AccountOut]


class BillOut(Schema):
    id: int
    month: str
    due_date: str
    lines: int
    due_fen: int
    paid_fen: int
    outstanding_fen: int
    status: str


class BillPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[BillOut]


class ItemOut(Schema):
    id: int
    insurance: str
    month: str
    adjustment: bool
    employer_fen: int
    employee_fen: int
    account_fen: int
    due_fen: int
    paid_fen: int
    outstanding_fen: int
    status: str


class BillDetailOut(BillOut):
    employer_id: Optional[int]
    person_id: Optional[int]
    due_yuan: str
    items: list[ItemOut]


class ArrearsItemOut(Schema):
    item_id: int
    bill_id: int
    month: str
    insurance: str
    due_date: str
    due_fen: int
    paid_fen: int
    outstanding_fen: int
    days_late: int
    late_fee_fen: Optional[int]
    bucket: str


class ArrearsOut(Schema):
    employer_id: int
    on: str
    outstanding_fen: int
    outstanding_yuan: str
    late_fees_known: bool
    late_fee_fen: Optional[int]
    by_bucket: dict[str, int]
    items: list[ArrearsItemOut]


def _month(d: date | None) -> str | None:
    return d.strftime("%Y-%m") if d else None


def _record_out(person, record: dict) -> dict:
    months = [{**{k: r[k] for k in ("employer_id", "employer", "transfer", "adjusted", "due_fen", "cells")},
               "month": _month(r["month"])} for r in record["months"]]
    totals = {k: {**t, "due_yuan": yuan(t["due_fen"])} for k, t in record["totals"].items()}
    return {"person_id": person.pk, "name": person.name, "citizen_id_masked": parse_citizen_id(person.citizen_id).masked(),
            "current_to": _month(record["current_to"]), "year": record["year"], "years": record["years"],
            "months": months, "totals": totals}


def _audit_person(action: str, person) -> None:
    with transaction.atomic():
        audit.record(action, object_type="person", object_id=person.pk,
                     region_path=person.residence_region.path if person.residence_region_id else "")


@router.get("/persons/{person_id}/record", response={200: RecordOut, **ERRORS},
            summary="A person's contribution record, month by month per insurance, with current_to (audited)")
def person_record(request, person_id: Pk, year: Optional[int] = None):
    person = registry_selectors.person_get(request.auth, person_id)
    record = selectors.person_record(request.auth, person, year=year)
    _audit_person("insurance.record.view", person)
    return _record_out(person, record)


@router.get("/persons/{person_id}/accounts", response={200: AccountsOut, **ERRORS},
            summary="A person's individual account balance and journal (not shown to employers)")
def person_accounts(request, person_id: Pk):
    person = registry_selectors.person_get(request.auth, person_id)
    accounts = selectors.person_accounts(request.auth, person)
    _audit_person("insurance.accounts.view", person)
    out = [{**a, "balance_yuan": yuan(a["balance_fen"]),
            "journal": [{**j, "posted_at": j["posted_at"].isoformat(), "memo": j["memo"] or ""} for j in a["journal"]]}
           for a in accounts]
    return {"person_id": person.pk, "accounts": out}


def _bill_out(b: dict) -> dict:
    return {**{k: b[k] for k in ("id", "lines", "due_fen", "paid_fen", "outstanding_fen", "status")},
            "month": _month(b["month"]), "due_date": b["due_date"].isoformat()}


@router.get("/employers/{employer_id}/bills", response={200: BillPage, **ERRORS},
            summary="An employer's bills, newest first, with paid and outstanding")
def employer_bills(request, employer_id: Pk, paging: Query[PageParams]):
    employer = registry_selectors.employer_get(request.auth, employer_id)
    return page(selectors.employer_bills(request.auth, employer), paging, _bill_out)


@router.get("/bills/{bill_id}", response={200: BillDetailOut, **ERRORS}, summary="One bill with its items")
def bill_detail(request, bill_id: Pk):
    bill = selectors.bill_get(request.auth, bill_id)
    items = selectors.bill_items(request.auth, bill)
    paid = sum(i["paid_fen"] for i in items)
    outstanding = sum(i["outstanding_fen"] for i in items)
    return {"id": bill.pk, "month": _month(bill.month), "due_date": bill.due_date.isoformat(), "lines": bill.lines,
            "due_fen": bill.due_fen, "due_yuan": yuan(bill.due_fen), "paid_fen": paid, "outstanding_fen": outstanding,
            "status": "paid" if outstanding == 0 else ("partly_paid" if paid else "unpaid"),
            "employer_id": bill.employer_id, "person_id": bill.person_id,
            "items": [{**{k: i[k] for k in ItemOut.model_fields if k != "month"}, "month": _month(i["month"])}
                      for i in items]}


@router.get("/employers/{employer_id}/arrears", response={200: ArrearsOut, **ERRORS},
            summary="An employer's arrears with aging and late fees on a date (today by default)")
def employer_arrears(request, employer_id: Pk, on: Optional[date] = None):
    employer = registry_selectors.employer_get(request.auth, employer_id)
    result = selectors.employer_arrears(request.auth, employer, on or timezone.localdate())
    items = [{**{k: i[k] for k in ArrearsItemOut.model_fields if k not in ("month", "due_date")},
              "month": _month(i["month"]), "due_date": i["due_date"].isoformat()} for i in result["items"]]
    return {"employer_id": employer.pk, "on": result["on"].isoformat(), "outstanding_fen": result["outstanding_fen"],
            "outstanding_yuan": yuan(result["outstanding_fen"]), "late_fees_known": result["late_fees_known"],
            "late_fee_fen": result["late_fee_fen"], "by_bucket": result["by_bucket"], "items": items}
