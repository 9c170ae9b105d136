# Placeholder migration: vacancies, matching, referrals, agencies. Filled by the helper that owns it (operations only; keep dependencies).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('employment', '0001_initial'),
    ]

    operations = []
