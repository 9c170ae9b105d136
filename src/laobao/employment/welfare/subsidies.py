"""The monthly public-welfare post subsidy batch: ``laobao employment welfare-subsidies --month YYYY-MM``.

A placement is due in month M when it covers at least one day of M (started by the month end, not left before
the month start), its post is in force in M, and it has no subsidy row for M yet (unique (placement, month):
a re-run pays nothing twice; a placement skipped for a missing standard is paid by the run after the standard
is entered). Per placement and month:

* post subsidy (岗位补贴) = the amount stated on the post, else ``employment.welfare_post_subsidy`` for the
  post's kind on the month's first day. Neither → the placement is named as missing on stderr and nothing is
  paid for it (ADR 0017: no invented amounts);
* social-insurance subsidy (社会保险补贴), when the post has it = the employer's pension + medical + unemployment
  shares of the person's regular contribution lines of M billed to the post's employer — the sum
  ``certificates.shares_sum`` of the re-employment certificate's employer subsidy, here one grouped query for the
  whole month, given once per (person, employer) and month (to the first placement of the month with that employer).
  Lines assessed after the run are not added later (run the batch after the month's assessment).

Set-based: one query for the due placements, one grouped query for the shares; per chunk of 5,000 one
``bulk_create``, one ``post_batch`` (key ``welfare_subsidy:<placement>:<YYYY-MM>``, kind ``welfare_subsidy``,
value date the month end: Dr ``fund:employment`` / Cr ``payable:welfare_post:<employer id>``) and one audit row,
in one transaction. Progress on stderr; the last line ``welfare subsidies YYYY-MM: N placements, X.XX yuan``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from laobao.core import audit
from laobao.insurance.models import Contribution
from laobao.kpi.selectors import month_end
from laobao.ledger.bankfile import yuan_text
from laobao.ledger.batch import Entry, post_batch
from laobao.policy.params import ParameterError, param

from ..certificates import shares_sum
from .models import PostKind, WelfarePlacement, WelfareSubsidy

CHUNK = 5_000
FUND = "fund:employment"
PARAM = "employment.welfare_post_subsidy"


def payable(employer_id: int) -> str:
    return f"payable:welfare_post:{employer_id}"


@dataclass
class RunResult:
    month: date
    count: int = 0
    total_fen: int = 0
    missing: list[str] = field(default_factory=list)  # "post name (kind)" without a post subsidy standard
    nothing: int = 0  # due placements whose subsidy is 0 (no standard amount and no shares)

    def line(self) -> str:
        return f"welfare subsidies {self.month:%Y-%m}: {self.count} placements, {yuan_text(self.total_fen)} yuan"


def due(month: date):
    """(placement, person, employer, kind, stated post subsidy, si subsidy?, region path) of the month, by id."""
    end = month_end(month)
    done = WelfareSubsidy.objects.filter(placement=OuterRef("pk"), month=month)
    return (WelfarePlacement.objects.filter(start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
            .filter(post__start_date__lte=end).filter(Q(post__end_date__isnull=True) | Q(post__end_date__gte=month))
            .exclude(Exists(done)).order_by("id")
            .values_list("id", "person_id", "post__employer_id", "post__kind", "post__post_subsidy_fen",
                         "post__si_subsidy", "post__name"))


def shares(month: date) -> dict[tuple[int, int], int]:
    """Σ employer shares of month ``month`` per (person, employer) for the persons placed with that employer."""
    placed = WelfarePlacement.objects.filter(person=OuterRef("person"), post__employer=OuterRef("bill__employer"),
                                             post__si_subsidy=True)
    rows = (Contribution.objects.filter(month=month, adjustment=False).filter(Exists(placed)).order_by()
            .values_list("person_id", "bill__employer_id").annotate(s=shares_sum()))
    return {(p, e): int(s or 0) for p, e, s in rows}


def standards(month: date) -> dict | None:
    try:
        return param(PARAM, month).value
    except ParameterError:
        return None


def _amounts(month: date, rows: list[tuple], result: RunResult) -> list[tuple[int, int, int, int]]:
    """(placement, employer, post fen, si fen) of the payable rows; the rest counted in ``result``."""
    table, si = standards(month), shares(month)
    out = []
    for pid, person, employer, kind, stated, has_si, name in rows:
        post_fen = stated if stated is not None else (table or {}).get(kind)
        if post_fen is None:
            result.missing.append(f"{name}（{PostKind(kind).label}）")
            continue
        # pop: the month's shares of one (person, employer) go to one placement only (left one post, took another)
        si_fen = si.pop((person, employer), 0) if has_si else 0
        if post_fen + si_fen <= 0:
            result.nothing += 1
            continue
        out.append((pid, employer, int(post_fen), si_fen))
    return out


def _write(month: date, chunk: list[tuple[int, int, int, int]]) -> int:
    day, tag = month_end(month), f"{month:%Y-%m}"
    with transaction.atomic():
        WelfareSubsidy.objects.bulk_create([
            WelfareSubsidy(placement_id=p, month=month, employer_id=e, post_fen=pf, si_fen=sf, total_fen=pf + sf,
                           journal_key=f"welfare_subsidy:{p}:{tag}") for p, e, pf, sf in chunk])
        post_batch(kind="welfare_subsidy", progress=None, entries=[
            Entry(f"welfare_subsidy:{p}:{tag}", f"公益性岗位补贴 {tag}", day,
                  [(FUND, pf + sf, 0), (payable(e), 0, pf + sf)]) for p, e, pf, sf in chunk])
        total = sum(pf + sf for _, _, pf, sf in chunk)
        audit.record("welfare.subsidies", object_type="month", object_id=tag,
                     after={"count": len(chunk), "total_fen": total, "first": chunk[0][0], "last": chunk[-1][0]})
    return total


def run(month: date, *, progress=sys.stderr) -> RunResult:
    """Pay every due placement of ``month`` once; names the placements without a standard on stderr."""
    month = month.replace(day=1)
    result = RunResult(month)
    rows = _amounts(month, list(due(month)), result)
    started = time.monotonic()
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i:i + CHUNK]
        result.total_fen += _write(month, chunk)
        result.count += len(chunk)
        _progress(progress, result.count, len(rows), started)
    if progress is not None and result.missing:
        names = "、".join(sorted(set(result.missing))[:20])
        progress.write(f"welfare subsidies {month:%Y-%m}: {len(result.missing)} placements NOT paid — no post subsidy "
                       f"standard: parameter {PARAM} has no value for their kind on {month:%Y-%m-%d} and the post states "
                       f"none ({names}); enter the standard with its notice or state it on the post, then run again\n")
    return result


def _progress(out, done: int, total: int, started: float) -> None:
    if out is None:
        return
    elapsed = max(time.monotonic() - started, 1e-6)
    rate = done / elapsed
    left = (total - done) / rate if rate else 0
    out.write(f"welfare subsidies: {done}/{total} rows, {rate:.0f} rows/s, {left:.0f} s left\n")
    out.flush()
