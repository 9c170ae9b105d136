"""The double-entry journal: accounts, entries and lines, in integer fen (CNY), append-only.

There is no stored balance: a balance is the sum of the account's journal lines (``selectors.balance``).
The database refuses UPDATE and DELETE on entries and lines (migration 0002); a correction is a
reversing entry (``JournalEntry.reverses``, unique: an entry is reversed at most once).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

# Account kinds and their normal side: a balance is shown positive on the side the kind normally
# carries. Debit-normal kinds are what others owe the funds or what the funds hold in the bank;
# credit-normal kinds are what the funds owe (the pooled fund itself, individual accounts, credit
# held for an employer, money received but not yet matched). Later capabilities add kinds here.
DEBIT, CREDIT = "debit", "credit"
KINDS: dict[str, tuple[str, str]] = {
    "receivable": (DEBIT, "应收（单位或个人欠缴）receivable"),
    "bank": (DEBIT, "基金收入户 fund bank account"),
    "fund": (CREDIT, "统筹基金 pooled fund"),
    "personal": (CREDIT, "个人账户 individual account"),
    "credit": (CREDIT, "预缴/多缴 overpayment held as credit"),
    "suspense": (CREDIT, "待查收入 unmatched receipts"),
    "transfer": (CREDIT, "转移待付（关系转移接续）transfer payable"),
    "payable": (CREDIT, "待遇应付（已发往银行、待回盘）benefit payable to a bank"),
}


class Account(models.Model):
    """A ledger account named by a structured code, e.g. ``fund:pension`` or ``personal:42:pension``.

    The first segment of the code is the kind. Accounts are opened on first use by the posting service.
    """

    code = models.CharField("科目代码 code", max_length=120, unique=True)
    kind = models.CharField("类别 kind", max_length=20, choices=[(k, v[1]) for k, v in KINDS.items()])
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "账户 account"

    def __str__(self) -> str:
        return self.code

    @property
    def normal_side(self) -> str:
        return KINDS[self.kind][0]


class JournalEntry(models.Model):
    """One balanced posting. ``idempotency_key`` makes a retried posting a no-op."""

    idempotency_key = models.CharField("幂等键 idempotency key", max_length=150, unique=True)
    posted_at = models.DateTimeField(default=timezone.now)  # no index: no query filters by it (migration 0005)
    kind = models.CharField("业务类型 kind", max_length=40)
    memo = models.CharField("摘要 memo", max_length=300, blank=True, default="")
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by",
        verbose_name="冲销的分录 reverses",
    )

    class Meta:
        verbose_name = "分录 journal entry"

    def __str__(self) -> str:
        return f"{self.idempotency_key} ({self.kind})"


class JournalLine(models.Model):
    """One side of an entry on one account: exactly one of debit and credit is positive."""

    # No database foreign keys on PostgreSQL (ADR 0010): the batches write millions of lines, the per-row
    # checks cost more than the writes, and `laobao reconcile` proves every line names an entry and an account.
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines", db_constraint=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines", db_constraint=False,
                                db_index=False)  # the (account, value_date) index serves account lookups
    debit_fen = models.BigIntegerField("借方（分）debit fen", default=0)
    credit_fen = models.BigIntegerField("贷方（分）credit fen", default=0)
    # The business date the amount counts from (a credit's month for interest), not when it was booked.
    value_date = models.DateField("起息日 value date", default=timezone.localdate)

    class Meta:
        verbose_name = "分录行 journal line"
        constraints = [
            models.CheckConstraint(
                condition=Q(debit_fen__gt=0, credit_fen=0) | Q(debit_fen=0, credit_fen__gt=0),
                name="ledger_line_one_side_positive",
            ),
        ]
        # Covering: balances and the yearly interest read the amounts from the index alone.
        indexes = [models.Index(fields=["account", "value_date", "debit_fen", "credit_fen"],
                                name="ledger_line_account_date")]
