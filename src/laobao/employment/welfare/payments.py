"""``laobao employment pay-subsidies [--date D] [--out DIR] [--encoding E]``: the employment fund's subsidies that
are owed go to the payees' banks in files of the payroll's layout (docs/formats/employment-subsidy-bank-file.md).

What is owed (every source posts its payable when it is decided; this module only pays it):
* 公益性岗位补贴 (``WelfareSubsidy``, key ``welfare_subsidy:<placement>:<YYYY-MM>``) → ``payable:welfare_post:<employer>``;
* 社会保险补贴 of a re-employment certificate (approved ``SupportApplication`` of kind employer_subsidy, key
  ``employment_subsidy:<no>``) → ``payable:employer_subsidy:<employer>``;
* 培训补贴 (``training.TrainingSubsidy``, key ``training_subsidy:<enrolment>``) → ``payable:institution:<id>``.

1. ``collect``: one ``SubsidyOrder`` per source row that has none (keys unique: a second collect adds nothing).
2. ONE transaction (mutex: the run table's row lock on PostgreSQL, the database lock on SQLite): the orders with a
   current ``PayeeAccount`` and no live line (none, or only lines returned rejected — held while the account that
   refused is still current) become ``SubsidyLine`` rows of a new ``SubsidyRun``; ledger per (bank, payable kind)
   ``subsidy-pay:<run id>:<bank>:<kind>``: Dr each payable / Cr ``payable:subsidy_bank:<bank>``; one audit row.
3. Files: one per bank ``subsidies-YYYY-MM-DD-<seq>-<bank>.csv``, line ids ``S<id>``, written from the database
   (a run whose files were not written — crash after commit — gets them at the next invocation).
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.db.models import CharField, Exists, F, IntegerField, Max, OuterRef, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from laobao.core import audit
from laobao.ledger.bankfile import ENCODINGS, render, write_atomic
from laobao.ledger.batch import Entry, post_batch
from laobao.training.models import TrainingSubsidy

from ..models import ApplicationStatus, SupportApplication, SupportKind
from .models import OrderSource, SubsidyLine, SubsidyOrder, SubsidyRun, WelfareSubsidy

BATCH = 5_000
LIVE = ("SELECT 1 FROM employment_subsidyline l LEFT JOIN employment_subsidyreturn x ON x.line_id = l.id "
        "WHERE l.order_id = o.id AND (x.id IS NULL OR x.outcome = 'paid')")
REFUSED = ("SELECT 1 FROM employment_subsidyline l JOIN employment_subsidyreturn x ON x.line_id = l.id "
           "WHERE l.order_id = o.id AND x.outcome = 'rejected' AND l.account_id = a.id")
_PAYEE = ("SELECT o.id, o.payable_code, o.amount_fen, a.id, a.bank_code FROM employment_subsidyorder o "
          "JOIN employment_payeeaccount a ON a.closed_on IS NULL AND a.{col} = o.{col} "
          f"WHERE NOT EXISTS ({LIVE}) AND NOT EXISTS ({REFUSED})")
PAYABLE = (_PAYEE.format(col="employer_id") + " UNION ALL " + _PAYEE.format(col="institution_id") + " ORDER BY 5, 1")
WAITING = f"SELECT COUNT(*), COALESCE(SUM(o.amount_fen), 0) FROM employment_subsidyorder o WHERE NOT EXISTS ({LIVE})"
FILE_LINES = (
    "SELECT l.bank_code, l.id, a.account_no, a.account_name, l.amount_fen, o.memo, a.bank_name "
    "FROM employment_subsidyline l JOIN employment_subsidyorder o ON o.id = l.order_id "
    "JOIN employment_payeeaccount a ON a.id = l.account_id WHERE l.run_id = %s ORDER BY 1, 2")


def rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def kind_of(payable_code: str) -> str:
    return payable_code.split(":")[1]  # welfare_post | employer_subsidy | institution


def _sources():
    """(source, queryset of (key, employer, institution, region, payable, amount, memo)) of the three payables."""
    no_order = ~Exists(SubsidyOrder.objects.filter(key=OuterRef("journal_key")))
    welfare = (WelfareSubsidy.objects.filter(no_order).exclude(journal_key="").annotate(
        k=F("journal_key"), e=F("employer_id"), i=Value(None, output_field=IntegerField()), r=F("placement__post__region_id"),
        code=Concat(Value("payable:welfare_post:"), F("employer_id"), output_field=CharField()),
        memo=Concat(Value("公益性岗位补贴 "), F("placement__person__name"), output_field=CharField())).values_list(
        "k", "e", "i", "r", "code", "total_fen", "memo", "month"))
    apps = (SupportApplication.objects.filter(kind=SupportKind.EMPLOYER_SUBSIDY, status=ApplicationStatus.APPROVED,
                                              amount_fen__gt=0).exclude(posting_key="")
            .exclude(Exists(SubsidyOrder.objects.filter(key=OuterRef("posting_key")))).annotate(
        k=F("posting_key"), e=F("employer_id"), i=Value(None, output_field=IntegerField()),
        r=Coalesce(F("person__residence_region_id"), F("employer__region_id")),
        code=Concat(Value("payable:employer_subsidy:"), F("employer_id"), output_field=CharField()),
        memo=Concat(Value("社会保险补贴 "), F("application_no"), output_field=CharField())).values_list(
        "k", "e", "i", "r", "code", "amount_fen", "memo", "from_month"))
    training = (TrainingSubsidy.objects.filter(no_order).exclude(journal_key="").annotate(
        k=F("journal_key"), e=Value(None, output_field=IntegerField()), i=F("institution_id"), r=F("institution__region_id"),
        code=Concat(Value("payable:institution:"), F("institution_id"), output_field=CharField()),
        memo=Concat(Value("培训补贴 "), F("enrolment__course__code"), output_field=CharField())).values_list(
        "k", "e", "i", "r", "code", "amount_fen", "memo", "month"))
    return [(OrderSource.WELFARE, welfare), (OrderSource.EMPLOYER_SUBSIDY, apps), (OrderSource.TRAINING, training)]


def collect() -> int:
    """One order per owed source row without one; returns how many were added."""
    added = 0
    for source, qs in _sources():
        found = list(qs.order_by())
        for lo in range(0, len(found), BATCH):
            SubsidyOrder.objects.bulk_create([
                SubsidyOrder(key=k, source=source, employer_id=e, institution_id=i, region_id=r, payable_code=code,
                             amount_fen=fen, memo=(f"{memo} {month:%Y-%m}" if month else memo)[:60])
                for k, e, i, r, code, fen, memo, month in found[lo:lo + BATCH]], ignore_conflicts=True)
        added += len(found)
    return added


def lock() -> None:
    """One subsidy payment writer at a time (runs and return imports)."""
    list(SubsidyRun.objects.select_for_update().order_by("id").values_list("id", flat=True)[:1])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE employment_subsidyline IN SHARE ROW EXCLUSIVE MODE")


def _postings(run: SubsidyRun, found: list[tuple]) -> list[Entry]:
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for _o, code, amount, _a, bank in found:
        per = groups.setdefault((bank, kind_of(code)), {})
        per[code] = per.get(code, 0) + amount
    out = []
    for (bank, kind), per in sorted(groups.items()):
        total = sum(per.values())
        legs = [(code, fen, 0) for code, fen in sorted(per.items())] + [(f"payable:subsidy_bank:{bank}", 0, total)]
        out.append(Entry(f"subsidy-pay:{run.pk}:{bank}:{kind}", f"就业补贴付款 {run.day:%Y-%m-%d}#{run.seq} 银行 {bank} "
                         f"{len(per)} 户", run.day, legs))
    return out


def _write(day: date) -> SubsidyRun | None:
    with transaction.atomic():
        lock()
        found = rows(PAYABLE)
        if not found:
            return None
        seq = (SubsidyRun.objects.filter(day=day).aggregate(m=Max("seq"))["m"] or 0) + 1
        run = SubsidyRun.objects.create(day=day, seq=seq, started_at=timezone.now(), lines=len(found),
                                        total_fen=sum(r[2] for r in found))
        for lo in range(0, len(found), BATCH):
            SubsidyLine.objects.bulk_create([
                SubsidyLine(run=run, order_id=o, payable_code=code, amount_fen=fen, account_id=a, bank_code=bank)
                for o, code, fen, a, bank in found[lo:lo + BATCH]])
        post_batch(kind="employment_subsidy_payment", entries=_postings(run, found), progress=None)
        audit.record("subsidy_payments.run", object_type="subsidy_run", object_id=run.pk,
                     after={"day": day.isoformat(), "seq": seq, "lines": run.lines, "total_fen": run.total_fen})
    return run


def write_files(run: SubsidyRun, out_dir: Path, encoding: str = "utf-8") -> list[dict]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    by_bank: dict[str, list[tuple]] = {}
    names: dict[str, str] = {}
    for bank, line, account, holder, amount, memo, bank_name in rows(FILE_LINES, [run.pk]):
        names.setdefault(bank, bank_name)
        by_bank.setdefault(bank, []).append((f"S{line}", account, holder, amount, f"{run.day:%Y-%m-%d}", memo))
    files = []
    for code, lines in sorted(by_bank.items()):
        data = render(f"{run.day:%Y-%m-%d}", code, names[code], lines).encode(ENCODINGS[encoding])
        path = out_dir / f"subsidies-{run.day:%Y-%m-%d}-{run.seq}-{code}.csv"
        sha = write_atomic(path, data)
        files.append({"bank": code, "file": str(path), "encoding": encoding, "lines": len(lines),
                      "total_fen": sum(r[3] for r in lines), "sha256": sha})
    return files


def _finish(run: SubsidyRun, out_dir: Path, encoding: str) -> SubsidyRun:
    files = write_files(run, out_dir, encoding)
    with transaction.atomic():
        SubsidyRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(files=files, finished_at=timezone.now())
        audit.record("subsidy_payments.files", object_type="subsidy_run", object_id=run.pk,
                     after={"files": [{k: f[k] for k in ("bank", "lines", "total_fen", "sha256")} for f in files]})
    run.refresh_from_db()
    return run


def run_payments(day: date, out_dir: Path, *, encoding: str = "utf-8", progress=sys.stderr) -> dict:
    """Collect the owed subsidies, pay what has a payee account; returns this run (or None) and what waits."""
    started = time.perf_counter()
    with transaction.atomic():
        collected = collect()
    for unfinished in SubsidyRun.objects.filter(finished_at__isnull=True).order_by("id"):
        _finish(unfinished, out_dir, encoding)
    run = _write(day)
    if run is not None:
        run = _finish(run, out_dir, encoding)
    waiting, waiting_fen = rows(WAITING)[0]
    if progress is not None:
        progress.write(f"subsidy payments {day:%Y-%m-%d}: {collected} new orders; {run.lines if run else 0} lines "
                       f"written; {waiting} orders waiting for a payee account ({time.perf_counter() - started:.2f} s)\n")
    return {"day": day, "run": run, "collected": collected, "lines": run.lines if run else 0,
            "total_fen": run.total_fen if run else 0, "files": run.files if run else [], "waiting": int(waiting),
            "waiting_fen": int(waiting_fen)}
