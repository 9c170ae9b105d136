# One-time payments through bank files (一次性待遇发放, benefits/payouts/). Payout lines and their returns are
# append-only (database triggers); orders and employer accounts are written only by payouts/services.py.

import django.db.models.deletion
from django.db import migrations, models

from . import _append_only as append_only

APPEND_ONLY = ("benefits_payoutline", "benefits_payoutreturn")


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0007_payroll_more'),
    ]

    operations = [
        migrations.CreateModel(
            name='EmployerBankAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('account_no', models.CharField(max_length=30)),
                ('account_name', models.CharField(max_length=200)),
                ('opened_on', models.DateField()),
                ('closed_on', models.DateField(blank=True, null=True)),
                ('bank', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='employer_accounts', to='benefits.bank')),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bank_accounts', to='registry.employer')),
            ],
        ),
        migrations.CreateModel(
            name='Payout',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=80, unique=True)),
                ('source', models.CharField(max_length=60)),
                ('payee_name', models.CharField(blank=True, default='', max_length=200)),
                ('payable_code', models.CharField(max_length=60)),
                ('amount_fen', models.BigIntegerField()),
                ('memo', models.CharField(max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('employer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payouts', to='registry.employer')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payouts', to='registry.person')),
                ('region', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region')),
                ('subject', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.person')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='PayoutLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bank_code', models.CharField(max_length=3)),
                ('payable_code', models.CharField(max_length=60)),
                ('amount_fen', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('bank_account', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='benefits.bankaccount')),
                ('employer_account', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='benefits.employerbankaccount')),
                ('payout', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='benefits.payout')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='PayoutReturn',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(choices=[('paid', '已到账'), ('rejected', '被退回')], max_length=8)),
                ('reason', models.CharField(blank=True, default='', max_length=200)),
                ('settled_on', models.DateField()),
                ('file_sha', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('line', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='payout_return', to='benefits.payoutline')),
            ],
            options={
                'ordering': ['line'],
            },
        ),
        migrations.CreateModel(
            name='PayoutRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('seq', models.PositiveSmallIntegerField()),
                ('started_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('lines', models.PositiveIntegerField(default=0)),
                ('total_fen', models.BigIntegerField(default=0)),
                ('files', models.JSONField(blank=True, default=list)),
            ],
            options={
                'ordering': ['-day', '-seq'],
                'constraints': [models.UniqueConstraint(fields=('day', 'seq'), name='one_payout_run_per_day_seq')],
            },
        ),
        migrations.AddField(
            model_name='payoutline',
            name='run',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payout_lines', to='benefits.payoutrun'),
        ),
        migrations.AddConstraint(
            model_name='employerbankaccount',
            constraint=models.UniqueConstraint(condition=models.Q(('closed_on__isnull', True)), fields=('employer',), name='one_current_account_per_employer'),
        ),
        migrations.AddConstraint(
            model_name='employerbankaccount',
            constraint=models.CheckConstraint(condition=models.Q(('closed_on__isnull', True), ('closed_on__gte', models.F('opened_on')), _connector='OR'), name='employer_account_dates'),
        ),
        migrations.AddIndex(
            model_name='payout',
            index=models.Index(fields=['payable_code'], name='benefits_pa_payable_e88ca4_idx'),
        ),
        migrations.AddConstraint(
            model_name='payout',
            constraint=models.CheckConstraint(condition=models.Q(('amount_fen__gt', 0)), name='payout_amount_positive'),
        ),
        migrations.AddConstraint(
            model_name='payout',
            constraint=models.CheckConstraint(condition=models.Q(('person__isnull', True), ('employer__isnull', True), _connector='OR'), name='payout_one_payee'),
        ),
        migrations.AddConstraint(
            model_name='payoutline',
            constraint=models.UniqueConstraint(fields=('run', 'payout'), name='one_payout_line_per_run'),
        ),
        migrations.AddConstraint(
            model_name='payoutline',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('bank_account__isnull', False), ('employer_account__isnull', True)), models.Q(('bank_account__isnull', True), ('employer_account__isnull', False)), _connector='OR'), name='payout_line_one_account'),
        ),
        append_only.operation(APPEND_ONLY),
    ]
