# Placeholder migration: job seekers, unemployment registration (moved from benefits), re-employment certificates. Filled by the helper that owns it (operations only; keep dependencies).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0001_initial'),
        ('benefits', '0008_payouts'),
    ]

    operations = []
