# Placeholder migration: work injury (工伤). Filled by the helper that owns it (operations only; keep dependencies).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0005_unemployment'),
    ]

    operations = []
