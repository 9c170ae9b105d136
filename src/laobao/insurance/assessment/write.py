"""Writing one chunk of payers: bills, items, lines, ledger entries and rechecks in ONE transaction.

A chunk either commits whole (every bill with its items, lines, journal entry and resolved rechecks) or
not at all; the next run skips payers that already have a bill for the month, so a crash loses nothing
and doubles nothing. On PostgreSQL lines and items go as binary COPY built from the NumPy columns
(``stream.copy_binary``), bills through ``core.bulk.copy_rows``; on SQLite lines as columns through
``core.bulk.sqlite_insert_columns`` (multi-row INSERTs, no tuple per row), the rest through ``copy_rows``.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import connection, transaction

from laobao.core import audit
from laobao.core.bulk import copy_rows, sqlite_insert_columns
from laobao.ledger.batch import Entry, cache_mib, post_batch

from .compute import Lines
from .rates import INSURANCES
from .stream import copy_binary, copy_binary_slices

CONTRIBUTION_COLUMNS = (
    "bill_id", "person_id", "month", "adjustment", "flags", "wage_fen",
    "pension_base", "pension_employer", "pension_employee", "account",
    "medical_base", "medical_employer", "medical_employee",
    "unemployment_base", "unemployment_employer", "unemployment_employee",
    "injury_base", "injury_employer", "maternity_base", "maternity_employer")
# (column, array, insurance index, is_account) in CONTRIBUTION_COLUMNS order after wage_fen
_WIDE = [("base", 0), ("employer", 0), ("employee", 0), ("account", 0), ("base", 1), ("employer", 1),
         ("employee", 1), ("base", 2), ("employer", 2), ("employee", 2), ("base", 3), ("employer", 3),
         ("base", 4), ("employer", 4)]
BILL_COLUMNS = ("id", "employer_id", "person_id", "month", "region_id", "due_date", "issued_at", "run", "due_fen",
                "lines")
ITEM_COLUMNS = ("bill_id", "insurance", "month", "employer_fen", "employee_fen", "account_fen", "due_fen")
_FUND = [f"fund:{name}" for name in INSURANCES]
# Seconds to wait before each chunk commits: 0 except in the SIGKILL test, whose tiny world is otherwise
# assessed faster than its random kills can land (LAOBAO_ASSESS_CHUNK_PAUSE_MS, milliseconds).
PAUSE_MS = int(os.environ.get("LAOBAO_ASSESS_CHUNK_PAUSE_MS", "0"))
COPY_SLICE = 100_000  # rows encoded at a time into the one binary COPY (bounds the encoded stream's memory)
SQLITE_SLICE = 100_000  # SQLite: lines turned into Python lists at a time


@dataclass
class Chunk:
    payers: np.ndarray        # payer keys, ascending
    regions: np.ndarray       # region id per payer (0 = none)
    lines: Lines              # every line of these payers
    rechecks: list            # (recheck id, payer key)


@dataclass
class Written:
    employers: int = 0
    persons: int = 0
    lines: int = 0
    rows: int = 0
    due_fen: int = 0


def reserve_bill_ids(n: int) -> list[int]:
    """Fresh bill ids: PostgreSQL's sequence; SQLite's single writer (inside the chunk's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence('insurance_bill', 'id')) "
                           "FROM generate_series(1, %s)", [n])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM insurance_bill")
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + n))


def items(lines: Lines, pos: np.ndarray) -> dict[str, np.ndarray]:
    """Bill items in columns: payer position ``p``, insurance ``k``, month ordinal ``m``, sums ``er`` ``ee``
    ``ac`` and ``due`` — one per (payer, insurance, month) with a non-zero amount."""
    parts = []
    for k in range(5):
        sel = np.nonzero(lines.present[:, k])[0]
        if not len(sel):
            continue
        first = int(lines.month[sel].min())
        span = int(lines.month[sel].max()) - first + 1
        keys = pos[sel] * span + (lines.month[sel] - first)  # one int64 key: a plain sort, not a row sort
        flat, inverse = np.unique(keys, return_inverse=True)
        sums = np.zeros((3, len(flat)), dtype=np.int64)
        np.add.at(sums[0], inverse, lines.employer[sel, k])
        np.add.at(sums[1], inverse, lines.employee[sel, k])
        if k == 0:
            np.add.at(sums[2], inverse, lines.account[sel])
        keep = (sums != 0).any(axis=0)
        parts.append(np.stack([flat[keep] // span, np.full(int(keep.sum()), k), flat[keep] % span + first,
                               *sums[:, keep], sums[0, keep] + sums[1, keep]]))
    table = np.concatenate(parts, axis=1) if parts else np.zeros((7, 0), dtype=np.int64)
    return dict(zip(("p", "k", "m", "er", "ee", "ac", "due"), table))


def _column(values: np.ndarray, present: np.ndarray) -> list:
    """Python values, None where not ``present``; whole-present and whole-absent columns (most of them: an
    insurance everyone or no one on the slice has) skip the object array."""
    if present.all():
        return values.tolist()
    if not present.any():
        return [None] * len(values)
    col = values.astype(object)
    col[~present] = None
    return col.tolist()


def contribution_columns(lines: Lines, bill_of: np.ndarray) -> list[list]:
    """SQLite: the lines as Python lists in CONTRIBUTION_COLUMNS order (None = NULL, months as ISO text)."""
    iso = {m: date.fromordinal(m).isoformat() for m in set(lines.month.tolist())}
    months = [iso[int(lines.month[0])]] * len(lines) if len(iso) == 1 else [iso[m] for m in lines.month.tolist()]
    return [bill_of.tolist(), lines.person.tolist(), months, lines.adjustment.tolist(), lines.flags.tolist(),
            lines.wage.tolist()] + [
        _column(lines.account if name == "account" else getattr(lines, name)[:, k], lines.present[:, k])
        for name, k in _WIDE]


def write_contributions(lines: Lines, bill_of: np.ndarray) -> int:
    """The wide lines: PostgreSQL binary COPY built from the columns, SQLite multi-row INSERTs from the columns.

    PostgreSQL gets the rows in person order, in slices of ``COPY_SLICE`` fed to ONE COPY: the deferred foreign-key check
    of each row (``registry_person``, at commit) and the ``(person, month)`` index then walk the person
    table and the index forward instead of jumping at random (at 2,000,000 persons that is most of the
    cost of a chunk); slicing bounds the memory of the encoded stream.
    """
    if connection.vendor != "postgresql":
        cache_mib(256)  # the indexes' pages stay in memory while the lines go in
        total = 0
        for lo in range(0, len(lines), SQLITE_SLICE):  # bounds the Python lists' memory
            part = lines.take(slice(lo, lo + SQLITE_SLICE))
            total += sqlite_insert_columns("insurance_contribution", CONTRIBUTION_COLUMNS,
                                           contribution_columns(part, bill_of[lo:lo + SQLITE_SLICE]))
        return total
    order = np.argsort(lines.person, kind="stable")

    def slices():
        for lo in range(0, len(order), COPY_SLICE):
            part = order[lo:lo + COPY_SLICE]
            values = [bill_of[part], lines.person[part], lines.month[part], lines.adjustment[part],
                      lines.flags[part], lines.wage[part]]
            nulls: list = [None] * len(values)
            for name, k in _WIDE:
                values.append((lines.account if name == "account" else getattr(lines, name)[:, k])[part])
                nulls.append(~lines.present[part, k])
            yield values, nulls

    return copy_binary_slices("insurance_contribution", CONTRIBUTION_COLUMNS, slices()) if len(order) else 0


def _entry(bill_id: int, payer: int, month: date, plus: list[int], minus: list[int]) -> Entry | None:
    who = f"employer:{payer}" if payer > 0 else f"person:{-payer}"
    lines, owed, credit = [], 0, 0
    for k in range(5):
        if plus[k]:
            lines.append((_FUND[k], 0, plus[k]))
            owed += plus[k]
        if minus[k]:
            lines.append((_FUND[k], minus[k], 0))
            credit += minus[k]
    if owed:
        lines.insert(0, (f"receivable:{who}", owed, 0))
    if credit:
        lines.append((f"credit:{who}", 0, credit))
    if not lines:
        return None
    return Entry(f"bill:{bill_id}", f"核定 {month:%Y-%m} 社会保险费 / assessment {month:%Y-%m}", month, lines)


def _write_items(its: dict[str, np.ndarray], ids: np.ndarray) -> None:
    bill = ids[its["p"]]
    if connection.vendor == "postgresql":
        names = np.array([name.encode() for name in INSURANCES])
        copy_binary("insurance_billitem", ITEM_COLUMNS, [bill, names[its["k"]], its["m"], its["er"], its["ee"],
                                                         its["ac"], its["due"]], [None] * len(ITEM_COLUMNS))
        return
    iso = {m: date.fromordinal(m).isoformat() for m in set(its["m"].tolist())}
    copy_rows("insurance_billitem", ITEM_COLUMNS, zip(
        bill.tolist(), [INSURANCES[k] for k in its["k"].tolist()], [iso[m] for m in its["m"].tolist()],
        its["er"].tolist(), its["ee"].tolist(), its["ac"].tolist(), its["due"].tolist()),
        chunk=max(len(bill), 1), progress=None)


def write_chunk(chunk: Chunk, month: date, due: date, issued_at: str, run: str) -> Written:
    """Write the chunk in one transaction; returns what it wrote."""
    n = len(chunk.payers)
    pos = np.searchsorted(chunk.payers, chunk.lines.payer)
    its = items(chunk.lines, pos)
    due_of = np.zeros(n, dtype=np.int64)
    np.add.at(due_of, its["p"], its["due"])
    plus, minus = np.zeros((n, 5), dtype=np.int64), np.zeros((n, 5), dtype=np.int64)
    np.add.at(plus, (its["p"], its["k"]), np.maximum(its["due"], 0))
    np.add.at(minus, (its["p"], its["k"]), np.maximum(-its["due"], 0))
    count = np.zeros(n, dtype=np.int64)
    np.add.at(count, pos, chunk.lines.present.sum(axis=1))
    with transaction.atomic():
        ids = np.array(reserve_bill_ids(n), dtype=np.int64)
        month_iso, due_iso = month.isoformat(), due.isoformat()
        copy_rows("insurance_bill", BILL_COLUMNS, (
            (int(ids[i]), payer if payer > 0 else None, -payer if payer < 0 else None, month_iso,
             region or None, due_iso, issued_at, run, int(due_of[i]), int(count[i]))
            for i, (payer, region) in enumerate(zip(chunk.payers.tolist(), chunk.regions.tolist()))), progress=None)
        _write_items(its, ids)
        write_contributions(chunk.lines, ids[pos])
        entries = [e for bill_id, payer, pl, mi in zip(ids.tolist(), chunk.payers.tolist(), plus.tolist(),
                                                      minus.tolist())
                   if (e := _entry(bill_id, payer, month, pl, mi)) is not None]
        post_batch(kind="assessment", entries=entries, progress=None)
        bill_by_payer = dict(zip(chunk.payers.tolist(), ids.tolist()))
        if chunk.rechecks:
            with connection.cursor() as cursor:
                cursor.executemany("UPDATE insurance_recheck SET done_bill_id = %s WHERE id = %s",
                                   [(bill_by_payer[payer], rid) for rid, payer in chunk.rechecks])
        done = Written(employers=int((chunk.payers > 0).sum()), persons=int((chunk.payers < 0).sum()),
                       lines=int(count.sum()), rows=len(chunk.lines), due_fen=int(due_of.sum()))
        audit.record("insurance.assess", object_type="bill", object_id=int(ids[0]) if n else "",
                     after={"month": month.isoformat(), "run": run, "bills": n, "employers": done.employers,
                            "persons": done.persons, "lines": done.lines, "rows": done.rows,
                            "due_fen": done.due_fen, "first_bill": int(ids[0]) if n else None,
                            "last_bill": int(ids[-1]) if n else None, "rechecks": len(chunk.rechecks)})
        if PAUSE_MS:  # crash tests only: hold the written, uncommitted chunk open so a SIGKILL can land here
            time.sleep(PAUSE_MS / 1000)
    return done
