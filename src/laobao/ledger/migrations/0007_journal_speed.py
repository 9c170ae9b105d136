"""Journal speed (issue 4, fifth session, helper A): the "reversed at most once" rule as a partial unique index.

``JournalEntry.reverses`` is a one-to-one field: a UNIQUE constraint on ``reverses_id``. On PostgreSQL its btree
holds an entry for every journal entry, NULL included — and all but the few reversing entries are NULL, so every
batch (190,000 entries for a 100,000-line payment import) paid for an index entry that no lookup can use. The
constraint is replaced by ``UNIQUE (reverses_id) WHERE reverses_id IS NOT NULL``: the same rule (NULLs never
conflict in a unique index), the same lookups (``reverses_id = x`` and ``reverses_id IS NOT NULL`` are what
the predicate covers: the reversal of an entry, reconcile's reversal check). Django's state is unchanged (the
field stays unique; introspection reports the partial index as a unique index on the column). SQLite keeps
its inline UNIQUE (dropping it would rebuild the table and lose the append-only triggers of 0002).
"""

from django.db import migrations

FIND = """SELECT c.conname FROM pg_constraint c
           WHERE c.conrelid = 'ledger_journalentry'::regclass AND c.contype = 'u'
             AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'ledger_journalentry'::regclass
                                    AND attname = 'reverses_id')]::int2[]"""
PARTIAL = ("CREATE UNIQUE INDEX ledger_journalentry_reverses_once ON ledger_journalentry (reverses_id) "
           "WHERE reverses_id IS NOT NULL")
RESTORE = ["DROP INDEX ledger_journalentry_reverses_once",
           "ALTER TABLE ledger_journalentry ADD CONSTRAINT ledger_journalentry_reverses_id_key UNIQUE (reverses_id)"]


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute(FIND)
        names = [row[0] for row in cursor.fetchall()]
    schema_editor.execute(PARTIAL, params=None)  # first: the rule never lapses inside the migration
    for name in names:
        schema_editor.execute(f"ALTER TABLE ledger_journalentry DROP CONSTRAINT {conn.ops.quote_name(name)}",
                              params=None)  # name from the catalog


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in RESTORE:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0006_benefit_kinds'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
