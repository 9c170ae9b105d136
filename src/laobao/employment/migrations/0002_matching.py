# Vacancies, job fairs, employment agencies, referrals and the occupational classification (职业介绍, helper G).
# Operations copied from ``makemigrations --dry-run -v 3``; the last one seeds the occupations
# (matching/occupation_data.py) and the one MatchingState row.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def seed(apps, schema_editor):
    from laobao.employment.matching.occupation_data import seed as seed_rows

    seed_rows(apps.get_model("employment", "Occupation"), apps.get_model("employment", "MatchingState"))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
        ('employment', '0001_initial'),
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MatchingState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('generation', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='EmploymentAgency',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('kind', models.CharField(choices=[('public', '公共就业服务机构'), ('private', '经营性人力资源服务机构')], max_length=8)),
                ('licence_no', models.CharField(max_length=40, unique=True)),
                ('licensed_on', models.DateField()),
                ('closed_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region')),
            ],
            options={
                'ordering': ['name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='JobFair',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120)),
                ('held_on', models.DateField()),
                ('place', models.CharField(max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='fairs', to='employment.employmentagency')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region')),
            ],
            options={
                'ordering': ['-held_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='JobFairEmployer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('booth', models.CharField(blank=True, default='', max_length=20)),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employer')),
                ('fair', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='participants', to='employment.jobfair')),
            ],
        ),
        migrations.AddField(
            model_name='jobfair',
            name='employers',
            field=models.ManyToManyField(related_name='+', through='employment.JobFairEmployer', to='registry.employer'),
        ),
        migrations.CreateModel(
            name='Occupation',
            fields=[
                ('code', models.CharField(max_length=12, primary_key=True, serialize=False)),
                ('level', models.PositiveSmallIntegerField(choices=[(1, '大类'), (2, '中类'), (3, '小类'), (4, '职业（细类）')])),
                ('name', models.CharField(max_length=80)),
                ('edition', models.CharField(default='2022', max_length=8)),
                ('status', models.CharField(default='source-only', max_length=12)),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='employment.occupation')),
            ],
            options={
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='Vacancy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=100)),
                ('skill_level', models.PositiveSmallIntegerField(blank=True, choices=[(5, '初级（五级）'), (4, '中级（四级）'), (3, '高级（三级）'), (2, '技师（二级）'), (1, '高级技师（一级）')], null=True)),
                ('wage_min_fen', models.BigIntegerField()),
                ('wage_max_fen', models.BigIntegerField()),
                ('count', models.PositiveIntegerField()),
                ('hired', models.PositiveIntegerField(default=0)),
                ('status', models.CharField(choices=[('open', '招聘中'), ('closed', '已关闭'), ('filled', '已招满')], default='open', max_length=8)),
                ('posted_on', models.DateField()),
                ('expires_on', models.DateField()),
                ('description', models.CharField(blank=True, default='', max_length=1000)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='vacancies', to='employment.employmentagency')),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='vacancies', to='registry.employer')),
                ('fair', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='vacancies', to='employment.jobfair')),
                ('occupation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='vacancies', to='employment.occupation')),
                ('posted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region')),
            ],
            options={
                'ordering': ['-posted_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Referral',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('referred_on', models.DateField()),
                ('score', models.PositiveSmallIntegerField(default=0)),
                ('outcome', models.CharField(choices=[('pending', '待反馈'), ('hired', '已录用'), ('rejected', '未录用'), ('no_show', '未应聘')], default='pending', max_length=8)),
                ('outcome_on', models.DateField(blank=True, null=True)),
                ('note', models.CharField(blank=True, default='', max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='registry.person')),
                ('referred_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('relation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employmentrelation')),
                ('vacancy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='employment.vacancy')),
            ],
            options={
                'ordering': ['-referred_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='AgencyPlacement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('placed', models.PositiveIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='employment.employmentagency')),
            ],
            options={
                'ordering': ['-month', 'agency_id'],
                'constraints': [models.UniqueConstraint(fields=('agency', 'month'), name='agency_placement_month')],
            },
        ),
        migrations.AddConstraint(
            model_name='jobfairemployer',
            constraint=models.UniqueConstraint(fields=('fair', 'employer'), name='job_fair_employer_once'),
        ),
        migrations.AddIndex(
            model_name='vacancy',
            index=models.Index(fields=['status', 'expires_on'], name='vacancy_open_expiry'),
        ),
        migrations.AddIndex(
            model_name='vacancy',
            index=models.Index(fields=['employer', 'status'], name='vacancy_employer_status'),
        ),
        migrations.AddConstraint(
            model_name='vacancy',
            constraint=models.CheckConstraint(condition=models.Q(('wage_min_fen__gte', 0), ('wage_max_fen__gte', models.F('wage_min_fen'))), name='vacancy_wage_range'),
        ),
        migrations.AddConstraint(
            model_name='vacancy',
            constraint=models.CheckConstraint(condition=models.Q(('expires_on__gte', models.F('posted_on'))), name='vacancy_dates'),
        ),
        migrations.AddConstraint(
            model_name='vacancy',
            constraint=models.CheckConstraint(condition=models.Q(('count__gte', 1)), name='vacancy_count_positive'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.UniqueConstraint(fields=('person', 'vacancy'), name='referral_once'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(('outcome_on__isnull', True), ('outcome_on__gte', models.F('referred_on')), _connector='OR'), name='referral_dates'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
