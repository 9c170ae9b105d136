"""Writing and reading whole columns: the fast path of the collection batches.

``write_columns`` writes rows given as columns (lists or NumPy arrays of int / str / None): on PostgreSQL
one ``COPY ... FROM STDIN`` fed with text built a column at a time (several times cheaper than psycopg's
``write_row``), on SQLite ``executemany``. ``lookup`` reads ``(key, value)`` pairs for many keys in ONE
statement (keys travel as one text parameter: ``string_to_array`` / ``json_each``). Identifiers come from
code only; values are escaped for COPY text or passed as parameters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
from django.db import connection

BLOCK = 50_000
_ESC = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(column) -> list[str]:
    """COPY text of one column: integers as digits, None as \\N, strings escaped."""
    if isinstance(column, np.ndarray):
        return list(map(str, column.tolist()))
    out = []
    for v in column:
        if v is None:
            out.append("\\N")
        elif isinstance(v, str):
            out.append(v.translate(_ESC))
        else:
            out.append(str(v))
    return out


def _target(table: str, names: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    return quote(table) + " (" + ", ".join(quote(n) for n in names) + ")"


def write_columns(table: str, names: Sequence[str], columns: Sequence, *, block: int = BLOCK) -> int:
    """Append the rows ``zip(*columns)`` to ``table`` inside the caller's transaction; returns the count.

    On PostgreSQL every row goes through ONE ``COPY`` statement (statement triggers see the whole set).
    """
    n = len(columns[0]) if columns else 0
    if not n:
        return 0
    return _write(table, names, columns, n, block)


def _write(table: str, names: Sequence[str], columns: Sequence, n: int, block: int) -> int:
    if connection.vendor == "postgresql":
        text = [_text(c) for c in columns]
        sql = "COPY " + _target(table, names) + " FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for lo in range(0, n, block):
                copy.write("".join(["\t".join(r) + "\n" for r in zip(*(c[lo:lo + block] for c in text))]))
        return n
    plain = [c.tolist() if isinstance(c, np.ndarray) else c for c in columns]
    sql = "INSERT INTO " + _target(table, names) + " VALUES (" + ", ".join("?" * len(names)) + ")"
    raw = connection.connection
    cache_mib(256)
    for lo in range(0, n, block):
        raw.executemany(sql, zip(*(c[lo:lo + block] for c in plain)))
    return n


_CACHE = {256: "PRAGMA cache_size = -262144", 1024: "PRAGMA cache_size = -1048576"}


def cache_mib(mib: int) -> None:
    """SQLite: a page cache of at least ``mib`` MiB (256 or 1024) for this connection (index inserts and big
    reads stay in memory); never shrinks it."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        if -raw.execute("PRAGMA cache_size").fetchone()[0] < mib * 1024:
            raw.execute(_CACHE[mib])


_LOOKUP = {
    ("postgresql", "entry"): "SELECT idempotency_key, id FROM ledger_journalentry "
                             "WHERE idempotency_key = ANY(string_to_array(%s, chr(10)))",
    ("sqlite", "entry"): "SELECT idempotency_key, id FROM ledger_journalentry "
                         "WHERE idempotency_key IN (SELECT value FROM json_each(%s))",
    ("postgresql", "account"): "SELECT code, id FROM ledger_account WHERE code = ANY(string_to_array(%s, chr(10)))",
    ("sqlite", "account"): "SELECT code, id FROM ledger_account WHERE code IN (SELECT value FROM json_each(%s))",
}


def lookup(what: str, keys: list[str]) -> dict[str, int]:
    """``{key: id}`` of the journal entries (``what="entry"``) or accounts (``"account"``) named by ``keys``.

    Keys never hold a newline (codes and idempotency keys of the batches are checked before)."""
    if not keys:
        return {}
    sql = _LOOKUP[(connection.vendor, what)]
    param = "\n".join(keys) if connection.vendor == "postgresql" else json.dumps(keys)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        return dict(cursor.fetchall())
