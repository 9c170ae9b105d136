"""The journal in the database itself: append-only entries and lines; balanced entries at commit (PostgreSQL).

SQLite has no deferred triggers, so there the posting service is the only writer and checks the balance
before it inserts, and ``laobao reconcile`` re-checks every entry (ADR 0007).
"""

from django.db import migrations

TABLES = ("ledger_journalentry", "ledger_journalline")

SQLITE = [
    sql
    for table in TABLES
    for sql in (
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only: post a reversing entry'); END;""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only: post a reversing entry'); END;""",
    )
]
SQLITE_REVERSE = [f"DROP TRIGGER {table}_{what};" for table in TABLES for what in ("no_update", "no_delete")]

POSTGRES = [
    """CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '% is append-only: post a reversing entry', TG_TABLE_NAME
             USING ERRCODE = 'integrity_constraint_violation'; END; $$;""",
    *[
        f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION ledger_append_only();"""
        for table in TABLES
    ],
    # Σdebit = Σcredit per entry, checked when the transaction commits (after all its lines are in).
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
    # An entry without lines is refused at commit too.
    """CREATE FUNCTION ledger_entry_has_lines() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NOT EXISTS (SELECT 1 FROM ledger_journalline WHERE entry_id = NEW.id) THEN
           RAISE EXCEPTION 'journal entry % has no lines', NEW.id USING ERRCODE = 'check_violation';
         END IF;
         RETURN NULL;
       END; $$;""",
    """CREATE CONSTRAINT TRIGGER ledger_journalentry_has_lines AFTER INSERT ON ledger_journalentry
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_has_lines();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER ledger_journalentry_has_lines ON ledger_journalentry;",
    "DROP FUNCTION ledger_entry_has_lines();",
    "DROP TRIGGER ledger_journalline_balanced ON ledger_journalline;",
    "DROP FUNCTION ledger_entry_balanced();",
    *[f"DROP TRIGGER {table}_no_change ON {table};" for table in TABLES],
    "DROP FUNCTION ledger_append_only();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql, params=None)  # no parameters: "%" in PL/pgSQL is literal


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql, params=None)  # no parameters: "%" in PL/pgSQL is literal


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
