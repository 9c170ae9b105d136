# Placeholder migration: payroll reissue, medical contributions during unemployment benefit. Filled by the helper that owns it (operations only; keep dependencies).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0006_injury'),
    ]

    operations = []
