"""``laobao payouts run [--date D] [--out DIR]``: every payable order that can be paid goes into a bank file.

1. One SQL read of the orders to pay: a known payee, no live line (a line without return, or returned
   paid), the payee's current account (代发账户 of a person, 单位账户 of an employer) — held while the
   account that rejected an earlier line of the order is still current (corrected → the next run pays).
2. ONE transaction (the payouts mutex = the Bank rows, locked): a ``PayoutRun`` (day, seq), its lines, the
   ledger entries per (bank, payable kind) ``payouts:<run id>:<bank>:<kind>`` (Dr each payable account / Cr
   ``payable:bank:<bank>``) and one audit event. Nothing to pay → no run, no file: a second run is a no-op.
3. The files (docs/formats/payroll-bank-file.md, section "One-time payments"): one CSV per bank, written
   from the database in the payroll's layout (H/D/T), line ids ``P<id>``. A run whose files were not written
   (crash after the commit) gets them at the next invocation.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from laobao.core import audit
from laobao.core.bulk import db_timestamp
from laobao.ledger.bankfile import render  # the generic H/D/T layout, shared with employment subsidies
from laobao.ledger.batch import Entry, post_batch, write_columns

from ..models import Bank
from ..payroll import bankfile
from .models import PayoutRun

LIVE = ("SELECT 1 FROM benefits_payoutline l LEFT JOIN benefits_payoutreturn x ON x.line_id = l.id "
        "WHERE l.payout_id = p.id AND (x.id IS NULL OR x.outcome = 'paid')")
REFUSED = ("SELECT 1 FROM benefits_payoutline l JOIN benefits_payoutreturn x ON x.line_id = l.id "
           "WHERE l.payout_id = p.id AND x.outcome = 'rejected' AND l.{col} = a.id")
PAYABLE = (
    "SELECT p.id, p.payable_code, p.amount_fen, a.id, NULL, bk.code FROM benefits_payout p "
    "JOIN benefits_bankaccount a ON a.person_id = p.person_id AND a.closed_on IS NULL "
    "JOIN benefits_bank bk ON bk.id = a.bank_id "
    f"WHERE NOT EXISTS ({LIVE}) AND NOT EXISTS ({REFUSED.format(col='bank_account_id')}) "
    "UNION ALL "
    "SELECT p.id, p.payable_code, p.amount_fen, NULL, a.id, bk.code FROM benefits_payout p "
    "JOIN benefits_employerbankaccount a ON a.employer_id = p.employer_id AND a.closed_on IS NULL "
    "JOIN benefits_bank bk ON bk.id = a.bank_id "
    f"WHERE NOT EXISTS ({LIVE}) AND NOT EXISTS ({REFUSED.format(col='employer_account_id')}) "
    "ORDER BY 6, 1")
WAITING = (f"SELECT COUNT(*), COALESCE(SUM(p.amount_fen), 0) FROM benefits_payout p WHERE NOT EXISTS ({LIVE})")


def _rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def lock() -> None:
    """One payouts writer at a time (runs and return imports): the bank rows are the mutex."""
    list(Bank.objects.select_for_update().order_by("id").values_list("id", flat=True))


def kind_of(payable_code: str) -> str:
    return payable_code.split(":")[1]  # person | heir | employer


def _postings(run: PayoutRun, rows: list[tuple]) -> list[Entry]:
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for _pid, code, amount, _a, _e, bank in rows:
        per_code = groups.setdefault((bank, kind_of(code)), {})
        per_code[code] = per_code.get(code, 0) + amount
    out = []
    for (bank, kind), per_code in sorted(groups.items()):
        total = sum(per_code.values())
        legs = [(code, fen, 0) for code, fen in sorted(per_code.items())] + [(f"payable:bank:{bank}", 0, total)]
        out.append(Entry(f"payouts:{run.pk}:{bank}:{kind}", f"一次性待遇发放 {run.day:%Y-%m-%d}#{run.seq} 银行 {bank} "
                         f"{len(per_code)} 户", run.day, legs))
    return out


def _write(day: date) -> PayoutRun | None:
    with transaction.atomic():
        lock()
        rows = _rows(PAYABLE)
        if not rows:
            return None
        seq = (PayoutRun.objects.filter(day=day).aggregate(m=Max("seq"))["m"] or 0) + 1
        run = PayoutRun.objects.create(day=day, seq=seq, started_at=timezone.now(), lines=len(rows),
                                       total_fen=sum(r[2] for r in rows))
        cols = list(zip(*rows))  # payout, payable, amount, person's account, employer's account, bank
        write_columns("benefits_payoutline", ("run_id", "payout_id", "payable_code", "amount_fen", "bank_account_id",
                                              "employer_account_id", "bank_code", "created_at"),
                      [[run.pk] * len(rows), *cols, [db_timestamp(timezone.now())] * len(rows)])
        post_batch(kind="benefit_payout", entries=_postings(run, rows), progress=None)
        audit.record("payouts.run", object_type="payout_run", object_id=run.pk,
                     after={"day": day.isoformat(), "seq": seq, "lines": run.lines, "total_fen": run.total_fen})
    return run


FILE_LINES = (
    "SELECT l.bank_code, l.id, COALESCE(a.account_no, e.account_no), COALESCE(a.holder_name, e.account_name), "
    "l.amount_fen, p.memo FROM benefits_payoutline l JOIN benefits_payout p ON p.id = l.payout_id "
    "LEFT JOIN benefits_bankaccount a ON a.id = l.bank_account_id "
    "LEFT JOIN benefits_employerbankaccount e ON e.id = l.employer_account_id WHERE l.run_id = %s ORDER BY 1, 2")


def write_files(run: PayoutRun, out_dir: Path, encoding: str = "utf-8") -> list[dict]:
    """One file per bank (``payouts-YYYY-MM-DD-<seq>-<bank>.csv``) in the payroll's layout, ids ``P<id>``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = dict(Bank.objects.values_list("code", "name"))
    by_bank: dict[str, list[tuple]] = {}
    for bank, line, account, holder, amount, memo in _rows(FILE_LINES, [run.pk]):
        by_bank.setdefault(bank, []).append((f"P{line}", account, holder, amount, f"{run.day:%Y-%m-%d}", memo))
    files = []
    for code, rows in sorted(by_bank.items()):
        data = render(f"{run.day:%Y-%m-%d}", code, names.get(code, ""), rows).encode(bankfile.ENCODINGS[encoding])
        path = out_dir / f"payouts-{run.day:%Y-%m-%d}-{run.seq}-{code}.csv"
        tmp = path.with_suffix(".csv.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        files.append({"bank": code, "file": str(path), "encoding": encoding, "lines": len(rows),
                      "total_fen": sum(r[3] for r in rows), "sha256": hashlib.sha256(data).hexdigest()})
    return files


def _finish(run: PayoutRun, out_dir: Path, encoding: str) -> PayoutRun:
    files = write_files(run, out_dir, encoding)
    with transaction.atomic():
        PayoutRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(files=files, finished_at=timezone.now())
        audit.record("payouts.files", object_type="payout_run", object_id=run.pk,
                     after={"files": [{k: f[k] for k in ("bank", "lines", "total_fen", "sha256")} for f in files]})
    run.refresh_from_db()
    return run


def run_payouts(day: date, out_dir: Path, *, encoding: str = "utf-8", progress=sys.stderr) -> dict:
    """Pay what can be paid; returns this invocation's run (or None), its files and what still waits."""
    started = time.perf_counter()
    for unfinished in PayoutRun.objects.filter(finished_at__isnull=True).order_by("id"):  # a crash after commit
        _finish(unfinished, out_dir, encoding)
    run = _write(day)
    if run is not None:
        run = _finish(run, out_dir, encoding)
    waiting, waiting_fen = _rows(WAITING)[0]
    if progress is not None:
        progress.write(f"payouts {day:%Y-%m-%d}: {run.lines if run else 0} lines written; {waiting} orders "
                       f"waiting for a payee or an account ({time.perf_counter() - started:.2f} s)\n")
    return {"day": day, "run": run, "lines": run.lines if run else 0, "total_fen": run.total_fen if run else 0,
            "files": run.files if run else [], "waiting": int(waiting), "waiting_fen": int(waiting_fen)}
