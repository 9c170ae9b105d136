"""Posting a batch of journal entries given as columns: what ``ledger.batch.post_batch`` does, without
one Python object per entry or line (the collection batches post 200,000 entries / 2,000,000 lines).

Same contract as ``post_batch``: every line has exactly one positive whole-fen side, every entry balances
(checked in NumPy int64, exact), keys already posted are skipped with their lines (a batch run again
posts nothing twice), accounts never used are opened in one write, entries and lines are written inside
the caller's transaction — all lines in ONE statement, which the PostgreSQL per-statement balance trigger
checks — and the batch is one audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import connection
from django.utils import timezone

from laobao.core import audit
from laobao.core.bulk import db_timestamp
from laobao.ledger.services import _check_code, _err

from .columns import lookup, write_columns


@dataclass
class Batch:
    """Entries (``keys``, ``memos``, ``days``) and their lines as columns, lines grouped by entry.

    ``entry`` is the entry index of each line (non-decreasing); a line names its account by ``codes[i]``
    or, when ``codes`` is None, by the account id ``account[i]``."""

    keys: list[str]
    memos: list[str]
    days: list[date]
    entry: np.ndarray
    debit: np.ndarray
    credit: np.ndarray
    codes: list[str] | None = None
    account: np.ndarray | None = None


def check(batch: Batch) -> None:
    d, c, e = batch.debit, batch.credit, batch.entry
    one_side = (d >= 0) & (c >= 0) & ((d > 0) != (c > 0))
    if not one_side.all():
        key = batch.keys[int(e[np.flatnonzero(~one_side)[0]])]
        raise _err("lines", "ledger.one_side", f"分录 {key}：每行借贷必须且只能有一方为正整数分",
                   f"entry {key}: each line needs exactly one positive whole-fen side")
    n = len(batch.keys)
    if e.size and (np.any(np.diff(e) < 0) or e[0] < 0 or e[-1] >= n):
        raise ValueError("lines must be grouped by entry")
    counts = np.bincount(e, minlength=n)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    has = counts > 0
    net = np.zeros(n, dtype=np.int64)
    if e.size:
        net[has] = np.add.reduceat(d - c, starts[has])
    bad = np.flatnonzero(~has | (net != 0))
    if bad.size:
        key = batch.keys[int(bad[0])]
        raise _err("lines", "ledger.unbalanced", f"分录 {key} 借贷不平（差 {int(net[bad[0]])} 分）",
                   f"entry {key} does not balance (debit - credit = {int(net[bad[0]])} fen)")
    if len(set(batch.keys)) != n:
        raise _err("key", "ledger.key_repeated", "同一批次中有重复的幂等键",
                   "the batch repeats an idempotency key")


def account_ids(codes: list[str]) -> dict[str, int]:
    """The ids of the accounts named by ``codes``, opening (in one write) those never used."""
    wanted = sorted(set(codes))
    ids = lookup("account", wanted)
    missing = [c for c in wanted if c not in ids]
    if missing:
        for code in missing:
            _check_code(code, "account")
        now = db_timestamp(timezone.now())
        write_columns("ledger_account", ("code", "kind", "opened_at"),
                      [missing, [c.split(":")[0] for c in missing], [now] * len(missing)])
        ids.update(lookup("account", missing))
    return ids


def _reserve_ids(n: int) -> np.ndarray:
    """``n`` fresh entry ids: PostgreSQL's sequence (safe beside concurrent writers); SQLite's single writer."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT string_agg(nextval(pg_get_serial_sequence('ledger_journalentry', 'id'))::text, ',') "
                           "FROM generate_series(1, %s)", [n])
            return np.array(cursor.fetchone()[0].split(","), dtype=np.int64)
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_journalentry")
        return np.arange(n, dtype=np.int64) + cursor.fetchone()[0] + 1


def _drop_existing(batch: Batch) -> tuple[Batch, int]:
    existing = lookup("entry", batch.keys)
    if not existing:
        return batch, 0
    keep = np.array([k not in existing for k in batch.keys], dtype=bool)
    new_index = np.cumsum(keep) - 1
    line_keep = keep[batch.entry]
    pick = np.flatnonzero(keep).tolist()
    lines = np.flatnonzero(line_keep)
    out = Batch([batch.keys[i] for i in pick], [batch.memos[i] for i in pick], [batch.days[i] for i in pick],
                new_index[batch.entry[line_keep]], batch.debit[line_keep], batch.credit[line_keep],
                [batch.codes[i] for i in lines.tolist()] if batch.codes is not None else None,
                batch.account[line_keep] if batch.account is not None else None)
    return out, len(existing)


def post_columns(kind: str, batch: Batch, progress=None) -> dict:
    """Post every entry of ``batch`` whose key is new; returns {"entries", "lines", "skipped", "debit_fen"}."""
    check(batch)
    batch, skipped = _drop_existing(batch)
    summary = {"entries": len(batch.keys), "lines": int(batch.entry.size), "skipped": skipped,
               "debit_fen": int(batch.debit.sum())}
    if not batch.keys:
        return summary
    if batch.codes is not None:
        ids = account_ids(batch.codes)
        account = np.array([ids[c] for c in batch.codes], dtype=np.int64)
    else:
        account = batch.account
    entry_ids = _reserve_ids(len(batch.keys))
    now = db_timestamp(timezone.now())
    write_columns("ledger_journalentry", ("id", "idempotency_key", "posted_at", "kind", "memo"),
                  [entry_ids, batch.keys, [now] * len(batch.keys), [kind] * len(batch.keys),
                   [m[:300] for m in batch.memos]])
    day_text = [d.isoformat() for d in batch.days]
    write_columns("ledger_journalline", ("entry_id", "account_id", "debit_fen", "credit_fen", "value_date"),
                  [entry_ids[batch.entry], account, batch.debit, batch.credit,
                   [day_text[i] for i in batch.entry.tolist()]])
    _say(progress, f"journal: {summary['entries']} entries, {summary['lines']} lines written")
    audit.record("ledger.post_batch", object_type="journal_entry", object_id=int(entry_ids[0]),
                 after={"kind": kind, "entries": summary["entries"], "lines": summary["lines"],
                        "first_id": int(entry_ids[0]), "last_id": int(entry_ids[-1]), "first_key": batch.keys[0],
                        "last_key": batch.keys[-1], "debit_fen": summary["debit_fen"], "skipped": skipped})
    return summary


def _say(progress, text: str) -> None:
    if progress is not None:
        progress.write(text + "\n")
        progress.flush()
