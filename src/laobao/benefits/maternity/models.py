"""生育津贴申领 MaternityClaim: received by a maker, decided by a different checker (maker-checker).

The amount comes from ``policy.rules.maternity`` (average wage × leave days ÷ divisor, with its explanation);
the average wage is the employer's average monthly contribution wage of the 12 months before the birth month
(``wage_source`` record) or, without a record, the maker's figure (``wage_source`` maker, shown as such).
Approval posts a one-time payment ``maternity:<claim_no>``: Dr fund:maternity / Cr payable:person:<pid>
(payee the person) or Cr payable:employer:<id> (payee the employer, its 单位账户 kept as text) + a payout order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laobao.registry.models import Employer, Person

from ..models import BankAccount, ClaimStatus


class PaidTo(models.TextChoices):
    EMPLOYER = "employer", _("用人单位")
    PERSON = "person", _("本人")


class WageSource(models.TextChoices):
    RECORD = "record", _("按参保缴费记录计算")
    MAKER = "maker", _("经办人录入")


class MaternityClaim(models.Model):
    claim_no = models.CharField(max_length=20, unique=True)  # SY + yyyymmdd + 4-digit sequence
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="maternity_claims")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="maternity_claims")
    received_on = models.DateField()
    birth_date = models.DateField()
    births = models.PositiveSmallIntegerField(default=1)
    difficult_birth = models.BooleanField(default=False)
    leave_days = models.PositiveIntegerField()
    leave_days_given = models.BooleanField(default=False)  # True: the maker's days replace the rule's
    average_wage_fen = models.BigIntegerField()
    wage_source = models.CharField(max_length=6, choices=WageSource.choices)
    paid_to = models.CharField(max_length=8, choices=PaidTo.choices)
    paid_to_source = models.CharField(max_length=10, default="maker")  # "parameter" | "maker"
    bank_account = models.ForeignKey(BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bank_code = models.CharField(max_length=3, blank=True, default="")
    employer_account = models.CharField(max_length=100, blank=True, default="")  # payee employer's account text
    note = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=10, choices=ClaimStatus.choices)
    checks = models.JSONField(default=list)
    calculation = models.JSONField(null=True, blank=True)
    amount_fen = models.BigIntegerField(default=0)
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_zh = models.CharField(max_length=500, blank=True, default="")
    rejection_en = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "benefits"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "birth_date"], condition=~Q(status__in=["rejected", "withdrawn"]),
                                    name="one_maternity_claim_per_birth"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0) & Q(average_wage_fen__gte=0) & Q(births__gte=1),
                                   name="maternity_claim_amounts"),
        ]

    def __str__(self) -> str:
        return self.claim_no
