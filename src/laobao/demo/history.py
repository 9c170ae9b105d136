"""Two years of insurance history for the demo city (issue 4): 2024-07 to 2026-06, 24 assessed months.

After the registry demo is loaded: base limits, work-injury risk classes, enrollments drawn from the
employment relations that touch the window, base declarations (some below the floor, some above the cap,
a few missing), flexibly employed persons; then month by month the real batches run — the assessment,
a bank payment file imported through the collection service (most employers pay in time, some late,
some partly, a few never), the yearly interest — and the services for a back-dated hire, a base
correction and a few transfers. Pages then show real bills, arrears, late fees, accounts and records.

Enrollments and declarations are written through the bulk path (like the registry rows, one
transaction, one audit event); everything after goes through the batches and services. Each step is
idempotent, so a run that stops halfway continues where it stopped.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.bulk import analyze, copy_rows, db_timestamp
from laobao.core.models import AuditEvent
from laobao.insurance.models import BaseLimit, Bill, Enrollment, Transfer
from laobao.registry.models import Employer, EmploymentRelation, Person

from laobao.core.errors import DomainError

from .users import cast_member

FIRST, LAST = date(2024, 7, 1), date(2026, 6, 1)
INSURANCES = ("pension", "medical", "unemployment", "injury", "maternity")
# 缴费基数上下限: 2024 is the published Jiangsu pair (law.md §2.2, source-only); 2025 is a demo value.
LIMITS = {2024: (487_900, 2_439_600, "江苏省 2024 年度社会保险缴费基数上下限（law.md §2.2，source-only）"),
          2025: (502_500, 2_512_800, "演示数据：按 2024 年度上下限上浮 3% 假设，非公布值 / demo value, not published")}
# Work-injury risk class by industry section (GB/T 4754), a demo approximation of 人社部发〔2015〕71号's table.
RISK_CLASS = {"A": 3, "B": 8, "C": 4, "D": 3, "E": 6, "F": 2, "G": 2, "H": 2, "I": 1, "J": 1, "K": 1, "L": 2,
              "M": 1, "N": 3, "O": 2, "P": 1, "Q": 1, "R": 2, "S": 1, "T": 1}
MARKER = "demo.history"
MONEY_TABLES = ("insurance_bill", "insurance_billitem", "insurance_contribution", "insurance_payment",
                "insurance_allocation", "ledger_journalentry", "ledger_journalline", "ledger_account")


def months() -> list[date]:
    out, m = [], FIRST
    while m <= LAST:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def done() -> bool:
    return AuditEvent.objects.filter(action=MARKER).exists()


def grow(*, seed: int, progress: TextIO | None = sys.stderr) -> dict:
    """Load the history (idempotent, resumable); returns counts for the summary line."""
    from laobao.insurance import assessment
    from laobao.insurance.collection import interest

    def rng(*key: int) -> np.random.Generator:  # one stream per step: a resumed run draws the same numbers
        return np.random.Generator(np.random.PCG64([seed, *key]))

    if not Enrollment.objects.exists():
        _load_base_data(rng(1), progress)
    behaviour = _behaviours(rng(2))
    for month in months():
        _story(month)
        assessment.run(month, progress=None)
        _pay(month, behaviour, rng(3, month.year, month.month), progress)
        if month.month == 12:
            interest.credit_interest(month.year, progress=None)
    _transfers()
    counts = {"bills": Bill.objects.count(), "months": len(months()), "transfers": Transfer.objects.count()}
    if not done():
        audit.record(MARKER, object_type="demo", object_id=str(seed), after=counts)
    return counts


# --- base data: limits, risk classes, enrollments, declarations -------------------------------------------

def _load_base_data(rng, progress) -> None:
    from laobao.insurance import services

    with transaction.atomic():
        for year, (floor, cap, reference) in LIMITS.items():
            if not BaseLimit.objects.filter(year=year).exists():
                services.set_limits(user=None, year=year, floor_fen=floor, cap_fen=cap, reference=reference)
        employers = list(Employer.objects.values_list("id", "industry"))
        copy_rows("insurance_employerriskclass", ("employer_id", "from_month", "risk_class"),
                  ((pk, FIRST.isoformat(), RISK_CLASS.get(ind, 1)) for pk, ind in employers),
                  label="risk classes", progress=progress)
        periods = _periods()
        _write_enrollments(periods, progress)
        _write_declarations(periods, rng, progress)
        _write_flexible(rng, progress)
        audit.record("demo.enrollments", object_type="demo", object_id="history",
                     after={"periods": len(periods), "from": FIRST.isoformat(), "to": LAST.isoformat()})


def _month(d: date) -> date:
    return d.replace(day=1)


def _periods() -> list[tuple]:
    """(person, employer, start month, end month or None, end reason) for relations touching the window.

    A job that ends in the month the next one starts gives that month to the new employer.
    """
    rows = (EmploymentRelation.objects.filter(start_date__lte=date(2026, 6, 30))
            .exclude(end_date__lt=FIRST).order_by("person_id", "start_date")
            .values_list("person_id", "employer_id", "start_date", "end_date", "person__birth_date", "person__sex"))
    out, last_end = [], {}
    for person, employer, start, end, birth, sex in rows:
        first = max(_month(start), FIRST)
        if person in last_end and first <= last_end[person]:
            first = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        stop = _month(end) if end else None
        if stop is not None and stop < first:
            continue
        retire_age = 60 if sex == "M" else 55
        reason = "retirement" if end and (end.year - birth.year) >= retire_age else ("leave" if end else "")
        out.append((person, employer, first, stop, reason))
        last_end[person] = stop or LAST
    return out


def _write_enrollments(periods, progress) -> None:
    now = db_timestamp(timezone.now())
    cols = ("person_id", "insurance", "employer_id", "start_month", "end_month", "start_reason", "end_reason",
            "created_at", "updated_at")
    copy_rows("insurance_enrollment", cols,
              ((p, ins, e, s.isoformat(), t.isoformat() if t else None, "hire", r, now, now)
               for p, e, s, t, r in periods for ins in INSURANCES),
              total=len(periods) * len(INSURANCES), label="enrollments", progress=progress)


def _wages(rng, n: int) -> np.ndarray:
    """Monthly wages in fen: lognormal around 7,500 yuan; ~15% under the floor, a few above the cap."""
    return (np.exp(rng.normal(np.log(750_000), 0.55, n)) // 100 * 100).astype(np.int64)


def _write_declarations(periods, rng, progress) -> None:
    now = db_timestamp(timezone.now())
    pairs = sorted({(p, e, y) for p, e, s, t, _ in periods for y in (2024, 2025)
                    if s <= date(y + 1, 6, 1) and (t is None or t >= date(y, 7, 1))})
    wage = _wages(rng, len(pairs))
    growth = 100 + rng.integers(-2, 9, len(pairs))
    missing = rng.random(len(pairs)) < 0.03
    first_year = {}
    for (p, e, s, _, _) in periods:
        first_year[(p, e)] = 2024 if s < date(2024, 8, 1) else (2024 if s < date(2025, 7, 1) else 2025)
    rows = []
    for i, (p, e, y) in enumerate(pairs):
        if y == 2025 and missing[i]:
            continue  # not declared: the parameters' rule applies
        w = int(wage[i]) if y == 2024 else int(wage[i]) * int(growth[i]) // 100
        kind = "new_hire" if first_year.get((p, e)) == y and y == 2025 else "declared"
        rows.append((p, e, y, w, kind, now, now))
    copy_rows("insurance_basedeclaration", ("person_id", "employer_id", "year", "wage_fen", "kind", "created_at",
                                            "updated_at"), rows, label="declarations", progress=progress)


def _write_flexible(rng, progress) -> None:
    """李娜 and about 3% of working-age residents without a job enroll themselves (pension and medical)."""
    busy = set(EmploymentRelation.objects.filter(end_date__isnull=True).values_list("person_id", flat=True))
    busy |= set(Enrollment.objects.values_list("person_id", flat=True))
    adults = Person.objects.filter(birth_date__gt=date(1971, 7, 1), birth_date__lt=date(2002, 1, 1))
    pool = [pk for pk in adults.order_by("id").values_list("id", flat=True) if pk not in busy]
    chosen = [pk for pk in pool if rng.random() < 0.03]
    lina = cast_member("person", "lina")
    if lina is not None and lina.pk not in busy and lina.pk not in chosen:
        chosen.insert(0, lina.pk)
    now = db_timestamp(timezone.now())
    copy_rows("insurance_enrollment", ("person_id", "insurance", "employer_id", "start_month", "end_month",
                                       "start_reason", "end_reason", "created_at", "updated_at"),
              ((p, ins, None, FIRST.isoformat(), None, "self_enrollment", "", now, now)
               for p in chosen for ins in ("pension", "medical")), label="flexible enrollments", progress=progress)
    copy_rows("insurance_basedeclaration", ("person_id", "employer_id", "year", "wage_fen", "kind", "created_at",
                                            "updated_at"),
              ((p, None, y, LIMITS[y][0] if i % 3 else LIMITS[y][0] * 3 // 2, "self", now, now)
               for i, p in enumerate(chosen) for y in (2024, 2025)), label="flexible bases", progress=progress)


# --- month by month: payments -------------------------------------------------------------------------------

def _behaviours(rng) -> dict[int, str]:
    """How each employer pays: in time (most), late, partly, never — fixed per employer for the whole demo."""
    ids = list(Employer.objects.order_by("id").values_list("id", flat=True))
    draw = rng.random(len(ids))
    kinds = np.select([draw < 0.02, draw < 0.05, draw < 0.10], ["never", "partial", "late"], "on_time")
    out = dict(zip(ids, kinds.tolist()))
    noodles, hepan = cast_member("employer", "noodles"), cast_member("employer", "hepan")
    if noodles is not None:
        out[noodles.pk] = "late"  # the cast's noodle shop pays a month late: late fees on its page
    if hepan is not None:
        out[hepan.pk] = "on_time"
    return out


def _pay(month: date, behaviour: dict[int, str], rng, progress) -> None:
    """Write the month's bank file and import it through the collection service (idempotent on bank_ref)."""
    from laobao.insurance.collection.services import import_payments

    rows = []
    analyze(*MONEY_TABLES)  # one long session: keep the planner's statistics in step with the growing tables
    due = Bill.objects.filter(month=month).order_by("id").values_list("id", "employer_id", "employer__credit_code",
                                                       "person__citizen_id", "due_fen", "due_date")
    for bill, employer, credit_code, citizen_id, due_fen, due_date in due:
        how = behaviour.get(employer, "on_time") if employer else "on_time"
        if due_fen <= 0 or how == "never" or not (credit_code or citizen_id):
            continue
        amount = due_fen * 6 // 10 if how == "partial" else due_fen
        day = due_date - timedelta(days=int(rng.integers(0, 12))) if how != "late" else due_date + timedelta(
            days=int(rng.integers(10, 40)))
        if day > date(2026, 6, 30):
            continue
        rows.append((f"DEMO{bill:09d}", "bank", credit_code or citizen_id, amount, day))
    if not rows:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"demo-payments-{month:%Y-%m}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["bank_ref", "channel", "payer_code", "amount", "paid_on"])
            for ref, channel, payer, fen, day in sorted(rows, key=lambda r: r[4]):
                out.writerow([ref, channel, payer, f"{fen // 100}.{fen % 100:02d}", day.isoformat()])
        import_payments(path, progress=None)


# --- the stories the services tell --------------------------------------------------------------------------

def _story(month: date) -> None:
    """A back-dated hire (2025-09) and a base correction (2025-10): adjustment lines in the next bills."""
    from laobao.insurance import declarations, services

    hepan = cast_member("employer", "hepan")
    if hepan is None:
        return
    if month == date(2025, 9, 1) and not Bill.objects.filter(month=month, employer=hepan).exists():
        person = (Person.objects.exclude(relations__end_date__isnull=True).exclude(enrollments__isnull=False)
                  .filter(birth_date__gt=date(1975, 1, 1), birth_date__lt=date(2000, 1, 1)).order_by("id").first())
        if person is not None:
            services.hire(user=None, person=person, employer=hepan, start_date=date(2025, 6, 1),
                          contract_kind="fixed", contract_end=date(2028, 5, 31), wage_fen=680_000, position="挡车工")
    if month == date(2025, 10, 1) and not Bill.objects.filter(month=month, employer=hepan).exists():
        zhangwei = cast_member("person", "zhangwei")
        if zhangwei is not None:
            declarations.declare(user=None, person=zhangwei, employer=hepan, year=2025, wage_fen=1_068_000)


def _transfers() -> None:
    """王芳 left 河畔 in 2026-01 and moves her pension record to Shanghai; one newcomer brings hers in."""
    from laobao.insurance.transfers import services as transfers

    if Transfer.objects.exists():
        return
    wangfang = cast_member("person", "wangfang")
    if wangfang is None:
        return
    try:
        with transaction.atomic():
            transfers.transfer_out(user=None, person=wangfang, insurance="pension", counterpart_code="310000",
                                   counterpart_name="上海市", month=date(2026, 6, 1))
    except DomainError as exc:  # a demo without this story is still a demo; say why
        sys.stderr.write(f"demo: transfer story skipped ({exc})\n")


__all__ = ["done", "grow", "months"]
