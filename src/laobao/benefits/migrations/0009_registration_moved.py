# UnemploymentRegistration moved to the employment app (issue 6): state only. The table
# ``benefits_unemploymentregistration`` and the claims' foreign key to it stay as they are; employment 0001
# created the model in its own state with the same db_table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0008_payouts'),
        ('employment', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='unemploymentclaim',
                    name='registration',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='employment.unemploymentregistration'),
                ),
                migrations.DeleteModel(name='UnemploymentRegistration'),
            ],
            database_operations=[],
        ),
    ]
