"""Lines carry a value date (the business date, for interest); PostgreSQL checks balance per statement.

The column is added with plain ``ALTER TABLE … ADD COLUMN`` on both backends: Django would rebuild the
SQLite table to add it, and a rebuilt table loses the append-only triggers of migration 0002.

The per-row deferred balance trigger of 0002 summed an entry's lines once per line at commit, which is
quadratic in the lines of one entry. It is replaced by an AFTER INSERT … FOR EACH STATEMENT trigger
with a transition table: after every INSERT or COPY statement into the lines, every entry the
statement touched must balance over all its lines. Writers therefore insert an entry's lines in one
statement (``services.post`` does; ``services.post_batch`` never splits an entry across COPY chunks).

Lines keep no database foreign keys on PostgreSQL (ADR 0010): a per-row check costs about 6 µs, more than
writing the row; `laobao reconcile` proves every line names an existing entry and account. SQLite keeps its
foreign keys (dropping one means rebuilding the table, which would lose the append-only triggers; its checks
are in-process and cheap). The single-column account index goes: (account_id, value_date, …) serves it.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

ADD_COLUMN = "ALTER TABLE ledger_journalline ADD COLUMN value_date date NOT NULL DEFAULT '2006-01-01'"
# Covering (ADR 0009): balances and the yearly interest read the amounts from the index alone.
ADD_INDEX = ("CREATE INDEX ledger_line_account_date ON ledger_journalline "
             "(account_id, value_date, debit_fen, credit_fen)")

POSTGRES = [
    "DROP TRIGGER ledger_journalline_balanced ON ledger_journalline;",
    "DROP FUNCTION ledger_entry_balanced();",
    """CREATE FUNCTION ledger_statement_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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
       END; $$;""",
    """CREATE TRIGGER ledger_journalline_balanced AFTER INSERT ON ledger_journalline
       REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION ledger_statement_balanced();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER ledger_journalline_balanced ON ledger_journalline;",
    "DROP FUNCTION ledger_statement_balanced();",
    """CREATE FUNCTION ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE diff bigint;
       BEGIN
         SELECT COALESCE(SUM(debit_fen), 0) - COALESCE(SUM(credit_fen), 0) INTO diff
           FROM ledger_journalline WHERE entry_id = NEW.entry_id;
         IF diff <> 0 THEN
           RAISE EXCEPTION 'journal entry % does not balance (debit - credit = % fen)', NEW.entry_id, diff
             USING ERRCODE = 'check_violation';
         END IF;
         RETURN NULL;
       END; $$;""",
    """CREATE CONSTRAINT TRIGGER ledger_journalline_balanced AFTER INSERT ON ledger_journalline
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();""",
]


def forwards(apps, schema_editor):
    schema_editor.execute(ADD_COLUMN, params=None)
    schema_editor.execute(ADD_INDEX, params=None)
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql, params=None)
    drop_foreign_keys(schema_editor, "ledger_journalline")
    drop_single_index(schema_editor, "ledger_journalline", "account_id")


def drop_foreign_keys(schema_editor, table: str) -> None:
    """PostgreSQL: drop the table's foreign-key constraints (names from the catalog). SQLite: nothing."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT format('ALTER TABLE %%I DROP CONSTRAINT %%I', conrelid::regclass::text, conname) "
                       "FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'", [table])
        statements = [row[0] for row in cursor.fetchall()]
    for sql in statements:
        schema_editor.execute(sql, params=None)


def drop_single_index(schema_editor, table: str, column: str) -> None:
    """Drop the index Django made for a foreign key column (its name is generated, so look it up)."""
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        constraints = conn.introspection.get_constraints(cursor, table)
    for name, info in constraints.items():
        if info["index"] and not info["primary_key"] and not info["unique"] and info["columns"] == [column]:
            schema_editor.execute(f"DROP INDEX {conn.ops.quote_name(name)}", params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_REVERSE:
            schema_editor.execute(sql, params=None)
    schema_editor.execute("DROP INDEX ledger_line_account_date", params=None)
    schema_editor.execute("ALTER TABLE ledger_journalline DROP COLUMN value_date", params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_and_balanced")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="journalline", name="value_date",
                    field=models.DateField(default=django.utils.timezone.localdate, verbose_name="起息日 value date"),
                ),
                migrations.AddIndex(
                    model_name="journalline",
                    index=models.Index(fields=["account", "value_date", "debit_fen", "credit_fen"],
                                       name="ledger_line_account_date"),
                ),
                migrations.AlterField(
                    model_name="journalline", name="account",
                    field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="lines", to="ledger.account"),
                ),
                migrations.AlterField(
                    model_name="journalline", name="entry",
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="lines", to="ledger.journalentry"),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
