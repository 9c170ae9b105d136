# 公益性岗位 and subsidy bank payments (issue 6, helper E).

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
        ('employment', '0002_matching'),
        ('registry', '0001_initial'),
        ('training', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PayeeAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bank_code', models.CharField(max_length=3)),
                ('bank_name', models.CharField(max_length=60)),
                ('account_no', models.CharField(max_length=30)),
                ('account_name', models.CharField(max_length=200)),
                ('opened_on', models.DateField()),
                ('closed_on', models.DateField(blank=True, null=True)),
                ('employer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employer')),
                ('institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='training.institution')),
            ],
        ),
        migrations.CreateModel(
            name='SubsidyOrder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=80, unique=True)),
                ('source', models.CharField(choices=[('welfare', '公益性岗位补贴'), ('employer_subsidy', '社会保险补贴（再就业优惠证）'), ('training', '培训补贴')], max_length=20)),
                ('payable_code', models.CharField(max_length=60)),
                ('amount_fen', models.BigIntegerField()),
                ('memo', models.CharField(max_length=60)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('employer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employer')),
                ('institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='training.institution')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='SubsidyLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bank_code', models.CharField(max_length=3)),
                ('payable_code', models.CharField(max_length=60)),
                ('amount_fen', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='employment.payeeaccount')),
                ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='employment.subsidyorder')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='SubsidyReturn',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(choices=[('paid', '已到账'), ('rejected', '已退回')], max_length=8)),
                ('reason', models.CharField(blank=True, default='', max_length=200)),
                ('settled_on', models.DateField()),
                ('file_sha', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('line', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='subsidy_return', to='employment.subsidyline')),
            ],
            options={
                'ordering': ['line'],
            },
        ),
        migrations.CreateModel(
            name='SubsidyRun',
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
                'constraints': [models.UniqueConstraint(fields=('day', 'seq'), name='one_subsidy_run_per_day_seq')],
            },
        ),
        migrations.AddField(
            model_name='subsidyline',
            name='run',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subsidy_lines', to='employment.subsidyrun'),
        ),
        migrations.CreateModel(
            name='WelfarePost',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
                ('kind', models.CharField(choices=[('cleaning', '保洁'), ('security', '保安'), ('assistant', '协管'), ('elder_care', '托老'), ('other', '其他')], max_length=12)),
                ('count', models.PositiveIntegerField()),
                ('post_subsidy_fen', models.BigIntegerField(blank=True, null=True)),
                ('si_subsidy', models.BooleanField(default=True)),
                ('start_date', models.DateField()),
                ('end_date', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='welfare_posts', to='registry.employer')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region')),
            ],
            options={
                'ordering': ['-start_date', '-id'],
            },
        ),
        migrations.CreateModel(
            name='WelfarePlacement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('basis', models.CharField(choices=[('hardship', '就业困难人员'), ('certificate', '持再就业优惠证的登记失业人员')], max_length=12)),
                ('checks', models.JSONField(default=list)),
                ('start_date', models.DateField()),
                ('end_date', models.DateField(blank=True, null=True)),
                ('end_reason', models.CharField(blank=True, default='', max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='welfare_placements', to='registry.person')),
                ('placed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('relation', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='welfare_placement', to='registry.employmentrelation')),
                ('post', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='employment.welfarepost')),
            ],
            options={
                'ordering': ['-start_date', '-id'],
            },
        ),
        migrations.CreateModel(
            name='WelfareSubsidy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('post_fen', models.BigIntegerField()),
                ('si_fen', models.BigIntegerField()),
                ('total_fen', models.BigIntegerField()),
                ('journal_key', models.CharField(max_length=60, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employer')),
                ('placement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subsidies', to='employment.welfareplacement')),
            ],
            options={
                'ordering': ['month', 'id'],
            },
        ),
        migrations.AddConstraint(
            model_name='payeeaccount',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('employer__isnull', False), ('institution__isnull', True)), models.Q(('employer__isnull', True), ('institution__isnull', False)), _connector='OR'), name='payee_account_one_payee'),
        ),
        migrations.AddConstraint(
            model_name='payeeaccount',
            constraint=models.UniqueConstraint(condition=models.Q(('closed_on__isnull', True), ('employer__isnull', False)), fields=('employer',), name='one_current_payee_account_employer'),
        ),
        migrations.AddConstraint(
            model_name='payeeaccount',
            constraint=models.UniqueConstraint(condition=models.Q(('closed_on__isnull', True), ('institution__isnull', False)), fields=('institution',), name='one_current_payee_account_institution'),
        ),
        migrations.AddIndex(
            model_name='subsidyorder',
            index=models.Index(fields=['payable_code'], name='subsidy_order_payable'),
        ),
        migrations.AddConstraint(
            model_name='subsidyorder',
            constraint=models.CheckConstraint(condition=models.Q(('amount_fen__gt', 0)), name='subsidy_order_positive'),
        ),
        migrations.AddConstraint(
            model_name='subsidyorder',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('employer__isnull', False), ('institution__isnull', True)), models.Q(('employer__isnull', True), ('institution__isnull', False)), _connector='OR'), name='subsidy_order_one_payee'),
        ),
        migrations.AddConstraint(
            model_name='subsidyline',
            constraint=models.UniqueConstraint(fields=('run', 'order'), name='one_subsidy_line_per_run'),
        ),
        migrations.AddConstraint(
            model_name='welfarepost',
            constraint=models.CheckConstraint(condition=models.Q(('count__gt', 0)), name='welfare_post_count'),
        ),
        migrations.AddConstraint(
            model_name='welfarepost',
            constraint=models.CheckConstraint(condition=models.Q(('end_date__isnull', True), ('end_date__gte', models.F('start_date')), _connector='OR'), name='welfare_post_dates'),
        ),
        migrations.AddConstraint(
            model_name='welfarepost',
            constraint=models.CheckConstraint(condition=models.Q(('post_subsidy_fen__isnull', True), ('post_subsidy_fen__gte', 0), _connector='OR'), name='welfare_post_subsidy'),
        ),
        migrations.AddConstraint(
            model_name='welfareplacement',
            constraint=models.UniqueConstraint(condition=models.Q(('end_date__isnull', True)), fields=('person',), name='one_active_welfare_placement'),
        ),
        migrations.AddConstraint(
            model_name='welfareplacement',
            constraint=models.CheckConstraint(condition=models.Q(('end_date__isnull', True), ('end_date__gte', models.F('start_date')), _connector='OR'), name='welfare_placement_dates'),
        ),
        migrations.AddConstraint(
            model_name='welfaresubsidy',
            constraint=models.UniqueConstraint(fields=('placement', 'month'), name='one_welfare_subsidy_per_month'),
        ),
        migrations.AddConstraint(
            model_name='welfaresubsidy',
            constraint=models.CheckConstraint(condition=models.Q(('total_fen', django.db.models.expressions.CombinedExpression(models.F('post_fen'), '+', models.F('si_fen'))), ('total_fen__gt', 0), ('post_fen__gte', 0), ('si_fen__gte', 0)), name='welfare_subsidy_amounts'),
        ),
    ]
