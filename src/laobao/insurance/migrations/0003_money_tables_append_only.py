"""Bills, their items and lines, payments and allocations are append-only in the database itself.

A closed month is never edited: changes come as adjustment lines in a later bill, a payment posted in
error is answered by a reversing entry in the ledger. The same triggers as the journal (ledger 0002):
SQLite ``RAISE(ABORT)`` triggers, a PostgreSQL trigger function shared by the tables.
"""

from django.db import migrations

TABLES = ("insurance_bill", "insurance_billitem", "insurance_contribution", "insurance_payment",
          "insurance_allocation")


def _sqlite(table: str) -> list[str]:
    return [f"""CREATE TRIGGER {table}_no_{what} BEFORE {what.upper()} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only: record an adjustment instead'); END;"""
            for what in ("update", "delete")]


POSTGRES_FUNCTION = """CREATE FUNCTION insurance_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN RAISE EXCEPTION '% is append-only: record an adjustment instead', TG_TABLE_NAME
         USING ERRCODE = 'integrity_constraint_violation'; END; $$;"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = [POSTGRES_FUNCTION] + [
            f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION insurance_append_only();""" for table in TABLES]
    else:
        statements = [sql for table in TABLES for sql in _sqlite(table)]
    for sql in statements:
        schema_editor.execute(sql, params=None)  # no parameters: "%" in PL/pgSQL is literal


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = [f"DROP TRIGGER {table}_no_change ON {table};" for table in TABLES]
        statements.append("DROP FUNCTION insurance_append_only();")
    else:
        statements = [f"DROP TRIGGER {table}_no_{what};" for table in TABLES for what in ("update", "delete")]
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("insurance", "0002_bases_bills_payments")]
    operations = [migrations.RunPython(forwards, backwards)]
