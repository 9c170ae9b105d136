# No row foreign key from BenefitRate and BenefitEvent to their benefit on PostgreSQL (ADR 0010, as the payroll
# tables since 0007): the yearly indexation writes a rate and an event for every pension in payment, and the
# deferred check of each row at commit cost more than the write. SQLite keeps its constraints (dropping one
# rebuilds the table and would lose the append-only triggers; its checks are cheap). Reconcile
# `benefits.payroll_rows_name_their_parents` proves the references instead.

import django.db.models.deletion
from django.db import migrations, models

NO_FK = (("benefits_benefitrate", ("benefit_id",)), ("benefits_benefitevent", ("benefit_id",)))


def drop_foreign_keys(apps, schema_editor):
    """PostgreSQL: drop the foreign-key constraints of NO_FK (names looked up, tables and columns from code)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, columns in NO_FK:
            cursor.execute("SELECT c.conname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
                           "AND a.attnum = ANY(c.conkey) WHERE c.conrelid = %s::regclass AND c.contype = 'f' "
                           "AND a.attname = ANY(%s)", [table, list(columns)])
            for (name,) in cursor.fetchall():
                schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {schema_editor.quote_name(name)}")


def _no_fk(model, related_name):
    return migrations.AlterField(model_name=model, name='benefit', field=models.ForeignKey(
        db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
        to='benefits.benefit'))


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0009_registration_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[_no_fk('benefitrate', 'rates'), _no_fk('benefitevent', 'events')],
            database_operations=[migrations.RunPython(drop_foreign_keys, migrations.RunPython.noop)],
        ),
    ]
