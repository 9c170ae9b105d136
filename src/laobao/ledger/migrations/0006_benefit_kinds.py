"""Benefits payroll (issue 5): the account kind ``payable`` (待遇应付: benefit payments sent to a bank and not yet
confirmed by its return file, ``payable:bank:<bank code>``). Choices only: no schema change on either backend."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_collection_speed")]
    operations = [
        migrations.AlterField(
            model_name='account',
            name='kind',
            field=models.CharField(choices=[('receivable', '应收（单位或个人欠缴）receivable'), ('bank', '基金收入户 fund bank account'), ('fund', '统筹基金 pooled fund'), ('personal', '个人账户 individual account'), ('credit', '预缴/多缴 overpayment held as credit'), ('suspense', '待查收入 unmatched receipts'), ('transfer', '转移待付（关系转移接续）transfer payable'), ('payable', '待遇应付（已发往银行、待回盘）benefit payable to a bank')], max_length=20, verbose_name='类别 kind'),
        ),
    ]
