"""工伤 (work injury): the injury case (工伤认定申请 → 认定) and its awards (劳动能力鉴定 → disability amounts, or
因工死亡 → death amounts). 工伤保险条例（2010年修订，国务院令第586号）.

``InjuryCase``: reported by the employer (within 30 days of the accident, 第十七条第一款) or by the worker or
close relatives (within 1 year, 第十七条第二款). A late employer report is accepted and flagged ``late_employer``:
the costs of the gap are the employer's (第十七条第四款). ``decision_due`` = received_on + 60 days (第二十条第一款),
or + 15 days when the facts are clear (第二十条第二款, ``simple_facts``). The decision (maker ≠ checker) recognises a
工伤 (第十四条) or a 视同工伤 (第十五条) with its ground, or refuses (第十六条 ground, or the reason typed).

``InjuryAward``: for a recognised case, one disability assessment (grade 1–10 or none, 第二十一/二十二条) or one
death (第三十九条). Inputs the maker gives (本人工资 when the contribution record has none, the regional average wage
while the parameter has none, the national income while it has none) are kept with their source; the amounts
are ``policy.rules.injury``'s, with their formulas, stored in ``calculation``. Approval (checker ≠ maker) creates
the monthly benefits (``Benefit.source`` = ``injury:<award_no>`` or ``injury:<award_no>:<n>`` per dependant)
and posts the one-time amounts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laobao.registry.models import Employer, Person

from ..models import ClaimStatus


class ApplicantKind(models.TextChoices):
    EMPLOYER = "employer", _("用人单位")
    WORKER = "worker", _("职工本人")
    FAMILY = "family", _("近亲属")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("已受理，待认定")
    RECOGNISED = "recognised", _("认定为工伤")
    NOT_RECOGNISED = "not_recognised", _("不予认定")


class Recognition(models.TextChoices):
    INJURY = "injury", _("工伤（第十四条）")
    DEEMED = "deemed", _("视同工伤（第十五条）")


class AwardKind(models.TextChoices):
    DISABILITY = "disability", _("劳动能力鉴定")
    DEATH = "death", _("因工死亡")


class InjuryCase(models.Model):
    case_no = models.CharField(max_length=20, unique=True)  # GS + yyyymmdd + 4-digit sequence
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="injury_cases")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="injury_cases")
    accident_date = models.DateField()
    place = models.CharField(max_length=200)
    description = models.CharField(max_length=1000)
    applicant_kind = models.CharField(max_length=8, choices=ApplicantKind.choices)
    received_on = models.DateField()
    simple_facts = models.BooleanField(default=False)
    decision_due = models.DateField()
    late_employer = models.BooleanField(default=False)  # 第十七条第四款: the employer bears the gap's costs
    insured = models.BooleanField(default=False)  # work-injury enrollment with the employer in the accident month
    checks = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    recognition = models.CharField(max_length=8, choices=Recognition.choices, blank=True, default="")
    ground = models.CharField(max_length=8, blank=True, default="")  # e.g. "14.1", "15.1", "16.2"
    reason_zh = models.CharField(max_length=500, blank=True, default="")
    reason_en = models.CharField(max_length=500, blank=True, default="")
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "benefits"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "decision_due"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "accident_date"], condition=~Q(status="not_recognised"),
                                    name="one_injury_case_per_accident"),
            models.CheckConstraint(condition=Q(decision_due__gte=models.F("received_on")), name="injury_case_due"),
        ]

    def __str__(self) -> str:
        return self.case_no


class InjuryAward(models.Model):
    award_no = models.CharField(max_length=20, unique=True)  # GSD + yyyymmdd + 4-digit sequence
    case = models.ForeignKey(InjuryCase, on_delete=models.PROTECT, related_name="awards")
    kind = models.CharField(max_length=10, choices=AwardKind.choices)
    event_date = models.DateField()  # assessed_on (鉴定结论作出日) or died_on
    grade = models.PositiveSmallIntegerField(null=True, blank=True)  # 1–10; null: 未达伤残等级 (or a death)
    wage_fen = models.BigIntegerField(default=0)  # 本人工资 before the clamp
    wage_source = models.CharField(max_length=6, default="record")  # record | maker
    average_wage_fen = models.BigIntegerField(default=0)  # regional average monthly wage used for the clamp
    average_source = models.CharField(max_length=10, default="maker")  # parameter | maker
    work_arranged = models.BooleanField(default=False)  # grades 5–6: the employer arranged suitable work (第三十六条)
    national_income_fen = models.BigIntegerField(null=True, blank=True)  # maker's figure while the parameter has none
    dependants = models.JSONField(default=list, blank=True)  # [{person, name, relation, lone}]
    note = models.CharField(max_length=300, blank=True, default="")
    calculation = models.JSONField(null=True, blank=True)
    one_time_fen = models.BigIntegerField(default=0)
    monthly_fen = models.BigIntegerField(default=0)
    payer = models.CharField(max_length=8, blank=True, default="")  # fund | employer | "" (monthly allowance)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.CHECKED)
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
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], condition=~Q(status__in=["rejected", "withdrawn"]),
                                    name="one_injury_award_per_case_kind"),
            models.CheckConstraint(condition=Q(grade__isnull=True) | (Q(grade__gte=1) & Q(grade__lte=10)),
                                   name="injury_award_grade"),
            models.CheckConstraint(condition=Q(one_time_fen__gte=0) & Q(monthly_fen__gte=0) & Q(wage_fen__gte=0),
                                   name="injury_award_amounts"),
        ]

    def __str__(self) -> str:
        return self.award_no
