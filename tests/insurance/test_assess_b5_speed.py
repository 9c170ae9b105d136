"""Fifth session's fast paths (helper B) give the same answer as the plain ones.

- ``core.bulk.sqlite_insert`` (multi-row ``INSERT … VALUES``, what ``copy_rows`` uses on SQLite) and its columns
  form ``sqlite_insert_columns`` (the assessment's lines) write exactly the rows ``executemany`` wrote: same values
  and types, NULLs, order, a short last statement;
- the gather's employer region read afterwards equals the region the join gave;
- the interest read without month products (``annual`` method) and with the opening derived from the year-end
  balance gives the columns summed line by line in Python.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from django.db import connection, transaction

from laobao.core import bulk
from laobao.core.context import acting_as
from laobao.insurance.collection import interest
from laobao.ledger import services as ledger
from laobao.registry.models import Employer

sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'")


def _rows(n: int) -> list[tuple]:
    return [(i, None if i % 7 == 0 else -i * 10**12, f"名{i}" if i % 3 else "", date(2024, 1 + i % 12, 1).isoformat(),
             None if i % 5 else 2**62 + i) for i in range(n)]


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize("columns", [False, True])
@pytest.mark.parametrize("per,n", [(1000, 12_345), (7, 7), (7, 6), (5000, 1)])
def test_sqlite_insert_equals_executemany(monkeypatch, per, n, columns):
    monkeypatch.setattr(bulk, "VALUES_ROWS", per)
    rows = _rows(n)
    with transaction.atomic():
        raw = connection.connection
        for table in ("b5_new", "b5_old"):
            raw.execute(f"CREATE TEMP TABLE {table} (k integer, a bigint, t text, d date, big bigint)")
        if columns:
            assert bulk.sqlite_insert_columns("b5_new", ("k", "a", "t", "d", "big"), [list(c) for c in zip(*rows)]) == n
        else:
            assert bulk.sqlite_insert("b5_new", ("k", "a", "t", "d", "big"), iter(rows)) == n
        raw.executemany("INSERT INTO b5_old VALUES (?, ?, ?, ?, ?)", rows)
        new = raw.execute("SELECT rowid, *, typeof(a), typeof(big) FROM b5_new ORDER BY rowid").fetchall()
        old = raw.execute("SELECT rowid, *, typeof(a), typeof(big) FROM b5_old ORDER BY rowid").fetchall()
        assert new == old and [r[1] for r in new] == list(range(n))
        transaction.set_rollback(True)


@sqlite_only
@pytest.mark.django_db
def test_copy_rows_refuses_like_executemany():
    """A constraint violation in any statement aborts the whole write (the caller's transaction rolls back)."""
    with pytest.raises(Exception), transaction.atomic():
        connection.connection.execute("CREATE TEMP TABLE b5_u (k integer UNIQUE)")
        bulk.copy_rows("b5_u", ("k",), [(1,), (2,), (1,)], progress=None)


@pytest.mark.django_db
def test_employer_regions_equal_the_join(city, make_employer):
    from laobao.insurance.assessment import gather as g

    employers = [make_employer(city[c]) for c in ("c11", "c21", "c31")]
    Employer.objects.filter(pk=employers[1].pk).update(region=None)
    ids = [e.pk for e in employers]
    rows = np.zeros((5, len(g.FIELDS)), dtype=np.int64)
    rows[:, g.FIELDS.index("employer")] = [ids[0], ids[2], ids[1], ids[0], max(ids) + 1000]  # the last: no employer
    rows[:, g.FIELDS.index("person")] = np.arange(5)
    got = g._employer_regions(rows.copy())
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, COALESCE(region_id, 0) FROM registry_employer")
        region = dict(cursor.fetchall())
    assert got[:, g.FIELDS.index("person")].tolist() == [0, 1, 2, 3]
    assert got[:, g.FIELDS.index("region")].tolist() == [region[ids[0]], region[ids[2]], 0, region[ids[0]]]
    assert len(g._employer_regions(rows[:0])) == 0


def _post(person: int, debit: int, credit: int, day: date, key: str):
    with acting_as(None, username="test"):
        lines = [("fund:pension", credit, debit), (f"personal:{person}:pension", debit, credit)]
        ledger.post(key=key, kind="test", lines=lines, value_date=day)


@pytest.mark.django_db
@pytest.mark.parametrize("monthly", [False, True])
def test_interest_read_equals_line_sums(monthly):
    """Opening (= year-end balance less the year's net), credits, debits and month products per account."""
    lines = {1: [(0, 500_000, date(2022, 5, 1)), (0, 70_000, date(2023, 12, 31)), (0, 40_000, date(2024, 3, 15)),
                 (0, 40_000, date(2024, 11, 2)), (0, 999, date(2025, 1, 1))],
             2: [(0, 100_000, date(2023, 6, 1)), (30_000, 0, date(2024, 8, 1)), (0, 12_345, date(2024, 12, 31))],
             3: [(0, 8_000, date(2024, 1, 31))]}
    for person, entries in lines.items():
        for n, (debit, credit, day) in enumerate(entries):
            _post(person, debit, credit, day, f"b5:{person}:{n}")
    cols = interest.load(2024, None, monthly=monthly)
    ids = {f"personal:{p}:pension": p for p in lines}
    codes = dict(zip(cols.account.tolist(), interest._codes(cols.account)))
    got = {ids[codes[a]]: (o, c, d, m) for a, o, c, d, m in zip(cols.account.tolist(), cols.opening.tolist(),
                                                                  cols.credited.tolist(), cols.debited.tolist(),
                                                                  cols.products.tolist())}
    first, last = date(2024, 1, 1), date(2024, 12, 31)
    want = {}
    for person, entries in lines.items():
        opening = sum(c - d for d, c, day in entries if day < first)
        year = [(d, c, day) for d, c, day in entries if first <= day <= last]
        products = sum(c * (13 - day.month) for _, c, day in year) if monthly else 0
        want[person] = (opening, sum(c for _, c, _ in year), sum(d for d, _, _ in year), products)
    assert got == want
