"""Contribution record speed (helper D, issue 4): the allocation index by item also holds amount and kind.

``person_record`` sums the allocations of the 1,200 items of a 240-month record (selectors._ITEMS_SQL); with
(item, amount_fen, kind) each probe reads the index alone, not the table rows. It replaces the index on
(item) alone (the wider one serves every lookup by item), so writers keep the same number of indexes.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("insurance", "0005_assessment_speed")]
    operations = [
        migrations.RemoveIndex(model_name="allocation", name="insurance_a_item_id_018444_idx"),
        migrations.AddIndex(model_name="allocation",
                            index=models.Index(fields=["item", "amount_fen", "kind"], name="allocation_item_paid")),
    ]
