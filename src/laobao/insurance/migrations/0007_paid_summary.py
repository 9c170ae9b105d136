"""Issue 4 speed (helper E): the paid amount of each bill item, kept by the database (ADR 0015).

``insurance_billitem.paid_fen`` = Σ ``amount_fen`` of the item's allocations of kinds principal and credit_used
(reversing rows included, they are negative). Readers (the contribution record, ``paid_by_item``, what a payer
still owes) read it instead of summing the allocations of every item.

Kept by a trigger on ``insurance_allocation`` (AFTER INSERT; allocations are insert-only), so every writer —
the payment import, credit runs, corrections, tests, fixtures, raw SQL — keeps it right without knowing it, in
the writer's own transaction (crash-safe and idempotent exactly as the allocations are). PostgreSQL: one
statement-level trigger with the statement's new rows as a transition table (one UPDATE per INSERT or COPY,
grouped by item); SQLite: a row trigger.

The item stays append-only for everything else: the update guard of 0003 is replaced by one that refuses any
UPDATE except one that changes ``paid_fen`` alone — and on PostgreSQL only from inside a trigger
(``pg_trigger_depth() > 0``), on SQLite only to exactly Σ allocations of the item (checked per row through the
covering index ``allocation_item_paid``). ``insurance.paid_equals_allocations`` (reconcile) proves the equality
for every item. The column is added with ``ALTER TABLE … ADD COLUMN … DEFAULT 0`` (no table rewrite on either
database) and filled once from the allocations already stored.

Three single-column indexes go (every lookup they served is served by a wider index that leads with the same
column): ``insurance_billitem (bill_id)`` (the unique ``(bill_id, insurance, month)``), ``insurance_payment
(employer_id)`` and ``(person_id)`` (``(employer_id, paid_on)``, ``(person_id, paid_on)``) and
``insurance_allocation (item_id)`` (``allocation_item_paid``): fewer indexes to keep on every assessment, payment
import and paid update. PostgreSQL: ``insurance_billitem`` gets ``fillfactor = 50`` (new pages only, no rewrite),
so the paid update of a freshly assessed item finds room on its own page (a HOT update: no index entry, measured
at about a third of the cost of the non-HOT update).

NB SQLite: a later migration that rebuilds ``insurance_billitem`` or ``insurance_allocation`` (``_remake_table``:
a changed constraint or column) drops their triggers; it must create these again (``install_sqlite``), as 0004
did for the append-only triggers. Reconcile would show the drift.
"""

import django.db.models.deletion
from django.db import migrations, models

USED = "('principal', 'credit_used')"
ITEM_COLUMNS = ("id", "bill_id", "insurance", "month", "employer_fen", "employee_fen", "account_fen", "due_fen")
REFUSED = "insurance_billitem is append-only: record an adjustment instead"

BACKFILL = f"""UPDATE insurance_billitem SET paid_fen = (
    SELECT COALESCE(SUM(a.amount_fen), 0) FROM insurance_allocation a
     WHERE a.item_id = insurance_billitem.id AND a.kind IN {USED})
  WHERE EXISTS (SELECT 1 FROM insurance_allocation a WHERE a.item_id = insurance_billitem.id AND a.kind IN {USED})"""

_OTHER_CHANGED_PG = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ITEM_COLUMNS)
_OTHER_CHANGED_SQLITE = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in ITEM_COLUMNS)

POSTGRES = [
    "ALTER TABLE insurance_billitem ADD COLUMN paid_fen bigint NOT NULL DEFAULT 0",
    # the guard of 0003 refused every UPDATE; it now refuses DELETE, and UPDATE unless a trigger changes paid only
    "DROP TRIGGER insurance_billitem_no_change ON insurance_billitem",
    """CREATE TRIGGER insurance_billitem_no_change BEFORE DELETE ON insurance_billitem
       FOR EACH ROW EXECUTE FUNCTION insurance_append_only()""",
    f"""CREATE TRIGGER insurance_billitem_only_paid BEFORE UPDATE ON insurance_billitem FOR EACH ROW
       WHEN (pg_trigger_depth() < 1 OR NEW.paid_fen = OLD.paid_fen OR {_OTHER_CHANGED_PG})
       EXECUTE FUNCTION insurance_append_only()""",
    BACKFILL,
    f"""CREATE FUNCTION insurance_item_paid() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         UPDATE insurance_billitem i SET paid_fen = i.paid_fen + s.amount
           FROM (SELECT item_id, SUM(amount_fen) AS amount FROM new_allocations
                  WHERE item_id IS NOT NULL AND kind IN {USED} GROUP BY item_id) s
          WHERE i.id = s.item_id AND s.amount <> 0;
         RETURN NULL;
       END; $$""",
    """CREATE TRIGGER insurance_allocation_paid AFTER INSERT ON insurance_allocation
       REFERENCING NEW TABLE AS new_allocations FOR EACH STATEMENT EXECUTE FUNCTION insurance_item_paid()""",
]
POSTGRES_BACK = [
    "DROP TRIGGER insurance_allocation_paid ON insurance_allocation",
    "DROP FUNCTION insurance_item_paid()",
    "DROP TRIGGER insurance_billitem_only_paid ON insurance_billitem",
    "DROP TRIGGER insurance_billitem_no_change ON insurance_billitem",
    """CREATE TRIGGER insurance_billitem_no_change BEFORE UPDATE OR DELETE ON insurance_billitem
       FOR EACH ROW EXECUTE FUNCTION insurance_append_only()""",
    "ALTER TABLE insurance_billitem DROP COLUMN paid_fen",
]

# SQLite: allocation amounts are never 0 (check allocation_sign), so the trigger's UPDATE always changes paid;
# an UPDATE that leaves paid alone (e.g. SET id = id) is refused like any other.
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS insurance_billitem_no_update BEFORE UPDATE ON insurance_billitem
        WHEN NEW.paid_fen IS OLD.paid_fen OR {_OTHER_CHANGED_SQLITE}
          OR NEW.paid_fen IS NOT (SELECT COALESCE(SUM(a.amount_fen), 0) FROM insurance_allocation a
                                   WHERE a.item_id = NEW.id AND a.kind IN {USED})
        BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS insurance_allocation_paid AFTER INSERT ON insurance_allocation
        WHEN NEW.item_id IS NOT NULL AND NEW.kind IN {USED}
        BEGIN UPDATE insurance_billitem SET paid_fen = paid_fen + NEW.amount_fen WHERE id = NEW.item_id; END""",
]
SQLITE = [
    "ALTER TABLE insurance_billitem ADD COLUMN paid_fen bigint NOT NULL DEFAULT 0",
    "DROP TRIGGER IF EXISTS insurance_billitem_no_update",
    BACKFILL,
    *SQLITE_TRIGGERS,
]
SQLITE_BACK = [
    "DROP TRIGGER IF EXISTS insurance_allocation_paid",
    "DROP TRIGGER IF EXISTS insurance_billitem_no_update",
    "ALTER TABLE insurance_billitem DROP COLUMN paid_fen",
    f"""CREATE TRIGGER insurance_billitem_no_update BEFORE UPDATE ON insurance_billitem
        BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
]


# (table, index, column) of the redundant single-column indexes (Django's own names, the same on both databases)
REDUNDANT = (("insurance_billitem", "insurance_billitem_bill_id_6d2468c8", "bill_id"),
             ("insurance_payment", "insurance_payment_employer_id_700437af", "employer_id"),
             ("insurance_payment", "insurance_payment_person_id_801cf4c9", "person_id"),
             ("insurance_allocation", "insurance_allocation_item_id_e9a7777e", "item_id"))
DROP_REDUNDANT = [f"DROP INDEX IF EXISTS {index}" for _, index, _ in REDUNDANT]
CREATE_REDUNDANT = [f'CREATE INDEX IF NOT EXISTS {index} ON {table} ("{column}")' for table, index, column in REDUNDANT]
POSTGRES += [*DROP_REDUNDANT, "ALTER TABLE insurance_billitem SET (fillfactor = 50)"]
POSTGRES_BACK = ["ALTER TABLE insurance_billitem RESET (fillfactor)", *CREATE_REDUNDANT, *POSTGRES_BACK]
SQLITE += DROP_REDUNDANT
SQLITE_BACK = [*CREATE_REDUNDANT, *SQLITE_BACK]


def install_sqlite(schema_editor) -> None:
    """(Re)create the SQLite triggers (for a later migration that rebuilds one of the two tables)."""
    for sql in SQLITE_TRIGGERS:
        schema_editor.execute(sql, params=None)


def _run(statements):
    def run(apps, schema_editor):
        pg = schema_editor.connection.vendor == "postgresql"
        for sql in statements[pg]:
            schema_editor.execute(sql, params=None)  # no parameters: "%" in PL/pgSQL is literal
    return run


class Migration(migrations.Migration):
    dependencies = [("insurance", "0006_record_speed"), ("registry", "0001_initial")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(
                model_name="billitem", name="paid_fen",
                field=models.BigIntegerField(db_default=0, editable=False)),
                migrations.AlterField(
                    model_name="billitem", name="bill",
                    field=models.ForeignKey(db_constraint=False, db_index=False,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="items",
                                            to="insurance.bill")),
                migrations.AlterField(
                    model_name="payment", name="employer",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="payments",
                                            to="registry.employer")),
                migrations.AlterField(
                    model_name="payment", name="person",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="payments",
                                            to="registry.person")),
                migrations.AlterField(
                    model_name="allocation", name="item",
                    field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="allocations",
                                            to="insurance.billitem")),
            ],
            database_operations=[migrations.RunPython(_run({False: SQLITE, True: POSTGRES}),
                                                      _run({False: SQLITE_BACK, True: POSTGRES_BACK}))],
        ),
    ]
