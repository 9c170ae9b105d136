"""Employment services (就业服务, issue 6): job seekers, unemployment registration, re-employment
certificates, hard-to-employ groups, vacancies, matching and referrals.

``UnemploymentRegistration`` moved here from ``benefits/unemployment`` (issue 5 built it minimal); its table
keeps the name ``benefits_unemploymentregistration`` (the move was state-only, rows kept). Dates are days,
months the first day of the month, amounts integer fen.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laobao.core.models import Region
from laobao.registry.models import Employer, Person


class Education(models.TextChoices):
    NONE = "none", _("未上过学")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专/技校")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class JobSeeker(models.Model):
    """求职登记 profile of a person (one per person). Matching reads the wanted fields:
    ``wanted_occupation_code`` (《中华人民共和国职业分类大典》 code such as ``4-01-02-01``), ``wanted_region``
    (where the person wants to work; null = anywhere), ``wanted_wage_min_fen``/``wanted_wage_max_fen`` (monthly),
    ``skills`` (free words, comma separated), ``skill_level`` (vocational qualification 5 初级 … 1 高级技师; null none).
    ``able_to_work``/``willing_to_work`` are the person's recorded declarations (有劳动能力、有就业要求), dated
    ``declared_on``. ``original_retirement_age`` is the woman's track (50 worker / 55 cadre) when known; null
    means 60 for men and 50 for women (the registration's working age)."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="job_seeker")
    education = models.CharField(max_length=16, choices=Education.choices, blank=True, default="")
    skills = models.CharField(max_length=300, blank=True, default="")
    skill_level = models.PositiveSmallIntegerField(null=True, blank=True)
    wanted_occupation_code = models.CharField(max_length=12, blank=True, default="")
    wanted_occupation = models.CharField(max_length=60, blank=True, default="")
    wanted_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    wanted_wage_min_fen = models.BigIntegerField(null=True, blank=True)
    wanted_wage_max_fen = models.BigIntegerField(null=True, blank=True)
    able_to_work = models.BooleanField(default=False)
    willing_to_work = models.BooleanField(default=False)
    declared_on = models.DateField(null=True, blank=True)
    original_retirement_age = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(wanted_wage_min_fen__isnull=True) | Q(wanted_wage_max_fen__isnull=True)
                                   | Q(wanted_wage_max_fen__gte=models.F("wanted_wage_min_fen")),
                                   name="job_seeker_wage_range"),
        ]


class EndGround(models.TextChoices):
    """Grounds of de-registration (注销失业登记). ``reemployment`` is the value issue 5 already wrote."""

    EMPLOYED = "reemployment", _("已就业（劳动关系或参保开始）")
    STUDY = "study", _("升学/入学")
    RETIRED = "retired", _("已退休/达到退休年龄")
    MOVED_AWAY = "moved_away", _("迁出本市")
    NO_CONTACT = "no_contact", _("长期未联系")


class UnemploymentRegistration(models.Model):
    """失业登记. ``involuntary`` = 非因本人意愿中断就业 (条例 第十四条); ``reason`` the job-loss reason as stated.
    Open while ``ended_on`` is null; one open registration per person. ``checks`` are the conditions as checked
    at registration ([{code, ok, zh, en}]; empty for rows written before issue 6). Ends on a ground of
    :class:`EndGround` (``end_reason``) with ``end_note`` (e.g. the relation or enrollment that started)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="unemployment_registrations")
    registered_on = models.DateField()
    involuntary = models.BooleanField()
    reason = models.CharField(max_length=100, blank=True, default="")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, blank=True, default="", choices=EndGround.choices)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    checks = models.JSONField(default=list, blank=True)
    end_note = models.CharField(max_length=200, blank=True, default="")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        db_table = "benefits_unemploymentregistration"
        ordering = ["person", "-registered_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(ended_on__isnull=True),
                                    name="one_open_unemployment_registration"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("registered_on")),
                                   name="unemployment_registration_dates"),
        ]

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class Channel(models.TextChoices):
    COUNTER = "counter", _("窗口")
    PHONE = "phone", _("电话")
    VISIT = "visit", _("上门")
    SMS = "sms", _("短信")
    ONLINE = "online", _("网上")


class ContactOutcome(models.TextChoices):
    SEEKING = "seeking", _("仍在求职")
    EMPLOYED = "employed", _("已就业")
    NOT_REACHED = "not_reached", _("未联系上")
    OTHER = "other", _("其他")


class RegistrationContact(models.Model):
    """定期联系 of a registered person. ``not_reached`` does not count as contact for the no-contact ground."""

    registration = models.ForeignKey(UnemploymentRegistration, on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    outcome = models.CharField(max_length=12, choices=ContactOutcome.choices)
    note = models.CharField(max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        indexes = [models.Index(fields=["registration", "contacted_on"], name="registration_contact_day")]


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    CANCELLED = "cancelled", _("已注销")


class ReemploymentCertificate(models.Model):
    """再就业优惠证: ``number`` ``ZY`` + district code + year + 5-digit sequence; valid from ``issued_on`` to
    ``valid_until`` (a renewal moves ``valid_until`` and counts ``renewals``); cancelled with a reason.
    Expired = valid status but ``valid_until`` before today (not a stored state). One valid per person."""

    number = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reemployment_certificates")
    registration = models.ForeignKey(UnemploymentRegistration, null=True, on_delete=models.PROTECT,
                                     related_name="certificates")
    issued_on = models.DateField()
    valid_until = models.DateField()
    renewals = models.PositiveSmallIntegerField(default=0)
    last_renewed_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True, default="")
    checks = models.JSONField(default=list, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="valid"), name="one_valid_reemployment_certificate"),
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("issued_on")), name="certificate_dates"),
        ]

    def __str__(self) -> str:
        return self.number


class SupportKind(models.TextChoices):
    TAX_RELIEF = "tax_relief", _("税费减免")
    EMPLOYER_SUBSIDY = "employer_subsidy", _("招用持证人员社会保险补贴")
    GUARANTEED_LOAN = "guaranteed_loan", _("小额担保贷款")
    SELF_EMPLOYMENT = "self_employment", _("自主创业/自谋职业")


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("已受理（条件未满足）")
    CHECKED = "checked", _("已审核（待复核）")
    APPROVED = "approved", _("已核准")
    REJECTED = "rejected", _("不予核准")


class SupportApplication(models.Model):
    """An application opened by a re-employment certificate: received by a maker (checks stored), decided by a
    different checker with ``employment.approve``. ``employer`` for the employer's social insurance subsidy;
    ``from_month``..``to_month`` the months applied for; ``amount_fen`` what is approved or applied for (the
    subsidy: the employer's pension + medical + unemployment shares on the holder's contributions of those
    months; a loan: the amount borrowed from the bank; tax relief: the annual relief recorded). Money that moves
    from the fund is posted on approval (``posting_key``): Dr ``fund:employment`` / Cr ``payable:employer_subsidy:<id>``."""

    application_no = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=SupportKind.choices)
    certificate = models.ForeignKey(ReemploymentCertificate, on_delete=models.PROTECT, related_name="applications")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="support_applications")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    from_month = models.DateField(null=True, blank=True)
    to_month = models.DateField(null=True, blank=True)
    amount_fen = models.BigIntegerField(default=0)
    business_name = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=10, choices=ApplicationStatus.choices)
    checks = models.JSONField(default=list)
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection = models.CharField(max_length=300, blank=True, default="")
    posting_key = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gte=0), name="support_amount_nonnegative")]

    def __str__(self) -> str:
        return self.application_no


class HardshipKind(models.TextChoices):
    """Recorded hard-to-employ flags (4050 is derived from the ID's birth date, never recorded)."""

    DISABLED = "disabled", _("残疾人")
    ZERO_EMPLOYMENT_FAMILY = "zero_employment_family", _("零就业家庭成员")
    LAND_EXPROPRIATED = "land_expropriated", _("被征地农民")


class HardshipFlag(models.Model):
    """A recorded flag with its source (e.g. 残疾人证号, 民政认定, 征地批文号); ended when no longer true."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="hardship_flags")
    kind = models.CharField(max_length=24, choices=HardshipKind.choices)
    source = models.CharField(max_length=100)
    recorded_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["person", "kind"]
        constraints = [models.UniqueConstraint(fields=["person", "kind"], condition=Q(ended_on__isnull=True),
                                               name="one_open_hardship_flag_per_kind")]


class AssistanceKind(models.TextChoices):
    COUNSELLING = "counselling", _("职业指导")
    REFERRAL = "referral", _("职业介绍")
    TRAINING = "training", _("培训推荐")
    WELFARE_POST = "welfare_post", _("公益性岗位安置")
    SUBSIDY = "subsidy", _("政策扶持")
    OTHER = "other", _("其他援助")


class AssistanceOutcome(models.TextChoices):
    PENDING = "pending", _("跟进中")
    EMPLOYED = "employed", _("已就业")
    DECLINED = "declined", _("本人放弃")
    NO_RESULT = "no_result", _("未成功")


class AssistanceAction(models.Model):
    """就业援助: what was done for a person, when, and what came of it (``outcome_on`` when known)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assistance_actions")
    acted_on = models.DateField()
    kind = models.CharField(max_length=16, choices=AssistanceKind.choices)
    note = models.CharField(max_length=200, blank=True, default="")
    outcome = models.CharField(max_length=12, choices=AssistanceOutcome.choices, default=AssistanceOutcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acted_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=models.F("acted_on")),
                                              name="assistance_dates")]


from .matching.models import (  # noqa: E402,F401  职业介绍 (helper G): occupations, vacancies, fairs, agencies, referrals
    AgencyPlacement, EmploymentAgency, JobFair, JobFairEmployer, MatchingState, Occupation, Referral, Vacancy)
from .migrant.models import (  # noqa: E402,F401  外来劳动力、农村富余劳动力、南北劳务交流 (helper F)
    ExchangeAgreement, ExchangeGroup, MigrantRegistration, RuralLaborer, RuralTransfer)

from .welfare.models import (  # noqa: E402,F401  公益性岗位 and subsidy bank payments (helper E)
    PayeeAccount, SubsidyLine, SubsidyOrder, SubsidyReturn, SubsidyRun, WelfarePlacement, WelfarePost, WelfareSubsidy)
