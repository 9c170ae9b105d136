"""公益性岗位 (public-welfare posts) and the bank payment of the employment fund's subsidies; imported at the end of
``employment/models.py`` (migration employment 0003).

- ``WelfarePost``: a post developed by a community office or an employer (the sponsoring unit, a registry
  ``Employer``: a community office is registered as a unit too), in a community (``region``: jurisdiction).
  ``post_subsidy_fen`` stated on the post, or null = the parameter ``employment.welfare_post_subsidy`` by kind.
- ``WelfarePlacement``: a person placed on a post — an employment relation (``relation``, started through
  ``registry.services.relation_start``); the conditions as checked (``checks``); one active placement per person.
- ``WelfareSubsidy``: one placement × month of the monthly batch (unique: the batch is idempotent).
- ``PayeeAccount``: the bank account (单位账户) of an employer or a training institution that receives subsidies;
  a correction closes the row and adds a new one; one current row per payee.
- ``SubsidyOrder``: an order to pay what a payable account holds — one per welfare subsidy, per approved employer
  subsidy of a re-employment certificate, per training subsidy (``key`` = the source's journal key, unique).
- ``SubsidyRun`` / ``SubsidyLine`` / ``SubsidyReturn``: a day's payment run, its bank-file lines (``S<id>``) and
  the bank's answers (append-only). Status derived: pending → in a file → paid | rejected (ordered again).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from laobao.core.models import Region
from laobao.registry.models import Employer, EmploymentRelation, Person
from laobao.training.models import Institution


ONE_PAYEE = (Q(employer__isnull=False, institution__isnull=True) | Q(employer__isnull=True, institution__isnull=False))


class PostKind(models.TextChoices):
    CLEANING = "cleaning", _("保洁")
    SECURITY = "security", _("保安")
    ASSISTANT = "assistant", _("协管")
    ELDER_CARE = "elder_care", _("托老")
    OTHER = "other", _("其他")


class PlacementBasis(models.TextChoices):
    HARDSHIP = "hardship", _("就业困难人员")
    CERTIFICATE = "certificate", _("持再就业优惠证的登记失业人员")


class WelfarePost(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="welfare_posts")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=PostKind.choices)
    count = models.PositiveIntegerField()
    post_subsidy_fen = models.BigIntegerField(null=True, blank=True)  # null: the parameter by kind
    si_subsidy = models.BooleanField(default=True)  # the employer's social-insurance shares are subsidized
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gt=0), name="welfare_post_count"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="welfare_post_dates"),
            models.CheckConstraint(condition=Q(post_subsidy_fen__isnull=True) | Q(post_subsidy_fen__gte=0),
                                   name="welfare_post_subsidy"),
        ]

    def __str__(self) -> str:
        return self.name


class WelfarePlacement(models.Model):
    post = models.ForeignKey(WelfarePost, on_delete=models.PROTECT, related_name="placements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="welfare_placements")
    relation = models.OneToOneField(EmploymentRelation, on_delete=models.PROTECT, related_name="welfare_placement")
    basis = models.CharField(max_length=12, choices=PlacementBasis.choices)
    checks = models.JSONField(default=list)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True, default="")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(end_date__isnull=True),
                                    name="one_active_welfare_placement"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="welfare_placement_dates"),
        ]


class WelfareSubsidy(models.Model):
    """One placement's month: post subsidy + social-insurance subsidy, posted under ``journal_key``."""

    placement = models.ForeignKey(WelfarePlacement, on_delete=models.PROTECT, related_name="subsidies")
    month = models.DateField()
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    post_fen = models.BigIntegerField()
    si_fen = models.BigIntegerField()
    total_fen = models.BigIntegerField()
    journal_key = models.CharField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month", "id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "month"], name="one_welfare_subsidy_per_month"),
            models.CheckConstraint(condition=Q(total_fen=F("post_fen") + F("si_fen")) & Q(total_fen__gt=0)
                                   & Q(post_fen__gte=0) & Q(si_fen__gte=0), name="welfare_subsidy_amounts"),
        ]


class PayeeAccount(models.Model):
    """单位账户 of an employer or a training institution (payee of subsidies). Bank by its 行别代码 and name."""

    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bank_code = models.CharField(max_length=3)
    bank_name = models.CharField(max_length=60)
    account_no = models.CharField(max_length=30)
    account_name = models.CharField(max_length=200)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=ONE_PAYEE,
                                   name="payee_account_one_payee"),
            models.UniqueConstraint(fields=["employer"], condition=Q(closed_on__isnull=True, employer__isnull=False),
                                    name="one_current_payee_account_employer"),
            models.UniqueConstraint(fields=["institution"],
                                    condition=Q(closed_on__isnull=True, institution__isnull=False),
                                    name="one_current_payee_account_institution"),
        ]


class OrderSource(models.TextChoices):
    WELFARE = "welfare", _("公益性岗位补贴")
    EMPLOYER_SUBSIDY = "employer_subsidy", _("社会保险补贴（再就业优惠证）")
    TRAINING = "training", _("培训补贴")


class SubsidyOrder(models.Model):
    key = models.CharField(max_length=80, unique=True)  # the source's journal key
    source = models.CharField(max_length=20, choices=OrderSource.choices)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")  # jurisdiction
    payable_code = models.CharField(max_length=60)
    amount_fen = models.BigIntegerField()
    memo = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["payable_code"], name="subsidy_order_payable")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="subsidy_order_positive"),
            models.CheckConstraint(condition=ONE_PAYEE,
                                   name="subsidy_order_one_payee"),
        ]


class SubsidyRun(models.Model):
    day = models.DateField()
    seq = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    lines = models.PositiveIntegerField(default=0)
    total_fen = models.BigIntegerField(default=0)
    files = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-day", "-seq"]
        constraints = [models.UniqueConstraint(fields=["day", "seq"], name="one_subsidy_run_per_day_seq")]


class SubsidyLine(models.Model):
    """One line of a subsidy bank file (id shown as ``S<id>``)."""

    run = models.ForeignKey(SubsidyRun, on_delete=models.PROTECT, related_name="subsidy_lines")
    order = models.ForeignKey(SubsidyOrder, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(PayeeAccount, on_delete=models.PROTECT, related_name="+")
    bank_code = models.CharField(max_length=3)
    payable_code = models.CharField(max_length=60)
    amount_fen = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["run", "order"], name="one_subsidy_line_per_run")]


class SubsidyReturn(models.Model):
    line = models.OneToOneField(SubsidyLine, on_delete=models.PROTECT, related_name="subsidy_return")
    outcome = models.CharField(max_length=8, choices=[("paid", _("已到账")), ("rejected", _("已退回"))])
    reason = models.CharField(max_length=200, blank=True, default="")
    settled_on = models.DateField()
    file_sha = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line"]
