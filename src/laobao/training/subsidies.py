"""The monthly training-subsidy batch (培训补贴): ``laobao training subsidies --month YYYY-MM``.

An enrolment is eligible in month M when, by the end of M:

* it is completed (exam passed, ``completed_on`` ≤ month end) and its course carries a subsidy (> 0 fen);
* its certificate (issued on the passed exam) is valid — the certificate condition;
* for the course kinds that ``training.subsidy_conditions`` marks, the person has an employment relation in the
  registry that starts between the course's start date and ``employment_by`` (completion plus
  ``training.employment_within_months``) and on or before the month end — the employment condition;
* it has no subsidy row yet (one per enrolment, unique: a second run, or a later month, pays nothing twice).

The set is found by one query (``Exists`` subqueries); the rows go in with one ``bulk_create`` and the ledger
entries with one ``post_batch`` (key ``training_subsidy:<enrolment_id>``, Dr ``fund:employment`` / Cr
``payable:institution:<id>``: the employment fund owes the institution), all in one transaction, chunked.
An enrolment whose employment comes later is paid in the month it starts (while within ``employment_by``).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from laobao.core import audit
from laobao.kpi.selectors import month_end
from laobao.ledger.batch import Entry, post_batch
from laobao.policy.params import param
from laobao.registry.models import EmploymentRelation

from .models import Certificate, CertificateStatus, Enrolment, EnrolmentStatus, TrainingSubsidy

CHUNK = 5_000
FUND = "fund:employment"


@dataclass
class RunResult:
    month: date
    count: int
    total_fen: int

    def line(self) -> str:
        return f"training subsidies {self.month:%Y-%m}: {self.count} subsidies, {self.total_fen // 100}.{self.total_fen % 100:02d} yuan"


def eligible(month: date):
    """The eligible enrolments of ``month`` as (enrolment id, institution id, amount fen, kind) rows, by id."""
    end = month_end(month)
    needs_job = [k for k, v in param("training.subsidy_conditions", end).value.items() if v]
    cert = Certificate.objects.filter(enrolment=OuterRef("pk"), status=CertificateStatus.VALID, issued_on__lte=end)
    job = EmploymentRelation.objects.filter(person=OuterRef("person"), start_date__gte=OuterRef("course__start_date"),
                                            start_date__lte=OuterRef("employment_by")).filter(start_date__lte=end)
    return (Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED, completed_on__lte=end, course__subsidy_fen__gt=0)
            .filter(Exists(cert)).filter(Q(Exists(job)) | ~Q(course__kind__in=needs_job))
            .exclude(Exists(TrainingSubsidy.objects.filter(enrolment=OuterRef("pk"))))
            .order_by("id").values_list("id", "course__institution_id", "course__subsidy_fen"))


def run(month: date, *, progress=sys.stderr) -> RunResult:
    """Pay every eligible enrolment of ``month`` once; returns the count and total of this run."""
    rows = list(eligible(month))
    count = total = 0
    started = time.monotonic()
    day = month_end(month)
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i:i + CHUNK]
        with transaction.atomic():
            TrainingSubsidy.objects.bulk_create([
                TrainingSubsidy(enrolment_id=e, institution_id=inst, month=month, amount_fen=fen,
                                journal_key=f"training_subsidy:{e}") for e, inst, fen in chunk])
            post_batch(kind="training_subsidy", progress=None, entries=[
                Entry(f"training_subsidy:{e}", "培训补贴", day, [(FUND, fen, 0), (f"payable:institution:{inst}", 0, fen)])
                for e, inst, fen in chunk])
            fen_sum = sum(fen for _, _, fen in chunk)
            audit.record("training.subsidies", object_type="month", object_id=f"{month:%Y-%m}",
                         after={"count": len(chunk), "total_fen": fen_sum, "first": chunk[0][0], "last": chunk[-1][0]})
        count, total = count + len(chunk), total + fen_sum
        _progress(progress, count, len(rows), started)
    return RunResult(month, count, total)


def _progress(out, done: int, total: int, started: float) -> None:
    if out is None:
        return
    elapsed = max(time.monotonic() - started, 1e-6)
    rate = done / elapsed
    left = (total - done) / rate if rate else 0
    out.write(f"training subsidies: {done}/{total} rows, {rate:.0f} rows/s, {left:.0f} s left\n")
    out.flush()
