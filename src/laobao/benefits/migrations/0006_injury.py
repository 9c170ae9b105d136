# 工伤 (benefits/injury/): InjuryCase (工伤认定申请 and 认定) and InjuryAward (劳动能力鉴定 / 因工死亡).
# Written from `makemigrations --dry-run -v 3` (Django 5.2.19, 2026-11-27), keeping only the injury models.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STATUS = [('received', '已受理（条件未满足）'), ('checked', '已审核，待复核'), ('approved', '已核准'),
          ('rejected', '不予核准'), ('withdrawn', '已撤回')]


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0005_unemployment'),
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='InjuryCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case_no', models.CharField(max_length=20, unique=True)),
                ('accident_date', models.DateField()),
                ('place', models.CharField(max_length=200)),
                ('description', models.CharField(max_length=1000)),
                ('applicant_kind', models.CharField(choices=[('employer', '用人单位'), ('worker', '职工本人'), ('family', '近亲属')], max_length=8)),
                ('received_on', models.DateField()),
                ('simple_facts', models.BooleanField(default=False)),
                ('decision_due', models.DateField()),
                ('late_employer', models.BooleanField(default=False)),
                ('insured', models.BooleanField(default=False)),
                ('checks', models.JSONField(default=list)),
                ('status', models.CharField(choices=[('received', '已受理，待认定'), ('recognised', '认定为工伤'), ('not_recognised', '不予认定')], default='received', max_length=16)),
                ('recognition', models.CharField(blank=True, choices=[('injury', '工伤（第十四条）'), ('deemed', '视同工伤（第十五条）')], default='', max_length=8)),
                ('ground', models.CharField(blank=True, default='', max_length=8)),
                ('reason_zh', models.CharField(blank=True, default='', max_length=500)),
                ('reason_en', models.CharField(blank=True, default='', max_length=500)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('checker', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='injury_cases', to='registry.employer')),
                ('maker', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='injury_cases', to='registry.person')),
            ],
            options={
                'ordering': ['-received_on', '-id'],
                'indexes': [models.Index(fields=['status', 'decision_due'], name='benefits_in_status_89b942_idx')],
            },
        ),
        migrations.CreateModel(
            name='InjuryAward',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('award_no', models.CharField(max_length=20, unique=True)),
                ('kind', models.CharField(choices=[('disability', '劳动能力鉴定'), ('death', '因工死亡')], max_length=10)),
                ('event_date', models.DateField()),
                ('grade', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('wage_fen', models.BigIntegerField(default=0)),
                ('wage_source', models.CharField(default='record', max_length=6)),
                ('average_wage_fen', models.BigIntegerField(default=0)),
                ('average_source', models.CharField(default='maker', max_length=10)),
                ('work_arranged', models.BooleanField(default=False)),
                ('national_income_fen', models.BigIntegerField(blank=True, null=True)),
                ('dependants', models.JSONField(blank=True, default=list)),
                ('note', models.CharField(blank=True, default='', max_length=300)),
                ('calculation', models.JSONField(blank=True, null=True)),
                ('one_time_fen', models.BigIntegerField(default=0)),
                ('monthly_fen', models.BigIntegerField(default=0)),
                ('payer', models.CharField(blank=True, default='', max_length=8)),
                ('status', models.CharField(choices=STATUS, default='checked', max_length=10)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('rejection_zh', models.CharField(blank=True, default='', max_length=500)),
                ('rejection_en', models.CharField(blank=True, default='', max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='awards', to='benefits.injurycase')),
                ('checker', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('maker', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['case', 'id'],
            },
        ),
        migrations.AddConstraint(
            model_name='injurycase',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'not_recognised'), _negated=True), fields=('person', 'accident_date'), name='one_injury_case_per_accident'),
        ),
        migrations.AddConstraint(
            model_name='injurycase',
            constraint=models.CheckConstraint(condition=models.Q(('decision_due__gte', models.F('received_on'))), name='injury_case_due'),
        ),
        migrations.AddConstraint(
            model_name='injuryaward',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['rejected', 'withdrawn']), _negated=True), fields=('case', 'kind'), name='one_injury_award_per_case_kind'),
        ),
        migrations.AddConstraint(
            model_name='injuryaward',
            constraint=models.CheckConstraint(condition=models.Q(('grade__isnull', True), models.Q(('grade__gte', 1), ('grade__lte', 10)), _connector='OR'), name='injury_award_grade'),
        ),
        migrations.AddConstraint(
            model_name='injuryaward',
            constraint=models.CheckConstraint(condition=models.Q(('one_time_fen__gte', 0), ('monthly_fen__gte', 0), ('wage_fen__gte', 0)), name='injury_award_amounts'),
        ),
    ]
