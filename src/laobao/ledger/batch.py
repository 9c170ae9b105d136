"""Posting many entries at once: the set-based path for batches (assessment, payments, interest).

``post_batch`` takes whole entries, checks each balances (Python integers: no float), skips the keys
already posted (a batch run again posts nothing twice), opens the accounts it needs in one pass, and
writes entries and lines with ``core.bulk.copy_rows`` (COPY on PostgreSQL) inside the caller's
transaction. An entry's lines always go in one statement, which the PostgreSQL per-statement balance
trigger needs (ledger migration 0003). The batch is one audit event (count, key range, totals), not one
per entry: the entries themselves are the append-only record.

Skipping existing keys trusts that a key always names the same posting — batch callers derive keys from
what they post (``bill:<id>``, ``interest:<year>:<chunk>``); ``services.post`` compares lines for single
postings made by people.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from django.db import connection
from django.utils import timezone

from laobao.core import audit
from laobao.core.bulk import copy_rows, db_timestamp

from .models import Account, JournalEntry
from .services import _check_code, _err

LINES_PER_COPY = 50_000
LOOKUP_CHUNK = 900  # below SQLite's parameter limit


@dataclass(frozen=True)
class Entry:
    key: str
    memo: str
    value_date: date
    lines: Sequence[tuple[str, int, int]]  # (account_code, debit_fen, credit_fen)


def _check(entry: Entry) -> None:
    debit = credit = 0
    for code, d, c in entry.lines:
        if type(d) is not int or type(c) is not int or d < 0 or c < 0 or (d > 0) == (c > 0):
            raise _err("lines", "ledger.one_side", f"分录 {entry.key}：每行借贷必须且只能有一方为正整数分",
                       f"entry {entry.key}: each line needs exactly one positive whole-fen side")
        debit, credit = debit + d, credit + c
    if not entry.lines or debit != credit:
        raise _err("lines", "ledger.unbalanced", f"分录 {entry.key} 借贷不平：借 {debit} 分，贷 {credit} 分",
                   f"entry {entry.key} does not balance: debits {debit} fen, credits {credit} fen")


def _lookup(table: str, column: str, values: list[str], value_column: str = "id") -> list[tuple]:
    """``(column, value_column)`` of the rows of ``table`` whose ``column`` is one of ``values``: ONE statement.

    The list goes in as a single parameter (a PostgreSQL array; a JSON array read by SQLite's ``json_each``),
    so 100,000 keys cost one round trip instead of a hundred IN-lists. Identifiers come from code only.
    """
    if not values:
        return []
    quote = connection.ops.quote_name
    head = "SELECT " + quote(column) + ", " + quote(value_column) + " FROM " + quote(table) + " WHERE " + quote(column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = head + " = ANY(%s)"
            cursor.execute(sql, [values])
        elif connection.vendor == "sqlite":
            sql = head + " IN (SELECT value FROM json_each(%s))"
            cursor.execute(sql, [json.dumps(values)])
        else:  # pragma: no cover - other backends: plain IN-lists
            rows = []
            for i in range(0, len(values), LOOKUP_CHUNK):
                part = values[i:i + LOOKUP_CHUNK]
                sql = head + " IN (" + ", ".join(["%s"] * len(part)) + ")"
                cursor.execute(sql, part)
                rows.extend(cursor.fetchall())
            return rows
        return cursor.fetchall()


def _existing_keys(keys: list[str]) -> set[str]:
    return {key for key, _ in _lookup(JournalEntry._meta.db_table, "idempotency_key", keys)}


def account_ids(codes: Iterable[str], progress: TextIO | None = None) -> dict[str, int]:
    """The ids of the accounts named by ``codes``, opening (in one bulk write) those never used."""
    codes = sorted(set(codes))
    table = Account._meta.db_table
    ids: dict[str, int] = dict(_lookup(table, "code", codes))
    missing = [c for c in codes if c not in ids]
    if missing:
        for code in missing:
            _check_code(code, "account")
        now = db_timestamp(timezone.now())
        copy_rows("ledger_account", ("code", "kind", "opened_at"),
                  ((code, code.split(":")[0], now) for code in missing), label="accounts", progress=progress)
        ids.update(_lookup(table, "code", missing))
    return ids


def _reserve_ids(n: int) -> list[int]:
    """``n`` fresh entry ids: PostgreSQL's sequence (safe beside concurrent writers); SQLite's single writer."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence('ledger_journalentry', 'id')) "
                           "FROM generate_series(1, %s)", [n])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_journalentry")
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + n))


_LINE_COLUMNS = ("entry_id", "account_id", "debit_fen", "credit_fen", "value_date")


def _write_lines(new: list[Entry], ids: list[int], accounts: dict[str, int], progress) -> int:
    if connection.vendor == "postgresql":
        return _copy_lines_text(new, ids, accounts, progress)
    written, batch = 0, []
    for entry_id, entry in zip(ids, new):
        day = entry.value_date.isoformat()
        batch.extend((entry_id, accounts[code], d, c, day) for code, d, c in entry.lines)
        if len(batch) >= LINES_PER_COPY:  # flush whole entries only
            written += copy_rows("ledger_journalline", _LINE_COLUMNS, batch, chunk=len(batch), progress=None)
            batch = []
            if progress is not None:
                progress.write(f"journal lines {written}\n")
    if batch:
        written += copy_rows("ledger_journalline", _LINE_COLUMNS, batch, chunk=len(batch), progress=None)
    return written


def _copy_lines_text(new: list[Entry], ids: list[int], accounts: dict[str, int], progress) -> int:
    """PostgreSQL: the lines as COPY text built with one format per line (integers and an ISO date only,
    nothing to escape), sent in blocks of whole entries; ``write_row`` costs several times more per line."""
    sql = "COPY ledger_journalline (" + ", ".join(_LINE_COLUMNS) + ") FROM STDIN"
    written, block = 0, []
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for entry_id, entry in zip(ids, new):
            tail = "\t" + entry.value_date.isoformat() + "\n"
            block.extend(f"{entry_id}\t{accounts[code]}\t{d}\t{c}{tail}" for code, d, c in entry.lines)
            if len(block) >= LINES_PER_COPY:
                copy.write("".join(block))
                written, block = written + len(block), []
                if progress is not None:
                    progress.write(f"journal lines {written}\n")
        if block:
            copy.write("".join(block))
            written += len(block)
    return written


def post_batch(*, kind: str, entries: Iterable[Entry], progress: TextIO | None = sys.stderr,
               known_accounts: dict[str, int] | None = None) -> dict:
    """Post every entry whose key is new; returns {"entries", "lines", "skipped", "debit_fen"}.

    Runs inside the caller's transaction (wrap the batch in ``transaction.atomic()``). ``known_accounts``
    (code → id, read from the database by the caller) spares looking those accounts up again.
    """
    entries = list(entries)
    for entry in entries:
        _check(entry)
    keys = [e.key for e in entries]
    if len(set(keys)) != len(keys):
        raise _err("key", "ledger.key_repeated", "同一批次中有重复的幂等键", "the batch repeats an idempotency key")
    existing = _existing_keys(keys)
    new = [e for e in entries if e.key not in existing]
    summary = {"entries": len(new), "lines": 0, "skipped": len(existing),
               "debit_fen": sum(d for e in new for _, d, _ in e.lines)}
    if not new:
        return summary
    known = known_accounts or {}
    accounts = account_ids((code for e in new for code, _, _ in e.lines if code not in known), progress) | known
    ids = _reserve_ids(len(new))
    now = db_timestamp(timezone.now())
    copy_rows("ledger_journalentry", ("id", "idempotency_key", "posted_at", "kind", "memo"),
              ((i, e.key, now, kind, e.memo[:300]) for i, e in zip(ids, new)), label="journal entries",
              progress=progress)
    summary["lines"] = _write_lines(new, ids, accounts, progress)
    audit.record("ledger.post_batch", object_type="journal_entry", object_id=ids[0],
                 after={"kind": kind, "entries": len(new), "lines": summary["lines"], "first_id": ids[0],
                        "last_id": ids[-1], "first_key": new[0].key, "last_key": new[-1].key,
                        "debit_fen": summary["debit_fen"], "skipped": len(existing)})
    return summary
