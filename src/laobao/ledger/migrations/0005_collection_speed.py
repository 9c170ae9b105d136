"""Collection speed (issue 4): cheaper journal checks on PostgreSQL and one index less per journal entry.

1. The per-statement balance trigger (0003) re-read every line of every entry the statement touched, through
   the ``entry_id`` index: for a batch of 2,000,000 interest lines or 200,000 payment entries, a second pass
   over everything just written. It now sums the statement's own lines (the transition table) per entry. That
   is the same check: lines are append-only (0002) and every earlier INSERT/COPY statement left each entry it
   touched balanced, so an entry balances after this statement exactly when the lines this statement added to
   it balance. (Lines written with triggers bypassed, e.g. ``session_replication_role = replica``, are outside
   that induction; ``laobao reconcile`` re-proves every entry's balance over all its lines.)
2. ``ledger_journalentry.posted_at`` loses its index: no query filters or orders by it (grep: the journal
   selector only shows it), and every batch entry paid for it. The journal lines keep both of theirs:
   ``entry_id`` (an entry's lines: ``services.post`` comparing a repeated key, reversals, reconcile, the
   interest run's already-credited check) and the covering ``(account_id, value_date, debit_fen, credit_fen)``
   (balances, account journals, interest).

3. "Every entry has lines" (0002: a deferred per-row constraint trigger, one query per entry at commit —
   0.9 s of CPU for the 190,000 entries of a payment import) gets a set-based form for batches that write
   the lines BEFORE their entries (lines keep no foreign keys on PostgreSQL, ADR 0010): with the
   transaction-local setting ``ledger.lines_first = on`` the per-row trigger is not queued (its WHEN
   clause) and a statement trigger checks every entry of the INSERT/COPY at once, immediately. Both forms
   are enforced by the database: a writer that turns the setting on and inserts an entry without lines is
   refused by the statement trigger at once. ``ledger.batch.post_columns`` uses it; ``services.post``
   (entry first, lines after) keeps the deferred check.

The index is dropped by name from the catalog on both backends (Django's AlterField would rebuild the SQLite
table and lose the append-only triggers of 0002).
"""

from django.db import migrations, models
from django.utils import timezone

STATEMENT_BALANCED = """CREATE OR REPLACE FUNCTION ledger_statement_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE bad record;
       BEGIN
         SELECT n.entry_id, SUM(n.debit_fen) - SUM(n.credit_fen) AS diff INTO bad
           FROM new_lines n
          GROUP BY n.entry_id
         HAVING SUM(n.debit_fen) <> SUM(n.credit_fen)
          LIMIT 1;
         IF FOUND THEN
           RAISE EXCEPTION 'journal entry % does not balance (debit - credit = % fen)', bad.entry_id, bad.diff
             USING ERRCODE = 'check_violation';
         END IF;
         RETURN NULL;
       END; $$;"""
STATEMENT_BALANCED_0003 = """CREATE OR REPLACE FUNCTION ledger_statement_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE bad record;
       BEGIN
         SELECT l.entry_id, SUM(l.debit_fen) - SUM(l.credit_fen) AS diff INTO bad
           FROM ledger_journalline l
          WHERE l.entry_id IN (SELECT DISTINCT entry_id FROM new_lines)
          GROUP BY l.entry_id
         HAVING SUM(l.debit_fen) <> SUM(l.credit_fen)
          LIMIT 1;
         IF FOUND THEN
           RAISE EXCEPTION 'journal entry % does not balance (debit - credit = % fen)', bad.entry_id, bad.diff
             USING ERRCODE = 'check_violation';
         END IF;
         RETURN NULL;
       END; $$;"""
HAS_LINES = [
    "DROP TRIGGER ledger_journalentry_has_lines ON ledger_journalentry;",
    """CREATE CONSTRAINT TRIGGER ledger_journalentry_has_lines AFTER INSERT ON ledger_journalentry
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
       WHEN (current_setting('ledger.lines_first', true) IS DISTINCT FROM 'on')
       EXECUTE FUNCTION ledger_entry_has_lines();""",
    """CREATE FUNCTION ledger_entries_have_lines() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE bad bigint;
       BEGIN
         IF current_setting('ledger.lines_first', true) = 'on' THEN
           SELECT e.id INTO bad FROM new_entries e
            WHERE NOT EXISTS (SELECT 1 FROM ledger_journalline l WHERE l.entry_id = e.id)
            LIMIT 1;
           IF FOUND THEN
             RAISE EXCEPTION 'journal entry % has no lines', bad USING ERRCODE = 'check_violation';
           END IF;
         END IF;
         RETURN NULL;
       END; $$;""",
    """CREATE TRIGGER ledger_journalentry_lines_first AFTER INSERT ON ledger_journalentry
       REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_have_lines();""",
]
HAS_LINES_REVERSE = [
    "DROP TRIGGER ledger_journalentry_lines_first ON ledger_journalentry;",
    "DROP FUNCTION ledger_entries_have_lines();",
    "DROP TRIGGER ledger_journalentry_has_lines ON ledger_journalentry;",
    """CREATE CONSTRAINT TRIGGER ledger_journalentry_has_lines AFTER INSERT ON ledger_journalentry
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_has_lines();""",
]
POSTED_AT_INDEX = "CREATE INDEX ledger_journalentry_posted_at_idx ON ledger_journalentry (posted_at)"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in [STATEMENT_BALANCED, *HAS_LINES]:
            schema_editor.execute(sql, params=None)
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        constraints = conn.introspection.get_constraints(cursor, "ledger_journalentry")
    for name, info in constraints.items():
        if info["index"] and not info["primary_key"] and not info["unique"] and info["columns"] == ["posted_at"]:
            schema_editor.execute(f"DROP INDEX {conn.ops.quote_name(name)}", params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in [STATEMENT_BALANCED_0003, *HAS_LINES_REVERSE]:
            schema_editor.execute(sql, params=None)
    schema_editor.execute(POSTED_AT_INDEX, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_transfer_kind")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="journalentry", name="posted_at",
                                      field=models.DateTimeField(default=timezone.now)),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
