# Training institutions, courses, enrolments, attendance, exams, certificates, subsidies, skill-master studios.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0002_audit_append_only'),
        ('registry', '0001_initial'),
        ('employment', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Course',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=30, unique=True)),
                ('name', models.CharField(max_length=120)),
                ('kind', models.CharField(choices=[('reemployment', '再就业技能培训'), ('entrepreneurship', '创业培训（准老板）'), ('rural', '农村劳动力转移培训'), ('enterprise', '企业职工培训')], max_length=20)),
                ('occupation_code', models.CharField(max_length=12)),
                ('occupation_name', models.CharField(blank=True, default='', max_length=60)),
                ('target_level', models.PositiveSmallIntegerField(choices=[(5, '五级/初级工'), (4, '四级/中级工'), (3, '三级/高级工'), (2, '二级/技师'), (1, '一级/高级技师')])),
                ('start_date', models.DateField()),
                ('end_date', models.DateField()),
                ('capacity', models.PositiveIntegerField()),
                ('subsidy_fen', models.BigIntegerField(default=0)),
                ('pass_mark', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('status', models.CharField(choices=[('open', '招生中'), ('closed', '停止招生'), ('finished', '已结业'), ('cancelled', '已取消')], default='open', max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['-start_date', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Enrolment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('counter', '窗口报名'), ('self', '本人网上报名')], max_length=8)),
                ('status', models.CharField(choices=[('enrolled', '在培'), ('completed', '结业（考核合格）'), ('failed', '考核不合格'), ('withdrawn', '退出')], default='enrolled', max_length=10)),
                ('enrolled_on', models.DateField()),
                ('completed_on', models.DateField(blank=True, null=True)),
                ('employment_by', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('course', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='training.course')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='training_enrolments', to='registry.person')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='Certificate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=17, unique=True)),
                ('level', models.PositiveSmallIntegerField(choices=[(5, '五级/初级工'), (4, '四级/中级工'), (3, '三级/高级工'), (2, '二级/技师'), (1, '一级/高级技师')])),
                ('occupation_code', models.CharField(max_length=12)),
                ('occupation_name', models.CharField(blank=True, default='', max_length=60)),
                ('issuing_body', models.CharField(max_length=120)),
                ('issued_on', models.DateField()),
                ('source', models.CharField(choices=[('exam', '本系统考核发证'), ('external', '外部证书登记')], max_length=8)),
                ('status', models.CharField(choices=[('valid', '有效'), ('revoked', '已撤销')], default='valid', max_length=8)),
                ('revoked_on', models.DateField(blank=True, null=True)),
                ('revoke_reason', models.CharField(blank=True, default='', max_length=300)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='registry.person')),
                ('enrolment', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='certificate', to='training.enrolment')),
            ],
            options={
                'ordering': ['-issued_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Attendance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('session_date', models.DateField()),
                ('present', models.BooleanField()),
                ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendance', to='training.enrolment')),
            ],
            options={
                'ordering': ['session_date'],
            },
        ),
        migrations.CreateModel(
            name='ExamResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('exam_date', models.DateField()),
                ('theory_score', models.PositiveSmallIntegerField()),
                ('practical_score', models.PositiveSmallIntegerField()),
                ('pass_mark', models.PositiveSmallIntegerField()),
                ('passed', models.BooleanField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('enrolment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='result', to='training.enrolment')),
            ],
        ),
        migrations.CreateModel(
            name='Institution',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('licence_no', models.CharField(max_length=40, unique=True)),
                ('ownership', models.CharField(choices=[('public', '公办'), ('private', '民办')], max_length=8)),
                ('status', models.CharField(choices=[('active', '正常'), ('suspended', '暂停招生'), ('closed', '已注销')], default='active', max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.AddField(
            model_name='course',
            name='institution',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='courses', to='training.institution'),
        ),
        migrations.CreateModel(
            name='SkillMasterStudio',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120)),
                ('level', models.CharField(choices=[('city', '市级'), ('province', '省级'), ('national', '国家级')], max_length=10)),
                ('approved_on', models.DateField()),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('employer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employer')),
                ('institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='training.institution')),
                ('master', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.person')),
            ],
            options={
                'ordering': ['-approved_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='TrainingSubsidy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('amount_fen', models.BigIntegerField()),
                ('journal_key', models.CharField(blank=True, default='', max_length=60)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('enrolment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='subsidy', to='training.enrolment')),
                ('institution', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='training.institution')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.AddIndex(
            model_name='enrolment',
            index=models.Index(fields=['status', 'completed_on'], name='training_en_status_b4dbce_idx'),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.UniqueConstraint(fields=('course', 'person'), name='one_enrolment_per_course'),
        ),
        migrations.AddIndex(
            model_name='certificate',
            index=models.Index(fields=['level', 'issued_on'], name='training_ce_level_8dbb25_idx'),
        ),
        migrations.AddConstraint(
            model_name='attendance',
            constraint=models.UniqueConstraint(fields=('enrolment', 'session_date'), name='attendance_once'),
        ),
        migrations.AddConstraint(
            model_name='examresult',
            constraint=models.CheckConstraint(condition=models.Q(('theory_score__lte', 100), ('practical_score__lte', 100)), name='exam_scores_range'),
        ),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(condition=models.Q(('end_date__gte', models.F('start_date'))), name='course_dates'),
        ),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(condition=models.Q(('capacity__gt', 0)), name='course_capacity_positive'),
        ),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(condition=models.Q(('subsidy_fen__gte', 0)), name='course_subsidy_nonneg'),
        ),
        migrations.AddConstraint(
            model_name='skillmasterstudio',
            constraint=models.CheckConstraint(condition=models.Q(('institution__isnull', False), ('employer__isnull', False), _connector='OR'), name='studio_has_host'),
        ),
        migrations.AddConstraint(
            model_name='trainingsubsidy',
            constraint=models.CheckConstraint(condition=models.Q(('amount_fen__gt', 0)), name='training_subsidy_positive'),
        ),
    ]
