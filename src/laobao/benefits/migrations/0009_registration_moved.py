# Placeholder migration: UnemploymentRegistration moved to the employment app (state only). Filled by the helper that owns it (operations only; keep dependencies).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0008_payouts'),
        ('employment', '0001_initial'),
    ]

    operations = []
