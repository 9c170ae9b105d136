"""Core data: the region tree, users bound to one region, API tokens, login failures, the audit chain."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县级市")
    STREET = "street", _("街道/镇")
    COMMUNITY = "community", _("社区/村")


LEVEL_DEPTH = {RegionLevel.CITY: 0, RegionLevel.DISTRICT: 1, RegionLevel.STREET: 2, RegionLevel.COMMUNITY: 3}


class Region(models.Model):
    """A node of the region tree (GB/T 2260 code for city and districts, 12-digit NBS code below).

    ``path`` is the materialized path of codes (``/320500/320508/320508001000/``) so that a
    jurisdiction subtree is one indexed prefix match. Nodes are never deleted: an abolished node
    keeps its ``valid_to`` and points at its ``successor``.
    """

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=128, blank=True)
    level = models.CharField(max_length=12, choices=RegionLevel.choices)
    kind = models.CharField(max_length=24, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=80, unique=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="region_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_current(self, on=None) -> bool:
        from django.utils import timezone

        on = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


class Role(models.TextChoices):
    COMMUNITY_CASEWORKER = "community_caseworker", _("社区经办员")
    STREET_OFFICER = "street_officer", _("街道劳动保障所经办员")
    DISTRICT_OFFICER = "district_officer", _("区（县级市）经办员")
    CITY_OFFICER = "city_officer", _("市级经办员")
    INSPECTOR = "inspector", _("劳动保障监察员")
    ARBITRATOR = "arbitrator", _("劳动争议仲裁员")
    FUND_SUPERVISOR = "fund_supervisor", _("基金监督员")
    LEADER = "leader", _("领导（只读）")
    EMPLOYER_USER = "employer_user", _("用人单位经办人")
    CITIZEN = "citizen", _("参保人")
    AUDITOR = "auditor", _("审计管理员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")


class User(AbstractUser):
    """A person who logs in. Bound to one region node; no region means no data (deny by default)."""

    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.username


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginFailure(models.Model):
    """One failed login attempt, counted for the lock (5 in 15 minutes)."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)


class AuditEvent(models.Model):
    """One row of the append-only, hash-chained audit log.

    ``seq`` is gapless and assigned under a lock; ``hash`` = SHA-256 over the row's canonical
    content and the previous row's hash, so a modified, deleted or reordered row breaks the chain
    (``laobao audit verify``). Database triggers refuse UPDATE and DELETE on this table.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    region_path = models.CharField(max_length=80, blank=True, db_index=True)
    success = models.BooleanField(default=True)
    reason = models.CharField(max_length=500, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"
