"""Migrant and rural labor (外来劳动力, 农村富余劳动力, 南北劳务交流), issue 6 Must have 6.

- ``MigrantRegistration`` 外来劳动力登记: a person with non-local hukou (外地户籍, or 本市农村户籍 from another district
  of the city) registered where they live (``region``, a community or street of the city); ``origin_code`` the GB/T
  2260 county code of the hukou (province = its first two digits); ``arrival_date``; ``housing`` (address or
  dormitory); ``employer`` and, where the registry has one, the open ``relation`` with it; ``card_no`` the
  registration card number ``WL`` + district code + year + 6 digits; ``group`` when the person came with an
  organised group of the north–south labor exchange. Open while ``ended_on`` is null, one open per person.
- ``RuralLaborer`` 农村富余劳动力登记: a villager of the city (本市农村户籍) registered as surplus labor wanting
  non-farm work (plan 一(三): "有就业愿望的可以进行就业登记"); ``region`` the village (community level).
- ``RuralTransfer`` 转移就业: the laborer moved into non-farm work on ``transferred_on``: with an ``employer``
  (and the registry ``relation`` where one exists) or self-employed (``business``), ``local`` (inside the city)
  or out of the area; ended when the work ends.
- ``ExchangeAgreement`` 南北劳务交流协议 with a partner region (苏北 or 对口挂钩 county), signed by a district;
  ``ExchangeGroup`` 组织输入批次: a group that arrived under an agreement, the ``headcount`` announced and the
  receiving ``employer``; the persons actually brought are the migrant registrations pointing at the group.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laobao.core.models import Region
from laobao.registry.models import Employer, EmploymentRelation, Person


class MigrantEnd(models.TextChoices):
    LEFT = "left", _("离开本市")
    RETURNED = "returned", _("返回原籍")
    SETTLED = "settled", _("落户本市")
    OTHER = "other", _("其他")


class PartnerKind(models.TextChoices):
    PAIRED = "paired", _("对口挂钩地区")
    NORTH = "north", _("苏北地区")
    OTHER = "other", _("其他地区")


class ExchangeAgreement(models.Model):
    """南北劳务交流协议: ``number`` as written on the agreement, signed by ``region`` (a district of the city)."""

    number = models.CharField(max_length=40, unique=True)
    partner_code = models.CharField(max_length=6)
    partner_name = models.CharField(max_length=60)
    partner_kind = models.CharField(max_length=8, choices=PartnerKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "number"]
        constraints = [models.CheckConstraint(condition=Q(valid_until__isnull=True)
                                              | Q(valid_until__gte=models.F("signed_on")), name="exchange_agreement_dates")]

    def __str__(self) -> str:
        return f"{self.number} {self.partner_name}"


class ExchangeGroup(models.Model):
    """组织输入批次: ``headcount`` persons announced, arriving ``arrived_on`` for ``employer``."""

    agreement = models.ForeignKey(ExchangeAgreement, on_delete=models.PROTECT, related_name="groups")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    arrived_on = models.DateField()
    headcount = models.PositiveIntegerField()
    note = models.CharField(max_length=200, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-arrived_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(headcount__gte=1), name="exchange_group_headcount")]


class MigrantRegistration(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="migrant_registrations")
    card_no = models.CharField(max_length=20, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    origin_code = models.CharField(max_length=6)
    arrival_date = models.DateField()
    registered_on = models.DateField()
    housing = models.CharField(max_length=100, blank=True, default="")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    relation = models.ForeignKey(EmploymentRelation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(ExchangeGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=12, blank=True, default="", choices=MigrantEnd.choices)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True), name="one_open_migrant_registration"),
            models.CheckConstraint(condition=Q(registered_on__gte=models.F("arrival_date")), name="migrant_arrival_first"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("registered_on")),
                                   name="migrant_registration_dates"),
        ]
        indexes = [models.Index(fields=["registered_on", "ended_on"], name="migrant_open_idx")]


class RuralLaborer(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="rural_labor_registrations")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    registered_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_note = models.CharField(max_length=100, blank=True, default="")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True), name="one_open_rural_laborer"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("registered_on")),
                                   name="rural_laborer_dates"),
        ]


class RuralTransfer(models.Model):
    laborer = models.ForeignKey(RuralLaborer, on_delete=models.PROTECT, related_name="transfers")
    transferred_on = models.DateField()
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    relation = models.ForeignKey(EmploymentRelation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    business = models.CharField(max_length=100, blank=True, default="")
    local = models.BooleanField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-transferred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(employer__isnull=False, business="") | Q(employer__isnull=True)
                                   & ~Q(business=""), name="rural_transfer_employer_xor_business"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("transferred_on")),
                                   name="rural_transfer_dates"),
        ]
        indexes = [models.Index(fields=["transferred_on"], name="rural_transfer_day_idx")]

    @property
    def self_employed(self) -> bool:
        return self.employer_id is None
