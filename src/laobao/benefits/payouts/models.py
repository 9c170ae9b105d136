"""一次性待遇发放 (one-time payments through the bank), imported at the end of ``benefits/models.py``.

A ``Payout`` is an order to pay what a payable account holds (``payable:person:<pid>``,
``payable:heir:<pid>``, ``payable:employer:<id>``): ordered inside the transaction that credited it, unique
``key`` (a second call with the same key adds nothing). Its payee is a person (their current 代发账户
``BankAccount``), an employer (its current 单位账户 ``EmployerBankAccount``) or not yet known (an heir who is
not registered: held until ``assign_payee`` names the person). The only change a payout ever takes is that
one assignment; amount, key and payable account never change.

``PayoutRun`` is one day's run of ``laobao payouts run``; ``PayoutLine`` = one line of a bank file (append-only,
unique (run, payout)); ``PayoutReturn`` = the bank's answer for a line (append-only, one per line). Status is
derived, never stored: pending (no live line) → in a file (a line without return) → paid | rejected (the
line's return); a rejected payout is ordered again by a later run once the account is corrected.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from laobao.registry.models import Employer, Person, Region

from ..models import Bank, BankAccount, ReturnOutcome


class EmployerBankAccount(models.Model):
    """单位账户 of an employer (payee of allowances paid to the employer). A correction closes the row and adds
    a new one (never edits); one current (``closed_on`` null) row per employer."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="bank_accounts")
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="employer_accounts")
    account_no = models.CharField(max_length=30)
    account_name = models.CharField(max_length=200)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employer"], condition=Q(closed_on__isnull=True),
                                    name="one_current_account_per_employer"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                                   name="employer_account_dates"),
        ]


class Payout(models.Model):
    """An order to pay ``amount_fen`` of ``payable_code`` to a person or an employer (or a payee not yet known)."""

    key = models.CharField(max_length=80, unique=True)
    source = models.CharField(max_length=60)  # what ordered it: maternity_claim:<no>, death:<pid>, injury:…
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="payouts")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="payouts")
    payee_name = models.CharField(max_length=200, blank=True, default="")  # as ordered (e.g. the heir's name)
    subject = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="+")  # jurisdiction
    payable_code = models.CharField(max_length=60)
    amount_fen = models.BigIntegerField()
    memo = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["payable_code"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(condition=Q(person__isnull=True) | Q(employer__isnull=True), name="payout_one_payee"),
        ]


class PayoutRun(models.Model):
    """One invocation of ``laobao payouts run`` that found something to pay (``seq`` = 1, 2, … within the day):
    its lines, totals and ``files`` (per bank: file, lines, total, sha256; filled once the files are written).
    A run that finds nothing creates no row, so a second run never repeats a line of an earlier file."""

    day = models.DateField()
    seq = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    lines = models.PositiveIntegerField(default=0)
    total_fen = models.BigIntegerField(default=0)
    files = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-day", "-seq"]
        constraints = [models.UniqueConstraint(fields=["day", "seq"], name="one_payout_run_per_day_seq")]


class PayoutLine(models.Model):
    """One line of a payout bank file (id shown as ``P<id>``): the payout, the account row paid to."""

    run = models.ForeignKey(PayoutRun, on_delete=models.PROTECT, related_name="payout_lines")
    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="lines")
    bank_account = models.ForeignKey(BankAccount, null=True, on_delete=models.PROTECT, related_name="+")
    employer_account = models.ForeignKey(EmployerBankAccount, null=True, on_delete=models.PROTECT, related_name="+")
    bank_code = models.CharField(max_length=3)
    payable_code = models.CharField(max_length=60)
    amount_fen = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "payout"], name="one_payout_line_per_run"),
            models.CheckConstraint(condition=Q(bank_account__isnull=False, employer_account__isnull=True)
                                   | Q(bank_account__isnull=True, employer_account__isnull=False),
                                   name="payout_line_one_account"),
        ]


class PayoutReturn(models.Model):
    """The bank's answer for one payout line: paid, or rejected with the bank's reason. One per line."""

    line = models.OneToOneField(PayoutLine, on_delete=models.PROTECT, related_name="payout_return")
    outcome = models.CharField(max_length=8, choices=ReturnOutcome.choices)
    reason = models.CharField(max_length=200, blank=True, default="")
    settled_on = models.DateField()
    file_sha = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line"]
