"""Payment import speed (issue 4, fifth session): the faster paths write and compute exactly what the old ones did.

* ``ledger.batch.write_columns`` on SQLite sends each block of rows as one multi-row ``INSERT … VALUES`` instead of
  ``executemany``: every value must come back as it went in (NULL, integers to the int64 limits, text with
  quotes, tabs, newlines, backslashes, CJK and characters outside the BMP, dates), and an integer outside int64
  is refused rather than stored as a real. The same test runs the PostgreSQL COPY path.
* ``fees.piece_fees_ordinal`` (months and days as ordinals, one due date per distinct month) equals
  ``piece_fees`` on date objects, across the 2011-07-01 rate change and for reversing (negative) pieces.
* The settlement's "now fully paid" pension items (``Pieces.paid_items``, which drive the ``account:<item>``
  entries) are exactly the items the database shows paid in full after the import.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection

from laobao.insurance.collection import fees
from laobao.ledger.batch import write_columns

TEXTS = ["plain", "引号\"和'单引号", "tab\there", "new\nline", "back\\slash", "😀 outside the BMP", "", "缴费 bank"]


@pytest.mark.django_db
def test_write_columns_round_trip():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE wc_probe (a bigint, b varchar(100), c date, d bigint, e varchar(20))")
    big = (1 << 63) - 1
    a = np.array([0, -1, big, -big - 1, 42, 7, 8, 9], dtype=np.int64)
    d = [None, 1, 2, None, -(1 << 62), 5, 6, 7]
    c = [date(2024, 6, 25), "2011-07-01", None, date(1999, 12, 31), "2024-02-29", None, date(2006, 1, 1), None]
    e = [Decimal("1.50"), "x", None, "y", "z", "w", "v", "u"]
    assert write_columns("wc_probe", ("a", "b", "c", "d", "e"), [a, TEXTS, c, d, e], block=3) == 8
    with connection.cursor() as cursor:
        cursor.execute("SELECT a, b, c, d, e FROM wc_probe")
        rows = cursor.fetchall()
    rows.sort(key=lambda r: TEXTS.index(r[1]))
    assert [r[0] for r in rows] == a.tolist()
    assert [r[1] for r in rows] == TEXTS
    assert [None if r[2] is None else str(r[2])[:10] for r in rows] == [
        None if v is None else str(v) for v in c]
    assert [r[3] for r in rows] == d
    assert [r[4] for r in rows] == ["1.50", "x", None, "y", "z", "w", "v", "u"]


@pytest.mark.django_db
def test_write_columns_refuses_integers_beyond_int64():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE wc_big (a bigint)")
    errors: tuple = (OverflowError,)
    if connection.vendor == "postgresql":
        import psycopg

        errors += (psycopg.errors.NumericValueOutOfRange,)
    with pytest.raises(errors):
        write_columns("wc_big", ("a",), [[1, 1 << 63]])


def test_piece_fees_on_ordinals_equal_dates():
    rng = random.Random(27)
    n = 3000
    amount = np.array([rng.choice([-1, 1]) * rng.randint(1, 10**7) for _ in range(n)], dtype=np.int64)
    months = [date(rng.randint(2008, 2013), rng.randint(1, 12), 1) for _ in range(n)]
    days = [m + timedelta(days=rng.randint(0, 1200)) for m in months]
    expected = fees.piece_fees(amount, months, days)
    got = fees.piece_fees_ordinal(amount, np.array([m.toordinal() for m in months]),
                                  np.array([d.toordinal() for d in days]))
    assert (got == expected).all() and (expected != 0).sum() > n // 2
    one = fees.piece_fees(np.array([100_000]), [date(2011, 5, 1)], [date(2011, 8, 1)])  # across 2011-07-01
    assert one.tolist() == fees.piece_fees_ordinal(np.array([100_000]), np.array([date(2011, 5, 1).toordinal()]),
                                                   np.array([date(2011, 8, 1).toordinal()])).tolist()


@pytest.mark.django_db
def test_account_entries_follow_exactly_the_items_paid_in_full(city, make_employer, make_person, tmp_path):
    """Four employers, bills for two months: one pays everything, one pays part (the oldest month first), one pays
    in two payments of the same file that together complete the first month, one pays late. The ``account:``
    entries of the import are exactly the pension items whose stored paid now equals their due."""
    from collection_support import simple_bill, write_csv

    from laobao.insurance.collection.services import import_payments
    from laobao.insurance.models import BillItem
    from laobao.ledger.models import JournalEntry

    emps = [make_employer(city["c11"]) for _ in range(4)]
    for emp in emps:
        person = make_person(city["c11"])
        simple_bill(emp, person, date(2024, 1, 1))
        simple_bill(emp, person, date(2024, 2, 1))
    f = write_csv(tmp_path / "p.csv", [
        ("A1", "bank", emps[0].credit_code, "660.00", "2024-02-20"),
        ("B1", "bank", emps[1].credit_code, "200.00", "2024-02-20"),
        ("C1", "bank", emps[2].credit_code, "100.00", "2024-01-20"),
        ("C2", "bank", emps[2].credit_code, "250.00", "2024-01-25"),
        ("D1", "bank", emps[3].credit_code, "330.00", "2024-04-30")])
    import_payments(f, progress=None)
    paid = {i for i, due, p in BillItem.objects.filter(insurance="pension").values_list("id", "due_fen", "paid_fen")
            if p == due}
    keys = set(JournalEntry.objects.filter(idempotency_key__startswith="account:").values_list("idempotency_key",
                                                                                              flat=True))
    assert keys == {f"account:{i}" for i in paid}
    assert len(paid) == 4  # A: both months; C: January (second payment); D: January (late fee claimed after)
