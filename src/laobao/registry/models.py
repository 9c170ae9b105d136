"""The unified registry (同人、同城、同库): one record per citizen, per employer, per employment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laobao.core.models import Region


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class HukouType(models.TextChoices):
    URBAN = "urban", _("本市城镇户籍")
    RURAL = "rural", _("本市农村户籍")
    ELSEWHERE = "elsewhere", _("外地户籍")


class Person(models.Model):
    """One citizen. ``sex`` and ``birth_date`` are derived from the citizen ID by the service, never entered."""

    citizen_id = models.CharField(max_length=18, unique=True)
    legacy_id15 = models.CharField(max_length=15, blank=True, db_index=True)
    name = models.CharField(max_length=50, db_index=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_date = models.DateField()
    hukou_type = models.CharField(max_length=12, choices=HukouType.choices)
    hukou_region_code = models.CharField(max_length=6)
    residence_region = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="residents")
    mobile = models.CharField(max_length=11, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class EmployerType(models.TextChoices):
    STATE_OWNED = "state_owned", _("国有企业")
    COLLECTIVE = "collective", _("集体企业")
    PRIVATE = "private", _("私营企业")
    JOINT_STOCK = "joint_stock", _("股份制企业")
    FOREIGN = "foreign", _("外商投资企业")
    HMT = "hmt", _("港澳台商投资企业")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    GOVERNMENT = "government", _("机关")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    OTHER = "other", _("其他")


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections (门类)."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")


class EmployerSize(models.TextChoices):
    MICRO = "micro", _("微型")
    SMALL = "small", _("小型")
    MEDIUM = "medium", _("中型")
    LARGE = "large", _("大型")


class EmployerStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    CANCELLED = "cancelled", _("注销")


class Employer(models.Model):
    """An employer (单位), keyed by its unified social credit code or, for legacy records, its GB 11714 code."""

    credit_code = models.CharField(max_length=18, unique=True, null=True, blank=True)
    org_code = models.CharField(max_length=9, unique=True, null=True, blank=True)
    name = models.CharField(max_length=200, db_index=True)
    type = models.CharField(max_length=24, choices=EmployerType.choices)
    industry = models.CharField(max_length=1, choices=Industry.choices)
    size = models.CharField(max_length=8, choices=EmployerSize.choices)
    region = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="employers")
    status = models.CharField(max_length=12, choices=EmployerStatus.choices, default=EmployerStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_code__isnull=False) | Q(org_code__isnull=False), name="employer_has_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EmploymentRelation(models.Model):
    """A person works for an employer from ``start_date`` to ``end_date`` (open while null)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relations")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="relations")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "employer"], condition=Q(end_date__isnull=True), name="one_open_relation_per_employer"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name="relation_dates"
            ),
        ]
        indexes = [models.Index(fields=["employer", "end_date"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.employer}"


class PortalLink(models.Model):
    """Ties a citizen or employer login to the one record it may see."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_link")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT)


class LegacySource(models.TextChoices):
    WUZHONG = "wuzhong", _("吴中区原社保系统")
    XIANGCHENG = "xiangcheng", _("相城区原社保系统")


class LegacyRecord(models.Model):
    """A person record from a district's legacy system, linked to the one city record (并轨)."""

    source = models.CharField(max_length=16, choices=LegacySource.choices)
    legacy_key = models.CharField(max_length=32)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="legacy_records")
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "legacy_key"], name="legacy_record_once")]


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    KEPT = "kept", _("保留市库值")
    TAKEN = "taken", _("采用原系统值")


class MergeConflict(models.Model):
    """Same citizen, different facts: listed for a caseworker to resolve; nothing is overwritten silently."""

    source = models.CharField(max_length=16, choices=LegacySource.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merge_conflicts")
    field = models.CharField(max_length=32)
    registry_value = models.CharField(max_length=200)
    legacy_value = models.CharField(max_length=200)
    row_number = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=ConflictStatus.choices, default=ConflictStatus.OPEN)
    resolved_by = models.CharField(max_length=150, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "person", "field", "legacy_value"], name="conflict_once")
        ]
