"""Payment import speed (issue 4, fifth session, helper A): one index less per payment on PostgreSQL.

Django gives every unique ``CharField`` on PostgreSQL a second btree with ``varchar_pattern_ops`` (``…_like``),
for ``LIKE 'prefix%'`` lookups. Nothing looks payments up by a prefix of ``bank_ref`` (exact lookups and ``IN``
only, which the unique index serves), and every payment import paid for the second index: it goes. The index is
found by its definition in the catalog (its name carries a hash). SQLite has no such index: nothing to do there.
See docs/adr (payments speed, helper A).
"""

from django.db import migrations

FIND = """SELECT indexname FROM pg_indexes
           WHERE schemaname = current_schema() AND tablename = 'insurance_payment'
             AND indexdef LIKE '%%(bank_ref varchar_pattern_ops)%%'"""
RESTORE = "CREATE INDEX insurance_payment_bank_ref_like ON insurance_payment (bank_ref varchar_pattern_ops)"


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute(FIND)
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f"DROP INDEX {conn.ops.quote_name(name)}", params=None)  # name from the catalog


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('insurance', '0007_paid_summary'),
        ('ledger', '0007_journal_speed'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
