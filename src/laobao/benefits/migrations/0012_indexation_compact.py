# The compact indexation explanation (ADR 0019-D, helper D): the year's texts once in IndexationScheme
# (append-only), each indexation rate carries only the person's figures in its ``components`` (no schema change
# of BenefitRate: the compact form is a JSON list like the full one; benefits/indexation/explain.py reads both).

from django.db import migrations, models

from ._append_only import operation


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0011_paid_months'),
    ]

    operations = [
        migrations.CreateModel(
            name='IndexationScheme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=40, unique=True)),
                ('year', models.PositiveSmallIntegerField()),
                ('effective', models.DateField()),
                ('texts', models.JSONField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={'ordering': ['year', 'id']},
        ),
        operation(("benefits_indexationscheme",)),
    ]
