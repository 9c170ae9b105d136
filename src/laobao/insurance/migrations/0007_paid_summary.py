# Placeholder migration: issue 4 speed (paid amount per bill item). Filled by the helper that owns it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('insurance', '0006_record_speed'),
    ]

    operations = []
