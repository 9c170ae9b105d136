# Paid months as ONE view (ADR 0018, helper C, issue 5 payroll speed).
#
# A payment line that pays exactly one month carries it in ``single_month`` and writes no PaymentMonth row (the
# row repeated the line: half the rows a monthly run wrote); back-pay lines keep their PaymentMonth rows. Every
# reader of paid months reads the view ``benefits_paidmonth`` = PaymentMonth rows UNION ALL single-month lines.
# History is not rewritten: lines written before this migration keep their PaymentMonth rows and a NULL
# single_month, so no month appears twice (only the new writer sets single_month, and it then writes no row;
# reconcile ``benefits.single_month_or_month_rows`` proves it). ``paid_cum_fen`` (Σ paid by the benefit's lines
# when the line was written, itself included) bounds the monthly run's read of earlier payments (payroll/due.py).
# A partial index on the rejected returns keeps the "benefits with a rejected line" read small.
#
# SQLite: AddField of a nullable column is an ALTER TABLE ADD COLUMN (the append-only triggers stay). A later
# migration that REBUILDS benefits_paymentline or benefits_paymentmonth on SQLite (Django's table remake) must
# drop the view first and re-create it after (DROP_VIEW / CREATE_VIEW below): SQLite refuses to rename a table
# under a view that names it.

import django.db.models.deletion
from django.db import migrations, models

CREATE_VIEW = """CREATE VIEW benefits_paidmonth (id, line_id, benefit_id, month, amount_fen) AS
    SELECT m.id, m.line_id, m.benefit_id, m.month, m.amount_fen FROM benefits_paymentmonth m
    UNION ALL
    SELECT -l.id, l.id, l.benefit_id, l.single_month, l.amount_fen FROM benefits_paymentline l
    WHERE l.single_month IS NOT NULL"""
DROP_VIEW = "DROP VIEW benefits_paidmonth"
REJECTED_INDEX = ("CREATE INDEX benefits_return_rejected ON benefits_paymentreturn (line_id) "
                  "WHERE outcome = 'rejected'")
DROP_REJECTED_INDEX = "DROP INDEX benefits_return_rejected"


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0010_rates_events_no_fk'),
    ]

    operations = [
        migrations.AddField(model_name='paymentline', name='single_month',
                            field=models.DateField(blank=True, null=True)),
        migrations.AddField(model_name='paymentline', name='paid_cum_fen',
                            field=models.BigIntegerField(blank=True, null=True)),
        migrations.AlterField(model_name='paymentmonth', name='line', field=models.ForeignKey(
            db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT,
            related_name='month_rows', to='benefits.paymentline')),
        migrations.RunSQL(CREATE_VIEW, DROP_VIEW),
        migrations.RunSQL(REJECTED_INDEX, DROP_REJECTED_INDEX),
        migrations.CreateModel(
            name='PaidMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('amount_fen', models.BigIntegerField()),
                ('benefit', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                              related_name='+', to='benefits.benefit')),
                ('line', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                           related_name='paid_months', to='benefits.paymentline')),
            ],
            options={
                'db_table': 'benefits_paidmonth',
                'ordering': ['line', 'month'],
                'managed': False,
            },
        ),
    ]
