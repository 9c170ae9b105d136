"""The stored paid amount of bill items (``BillItem.paid_fen``, insurance migration 0007, ADR 0015) and its proof.

The database keeps ``paid_fen`` = Σ principal + credit_used allocated to the item (reversing rows included) with
a trigger on ``insurance_allocation``; this reconcile check proves it for every item, so a dropped trigger or a
write around it shows up in ``laobao reconcile``.

``batch(first_id)`` wraps a set-based write of many allocations (the payment import, the credit run). PostgreSQL's
trigger is already one grouped UPDATE per statement, so it does nothing there. SQLite's triggers run per row
(≈ 9 µs an allocation: 0.9 s per 100,000, against 0.1 s for one grouped UPDATE), so for the block it lifts the
two triggers, then adds the block's allocations (ids ≥ ``first_id``) to their items in one grouped UPDATE and
puts the triggers back exactly as they were (their text read from ``sqlite_master``) — all inside one savepoint
of the caller's transaction, which holds SQLite's single write lock: no other writer can run meanwhile, and an
error or a crash rolls the DDL back with the rows (SQLite's DDL is transactional).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction

from laobao.ledger.reconcile import MAX_SHOWN, Result, check

from .runsql import USED_SQL

_DIFFERENT = """
    SELECT i.id, i.paid_fen, COALESCE(s.total, 0)
      FROM insurance_billitem i
      LEFT JOIN (SELECT item_id, SUM(amount_fen) AS total FROM insurance_allocation
                  WHERE item_id IS NOT NULL AND kind IN """ + USED_SQL + """ GROUP BY item_id) s ON s.item_id = i.id
     WHERE i.paid_fen <> COALESCE(s.total, 0)
     ORDER BY i.id"""


_TRIGGERS = ("insurance_allocation_paid", "insurance_billitem_no_update")
_ADD_BATCH = """
    UPDATE insurance_billitem SET paid_fen = paid_fen + s.amount
      FROM (SELECT item_id, SUM(amount_fen) AS amount FROM insurance_allocation
             WHERE id >= %s AND item_id IS NOT NULL AND kind IN """ + USED_SQL + """ GROUP BY item_id) s
     WHERE insurance_billitem.id = s.item_id AND s.amount <> 0"""


@contextmanager
def batch(first_id: int):
    """Allocations with ids ≥ ``first_id`` written in the block count in their items' paid as one grouped UPDATE
    (SQLite; see the module doc). Call inside the transaction that writes them, holding the write lock."""
    if connection.vendor != "sqlite":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s)", _TRIGGERS)
        triggers = cursor.fetchall()
        if len(triggers) != len(_TRIGGERS):  # never expected: refuse rather than write paid twice or not at all
            raise RuntimeError("insurance paid triggers missing (migration insurance 0007)")
        for name, _ in triggers:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")  # names from _TRIGGERS
        yield
        cursor.execute(_ADD_BATCH, [first_id])
        for _, sql in triggers:
            cursor.execute(sql)  # the schema's own text, unchanged


def differences() -> list[tuple[int, int, int]]:
    """(item id, stored paid, Σ allocations) of every item whose stored paid is not its allocations' sum."""
    with connection.cursor() as cursor:
        cursor.execute(_DIFFERENT)
        return cursor.fetchall()


@check("insurance.paid_equals_allocations")
def paid_equals_allocations() -> Result:
    """BillItem.paid_fen = Σ principal + credit_used allocations of the item (reversals netted)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM insurance_billitem")
        (items,) = cursor.fetchone()
    bad = differences()
    return Result(items, [f"item #{i}: stored paid {p} != Σ allocations {s} fen" for i, p, s in bad[:MAX_SHOWN]],
                  found=len(bad))
