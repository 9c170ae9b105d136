"""``laobao benefits verify-check --month YYYY-MM``: suspend every pension whose entitlement verification
(领取资格认证) is overdue, from that month on.

Set-based selection (one SQL read): pensions active in the month (kind pension, status active, started,
not ended) whose person's last ``Verification`` — or, with none, the benefit's start month (the award) —
is more than ``benefits.verification_period_months`` months before the month. Each is suspended through
``benefits.services.suspend`` (reason ``verification_missed``; a handful of rows a month), in chunks of
``CHUNK``, one transaction each; idempotent: a suspended pension is not active, so a re-run finds nothing.
A later ``verify`` resumes it with back pay.
"""

from __future__ import annotations

import sys
import time
from datetime import date

from django.db import transaction

from laobao.policy.params import param

from .. import services as core
from ..models import Benefit
from ..payroll.due import _mi_sql, _rows, mi
from .services import SUSPEND_REASON

CHUNK = 1_000
P_PERIOD = "benefits.verification_period_months"


def period(month: date) -> int:
    return int(param(P_PERIOD, month).value)


def overdue(month: date) -> list[int]:
    """Ids of the active pensions whose verification is overdue in ``month`` (first day)."""
    last = "COALESCE((SELECT MAX(v.verified_on) FROM benefits_verification v WHERE v.person_id = b.person_id), b.start_month)"
    sql = ("SELECT b.id FROM benefits_benefit b WHERE b.kind = 'pension' AND b.status = 'active' "
           "AND b.start_month <= %s AND (b.end_month IS NULL OR b.end_month >= %s) "
           "AND " + _mi_sql(last) + " + %s < %s ORDER BY b.id")
    return [r[0] for r in _rows(sql, [month, month, period(month), mi(month)])]


def verify_check(month: date, *, user=None, progress=sys.stderr) -> dict:
    month = month.replace(day=1)
    ids = overdue(month)
    started, done = time.perf_counter(), 0
    for lo in range(0, len(ids), CHUNK):
        with transaction.atomic():
            for b in Benefit.objects.filter(pk__in=ids[lo:lo + CHUNK], status="active").select_related("person"):
                core.suspend(user=user, benefit=b, month=month, reason=SUSPEND_REASON,
                             note=f"超过 {period(month)} 个月未进行领取资格认证")
                done += 1
        if progress is not None:
            elapsed = time.perf_counter() - started
            rate = done / elapsed if elapsed > 0 else 0.0
            progress.write(f"verify-check {done}/{len(ids)} ({elapsed:.1f} s, {rate:,.0f} rows/s, "
                           f"{(len(ids) - done) / rate if rate else 0:.0f} s left)\n")
    return {"month": month, "suspended": done, "period_months": period(month)}
