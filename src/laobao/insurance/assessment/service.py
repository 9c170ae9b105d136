"""``run(month)``: the monthly assessment (核定) of every payer, or of one employer. See ADR 0008.

Gather (SQL, conditional aggregation) → assess (NumPy, ``assess_columns``) → write chunk by chunk (each
chunk one transaction: bills, items, lines, journal entries, rechecks, one audit event). Payers that already
have a bill for the month are skipped, so a second run — or the run after a crash — writes only what is
missing.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date
from typing import TextIO

import numpy as np
from django.db import connection
from django.utils import timezone

from laobao.core.bulk import analyze_if_never, db_timestamp
from laobao.insurance import bases
from laobao.registry.models import Employer, Person

from .adjust import adjustments, pending
from .compute import Lines, compute
from .gather import gather, region_codes, risk_classes
from .rates import RateTable
from .write import PAUSE_MS, Chunk, Written, write_chunk

# Contribution rows per transaction (the crash test makes it small to get many transactions).
CHUNK_ROWS = int(os.environ.get("LAOBAO_ASSESS_CHUNK_ROWS", "1000000"))


@dataclass
class Summary:
    month: date
    employers: int = 0
    persons: int = 0
    lines: int = 0
    due_fen: int = 0
    already: int = 0

    def line(self) -> str:
        """The one stdout line: ``assessed YYYY-MM: N employers, M lines, due X.XX yuan`` (+ notes)."""
        sign, fen = ("-" if self.due_fen < 0 else ""), abs(self.due_fen)
        text = (f"assessed {self.month:%Y-%m}: {self.employers} employers, {self.lines} lines, "
                f"due {sign}{fen // 100}.{fen % 100:02d} yuan")
        notes = ([f"{self.persons} personal bills"] if self.persons else []) + \
                ([f"already assessed: {self.already}"] if self.already else [])
        return text + (f" ({'; '.join(notes)})" if notes else "")


def _already(month: date, employer_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM insurance_bill WHERE month = %s AND (%s = 0 OR employer_id = %s)",
                       [month, employer_id, employer_id])
        return int(cursor.fetchone()[0])


def _unbilled(month: date, rechecks) -> list:
    """Rechecks whose payer has no bill for ``month`` yet (the others wait for that payer's next bill)."""
    if not rechecks:
        return []
    employers = set(Employer.objects.filter(bills__month=month).values_list("id", flat=True)
                    .filter(id__in=[r.payer for r in rechecks if r.payer > 0]))
    persons = set(Person.objects.filter(own_bills__month=month).values_list("id", flat=True)
                  .filter(id__in=[-r.payer for r in rechecks if r.payer < 0]))
    return [r for r in rechecks if (r.payer not in employers if r.payer > 0 else -r.payer not in persons)]


def _regions(payers: np.ndarray, lines: Lines) -> np.ndarray:
    """Region id per payer: from its lines, else the employer's region or the person's residence."""
    regions = np.zeros(len(payers), dtype=np.int64)
    pos = np.searchsorted(payers, lines.payer)
    np.maximum.at(regions, pos, lines.region)
    missing = payers[regions == 0].tolist()
    if missing:
        found = dict(Employer.objects.filter(id__in=[p for p in missing if p > 0]).values_list("id", "region_id"))
        found.update((-k, v) for k, v in Person.objects.filter(id__in=[-p for p in missing if p < 0])
                     .values_list("id", "residence_region_id"))
        for i in np.nonzero(regions == 0)[0]:
            regions[i] = found.get(int(payers[i])) or 0
    return regions


def _chunks(payers: np.ndarray, lines: Lines, rechecks, regions: np.ndarray):
    order = np.argsort(lines.payer, kind="stable")
    lines = lines.take(order)
    starts = np.searchsorted(lines.payer, payers)
    ends = np.searchsorted(lines.payer, payers, side="right")
    by_payer: dict[int, list] = {}
    for r in rechecks:
        by_payer.setdefault(r.payer, []).append((r.id, r.payer))
    lo = 0
    while lo < len(payers):
        hi = int(np.searchsorted(ends, starts[lo] + CHUNK_ROWS, side="right"))
        hi = max(hi, lo + 1)
        chosen = payers[lo:hi]
        yield Chunk(chosen, regions[lo:hi], lines.take(slice(int(starts[lo]), int(ends[hi - 1]))),
                    [x for p in chosen.tolist() for x in by_payer.get(p, [])])
        lo = hi


def _report(out: TextIO | None, month: date, done: Written, payers: int, total_payers: int, rows: int,
            total_rows: int, started: float) -> None:
    if out is None:
        return
    elapsed = time.perf_counter() - started
    rate = rows / elapsed if elapsed > 0 else 0.0
    left = (total_rows - rows) / rate if rate > 0 else 0.0
    out.write(f"assess {month:%Y-%m}: payers {payers}/{total_payers}, rows {rows}/{total_rows} "
              f"({elapsed:.1f} s, {rate:,.0f} rows/s, {left:.0f} s left)\n")
    out.flush()


def prepare(month: date, employer_id: int = 0) -> tuple[Lines, list]:
    """Every line to write for ``month`` (regular and adjustments) and the rechecks they resolve."""
    year = bases.contribution_year(month)
    table = RateTable(month, bases.limits(year))  # refuses a year without limits
    rule = bases.missing_rule(month)
    codes, risk = region_codes(), risk_classes(month)
    parts = [compute(gather(month, year, employer_id=employer_id, personal=False), month, table, codes, risk, rule)]
    if not employer_id:
        parts.append(compute(gather(month, year, personal=True), month, table, codes, risk, rule))
    rechecks = _unbilled(month, pending(employer_id))
    parts.append(adjustments(month, rechecks, bases.missing_rule))
    return Lines.concat(parts), rechecks


def run(month: date, employer: Employer | None = None, progress: TextIO | None = sys.stderr) -> Summary:
    """Assess ``month`` for every payer (or ``employer`` alone); returns the counts of THIS run."""
    month = month.replace(day=1)
    employer_id = employer.pk if employer is not None else 0
    started = time.perf_counter()
    analyze_if_never("insurance_enrollment", "insurance_basedeclaration", "insurance_bill", "insurance_contribution")
    summary = Summary(month, already=_already(month, employer_id))
    lines, rechecks = prepare(month, employer_id)
    if progress is not None:
        progress.write(f"assess {month:%Y-%m}: gathered and computed {len(lines)} rows "
                       f"({time.perf_counter() - started:.1f} s)\n")
    payers = np.unique(np.concatenate([lines.payer, np.array([r.payer for r in rechecks], dtype=np.int64)]))
    regions = _regions(payers, lines)
    due, now = bases.due_date(month), db_timestamp(timezone.now())
    run_id = f"assess:{month:%Y-%m}:{uuid.uuid4().hex[:12]}"
    payers_done = rows_done = 0
    if PAUSE_MS:  # crash tests only (see write.PAUSE_MS): a kill may also land before the first chunk
        time.sleep(PAUSE_MS / 1000)
    for chunk in _chunks(payers, lines, rechecks, regions):
        done = write_chunk(chunk, month, due, now, run_id)
        summary.employers += done.employers
        summary.persons += done.persons
        summary.lines += done.lines
        summary.due_fen += done.due_fen
        payers_done, rows_done = payers_done + len(chunk.payers), rows_done + done.rows
        _report(progress, month, done, payers_done, len(payers), rows_done, len(lines), started)
    return summary
