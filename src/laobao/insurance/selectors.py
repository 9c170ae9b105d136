"""Reads of enrollment, scoped to the user's jurisdiction (deny by default)."""

from __future__ import annotations

import importlib
import json
from datetime import date

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from laobao.core import prepared
from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.core.scoping import can_read, within
from laobao.ledger import selectors as ledger_selectors
from laobao.ledger.models import JournalLine
from laobao.registry.models import Employer, Person
from laobao.registry.selectors import employers_visible, persons_visible

from .models import Bill, BillItem, Contribution, Enrollment, Insurance, Payment


def enrollments_visible(user) -> QuerySet[Enrollment]:
    """An enrollment is visible when its person or its employer is visible to the user."""
    qs = Enrollment.objects.all()
    if not can_read(user, "person"):
        return qs.none()
    if user.role in (Role.CITIZEN, Role.EMPLOYER_USER):
        return qs.filter(Q(person__in=persons_visible(user)) | Q(employer__in=employers_visible(user)))
    by_person = within(qs, user, "person", "person__residence_region__path")
    by_employer = within(qs, user, "employer", "employer__region__path")
    return by_person | by_employer


def person_enrollments(user, person: Person) -> QuerySet[Enrollment]:
    return enrollments_visible(user).filter(person=person).select_related("employer")


def active_on(qs: QuerySet[Enrollment], month: date) -> QuerySet[Enrollment]:
    """Enrollments covering ``month`` (any day of it)."""
    m = month.replace(day=1)
    return qs.filter(start_month__lte=m).filter(Q(end_month__isnull=True) | Q(end_month__gte=m))


# --- the contribution record, accounts, bills (issue 4 "what people see") ---------------------------------
#
# Paid of a bill item = Σ Allocation.amount_fen of kinds principal + credit_used (models.Allocation), reversing
# rows included; the database keeps it as ``BillItem.paid_fen`` (migration 0007, proved by reconcile). The
# collection module ``laobao.insurance.collection.arrears`` (imported lazily) gives ``arrears_items`` (aging and
# late fees) and paid as of an earlier date; without it arrears are not listed.

PAID_KINDS = ("principal", "credit_used")
PAID, PARTLY, UNPAID, TRANSFERRED = "paid", "partly_paid", "unpaid", "transferred"
STATUS_LABELS = {PAID: _("已缴"), PARTLY: _("部分缴纳"), UNPAID: _("未缴"), TRANSFERRED: _("转入")}
INSURANCES = tuple(Insurance.values)
# Contribution's wide columns per insurance: (base, employer share, employee share or None).
COLUMNS = {
    "pension": ("pension_base", "pension_employer", "pension_employee"),
    "medical": ("medical_base", "medical_employer", "medical_employee"),
    "unemployment": ("unemployment_base", "unemployment_employer", "unemployment_employee"),
    "injury": ("injury_base", "injury_employer", None),
    "maternity": ("maternity_base", "maternity_employer", None),
}
_CHUNK = 900  # ids per IN list (SQLite's parameter limit on old builds is 999)


def _arrears_module():
    """The collection helper's arrears module, or None while it does not exist."""
    try:
        return importlib.import_module("laobao.insurance.collection.arrears")
    except ImportError:
        return None


def paid_by_item(item_ids) -> dict[int, int]:
    """item id → paid fen (Σ principal + credit_used, reversals netted); items with nothing paid are absent.

    Read from ``BillItem.paid_fen`` (kept by the database from the allocations, migration 0007)."""
    ids, out = list(item_ids), {}
    for i in range(0, len(ids), _CHUNK):
        out.update(BillItem.objects.filter(pk__in=ids[i:i + _CHUNK]).exclude(paid_fen=0)
                   .values_list("pk", "paid_fen"))
    return out


def item_status(due: int, paid: int) -> str:
    """Paid when nothing is left to pay (a negative or zero item is settled as credit)."""
    if due <= 0 or paid >= due:
        return PAID
    return PARTLY if paid > 0 else UNPAID


def _check_person(user, person: Person) -> None:
    if not persons_visible(user).filter(pk=person.pk).exists():
        raise NotFound


def data_current_to() -> date | None:
    """The latest month assessed city-wide: the monthly batch assesses every payer at once, so the record of
    anyone is complete up to this month (later months are not assessed for anybody yet)."""
    with connection.cursor() as cursor:  # raw: one index read; the ORM's aggregate costs more than the read
        cursor.execute("SELECT CAST(MAX(month) AS TEXT) FROM insurance_bill")
        (month,) = cursor.fetchone()
    return date.fromisoformat(month) if month else None


_DATA_COLS = tuple(c for cols in COLUMNS.values() for c in cols if c)
# Status of a bill item in SQL, the rule of ``item_status`` (a test holds the two equal): 2 paid, 1 partly, 0 unpaid.
_STATUS_CASE = ("CASE WHEN {due} <= 0 OR {paid} >= {due} THEN 2 WHEN {paid} > 0 THEN 1 ELSE 0 END")
_STATUS_OF = (UNPAID, PARTLY, PAID)
_SHIFT = {ins: 2 * n for n, ins in enumerate(COLUMNS)}  # two bits per insurance in a line's status code
# The statuses of a line's items — the items of its bill for its month, one per insurance — as one number: the
# status of each shifted into its insurance's two bits (an insurance without an item reads 0 = unpaid). Paid is
# ``BillItem.paid_fen``, kept by the database from the allocations (Σ principal + credit_used, reversals netted;
# migration 0007, ADR 0015): no probe into the allocations (1,200 for a 240-month record before) and no second
# query (one round trip per record less).
_ITEM_STATUS_SQL = (
    "(SELECT SUM(CASE i.insurance " + " ".join(f"WHEN '{ins}' THEN {1 << shift}" for ins, shift in _SHIFT.items())
    + " ELSE 0 END * " + _STATUS_CASE.format(due="i.due_fen", paid="i.paid_fen") + ")"
    " FROM insurance_billitem i WHERE i.bill_id = c.bill_id AND i.month = c.month)"
)
# One constant query (values as parameters): the person's lines with their bill, employer and item statuses. Raw
# SQL: the ORM's query building and per-row converters cost more than the query itself for a 240-month record
# (bench/insurance_record.py); months travel as ISO text (CAST … AS TEXT is 'YYYY-MM-DD' on both backends) and
# only the record's become dates. The lines also carry, computed once per query (uncorrelated), the city-wide
# current-to month and whether the person has transfers in: fewer round trips per record (PostgreSQL on a busy
# machine: each one waits for a core).
_LINES_SQL = (
    "SELECT c.bill_id, CAST(c.month AS TEXT), c.adjustment, c.account, CAST(b.month AS TEXT), b.employer_id, e.name, "
    + ", ".join("c." + col for col in _DATA_COLS) +
    ", (SELECT CAST(MAX(month) AS TEXT) FROM insurance_bill),"
    " EXISTS (SELECT 1 FROM insurance_transfer t WHERE t.person_id = %s AND t.direction = 'in'), "
    + _ITEM_STATUS_SQL +
    " FROM insurance_contribution c JOIN insurance_bill b ON b.id = c.bill_id"
    " LEFT JOIN registry_employer e ON e.id = b.employer_id WHERE c.person_id = %s"
)
_ORDER_SQL = " ORDER BY c.month, c.adjustment, c.bill_id"
_LINES_ALL_SQL = _LINES_SQL + _ORDER_SQL
_LINES_OF_EMPLOYER_SQL = _LINES_SQL + " AND b.employer_id = %s" + _ORDER_SQL
# Positions in a row of _LINES_SQL: bill, month (text), adjustment, account, bill month, employer id and name,
# then per insurance (insurance, base, employer share, employee share or None, is pension, status shift).
_BILL, _MONTH, _ADJ, _ACCOUNT, _BILL_MONTH, _EMPLOYER, _EMPLOYER_NAME = range(7)
_CURRENT_TO, _HAS_TRANSFERS, _STATUS = 7 + len(_DATA_COLS), 8 + len(_DATA_COLS), 9 + len(_DATA_COLS)
_SLOTS = tuple((ins, 7 + _DATA_COLS.index(base), 7 + _DATA_COLS.index(er), 7 + _DATA_COLS.index(ee) if ee else None,
                ins == "pension", _SHIFT[ins]) for ins, (base, er, ee) in COLUMNS.items())


def _contributions(user, person: Person) -> list[tuple]:
    """The person's lines as rows of _LINES_SQL (tuples, read by position: see _SLOTS), oldest month first."""
    sql, params = _LINES_ALL_SQL, [person.pk, person.pk]
    if user.role == Role.EMPLOYER_USER:  # an employer sees only the months on its own bills
        sql = _LINES_OF_EMPLOYER_SQL
        params.append(employers_visible(user).values_list("pk", flat=True).first() or 0)
    return prepared.fetchall(sql, params)


def _merge_status(a: str, b: str) -> str:
    if a == b:
        return a
    return PAID if {a, b} <= {PAID, TRANSFERRED} else PARTLY


def _fold(rows: list[tuple]) -> dict[tuple, dict]:
    """Record rows keyed (month as ISO text, payer): regular lines, then adjustments folded into their month with
    a marker.

    A cell's status combines its regular line's item and its adjustments' items; ``counted`` (a month of
    contribution) needs only the regular line paid: an unpaid top-up lowers no month count.
    """
    out: dict[tuple, dict] = {}
    for row in rows:
        month_key, adjustment = row[_MONTH], row[_ADJ]
        key = (month_key, row[_EMPLOYER])
        rec = out.get(key)
        if rec is None:
            rec = out[key] = {"month": date.fromisoformat(month_key), "employer_id": row[_EMPLOYER],
                              "employer": row[_EMPLOYER_NAME] or "", "transfer": "", "cells": {}}
        cells, code = rec["cells"], row[_STATUS] or 0
        for ins, base_at, er_at, ee_at, pension, shift in _SLOTS:
            base, er = row[base_at], row[er_at]
            if base is None and er is None:
                continue
            er = er or 0
            ee = (row[ee_at] or 0) if ee_at is not None else 0
            due = er + ee
            account = (row[_ACCOUNT] or 0) if pension else 0
            status = _STATUS_OF[(code >> shift) & 3]
            cell = cells.get(ins)
            if cell is None:
                cells[ins] = cell = {"base_fen": base or 0, "employer_fen": er, "employee_fen": ee, "due_fen": due,
                                     "account_fen": account, "status": status,
                                     "counted": not adjustment and status == PAID, "adjusted": False,
                                     "adjustments": []}
            else:
                cell["base_fen"] += base or 0
                cell["employer_fen"] += er
                cell["employee_fen"] += ee
                cell["due_fen"] += due
                cell["account_fen"] += account
                cell["status"] = _merge_status(cell["status"], status)
            if adjustment:
                cell["adjusted"] = True
                cell["adjustments"].append({"bill_month": row[_BILL_MONTH][:7], "due_fen": due})
    return out


def _history_month(value) -> date | None:
    text = str(value or "")[:7]
    try:
        return date(int(text[:4]), int(text[5:7]), 1)
    except ValueError:
        return None


_TRANSFERS_SQL = ("SELECT insurance, counterpart_name, certificate_no, CAST(history AS TEXT) FROM insurance_transfer"
                  " WHERE person_id = %s AND direction = 'in'")


def _transfers_in(person: Person) -> list[dict]:
    """The person's transfers in (raw: most persons have none, and the ORM query cost more than the read)."""
    with connection.cursor() as cursor:
        cursor.execute(_TRANSFERS_SQL, [person.pk])
        rows = cursor.fetchall()
    return [{"insurance": ins, "counterpart_name": name, "certificate_no": no,
             "history": json.loads(history) if history else []} for ins, name, no, history in rows]


def _transfer_rows(person: Person, out: dict) -> None:
    """Months carried in by a transfer (Transfer.history, as on the certificate), shown as transferred."""
    for t in _transfers_in(person):
        for h in t["history"] if isinstance(t["history"], list) else []:
            month = _history_month(h.get("month")) if isinstance(h, dict) else None
            if month is None or t["insurance"] not in COLUMNS:
                continue
            rec = out.setdefault((month.isoformat(), "transfer:" + t["certificate_no"]), {
                "month": month, "employer_id": None, "employer": t["counterpart_name"],
                "transfer": t["certificate_no"], "cells": {}})
            due = h.get("due_fen", (h.get("employer_fen") or 0) + (h.get("employee_fen") or 0))
            rec["cells"][t["insurance"]] = {
                "base_fen": h.get("base_fen", 0) or 0, "employer_fen": h.get("employer_fen", 0) or 0,
                "employee_fen": h.get("employee_fen", 0) or 0, "due_fen": due or 0,
                "account_fen": h.get("account_fen", 0) or 0, "status": TRANSFERRED, "counted": True,
                "adjusted": False, "adjustments": []}


def _finish(records: list[dict]) -> dict[str, dict]:
    """Each record's due and ``adjusted`` (set on it) and the totals per insurance, in one pass over the records
    in month order: a month is counted once per insurance however many payers (or a transfer) it has."""
    due = dict.fromkeys(INSURANCES, 0)
    months, assessed = dict.fromkeys(INSURANCES, 0), dict.fromkeys(INSURANCES, 0)
    last_counted: dict[str, date] = {}
    last_assessed: dict[str, date] = {}
    for rec in records:
        month, transfer, rec_due, adjusted = rec["month"], rec["transfer"], 0, False
        for ins, cell in rec["cells"].items():
            cell_due = cell["due_fen"]
            rec_due += cell_due
            due[ins] += cell_due
            if cell["adjusted"]:
                adjusted = True
            if not transfer and last_assessed.get(ins) != month:
                last_assessed[ins] = month
                assessed[ins] += 1
            if cell["counted"] and last_counted.get(ins) != month:
                last_counted[ins] = month
                months[ins] += 1
        rec["due_fen"], rec["adjusted"] = rec_due, adjusted
    return {ins: {"months": months[ins], "months_assessed": assessed[ins], "due_fen": due[ins]} for ins in INSURANCES}


def person_record(user, person: Person, *, year: int | None = None) -> dict:
    """The person's contribution record month by month per insurance (scoped; NotFound outside the sight).

    ``months``: one row per month and payer, oldest first, with a cell per insurance (base, employer and
    employee share, due, status paid / partly_paid / unpaid / transferred, ``adjusted`` when adjustment
    lines were folded in). ``totals`` count months paid (incl. transferred in) over the whole record;
    ``year`` narrows the rows only. ``current_to``: :func:`data_current_to`.
    """
    _check_person(user, person)
    rows = _contributions(user, person)
    folded = _fold(rows)
    if rows:
        current_to, transfers = rows[0][_CURRENT_TO], rows[0][_HAS_TRANSFERS]
        current_to = date.fromisoformat(current_to) if current_to else None
    else:
        current_to, transfers = data_current_to(), True
    if transfers and user.role != Role.EMPLOYER_USER:
        _transfer_rows(person, folded)
    records = [folded[k] for k in sorted(folded, key=lambda k: (k[0], str(k[1])))]
    totals = _finish(records)
    years = sorted({r["month"].year for r in records})
    shown = records if year is None else [r for r in records if r["month"].year == year]
    return {"person_id": person.pk, "current_to": current_to, "insurances": list(INSURANCES),
            "years": years, "year": year, "months": shown, "totals": totals}


def person_accounts(user, person: Person) -> list[dict]:
    """The person's individual account(s): balance and journal. Shown to the person and the bureau, not employers."""
    _check_person(user, person)
    if user.role == Role.EMPLOYER_USER:
        return []
    code = f"personal:{person.pk}:pension"
    lines = ledger_selectors.journal(code)
    return [{"code": code, "insurance": "pension", "balance_fen": lines[-1]["balance_fen"] if lines else 0,
             "journal": lines}]


def account_at_year_end(person: Person, year: int) -> dict:
    """Balance of the pension account at 31 December of ``year`` (by value date) and the interest credited for it."""
    code = f"personal:{person.pk}:pension"
    lines = JournalLine.objects.filter(account__code=code)
    end = lines.filter(value_date__lte=date(year, 12, 31)).aggregate(
        d=Coalesce(Sum("debit_fen"), 0), c=Coalesce(Sum("credit_fen"), 0))
    interest = lines.filter(entry__idempotency_key__startswith=f"interest:{year}:").aggregate(
        d=Coalesce(Sum("debit_fen"), 0), c=Coalesce(Sum("credit_fen"), 0))
    return {"code": code, "balance_fen": end["c"] - end["d"], "interest_fen": interest["c"] - interest["d"]}


def rights_record(user, person: Person, year: int) -> dict:
    """What the yearly rights record (个人权益记录单) prints: the year's record, account, employers, current-to."""
    record = person_record(user, person, year=year)
    employers = sorted({r["employer"] for r in record["months"] if r["employer"]})
    account = account_at_year_end(person, year) if user.role != Role.EMPLOYER_USER else None
    return {**record, "person": person, "employers": employers, "account": account}


# --- bills, payments, arrears, employees of a payer ----------------------------------------------------------

def bills_visible(user) -> QuerySet[Bill]:
    """A bill is visible with its payer: the employer (employers_visible) or the person paying alone."""
    return Bill.objects.filter(Q(employer__in=employers_visible(user)) | Q(person__in=persons_visible(user)))


def bill_get(user, pk: int) -> Bill:
    bill = bills_visible(user).select_related("employer", "person").filter(pk=pk).first()
    if bill is None:
        raise NotFound
    return bill


def _check_employer(user, employer: Employer) -> None:
    if not employers_visible(user).filter(pk=employer.pk).exists():
        raise NotFound


def _items_with_paid(items: QuerySet[BillItem]) -> list[dict]:
    rows = list(items.order_by("bill__month", "bill_id", "month", "insurance").values(
        "id", "bill_id", "insurance", "month", "employer_fen", "employee_fen", "account_fen", "due_fen"))
    paid = paid_by_item(r["id"] for r in rows)
    for r in rows:
        r["paid_fen"] = paid.get(r["id"], 0)
        r["outstanding_fen"] = max(r["due_fen"] - r["paid_fen"], 0)
        r["status"] = item_status(r["due_fen"], r["paid_fen"])
        r["adjustment"] = False
    return rows


def employer_bills(user, employer: Employer, *, limit: int | None = None) -> list[dict]:
    """The employer's bills, newest first: month, due date, due, paid, outstanding, status."""
    _check_employer(user, employer)
    bills = list(Bill.objects.filter(employer_id=employer.pk).order_by("-month")
                 .values("id", "month", "due_date", "due_fen", "lines", "issued_at")[:limit])
    items = _items_with_paid(BillItem.objects.filter(bill_id__in=[b["id"] for b in bills]))
    for b in bills:
        mine = [i for i in items if i["bill_id"] == b["id"]]
        b["paid_fen"] = sum(i["paid_fen"] for i in mine)
        b["outstanding_fen"] = sum(i["outstanding_fen"] for i in mine)
        b["status"] = PAID if b["outstanding_fen"] == 0 else (PARTLY if b["paid_fen"] else UNPAID)
        b["status_label"] = str(STATUS_LABELS[b["status"]])
    return bills


def bill_items(user, bill: Bill) -> list[dict]:
    """The bill's items (insurance × month) with paid and outstanding; adjustments are items of an earlier month."""
    bill = bill_get(user, bill.pk)
    rows = _items_with_paid(BillItem.objects.filter(bill_id=bill.pk))
    for r in rows:
        r["adjustment"] = r["month"] != bill.month
        r["status_label"] = str(STATUS_LABELS[r["status"]])
    return rows


def bill_lines(user, bill: Bill) -> QuerySet[Contribution]:
    """The bill's person lines; persons' data only for a reader of persons (an employer user reads its own bill)."""
    bill = bill_get(user, bill.pk)
    if not can_read(user, "person"):
        return Contribution.objects.none()
    return (Contribution.objects.filter(bill_id=bill.pk).select_related("person")
            .order_by("person__name", "person_id", "month", "id"))


def employer_payments(user, employer: Employer, *, limit: int | None = None) -> list[dict]:
    """Payments of the employer, newest first, with what each was applied to (principal, late fee, credit)."""
    _check_employer(user, employer)
    sums = {k: Coalesce(Sum("allocations__amount_fen", filter=Q(allocations__kind=k)), 0)
            for k in ("principal", "late_fee", "credit_held")}
    from django.db.models import Exists, OuterRef

    from .models import PaymentReversal  # 冲正 (collection.corrections): a reversed payment is marked

    qs = (Payment.objects.filter(employer_id=employer.pk).order_by("-paid_on", "-id")
          .values("id", "bank_ref", "channel", "amount_fen", "paid_on")
          .annotate(**sums, reversed=Exists(PaymentReversal.objects.filter(payment=OuterRef("pk")))))
    return list(qs[:limit])


def employer_arrears(user, employer: Employer, on: date) -> dict:
    """Arrears of the employer on ``on`` (collection.arrears: items owed with aging and late fees) and totals.

    While the collection module is missing nothing is listed and the late fee is None (unknown)."""
    _check_employer(user, employer)
    module = _arrears_module()
    items = list(module.arrears_items(employer, on)) if module is not None else []
    fees_known = module is not None
    buckets: dict[str, int] = {}
    for i in items:
        buckets[i["bucket"]] = buckets.get(i["bucket"], 0) + i["outstanding_fen"]
    fee = sum(max(i["late_fee_fen"] - i["late_fee_paid_fen"], 0) for i in items) if fees_known else None
    return {"on": on, "items": items, "late_fees_known": fees_known, "by_bucket": buckets,
            "outstanding_fen": sum(i["outstanding_fen"] for i in items), "late_fee_fen": fee}


def employer_employees_by_insurance(user, employer: Employer, month: date) -> dict:
    """Persons insured through the employer in ``month``: per-insurance counts and one row per person."""
    _check_employer(user, employer)
    qs = active_on(enrollments_visible(user).filter(employer_id=employer.pk), month)
    persons: dict[int, dict] = {}
    counts = dict.fromkeys(INSURANCES, 0)
    for e in qs.order_by("person__name", "person_id").values("person_id", "person__name", "person__citizen_id",
                                                             "insurance", "start_month"):
        row = persons.setdefault(e["person_id"], {"person_id": e["person_id"], "name": e["person__name"],
                                                  "citizen_id": e["person__citizen_id"], "insurances": {}})
        row["insurances"][e["insurance"]] = e["start_month"]
        counts[e["insurance"]] = counts.get(e["insurance"], 0) + 1
    return {"month": month, "counts": counts, "persons": list(persons.values())}


def employer_statement(user, employer: Employer, on: date) -> dict:
    """What the employer statement (PDF/XLSX) prints: bills, payments, arrears with late fees, on ``on``."""
    bills = employer_bills(user, employer)
    return {"employer": employer, "on": on, "bills": bills, "payments": employer_payments(user, employer),
            "arrears": employer_arrears(user, employer, on), "current_to": data_current_to(),
            "due_fen": sum(b["due_fen"] for b in bills), "paid_fen": sum(b["paid_fen"] for b in bills)}


def own_person(user) -> Person:
    """The person a citizen's portal link names (NotFound for anyone else)."""
    if getattr(user, "role", None) != Role.CITIZEN:
        raise NotFound
    person = persons_visible(user).select_related("residence_region").first()
    if person is None:
        raise NotFound
    return person
