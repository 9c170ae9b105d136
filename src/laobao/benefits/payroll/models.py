"""Payroll tables beyond the run and its lines (benefits/models.py): the medical insurance contributions the
unemployment fund pays while the unemployment benefit is paid (失业保险条例第十九条, 社会保险法第四十八条).

Imported at the end of benefits/models.py (app label ``benefits``; migration 0007_payroll_more)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from laobao.registry.models import Person


class UnemploymentMedical(models.Model):
    """失业期间基本医疗保险费: what the unemployment fund pays to the medical fund for one month of
    unemployment benefit (个人不缴纳). One row per (benefit, month), written by the payroll chunk whose line first
    pays that month (``line``); append-only (database triggers), unique → a re-run, a reissue or a re-payment
    after a rejection adds nothing. Ledger per chunk: Dr ``fund:unemployment`` / Cr ``fund:medical``
    (key ``payroll-medical:<first line id>``). ``parameter_since`` names the parameter entry used."""

    benefit = models.ForeignKey("benefits.Benefit", on_delete=models.PROTECT, related_name="medical_months",
                                db_index=False, db_constraint=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    line = models.ForeignKey("benefits.PaymentLine", on_delete=models.PROTECT, related_name="+", db_index=False,
                             db_constraint=False)  # ADR 0010: no row foreign keys on payroll tables
    month = models.DateField()
    amount_fen = models.BigIntegerField()
    parameter_since = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["benefit", "month"]
        constraints = [
            models.UniqueConstraint(fields=["benefit", "month"], name="one_unemployment_medical_per_month"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="unemployment_medical_positive"),
        ]
