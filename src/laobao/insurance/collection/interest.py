"""个人账户记账利息 — the yearly interest of every ``personal:<person>:pension`` account, set-based.

A GROUP BY over the journal gives, per account, the opening balance (lines valued before 1 January),
the year's credits and debits, and the month products Σ credit × (13 − month) (months from
``JournalLine.value_date``): on SQLite per range of 200,000 account ids (each range walks the
``(account_id, value_date)`` index and stays in cache), on PostgreSQL in one GroupAggregate streamed from the
covering index (read back as binary columns, ``assessment.stream.int_columns``). The interest is then the
rule ``policy.rules.account.interest.year_interest`` in NumPy columns (``interest_columns``, proved equal to it
by Hypothesis), with the method named by the parameter ``collection.account_interest_method``. It is posted as
columns (``ledger.batch.post_columns``, the set-based posting path) in chunks of accounts: key
``interest:<year>:<first account id>-<last account id>``, Dr fund:pension /
Cr personal:…, value date 31 December of the year (so it is part of the next year's opening balance;
within the year it is never counted as a credit because an account credited for the year is skipped).
Accounts already credited for the year are skipped, so a second run posts nothing. Accounts with debits
in the year (transfer out, corrections) or a negative opening are not computed here: they are counted
and listed for a caseworker (the rule needs the month the year ends, ``through_month``).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TextIO

import numpy as np
from django.db import connection, transaction

from laobao.core import audit
from laobao.insurance.assessment.stream import int_columns
from laobao.ledger import batch as ledger_batch
from laobao.ledger.models import Account
from laobao.policy.params import param
from laobao.policy.rules.account import interest as rule
from laobao.policy.rules.contribution.exact import check_product, div_half_up, numerators, scale_of


CHUNK = 20_000            # accounts per posted entry (and key)
READ = 200_000            # SQLite: accounts per read, each range's GROUP BY stays in cache
METHOD_PARAM = "collection.account_interest_method"
LIKE = "personal:%:pension"

# Personal pension accounts: a range of the unique index on ``code`` (';' sorts right after ':').
_ACCOUNTS = ("SELECT CAST(id AS bigint) FROM ledger_account WHERE code >= 'personal:' AND code < 'personal;' "
             "AND code LIKE %s ORDER BY id")
# Per account in an id range, from the covering (account_id, value_date, debit_fen, credit_fen) index alone:
# balance at the year end, credits, debits, month products (only for the ``monthly`` method: the ``annual`` one
# never reads them, and the month of every line cost ~15 % of the read); the opening is the balance less the
# year's net (one conditional sum less per line than summing it apart: ~5 %). No join: the lines of other accounts whose ids fall in the range
# (funds, receivables) are dropped afterwards in NumPy — a join with ledger_account did not keep them out of
# the scan either (SQLite drove it from the index too) and cost a lookup per line. PostgreSQL groups in index
# order (GroupAggregate over an index-only scan: it streams, where a hash aggregate of millions of groups cost
# 4-5x more) and sends the sums back as binary columns.
_SQL = {(vendor, monthly): """
    SELECT l.account_id,
           CAST(SUM(l.credit_fen) - SUM(l.debit_fen) AS bigint),
           CAST(SUM(CASE WHEN l.value_date >= %s THEN l.credit_fen ELSE 0 END) AS bigint),
           CAST(SUM(CASE WHEN l.value_date >= %s THEN l.debit_fen ELSE 0 END) AS bigint),
           """ + (products if monthly else "CAST(0 AS bigint)") + """
      FROM ledger_journalline l
     WHERE l.account_id BETWEEN %s AND %s AND l.value_date <= %s
     GROUP BY l.account_id"""
        for vendor, products in (
            ("postgresql", "CAST(SUM(CASE WHEN l.value_date >= %s THEN l.credit_fen * (13 - "
                           "EXTRACT(MONTH FROM l.value_date)::int) ELSE 0 END) AS bigint)"),
            ("sqlite", "CAST(SUM(CASE WHEN l.value_date >= %s THEN l.credit_fen * (13 - "
                       "CAST(substr(l.value_date, 6, 2) AS INTEGER)) ELSE 0 END) AS bigint)"))
        for monthly in (False, True)}
_DONE = """
    SELECT l.account_id FROM ledger_journalentry e JOIN ledger_journalline l ON l.entry_id = e.id
     WHERE e.kind = 'interest' AND e.idempotency_key >= %s AND e.idempotency_key < %s AND l.credit_fen > 0"""


@dataclass
class Columns:
    account: np.ndarray
    opening: np.ndarray
    credited: np.ndarray
    debited: np.ndarray
    products: np.ndarray


def interest_columns(opening, credited, products, rate: Decimal, method: str) -> np.ndarray:
    """``year_interest(...).interest`` for whole years over columns (non-negative int64 fen)."""
    opening, credited, products = (np.asarray(x, dtype=np.int64) for x in (opening, credited, products))
    d = scale_of([rate])
    n = int(numerators([rate], d)[0])
    top = max(int(opening.max(initial=0)), int(products.max(initial=0)), int(credited.max(initial=0)))
    check_product(top, max(n * 1083, d * 2000), "balance")
    on_opening = div_half_up(opening * n, d)
    if method == "annual":
        return on_opening + div_half_up(credited * (n * 1083), d * 2000)
    return on_opening + div_half_up(products * n, d * 12)


def _personal_ids() -> np.ndarray:
    """The ids, ascending, read as one int64 column (no Python object per id)."""
    return np.sort(int_columns(_ACCOUNTS, [LIKE], 1)[:, 0])


def load(year: int, progress: TextIO | None, monthly: bool = True) -> Columns:
    """Every personal pension account with lines up to 31 December: opening, the year's credits and debits,
    the month products (zeros unless ``monthly``)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    started = time.perf_counter()
    ids = _personal_ids()
    if not ids.size:
        z = np.zeros(0, dtype=np.int64)
        return Columns(z, z, z, z, z)
    sql = _SQL[(connection.vendor, monthly)]
    cols = _read_postgres(sql, ids, first, last, monthly) if connection.vendor == "postgresql" else \
        _read_sqlite(sql, ids, first, last, monthly, year, progress, started)
    _say(progress, f"interest {year}: {ids.size} accounts read ({time.perf_counter() - started:.1f} s)")
    opening = cols[:, 1] - cols[:, 2] + cols[:, 3]  # the year-end balance less the year's credits plus its debits
    return Columns(cols[:, 0], opening, cols[:, 2], cols[:, 3], cols[:, 4])


def _params(first: date, last: date, lo: int, hi: int, monthly: bool) -> list:
    return [first, first] + ([first] if monthly else []) + [lo, hi, last]


def _read_postgres(sql: str, ids: np.ndarray, first: date, last: date, monthly: bool) -> np.ndarray:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashagg = off")  # stream the groups in index order (see _SQL)
        cols = int_columns(sql, _params(first, last, int(ids[0]), int(ids[-1]), monthly), 5)
        cursor.execute("RESET enable_hashagg")
    return cols[np.isin(cols[:, 0], ids)]


def _read_sqlite(sql: str, ids: np.ndarray, first: date, last: date, monthly: bool, year: int, progress,
                 started: float) -> np.ndarray:
    """In ranges of ``READ`` accounts: each range's GROUP BY walks the covering index and stays in cache."""
    ledger_batch.cache_mib(1024)  # the journal index of millions of lines stays in memory while read and written
    parts = []
    for lo in range(0, ids.size, READ):
        part = ids[lo:lo + READ]
        parts.append(int_columns(sql, _params(first, last, int(part[0]), int(part[-1]), monthly), 5))
        _say(progress, f"interest {year}: {min(lo + READ, ids.size)}/{ids.size} accounts read "
                       f"({time.perf_counter() - started:.1f} s)")
    cols = np.concatenate(parts)
    return cols[np.isin(cols[:, 0], ids)]


def _done(year: int) -> np.ndarray:
    """Accounts already credited with ``year``'s interest (keys ``interest:<year>:…``)."""
    with connection.cursor() as cursor:
        cursor.execute(_DONE, [f"interest:{year}:", f"interest:{year};"])
        return np.array([r[0] for r in cursor.fetchall()], dtype=np.int64)


def _codes(ids) -> list[str]:
    return list(Account.objects.filter(pk__in=[int(i) for i in ids]).order_by("pk").values_list("code", flat=True))


def credit_interest(year: int, *, progress: TextIO | None = sys.stderr) -> dict:
    """Credit the interest of ``year`` to every pension account not yet credited for it; idempotent."""
    started = time.perf_counter()
    params = rule.params_for(year)
    method = str(param(METHOD_PARAM, on=date(year, 12, 31)).value)
    with transaction.atomic():
        cols = load(year, progress, monthly=method != "annual")
        fresh = ~np.isin(cols.account, _done(year))
        review = fresh & ((cols.debited > 0) | (cols.opening < 0))
        ok = fresh & ~review
        fee = np.zeros(cols.account.size, dtype=np.int64)
        fee[ok] = interest_columns(cols.opening[ok], cols.credited[ok], cols.products[ok], params.rate, method)
        batch = _entries(year, cols, ok & (fee > 0), fee, method, params.rate)
        summary = ledger_batch.post_columns("interest", batch, progress)
        out = {"year": year, "method": method, "rate": str(params.rate), "accounts": int(ok.sum()),
               "skipped_done": int((~fresh).sum()), "review": _codes(cols.account[np.flatnonzero(review)[:50]]),
               "review_count": int(review.sum()), "interest_fen": int(fee[ok].sum()), "entries": summary["entries"],
               "seconds": f"{time.perf_counter() - started:.2f}"}
        audit.record("insurance.interest_credit", object_type="ledger", object_id=year,
                     after={k: v for k, v in out.items() if k != "review"})
    return out


def _entries(year: int, cols: Columns, mask: np.ndarray, fee: np.ndarray, method: str, rate) -> ledger_batch.Columns:
    """One entry per ``CHUNK`` accounts: Dr fund:pension the chunk's total, Cr each account its interest."""
    idx = np.flatnonzero(mask)
    starts = np.arange(0, idx.size, CHUNK)
    ends = np.minimum(starts + CHUNK, idx.size) - 1
    n = starts.size
    totals = np.add.reduceat(fee[idx], starts) if n else np.zeros(0, dtype=np.int64)
    fund = np.full(n, _fund_pension(n), dtype=np.int64)
    # lines: each entry's fund line, then its accounts (grouped by entry)
    entry = np.concatenate((np.arange(n, dtype=np.int64), np.arange(idx.size, dtype=np.int64) // CHUNK))
    order = np.argsort(entry, kind="stable")
    account = np.concatenate((fund, cols.account[idx]))[order]
    debit = np.concatenate((totals, np.zeros(idx.size, dtype=np.int64)))[order]
    credit = np.concatenate((np.zeros(n, dtype=np.int64), fee[idx]))[order]
    keys = [f"interest:{year}:{cols.account[idx[s]]}-{cols.account[idx[e]]}" for s, e in zip(starts, ends)]
    return ledger_batch.Columns(keys, [f"{year} 年记账利息 {method} {rate}"] * n, [date(year, 12, 31)] * n,
                           entry[order], debit, credit, account=account)


def _fund_pension(n: int) -> int:
    return ledger_batch.account_ids(["fund:pension"])["fund:pension"] if n else 0


def _say(progress, text: str) -> None:
    if progress is not None:
        progress.write(text + "\n")
        progress.flush()
