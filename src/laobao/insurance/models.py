"""Enrollment (参保登记): one row per person, insurance and covered period (months, first day stored)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laobao.registry.models import Employer, Person


class Insurance(models.TextChoices):
    PENSION = "pension", _("养老")
    MEDICAL = "medical", _("医疗")
    UNEMPLOYMENT = "unemployment", _("失业")
    INJURY = "injury", _("工伤")
    MATERNITY = "maternity", _("生育")


# Flexibly employed persons and individual businesses (no employer) may enroll in these only.
FLEXIBLE_INSURANCES = frozenset({Insurance.PENSION, Insurance.MEDICAL})


class Reason(models.TextChoices):
    HIRE = "hire", _("增员/入职")
    LEAVE = "leave", _("减员/离职")
    SUSPENSION = "suspension", _("暂停")
    TRANSFER_IN = "transfer_in", _("转入")
    TRANSFER_OUT = "transfer_out", _("转出")
    RETIREMENT = "retirement", _("退休")
    DEATH = "death", _("死亡")
    SELF_ENROLLMENT = "self_enrollment", _("个人参保")


class Enrollment(models.Model):
    """``person`` is insured in ``insurance`` from ``start_month`` to ``end_month`` inclusive (open while null).

    Months are stored as the first day of the month (the service normalizes and checks it). ``employer``
    null means the person enrolled themselves (flexibly employed / individual business).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrollments")
    insurance = models.CharField(max_length=16, choices=Insurance.choices)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="enrollments")
    start_month = models.DateField()
    end_month = models.DateField(null=True, blank=True)
    start_reason = models.CharField(max_length=16, choices=Reason.choices)
    end_reason = models.CharField(max_length=16, choices=Reason.choices, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "insurance", "-start_month"]
        constraints = [
            models.UniqueConstraint(fields=["person", "insurance"], condition=Q(end_month__isnull=True),
                                    name="one_open_enrollment_per_insurance"),
            models.CheckConstraint(condition=Q(end_month__isnull=True) | Q(end_month__gte=models.F("start_month")),
                                   name="enrollment_months"),
        ]
        indexes = [models.Index(fields=["employer", "insurance", "end_month"]),
                   models.Index(fields=["insurance", "start_month"])]

    def __str__(self) -> str:
        return f"{self.person} {self.insurance} {self.start_month:%Y-%m}"
