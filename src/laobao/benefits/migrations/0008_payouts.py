# Placeholder migration: one-time payments through bank files (一次性待遇发放). Filled by the helper that owns it (operations only; keep dependencies).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0007_payroll_more'),
    ]

    operations = []
