# Payroll reissue (补发: PayrollRun.sequence, unique (month, sequence)), the medical insurance contributions
# the unemployment fund pays during the unemployment benefit (UnemploymentMedical, append-only), and no row
# foreign keys on the payroll tables (ADR 0010): on PostgreSQL the constraints of PaymentLine and PaymentMonth
# are dropped (deferred checks at commit cost more than the write); on SQLite they stay (dropping one rebuilds
# the table and would lose its append-only triggers; SQLite's checks are cheap). The new table has none.

import django.db.models.deletion
from django.db import migrations, models

from . import _append_only as append_only

APPEND_ONLY = ("benefits_unemploymentmedical",)
NO_FK = (("benefits_paymentline", ("run_id", "benefit_id", "person_id", "bank_account_id")),
         ("benefits_paymentmonth", ("line_id", "benefit_id")))


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


def _no_fk(model, name, target, **kw):
    return migrations.AlterField(model_name=model, name=name, field=models.ForeignKey(
        db_constraint=False, on_delete=django.db.models.deletion.PROTECT, to=target, **kw))


STATE = [
    _no_fk('paymentline', 'run', 'benefits.payrollrun', db_index=False, related_name='payment_lines'),
    _no_fk('paymentline', 'benefit', 'benefits.benefit', db_index=False, related_name='payment_lines'),
    _no_fk('paymentline', 'person', 'registry.person', related_name='+'),
    _no_fk('paymentline', 'bank_account', 'benefits.bankaccount', db_index=False, related_name='payment_lines'),
    _no_fk('paymentmonth', 'line', 'benefits.paymentline', db_index=False, related_name='months'),
    _no_fk('paymentmonth', 'benefit', 'benefits.benefit', db_index=False, related_name='+'),
]


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0006_injury'),
    ]

    operations = [
        migrations.AlterModelOptions(name='payrollrun', options={'ordering': ['-month', '-sequence']}),
        migrations.AddField(model_name='payrollrun', name='sequence',
                            field=models.PositiveSmallIntegerField(default=0)),
        migrations.AlterField(model_name='payrollrun', name='month', field=models.DateField()),
        migrations.AddConstraint(
            model_name='payrollrun',
            constraint=models.UniqueConstraint(fields=('month', 'sequence'), name='one_payroll_run_per_month_and_sequence'),
        ),
        migrations.CreateModel(
            name='UnemploymentMedical',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('amount_fen', models.BigIntegerField()),
                ('parameter_since', models.DateField()),
                ('created_at', models.DateTimeField()),
                ('benefit', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                              related_name='medical_months', to='benefits.benefit')),
                ('line', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                           related_name='+', to='benefits.paymentline')),
                ('person', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                             to='registry.person')),
            ],
            options={'ordering': ['benefit', 'month']},
        ),
        migrations.AddConstraint(
            model_name='unemploymentmedical',
            constraint=models.UniqueConstraint(fields=('benefit', 'month'), name='one_unemployment_medical_per_month'),
        ),
        migrations.AddConstraint(
            model_name='unemploymentmedical',
            constraint=models.CheckConstraint(condition=models.Q(('amount_fen__gt', 0)), name='unemployment_medical_positive'),
        ),
        append_only.operation(APPEND_ONLY),
        migrations.SeparateDatabaseAndState(
            state_operations=STATE,
            database_operations=[migrations.RunPython(drop_foreign_keys, migrations.RunPython.noop)]),
    ]
