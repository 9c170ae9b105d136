# 外来劳动力、农村富余劳动力、南北劳务交流 (issue 6 Must have 6, helper F). Full-employment communities need no table.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
        ('employment', '0003_welfare_posts'),
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ExchangeAgreement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=40, unique=True)),
                ('partner_code', models.CharField(max_length=6)),
                ('partner_name', models.CharField(max_length=60)),
                ('partner_kind', models.CharField(choices=[('paired', '对口挂钩地区'), ('north', '苏北地区'), ('other', '其他地区')], max_length=8)),
                ('signed_on', models.DateField()),
                ('valid_until', models.DateField(blank=True, null=True)),
                ('note', models.CharField(blank=True, default='', max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region')),
            ],
            options={
                'ordering': ['-signed_on', 'number'],
            },
        ),
        migrations.CreateModel(
            name='ExchangeGroup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('arrived_on', models.DateField()),
                ('headcount', models.PositiveIntegerField()),
                ('note', models.CharField(blank=True, default='', max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='groups', to='employment.exchangeagreement')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employer')),
            ],
            options={
                'ordering': ['-arrived_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='MigrantRegistration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('card_no', models.CharField(max_length=20, unique=True)),
                ('origin_code', models.CharField(max_length=6)),
                ('arrival_date', models.DateField()),
                ('registered_on', models.DateField()),
                ('housing', models.CharField(blank=True, default='', max_length=100)),
                ('ended_on', models.DateField(blank=True, null=True)),
                ('end_reason', models.CharField(blank=True, choices=[('left', '离开本市'), ('returned', '返回原籍'), ('settled', '落户本市'), ('other', '其他')], default='', max_length=12)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('employer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employer')),
                ('group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='employment.exchangegroup')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='migrant_registrations', to='registry.person')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region')),
                ('registered_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('relation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employmentrelation')),
            ],
            options={
                'ordering': ['-registered_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='RuralLaborer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('registered_on', models.DateField()),
                ('ended_on', models.DateField(blank=True, null=True)),
                ('end_note', models.CharField(blank=True, default='', max_length=100)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rural_labor_registrations', to='registry.person')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region')),
                ('registered_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-registered_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='RuralTransfer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('transferred_on', models.DateField()),
                ('business', models.CharField(blank=True, default='', max_length=100)),
                ('local', models.BooleanField()),
                ('ended_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('employer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employer')),
                ('laborer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfers', to='employment.rurallaborer')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('relation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employmentrelation')),
            ],
            options={
                'ordering': ['-transferred_on', '-id'],
            },
        ),
        migrations.AddConstraint(
            model_name='exchangeagreement',
            constraint=models.CheckConstraint(condition=models.Q(('valid_until__isnull', True), ('valid_until__gte', models.F('signed_on')), _connector='OR'), name='exchange_agreement_dates'),
        ),
        migrations.AddConstraint(
            model_name='exchangegroup',
            constraint=models.CheckConstraint(condition=models.Q(('headcount__gte', 1)), name='exchange_group_headcount'),
        ),
        migrations.AddIndex(
            model_name='migrantregistration',
            index=models.Index(fields=['registered_on', 'ended_on'], name='migrant_open_idx'),
        ),
        migrations.AddConstraint(
            model_name='migrantregistration',
            constraint=models.UniqueConstraint(condition=models.Q(('ended_on__isnull', True)), fields=('person',), name='one_open_migrant_registration'),
        ),
        migrations.AddConstraint(
            model_name='migrantregistration',
            constraint=models.CheckConstraint(condition=models.Q(('registered_on__gte', models.F('arrival_date'))), name='migrant_arrival_first'),
        ),
        migrations.AddConstraint(
            model_name='migrantregistration',
            constraint=models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('registered_on')), _connector='OR'), name='migrant_registration_dates'),
        ),
        migrations.AddConstraint(
            model_name='rurallaborer',
            constraint=models.UniqueConstraint(condition=models.Q(('ended_on__isnull', True)), fields=('person',), name='one_open_rural_laborer'),
        ),
        migrations.AddConstraint(
            model_name='rurallaborer',
            constraint=models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('registered_on')), _connector='OR'), name='rural_laborer_dates'),
        ),
        migrations.AddIndex(
            model_name='ruraltransfer',
            index=models.Index(fields=['transferred_on'], name='rural_transfer_day_idx'),
        ),
        migrations.AddConstraint(
            model_name='ruraltransfer',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('business', ''), ('employer__isnull', False)), models.Q(('employer__isnull', True), models.Q(('business', ''), _negated=True)), _connector='OR'), name='rural_transfer_employer_xor_business'),
        ),
        migrations.AddConstraint(
            model_name='ruraltransfer',
            constraint=models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('transferred_on')), _connector='OR'), name='rural_transfer_dates'),
        ),
        migrations.AlterField(  # labels for the grounds (no schema change)
            model_name='unemploymentregistration',
            name='end_reason',
            field=models.CharField(blank=True, choices=[('reemployment', '已就业（劳动关系或参保开始）'), ('study', '升学/入学'), ('retired', '已退休/达到退休年龄'), ('moved_away', '迁出本市'), ('no_contact', '长期未联系')], default='', max_length=20),
        ),
    ]
