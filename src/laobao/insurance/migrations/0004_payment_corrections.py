"""冲正、退款、认领 (helper C): payment reversals, credit refunds and suspense claims.

``Allocation`` gains ``reverses``: a reversing row names the row it undoes and carries a negative amount
(check ``allocation_sign`` replaces ``allocation_positive``), so every Σ over allocations nets reversals.
The three new tables are append-only like the money tables of 0003. On SQLite, changing a check
constraint rebuilds ``insurance_allocation`` (and drops its triggers): they are created again here.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

NEW_TABLES = ("insurance_paymentreversal", "insurance_creditrefund", "insurance_paymentclaim")


def _append_only(apps, schema_editor):
    base = importlib.import_module("laobao.insurance.migrations.0003_money_tables_append_only")
    if schema_editor.connection.vendor == "postgresql":
        statements = [f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
                          FOR EACH ROW EXECUTE FUNCTION insurance_append_only();""" for table in NEW_TABLES]
    else:  # the rebuilt allocation table lost its triggers; IF NOT EXISTS keeps this safe either way
        statements = [sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1)
                      for table in ("insurance_allocation", *NEW_TABLES) for sql in base._sqlite(table)]
    for sql in statements:
        schema_editor.execute(sql, params=None)


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = [f"DROP TRIGGER {table}_no_change ON {table};" for table in NEW_TABLES]
    else:
        statements = [f"DROP TRIGGER IF EXISTS {table}_no_{what};" for table in NEW_TABLES for what in ("update", "delete")]
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("insurance", "0003_money_tables_append_only"), ("registry", "0001_initial"),
                    migrations.swappable_dependency(settings.AUTH_USER_MODEL)]
    operations = [
        migrations.CreateModel(
            name='CreditRefund',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount_fen', models.BigIntegerField()),
                ('bank_account', models.CharField(max_length=100)),
                ('reason', models.CharField(max_length=200)),
                ('refunded_on', models.DateField()),
                ('actor', models.CharField(max_length=150)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.CreateModel(
            name='PaymentClaim',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(max_length=200)),
                ('actor', models.CharField(max_length=150)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.CreateModel(
            name='PaymentReversal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(max_length=200)),
                ('reversed_on', models.DateField()),
                ('actor', models.CharField(max_length=150)),
                ('summary', models.JSONField(default=dict)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='allocation',
            name='allocation_positive',
        ),
        migrations.AddField(
            model_name='allocation',
            name='reverses',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='insurance.allocation'),
        ),
        migrations.AddIndex(
            model_name='allocation',
            index=models.Index(condition=models.Q(('reverses__isnull', False)), fields=['reverses'], name='allocation_reverses'),
        ),
        migrations.AddConstraint(
            model_name='allocation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount_fen__gt', 0), ('reverses__isnull', True)), models.Q(('amount_fen__lt', 0), ('reverses__isnull', False)), _connector='OR'), name='allocation_sign'),
        ),
        migrations.AddField(
            model_name='creditrefund',
            name='by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='creditrefund',
            name='employer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='registry.employer'),
        ),
        migrations.AddField(
            model_name='creditrefund',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='registry.person'),
        ),
        migrations.AddField(
            model_name='paymentclaim',
            name='by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='paymentclaim',
            name='claim_payment',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='claimed_from', to='insurance.payment'),
        ),
        migrations.AddField(
            model_name='paymentclaim',
            name='employer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employer'),
        ),
        migrations.AddField(
            model_name='paymentclaim',
            name='payment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='insurance.payment'),
        ),
        migrations.AddField(
            model_name='paymentclaim',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.person'),
        ),
        migrations.AddField(
            model_name='paymentreversal',
            name='by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='paymentreversal',
            name='payment',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='reversal', to='insurance.payment'),
        ),
        migrations.AddConstraint(
            model_name='creditrefund',
            constraint=models.CheckConstraint(condition=models.Q(('employer__isnull', True), ('person__isnull', True), _connector='XOR'), name='refund_one_payer'),
        ),
        migrations.AddConstraint(
            model_name='creditrefund',
            constraint=models.CheckConstraint(condition=models.Q(('amount_fen__gt', 0)), name='refund_positive'),
        ),
        migrations.AddConstraint(
            model_name='paymentclaim',
            constraint=models.CheckConstraint(condition=models.Q(('employer__isnull', True), ('person__isnull', True), _connector='XOR'), name='claim_one_payer'),
        ),
        migrations.RunPython(_append_only, _drop),
    ]
