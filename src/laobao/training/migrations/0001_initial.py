# Placeholder migration: training institutions, courses, enrolments, qualifications. Filled by its helper.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0001_initial'),
        ('employment', '0001_initial'),
    ]

    operations = []
