"""职业介绍 (issue 6, Must have 5): occupations, vacancies, job fairs, employment agencies, referrals.

Imported by ``employment/models.py`` (one line at its end), so the tables belong to the ``employment`` app.
Amounts are integer fen (monthly wages); skill levels follow ``JobSeeker.skill_level``: the vocational
qualification level 5 初级 … 1 高级技师, null = none / no requirement. What a job seeker wants (occupation,
skill level, place, wage) is on ``employment.models.JobSeeker``; matching reads it from there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laobao.core.models import Region
from laobao.registry.models import Employer, EmploymentRelation, Person


class SkillLevel(models.IntegerChoices):
    """职业资格等级 (the number is the official level: 5 is the lowest)."""

    L5 = 5, _("初级（五级）")
    L4 = 4, _("中级（四级）")
    L3 = 3, _("高级（三级）")
    L2 = 2, _("技师（二级）")
    L1 = 1, _("高级技师（一级）")


class OccupationLevel(models.IntegerChoices):
    MAJOR = 1, _("大类")
    MIDDLE = 2, _("中类")
    MINOR = 3, _("小类")
    DETAIL = 4, _("职业（细类）")


class Occupation(models.Model):
    """A node of the 国家职业分类大典 (2022): ``code`` 1 / 1-02 / 1-02-03 / 1-02-03-04 by level. Vacancies and job
    seekers name a minor group or a detailed occupation (level 3 or 4); ``status`` says how far it is verified."""

    code = models.CharField(max_length=12, primary_key=True)
    level = models.PositiveSmallIntegerField(choices=OccupationLevel.choices)
    name = models.CharField(max_length=80)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    edition = models.CharField(max_length=8, default="2022")
    status = models.CharField(max_length=12, default="source-only")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class VacancyStatus(models.TextChoices):
    OPEN = "open", _("招聘中")
    CLOSED = "closed", _("已关闭")
    FILLED = "filled", _("已招满")


class AgencyKind(models.TextChoices):
    PUBLIC = "public", _("公共就业服务机构")
    PRIVATE = "private", _("经营性人力资源服务机构")


class EmploymentAgency(models.Model):
    """A registered employment agency (职业介绍机构): public (the bureau's own) or private under a licence
    (人力资源服务许可证 number, unique)."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=AgencyKind.choices)
    licence_no = models.CharField(max_length=40, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    licensed_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class AgencyPlacement(models.Model):
    """An agency's reported placements (成功介绍就业人数) of one month (the first day)."""

    agency = models.ForeignKey(EmploymentAgency, on_delete=models.PROTECT, related_name="placements")
    month = models.DateField()
    placed = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "agency_id"]
        constraints = [models.UniqueConstraint(fields=["agency", "month"], name="agency_placement_month")]


class JobFair(models.Model):
    """招聘会: a date, a place, the region that organizes it; employers take part with vacancies."""

    name = models.CharField(max_length=120)
    held_on = models.DateField()
    place = models.CharField(max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(EmploymentAgency, null=True, blank=True, on_delete=models.PROTECT, related_name="fairs")
    employers = models.ManyToManyField(Employer, through="JobFairEmployer", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.name


class JobFairEmployer(models.Model):
    fair = models.ForeignKey(JobFair, on_delete=models.PROTECT, related_name="participants")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    booth = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fair", "employer"], name="job_fair_employer_once")]


class Vacancy(models.Model):
    """A vacancy (岗位) of an employer: ``count`` places of ``occupation`` at ``skill_level`` (null: none
    required), monthly wage ``wage_min_fen``..``wage_max_fen``, in ``region`` (a district, street or community),
    open from ``posted_on`` to ``expires_on``. ``status`` open/closed/filled; an open vacancy past
    ``expires_on`` is not matched (expiry is a date comparison, not a stored state). ``hired`` counts referrals
    ending in a hire; the vacancy becomes filled when ``hired`` reaches ``count``."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="vacancies")
    title = models.CharField(max_length=100)
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="vacancies")
    skill_level = models.PositiveSmallIntegerField(choices=SkillLevel.choices, null=True, blank=True)
    wage_min_fen = models.BigIntegerField()
    wage_max_fen = models.BigIntegerField()
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField()
    hired = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=8, choices=VacancyStatus.choices, default=VacancyStatus.OPEN)
    posted_on = models.DateField()
    expires_on = models.DateField()
    description = models.CharField(max_length=1000, blank=True, default="")
    fair = models.ForeignKey(JobFair, null=True, blank=True, on_delete=models.PROTECT, related_name="vacancies")
    agency = models.ForeignKey(EmploymentAgency, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="vacancies")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-posted_on", "-id"]
        indexes = [models.Index(fields=["status", "expires_on"], name="vacancy_open_expiry"),
                   models.Index(fields=["employer", "status"], name="vacancy_employer_status")]
        constraints = [
            models.CheckConstraint(condition=Q(wage_min_fen__gte=0) & Q(wage_max_fen__gte=models.F("wage_min_fen")),
                                   name="vacancy_wage_range"),
            models.CheckConstraint(condition=Q(expires_on__gte=models.F("posted_on")), name="vacancy_dates"),
            models.CheckConstraint(condition=Q(count__gte=1), name="vacancy_count_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class MatchingState(models.Model):
    """One row (pk 1): ``generation`` grows with every write to vacancies, so the in-process cache of the open
    vacancies' columns knows when to reload (one primary-key read per request instead of 50,000 rows)."""

    generation = models.BigIntegerField(default=0)


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("待反馈")
    HIRED = "hired", _("已录用")
    REJECTED = "rejected", _("未录用")
    NO_SHOW = "no_show", _("未应聘")


class Referral(models.Model):
    """推荐: a caseworker refers a person to a vacancy (once per person and vacancy); the outcome is recorded
    with its date; a hire records the employment relation (``relation``) through the registry services."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="referrals")
    referred_on = models.DateField()
    score = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=8, choices=ReferralOutcome.choices, default=ReferralOutcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    relation = models.ForeignKey(EmploymentRelation, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    note = models.CharField(max_length=200, blank=True, default="")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "vacancy"], name="referral_once"),
            models.CheckConstraint(condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=models.F("referred_on")),
                                   name="referral_dates"),
        ]
