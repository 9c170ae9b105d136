"""Reads of the core app for the back office: the audit log, scoped like every other read."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent
from .scoping import within


def audit_visible(user) -> QuerySet[AuditEvent]:
    """Audit rows for the audit log viewer: auditors only, in their subtree (rows without a region: nobody)."""
    return within(AuditEvent.objects.all(), user, "audit", "region_path")


def object_history(user, kind: str, object_type: str, object_id) -> QuerySet[AuditEvent]:
    """One record's own audit rows, for staff who may read that kind of record, in their subtree."""
    return within(AuditEvent.objects.all(), user, kind, "region_path").filter(
        object_type=object_type, object_id=str(object_id))
