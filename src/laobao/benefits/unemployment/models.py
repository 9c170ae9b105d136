"""失业保险金申领 (issue 5, Must have 5). Months are the first day of the month, amounts fen.

``UnemploymentRegistration`` (失业登记) moved to the employment app (issue 6; its table name is unchanged,
benefits migration 0009 moved it state-only); it is re-exported here so benefits code keeps importing it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from laobao.employment.models import UnemploymentRegistration
from laobao.registry.models import Person

from ..models import Benefit, ClaimStatus

__all__ = ["UnemploymentClaim", "UnemploymentRegistration"]


class UnemploymentClaim(models.Model):
    """失业保险金申领: received by a maker, decided by a different checker. ``checks`` [{code, ok, zh, en}],
    ``calculation`` {inputs, entitlement, amount}; ``months`` = min(24, band + ``carried_months``) where the
    carried months are the ``unused_months`` of ``carried_from`` (an earlier claim stopped by re-employment).
    ``unused_months`` is set when the benefit stops early (re-employment) and is what a later claim carries."""

    claim_no = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="unemployment_claims")
    registration = models.ForeignKey(UnemploymentRegistration, on_delete=models.PROTECT, related_name="claims")
    received_on = models.DateField()
    claim_month = models.DateField()  # the month whose parameters (minimum wage) apply
    status = models.CharField(max_length=10, choices=ClaimStatus.choices)
    checks = models.JSONField(default=list)
    calculation = models.JSONField(null=True, blank=True)
    contribution_months = models.PositiveIntegerField(default=0)
    carried_months = models.PositiveSmallIntegerField(default=0)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    months = models.PositiveSmallIntegerField(default=0)
    monthly_fen = models.BigIntegerField(default=0)
    start_month = models.DateField(null=True, blank=True)
    end_month = models.DateField(null=True, blank=True)
    unused_months = models.PositiveSmallIntegerField(null=True, blank=True)
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_zh = models.CharField(max_length=500, blank=True, default="")
    rejection_en = models.CharField(max_length=500, blank=True, default="")
    benefit = models.OneToOneField(Benefit, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="unemployment_claim")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "benefits"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status__in=["received", "checked"]),
                                    name="one_open_unemployment_claim_per_person"),
        ]

    def __str__(self) -> str:
        return self.claim_no
