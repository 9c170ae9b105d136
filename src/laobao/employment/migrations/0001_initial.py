# Job seekers, unemployment registration (moved from benefits), re-employment certificates, support
# applications, hard-to-employ flags and assistance (issue 6, helper F).
#
# UnemploymentRegistration keeps its table ``benefits_unemploymentregistration`` (benefits 0005): it is created
# here in the migration state only (SeparateDatabaseAndState, no SQL), then extended with real AddField
# operations; benefits 0009 points UnemploymentClaim.registration at it and deletes the old model, state only.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('registry', '0001_initial'),
        ('benefits', '0008_payouts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='UnemploymentRegistration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('registered_on', models.DateField()),
                        ('involuntary', models.BooleanField()),
                        ('reason', models.CharField(blank=True, default='', max_length=100)),
                        ('ended_on', models.DateField(blank=True, null=True)),
                        ('end_reason', models.CharField(blank=True, default='', max_length=20)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='unemployment_registrations', to='registry.person')),
                        ('registered_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'benefits_unemploymentregistration',
                        'ordering': ['person', '-registered_on', '-id'],
                        'constraints': [
                            models.UniqueConstraint(condition=models.Q(('ended_on__isnull', True)), fields=('person',), name='one_open_unemployment_registration'),
                            models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('registered_on')), _connector='OR'), name='unemployment_registration_dates'),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name='unemploymentregistration',
            name='checks',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='unemploymentregistration',
            name='end_note',
            field=models.CharField(blank=True, default='', max_length=200),
        ),
        migrations.AddField(
            model_name='unemploymentregistration',
            name='ended_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.CreateModel(
            name='ReemploymentCertificate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20, unique=True)),
                ('issued_on', models.DateField()),
                ('valid_until', models.DateField()),
                ('renewals', models.PositiveSmallIntegerField(default=0)),
                ('last_renewed_on', models.DateField(blank=True, null=True)),
                ('status', models.CharField(choices=[('valid', '有效'), ('cancelled', '已注销')], default='valid', max_length=10)),
                ('cancelled_on', models.DateField(blank=True, null=True)),
                ('cancel_reason', models.CharField(blank=True, default='', max_length=200)),
                ('checks', models.JSONField(blank=True, default=list)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('issued_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reemployment_certificates', to='registry.person')),
                ('registration', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='employment.unemploymentregistration')),
            ],
            options={
                'ordering': ['-issued_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='RegistrationContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contacted_on', models.DateField()),
                ('channel', models.CharField(choices=[('counter', '窗口'), ('phone', '电话'), ('visit', '上门'), ('sms', '短信'), ('online', '网上')], max_length=10)),
                ('outcome', models.CharField(choices=[('seeking', '仍在求职'), ('employed', '已就业'), ('not_reached', '未联系上'), ('other', '其他')], max_length=12)),
                ('note', models.CharField(blank=True, default='', max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('registration', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contacts', to='employment.unemploymentregistration')),
            ],
            options={
                'ordering': ['-contacted_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='SupportApplication',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('application_no', models.CharField(max_length=20, unique=True)),
                ('kind', models.CharField(choices=[('tax_relief', '税费减免'), ('employer_subsidy', '招用持证人员社会保险补贴'), ('guaranteed_loan', '小额担保贷款'), ('self_employment', '自主创业/自谋职业')], max_length=20)),
                ('received_on', models.DateField()),
                ('from_month', models.DateField(blank=True, null=True)),
                ('to_month', models.DateField(blank=True, null=True)),
                ('amount_fen', models.BigIntegerField(default=0)),
                ('business_name', models.CharField(blank=True, default='', max_length=100)),
                ('status', models.CharField(choices=[('received', '已受理（条件未满足）'), ('checked', '已审核（待复核）'), ('approved', '已核准'), ('rejected', '不予核准')], max_length=10)),
                ('checks', models.JSONField(default=list)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('rejection', models.CharField(blank=True, default='', max_length=300)),
                ('posting_key', models.CharField(blank=True, default='', max_length=150)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('certificate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='employment.reemploymentcertificate')),
                ('checker', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('employer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.employer')),
                ('maker', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='support_applications', to='registry.person')),
            ],
            options={
                'ordering': ['-received_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='AssistanceAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('acted_on', models.DateField()),
                ('kind', models.CharField(choices=[('counselling', '职业指导'), ('referral', '职业介绍'), ('training', '培训推荐'), ('welfare_post', '公益性岗位安置'), ('subsidy', '政策扶持'), ('other', '其他援助')], max_length=16)),
                ('note', models.CharField(blank=True, default='', max_length=200)),
                ('outcome', models.CharField(choices=[('pending', '跟进中'), ('employed', '已就业'), ('declined', '本人放弃'), ('no_result', '未成功')], default='pending', max_length=12)),
                ('outcome_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assistance_actions', to='registry.person')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-acted_on', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('outcome_on__isnull', True), ('outcome_on__gte', models.F('acted_on')), _connector='OR'), name='assistance_dates')],
            },
        ),
        migrations.CreateModel(
            name='HardshipFlag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('disabled', '残疾人'), ('zero_employment_family', '零就业家庭成员'), ('land_expropriated', '被征地农民')], max_length=24)),
                ('source', models.CharField(max_length=100)),
                ('recorded_on', models.DateField()),
                ('ended_on', models.DateField(blank=True, null=True)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='hardship_flags', to='registry.person')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['person', 'kind'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('ended_on__isnull', True)), fields=('person', 'kind'), name='one_open_hardship_flag_per_kind')],
            },
        ),
        migrations.CreateModel(
            name='JobSeeker',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('education', models.CharField(blank=True, choices=[('none', '未上过学'), ('primary', '小学'), ('junior', '初中'), ('senior', '高中/中专/技校'), ('college', '大专'), ('bachelor', '本科'), ('postgraduate', '研究生')], default='', max_length=16)),
                ('skills', models.CharField(blank=True, default='', max_length=300)),
                ('skill_level', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('wanted_occupation_code', models.CharField(blank=True, default='', max_length=12)),
                ('wanted_occupation', models.CharField(blank=True, default='', max_length=60)),
                ('wanted_wage_min_fen', models.BigIntegerField(blank=True, null=True)),
                ('wanted_wage_max_fen', models.BigIntegerField(blank=True, null=True)),
                ('able_to_work', models.BooleanField(default=False)),
                ('willing_to_work', models.BooleanField(default=False)),
                ('declared_on', models.DateField(blank=True, null=True)),
                ('original_retirement_age', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('person', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='job_seeker', to='registry.person')),
                ('updated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('wanted_region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region')),
            ],
            options={
                'ordering': ['id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('wanted_wage_min_fen__isnull', True), ('wanted_wage_max_fen__isnull', True), ('wanted_wage_max_fen__gte', models.F('wanted_wage_min_fen')), _connector='OR'), name='job_seeker_wage_range')],
            },
        ),
        migrations.AddConstraint(
            model_name='reemploymentcertificate',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'valid')), fields=('person',), name='one_valid_reemployment_certificate'),
        ),
        migrations.AddConstraint(
            model_name='reemploymentcertificate',
            constraint=models.CheckConstraint(condition=models.Q(('valid_until__gte', models.F('issued_on'))), name='certificate_dates'),
        ),
        migrations.AddIndex(
            model_name='registrationcontact',
            index=models.Index(fields=['registration', 'contacted_on'], name='registration_contact_day'),
        ),
        migrations.AddConstraint(
            model_name='supportapplication',
            constraint=models.CheckConstraint(condition=models.Q(('amount_fen__gte', 0)), name='support_amount_nonnegative'),
        ),
    ]
