"""Vocational training and certification (职业培训与技能鉴定, issue 6 Must have 8).

Institutions (培训机构) run courses; a person enrols once per course (at the counter or by self-service),
attends dated sessions, sits one exam (theory + practical, integer scores 0–100), and a passed exam issues a
vocational qualification certificate (职业资格证书 / 职业技能等级证书) of level 5 (初级) … 1 (高级技师). Certificates
obtained elsewhere are recorded with their issuing body. A training subsidy (培训补贴) is one row per enrolment,
written by the monthly batch only when the parameters' conditions hold. Money is integer fen; dates are days.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laobao.core.models import Region
from laobao.registry.models import Employer, Person


class Level(models.IntegerChoices):
    """国家职业资格 five levels: 5 lowest … 1 highest. High skill (高技能) = levels 3, 2, 1."""

    L5 = 5, _("五级/初级工")
    L4 = 4, _("四级/中级工")
    L3 = 3, _("三级/高级工")
    L2 = 2, _("二级/技师")
    L1 = 1, _("一级/高级技师")


HIGH_LEVELS = (3, 2, 1)


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")


class InstitutionStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停招生")
    CLOSED = "closed", _("已注销")


class Institution(models.Model):
    """培训机构 with its licence (办学许可证号), region (where it is supervised) and ownership."""

    name = models.CharField(max_length=200)
    licence_no = models.CharField(max_length=40, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    ownership = models.CharField(max_length=8, choices=Ownership.choices)
    status = models.CharField(max_length=10, choices=InstitutionStatus.choices, default=InstitutionStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class CourseKind(models.TextChoices):
    REEMPLOYMENT = "reemployment", _("再就业技能培训")
    ENTREPRENEURSHIP = "entrepreneurship", _("创业培训（准老板）")
    RURAL = "rural", _("农村劳动力转移培训")
    ENTERPRISE = "enterprise", _("企业职工培训")


class CourseStatus(models.TextChoices):
    OPEN = "open", _("招生中")
    CLOSED = "closed", _("停止招生")
    FINISHED = "finished", _("已结业")
    CANCELLED = "cancelled", _("已取消")


class Course(models.Model):
    """A course (培训班). ``occupation_code`` is a 《职业分类大典》 code or a prefix of one (``6-04``,
    ``6-04-01-01``); the occupation table arrives with employment matching. ``subsidy_fen`` is the subsidy per
    trainee from the parameters on the start date; ``pass_mark`` overrides the parameter when set."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=120)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="courses")
    kind = models.CharField(max_length=20, choices=CourseKind.choices)
    occupation_code = models.CharField(max_length=12)
    occupation_name = models.CharField(max_length=60, blank=True, default="")
    target_level = models.PositiveSmallIntegerField(choices=Level.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    capacity = models.PositiveIntegerField()
    subsidy_fen = models.BigIntegerField(default=0)
    pass_mark = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=CourseStatus.choices, default=CourseStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="course_dates"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="course_capacity_positive"),
            models.CheckConstraint(condition=Q(subsidy_fen__gte=0), name="course_subsidy_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Channel(models.TextChoices):
    COUNTER = "counter", _("窗口报名")
    SELF = "self", _("本人网上报名")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("在培")
    COMPLETED = "completed", _("结业（考核合格）")
    FAILED = "failed", _("考核不合格")
    WITHDRAWN = "withdrawn", _("退出")


class Enrolment(models.Model):
    """One person in one course (unique). ``completed_on`` is the exam date of a passed exam; ``employment_by``
    is the last day an employment may start for the subsidy's employment condition (``completed_on`` plus
    ``training.employment_within_months`` in force on that date), fixed at completion."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="training_enrolments")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED)
    enrolled_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    employment_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["course", "person"], name="one_enrolment_per_course")]
        indexes = [models.Index(fields=["status", "completed_on"])]


class Attendance(models.Model):
    """Present or absent at one session date of the course."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    session_date = models.DateField()
    present = models.BooleanField()

    class Meta:
        ordering = ["session_date"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "session_date"], name="attendance_once")]


class ExamResult(models.Model):
    """The exam of an enrolment (理论知识 + 操作技能, 0–100 each); passed when both reach ``pass_mark``."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="result")
    exam_date = models.DateField()
    theory_score = models.PositiveSmallIntegerField()
    practical_score = models.PositiveSmallIntegerField()
    pass_mark = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(theory_score__lte=100) & Q(practical_score__lte=100),
                                              name="exam_scores_range")]


class CertificateSource(models.TextChoices):
    EXAM = "exam", _("本系统考核发证")
    EXTERNAL = "external", _("外部证书登记")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")


class Certificate(models.Model):
    """职业资格证书 / 职业技能等级证书. ``number`` format: see :mod:`laobao.training.numbers`."""

    number = models.CharField(max_length=17, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="certificates")
    enrolment = models.OneToOneField(Enrolment, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="certificate")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    occupation_code = models.CharField(max_length=12)
    occupation_name = models.CharField(max_length=60, blank=True, default="")
    issuing_body = models.CharField(max_length=120)
    issued_on = models.DateField()
    source = models.CharField(max_length=8, choices=CertificateSource.choices)
    status = models.CharField(max_length=8, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    revoked_on = models.DateField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "id"]
        indexes = [models.Index(fields=["level", "issued_on"])]


class TrainingSubsidy(models.Model):
    """培训补贴 for one completed enrolment (unique: the batch is idempotent). Paid to the institution;
    ``journal_key`` is the ledger entry (``training_subsidy:<enrolment_id>``)."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="subsidy")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    amount_fen = models.BigIntegerField()
    journal_key = models.CharField(max_length=60, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="training_subsidy_positive")]


class StudioLevel(models.TextChoices):
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("国家级")


class SkillMasterStudio(models.Model):
    """技能大师工作室: a master (a person) at an institution or an employer, approved at a level."""

    name = models.CharField(max_length=120)
    master = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=10, choices=StudioLevel.choices)
    approved_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-approved_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(institution__isnull=False) | Q(employer__isnull=False),
                                              name="studio_has_host")]
