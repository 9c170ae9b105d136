"""Writes of collection (征缴): importing a payment file and applying held credit. One transaction each.

``import_payments`` takes a lock first (PostgreSQL advisory lock; SQLite's IMMEDIATE transaction takes
the single write lock at BEGIN), so two imports of the same file run one after the other and the second
finds every ``bank_ref`` present: exactly one posting. A crash anywhere rolls the whole import back; the
run again imports it whole. Postings follow the contract in the preamble / insurance README:
``payment:<bank_ref>``, ``credit:<allocation_id>`` (per payer and run), ``account:<billitem_id>``.
"""

from __future__ import annotations

import gc
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.bulk import analyze_if_never, db_timestamp, next_id, reset_sequences
from laobao.core.errors import DomainError
from laobao.ledger.batch import post_columns, write_columns

from ..models import Allocation, AllocationKind, Payment
from . import paid, paymentfile, postings, runsql
from .paymentfile import PaymentRow, RowError
from .settle import (CREDIT_USED, EMPLOYER, KIND_TEXT, PERSON, Money, _day, credit_balances, iso_days, ordinals,
                     payer_code, settle)

LOCK_KEY = 0x1A0BA4  # one payment import / credit run at a time per database


class ImportRejected(DomainError):
    """The file has bad rows: nothing was written; ``errors`` lists every one with its line."""

    def __init__(self, errors: list[RowError]):
        super().__init__(*[DomainError.of(e.field, "payment.row", f"第{e.line}行：{e.zh}",
                                          f"line {e.line}: {e.en}").problems[0] for e in errors[:50]])
        self.errors = errors


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    skipped: int = 0
    repeated: int = 0
    suspense: int = 0
    amount_fen: int = 0
    allocations: dict = field(default_factory=dict)
    seconds: float = 0.0

    def line(self) -> str:
        from laobao.policy.rules.contribution.exact import yuan

        return (f"payments: {self.rows} rows, {self.imported} imported, {self.skipped} already present, "
                f"{self.repeated} repeated in file, {self.suspense} to suspense, {yuan(self.amount_fen)} yuan; "
                + ", ".join(f"{k} {yuan(v)}" for k, v in sorted(self.allocations.items()))
                + f" ({self.seconds:.1f} s)")


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _existing(rows: list[PaymentRow]) -> tuple[set[str], list[RowError]]:
    """Refs already imported (skipped) and refs re-used with other content (errors)."""
    by_ref = {r.bank_ref: r for r in rows}
    runsql.run_table(by_ref)
    present, errors = set(), []
    for ref, channel, code, amount, day in runsql.rows(runsql.PAYMENTS_BY_REF):
        row, day = by_ref[ref], _day(day)
        if (row.channel, row.payer_code, row.amount_fen, row.paid_on) == (channel, code, amount, day):
            present.add(ref)
        else:
            errors.append(RowError(row.line, "bank_ref",
                                   f"流水号 {ref} 已导入过，但缴费人/金额/日期不同（已有 {code} {amount} 分 {day}）",
                                   f"bank_ref {ref} was imported before with another payer/amount/date "
                                   f"({code}, {amount} fen, {day})"))
    return present, errors


def _payers(rows: list[PaymentRow]) -> dict[str, str]:
    """payer_code → "employer:<id>" / "person:<id>" for the codes known to the registry."""
    runsql.run_table({r.payer_code for r in rows})
    found = {c: payer_code(EMPLOYER, i) for c, i in runsql.rows(runsql.EMPLOYERS_BY_CODE)}
    found.update((c, payer_code(PERSON, i)) for c, i in runsql.rows(runsql.PERSONS_BY_CODE))
    return found


@contextmanager
def _no_gc():
    """The cyclic garbage collector paused for a batch: it builds a few million short-lived rows, tuples and
    strings but no reference cycles, and each collection walked them all again (~7 % of an import's CPU).
    Restored as it was, also on error; what is garbage is collected afterwards as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def import_payments(path: str | Path, *, progress: TextIO | None = sys.stderr) -> ImportResult:
    """Import a payment file (docs/IMPORT_FORMATS.md): all or nothing, each ``bank_ref`` once."""
    with _no_gc():
        return _import_payments(path, progress)


def _import_payments(path: str | Path, progress: TextIO | None) -> ImportResult:
    started = time.perf_counter()
    rows, errors, repeated = paymentfile.read(path)
    if errors:
        raise ImportRejected(errors)
    _say(progress, f"payments: {len(rows)} rows read and checked ({time.perf_counter() - started:.1f} s)")
    result = ImportResult(rows=len(rows) + repeated, repeated=repeated)
    with transaction.atomic():
        _lock()
        analyze_if_never("insurance_bill", "insurance_billitem", "insurance_allocation", "insurance_payment")
        present, errors = _existing(rows)
        if errors:
            raise ImportRejected(errors)
        new = sorted((r for r in rows if r.bank_ref not in present), key=lambda r: r.bank_ref)
        result.skipped = len(present)
        if new:
            _import_new(new, Path(path).name, result, progress)
    result.seconds = time.perf_counter() - started
    return result


def _import_new(new: list[PaymentRow], source: str, result: ImportResult, progress) -> None:
    clock = _Clock(progress)
    payers = _payers(new)
    clock.lap("payers found")
    first = next_id("insurance_payment")
    now = db_timestamp(timezone.now())
    ids = np.arange(first, first + len(new), dtype=np.int64)
    who = [payers.get(r.payer_code) for r in new]
    write_columns("insurance_payment", ("id", "bank_ref", "channel", "payer_code", "employer_id", "person_id",
                                        "amount_fen", "paid_on", "source", "received_at"),
                  [ids, [r.bank_ref for r in new], [r.channel for r in new], [r.payer_code for r in new],
                   [_id(p, EMPLOYER) for p in who], [_id(p, PERSON) for p in who], [r.amount_fen for r in new],
                   [r.paid_on.isoformat() for r in new], [source[:200]] * len(new), [now] * len(new)])
    reset_sequences(Payment)
    clock.lap(f"{len(new)} payments written")
    matched = [(i, r, p) for i, r, p in zip(ids.tolist(), new, who) if p is not None]
    result.imported, result.suspense = len(new), len(new) - len(matched)
    result.amount_fen = sum(r.amount_fen for r in new)
    run = [(i, r.bank_ref, p, r.amount_fen, r.paid_on) for i, r, p in matched]
    run.sort(key=lambda x: (x[2], x[4], x[1]))
    pieces, alloc = _allocate(run, max((r.paid_on for r in new), default=timezone.localdate()), progress)
    clock.lap(f"{len(pieces)} pieces allocated and written")
    run_of_new = np.full(len(new), -1, dtype=np.int64)
    run_of_new[[x[0] - first for x in run]] = np.arange(len(run), dtype=np.int64)
    batch = postings.concat(postings.payment_entries(new, payers, run_of_new, pieces, alloc["held"]),
                            postings.credit_entries(pieces, alloc["first"]),
                            postings.account_entries(pieces, alloc["first"]))
    clock.lap(f"{len(batch.keys)} journal entries built")
    post_columns("payment", batch, progress)
    clock.lap("journal posted")
    result.allocations = _totals(pieces) | {"credit_held": int(alloc["held"][alloc["held"] > 0].sum())}
    audit.record("insurance.payments_import", object_type="payment", object_id=first,
                 after={"source": source, "imported": result.imported, "skipped": result.skipped,
                        "suspense": result.suspense, "amount_fen": result.amount_fen, "first_id": first,
                        "last_id": int(ids[-1]), "allocations": result.allocations})


class _Clock:
    """Phase timers on the progress stream (what each step of a run costs)."""

    def __init__(self, progress):
        self.progress, self.last = progress, time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        _say(self.progress, f"payments: {what} ({now - self.last:.2f} s)")
        self.last = now


def _id(code: str | None, kind: str) -> int | None:
    return int(code.split(":")[1]) if code and code.startswith(kind + ":") else None


def _money(run: list[tuple], credits: dict[str, int], on: date) -> Money:
    """Each payer's credit first (dated the payer's first payment, or ``on``), then its payments in order."""
    with_credit = {p for p, c in credits.items() if c > 0}
    first_day: dict[str, date] = {}
    if with_credit:
        for _, _, payer, _, day in run:
            if payer in with_credit:
                first_day.setdefault(payer, day)
    rows = [(payer, -1, credits[payer], first_day.get(payer, on)) for payer in with_credit]
    rows.extend((payer, n, amount, day) for n, (_, _, payer, amount, day) in enumerate(run))
    rows.sort(key=lambda r: (r[0], r[1]))  # by payer; the credit (-1) before the payments in run order
    money = Money()
    if rows:
        money.payer, money.payment, money.amount, money.day = (list(c) for c in zip(*rows))
    return money


def _allocate(run: list[tuple], on: date, progress, credit_payers: list[str] | None = None):
    """Settle the run; write the allocation rows. Returns (pieces, {"first": first allocation id, "held": the
    credit_held of each run payment (int64 column)})."""
    payers = sorted({p for _, _, p, _, _ in run} | set(credit_payers or []))
    money = _money(run, credit_balances(payers), on)
    pieces = settle(money, on, loaded=payers)
    held = np.array([amount for _, _, _, amount, _ in run], dtype=np.int64)
    spent = pieces.kind != CREDIT_USED
    np.subtract.at(held, pieces.payment[spent], pieces.amount[spent])
    first = next_id("insurance_allocation")
    kept = np.flatnonzero(held > 0)
    run_ids = np.array([x[0] for x in run] + [-1], dtype=np.int64)  # index -1 (credit) → -1 → NULL
    run_days = ordinals([x[4] for x in run])
    columns = [_nullable(np.concatenate((run_ids[pieces.payment], run_ids[kept]))),
               pieces.item.tolist() + [None] * kept.size,
               KIND_TEXT[pieces.kind].tolist() + [AllocationKind.CREDIT_HELD.value] * kept.size,
               np.concatenate((pieces.amount, held[kept])),
               iso_days(np.concatenate((pieces.day, run_days[kept])))]
    count = len(columns[1])
    with paid.batch(first):  # the items' stored paid (BillItem.paid_fen) in one grouped UPDATE
        write_columns("insurance_allocation", ("id", "payment_id", "item_id", "kind", "amount_fen", "allocated_on"),
                      [np.arange(first, first + count, dtype=np.int64), *columns])
    reset_sequences(Allocation)
    return pieces, {"first": first, "held": held}


def _nullable(ids: np.ndarray) -> list[int | None]:
    """Ids with -1 as None (NULL)."""
    return [None if i < 0 else i for i in ids.tolist()]


def _totals(pieces) -> dict:
    out: dict[str, int] = {}
    for code in np.unique(pieces.kind).tolist():
        out[KIND_TEXT[code]] = int(pieces.amount[pieces.kind == code].sum())
    return out


def apply_credit(on: date | None = None, *, progress: TextIO | None = sys.stderr) -> dict:
    """Apply every payer's held credit to what it owes (oldest first), as of ``on`` (today)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        _lock()
        payers = sorted(postings.payers_with_credit())
        pieces, alloc = _allocate([], on, progress, credit_payers=payers)
        post_columns("credit_used", postings.concat(postings.credit_entries(pieces, alloc["first"]),
                                                    postings.account_entries(pieces, alloc["first"])), progress)
        totals = _totals(pieces)
        audit.record("insurance.credit_apply", object_type="allocation", object_id=alloc["first"],
                     after={"on": on.isoformat(), "payers": len(payers), "allocations": totals})
    return totals


def _say(progress, text: str) -> None:
    if progress is not None:
        progress.write(text + "\n")
        progress.flush()
