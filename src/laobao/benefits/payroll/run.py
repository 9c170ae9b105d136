"""``laobao payroll --month YYYY-MM``: pay every benefit owed up to the month, write one file per bank.

1. The run row of the month (unique month; a month before the latest run is refused).
2. ``due.owed``: what every benefit is owed (set-based), then the person's current 代发账户; a benefit
   with no account, or whose rejected line named the account that is still current, is held (its months
   stay owed and are paid by a later run once the account is recorded or corrected).
3. Chunks of ``CHUNK`` lines, each ONE transaction: the lines (a line paying one month names it in
   ``single_month``), the PaymentMonth rows of back-pay lines only (ADR 0018), the ledger entries
   ``payroll:<YYYY-MM>:<bank>:<fund>:<first line id>`` (Dr the fund — and for a pension's account part
   Dr ``personal:<pid>:annuity`` while its balance lasts — / Cr ``payable:bank:<bank>``), one audit event.
   Idempotent and crash-safe: a benefit with a line in this run is not read again, so a re-run after a
   crash writes only what is missing and a re-run after success writes nothing.
4. The bank files (docs/formats/payroll-bank-file.md) from the database, the run's totals.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from itertools import compress
from pathlib import Path

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.bulk import db_timestamp, sqlite_insert
from laobao.core.errors import DomainError
from laobao.ledger.batch import Entry, cache_mib, post_batch, write_columns

from ..models import PayrollRun
from . import bankfile, medical
from .due import Owed, _cols, _rows, mi, month_iso, month_text, owed

CHUNK = 50_000


def chunk_size(chunk: int | None = None) -> int:
    """Lines per transaction: ``chunk``, else ``LAOBAO_PAYROLL_CHUNK`` (the crash tests use a few), else CHUNK."""
    return max(1, chunk or int(os.environ.get("LAOBAO_PAYROLL_CHUNK") or CHUNK))


def _pause() -> None:
    """``LAOBAO_PAYROLL_CHUNK_PAUSE_MS``: a pause after each committed chunk, so that the SIGKILL test's kills
    land between chunks as well as inside them. Unset in production."""
    ms = os.environ.get("LAOBAO_PAYROLL_CHUNK_PAUSE_MS")
    if ms:
        time.sleep(int(ms) / 1000)


def _run_row(month: date) -> PayrollRun:
    with transaction.atomic():
        later = PayrollRun.objects.filter(month__gt=month).order_by("-month").first()
        if later is not None:
            raise DomainError.of("month", "payroll.month_order",
                                 f"{later.month:%Y-%m} 的发放已经运行：不能再运行更早的月份（欠发的月份会在下次发放中补发）",
                                 f"the payroll of {later.month:%Y-%m} has run: an earlier month cannot run any more "
                                 "(owed months are paid back by the next run)")
        run, created = PayrollRun.objects.get_or_create(month=month, sequence=0,
                                                        defaults={"started_at": timezone.now()})
        if created:
            audit.record("payroll.start", object_type="payroll_run", object_id=run.pk, after={"month": f"{month:%Y-%m}"})
    return run


def _accounts():
    """person id → (account id, bank code) of every current 代发账户 (sorted by person)."""
    rows = _rows("SELECT a.person_id, a.id, CAST(bk.code AS INTEGER) FROM benefits_bankaccount a "
                 "JOIN benefits_bank bk ON bk.id = a.bank_id WHERE a.closed_on IS NULL ORDER BY a.person_id", [])
    return _cols(rows, 3)


def _held(run_id: int) -> np.ndarray:
    """Benefits whose rejected line was paid to the account that is still current: wait for a correction."""
    rows = _rows("SELECT DISTINCT l.benefit_id FROM benefits_paymentline l JOIN benefits_paymentreturn x "
                 "ON x.line_id = l.id JOIN benefits_bankaccount a ON a.id = l.bank_account_id "
                 "WHERE x.outcome = 'rejected' AND a.closed_on IS NULL", [])
    return np.array(sorted(r[0] for r in rows), dtype=np.int64)


def _annuity_balances():
    rows = _rows("SELECT a.code, SUM(l.credit_fen) - SUM(l.debit_fen) FROM ledger_account a "
                 "JOIN ledger_journalline l ON l.account_id = a.id WHERE a.kind = 'personal' "
                 "AND a.code LIKE %s GROUP BY a.code", ["personal:%:annuity"])
    pairs = sorted((int(code.split(":")[1]), int(bal)) for code, bal in rows)
    return _cols(pairs, 2)


def _lookup(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray, default: int = -1) -> np.ndarray:
    out = np.full(wanted.size, default, dtype=np.int64)
    if keys.size:
        at = np.searchsorted(keys, wanted)
        hit = at < keys.size
        hit[hit] = keys[at[hit]] == wanted[hit]
        out[hit] = values[at[hit]]
    return out


def plan(o: Owed, run_id: int, n_pid: np.ndarray, n_bal: np.ndarray) -> tuple[dict, dict]:
    """Attach accounts and the annuity split; drop held lines. Returns (columns, counts)."""
    a_person, a_id, a_bank = _accounts()
    account, bank = _lookup(a_person, a_id, o.person), _lookup(a_person, a_bank, o.person)
    held = np.isin(o.benefit, _held(run_id))
    keep = (account >= 0) & ~held
    counts = {"no_account": int((account < 0).sum()), "held": int(((account >= 0) & held).sum()),
              "slow": o.slow}
    annuity = np.minimum(o.account_part, np.maximum(_lookup(n_pid, n_bal, o.person, 0), 0))
    new_index = np.cumsum(keep) - 1
    mkeep = keep[o.month_line]
    cols = {"benefit": o.benefit[keep], "person": o.person[keep], "fund": o.fund[keep], "amount": o.amount[keep],
            "annuity": annuity[keep], "account": account[keep], "bank": bank[keep], "funds": o.funds,
            "paid_cum": (o.paid_before + o.amount)[keep],
            "month_line": new_index[o.month_line[mkeep]], "month": o.month[mkeep], "month_amount": o.month_amount[mkeep]}
    return cols, counts


def months_text(months: list[int]) -> str:
    """"2026-01" or "2025-03…2025-06,2026-01": consecutive months as ranges."""
    parts, lo = [], None
    for i, m in enumerate(months):
        lo = m if lo is None else lo
        if i + 1 == len(months) or months[i + 1] != m + 1:
            parts.append(month_text(lo) if lo == m else f"{month_text(lo)}…{month_text(m)}")
            lo = None
    text = ",".join(parts)
    return text if len(text) <= 400 else text[:397] + "…"


def _line_texts(month_line: np.ndarray, month: np.ndarray, n: int):
    counts = np.bincount(month_line, minlength=n)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    lo, hi = month[first], month[first + counts - 1]
    single = counts == 1
    texts = np.empty(n, dtype=object)
    names = {m: month_text(m) for m in np.unique(lo[single]).tolist()}
    texts[single] = [names[m] for m in lo[single].tolist()]
    for i in np.flatnonzero(~single).tolist():  # back pay lines only
        texts[i] = months_text(month[first[i]:first[i] + counts[i]].tolist())
    return counts, lo, hi, texts.tolist()


def _reserve(table: str, n: int) -> np.ndarray:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            seq = cursor.fetchone()[0]
            cursor.execute("SELECT string_agg(nextval(%s::regclass)::text, ',') FROM generate_series(1, %s)", [seq, n])
            return np.array(cursor.fetchone()[0].split(","), dtype=np.int64)
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM benefits_paymentline")
        return np.arange(n, dtype=np.int64) + cursor.fetchone()[0] + 1


def _iso(months: np.ndarray) -> list[str]:
    names = {m: month_iso(m) for m in np.unique(months).tolist()}
    return [names[m] for m in months.tolist()]


def _postings(run: PayrollRun, c: dict, ids: np.ndarray, lo: int, hi: int) -> list[Entry]:
    """One entry per (bank, fund) of the chunk: Dr fund (and annuity accounts) / Cr payable:bank:<bank>."""
    out = []
    bank, fund, amount, annuity = c["bank"][lo:hi], c["fund"][lo:hi], c["amount"][lo:hi], c["annuity"][lo:hi]
    person, today = c["person"][lo:hi], timezone.localdate()
    for b, f in sorted(set(zip(bank.tolist(), fund.tolist()))):
        sel = (bank == b) & (fund == f)
        fund_code = c["funds"][f]
        total, from_annuity = int(amount[sel].sum()), int(annuity[sel].sum())
        lines = [(fund_code, total - from_annuity, 0)] if total > from_annuity else []
        with_annuity = sel & (annuity > 0)
        lines += [(f"personal:{p}:annuity", a, 0) for p, a in zip(person[with_annuity].tolist(),
                                                                  annuity[with_annuity].tolist())]
        lines.append((f"payable:bank:{b:03d}", 0, total))
        out.append(Entry(f"payroll:{run.month:%Y-%m}:{b:03d}:{fund_code.split(':', 1)[1]}:{int(ids[sel][0])}",
                         f"{run.month:%Y-%m} 待遇发放 银行 {b:03d} {int(sel.sum())} 笔", today, lines))
    return out


def _append(table: str, names: tuple, columns: list) -> None:
    """The payroll's rows: on SQLite multi-row ``INSERT … VALUES`` (``core.bulk.sqlite_insert``) — for these
    wide rows (16 columns) about a third of the CPU of ``write_columns``' json_each statement, which parses each
    row's JSON once per column (helper C, docs/PERFORMANCE.md); on PostgreSQL ``write_columns`` (COPY)."""
    if connection.vendor != "sqlite":
        write_columns(table, names, columns)
        return
    cache_mib(256)
    sqlite_insert(table, names, zip(*(c.tolist() if isinstance(c, np.ndarray) else c for c in columns)))


LINE_COLUMNS = ("id", "run_id", "benefit_id", "person_id", "bank_account_id", "bank_code", "fund", "amount_fen",
                "annuity_fen", "first_month", "last_month", "month_count", "months_text", "single_month",
                "paid_cum_fen", "created_at")
SINGLE = LINE_COLUMNS.index("single_month")


def _write_lines(single: np.ndarray, columns: list) -> None:
    """The lines: ``single_month`` = the month of a line paying exactly one (``columns`` carry first_month
    there), NULL for back-pay lines (they get PaymentMonth rows). Written as two parts so that each part's
    single_month is of one type (PostgreSQL's COPY text takes a column of strings as it is)."""
    if single.all():
        _append("benefits_paymentline", LINE_COLUMNS, columns)
        return
    for part, null in ((single, False), (~single, True)):
        if part.any():
            keep = part.tolist()
            cols = [c[part] if isinstance(c, np.ndarray) else list(compress(c, keep)) for c in columns]
            if null:
                cols[SINGLE] = [None] * len(cols[SINGLE])
            _append("benefits_paymentline", LINE_COLUMNS, cols)


def _reissued(run: PayrollRun, benefits: np.ndarray) -> bool:
    """A reissue of the month (which holds the same lock for its whole read and write) paid some of these
    benefits after this run read what was owed."""
    rows = _rows("SELECT DISTINCT l.benefit_id FROM benefits_paymentline l JOIN benefits_payrollrun r ON r.id = l.run_id "
                 "WHERE r.month = %s AND r.sequence > 0", [run.month])
    return bool(rows) and bool(np.isin(benefits, np.array([r[0] for r in rows], dtype=np.int64)).any())


def _write_chunk(run: PayrollRun, lock: int, c: dict, lo: int, hi: int, lt: tuple, rates: medical.Rates) -> int:
    """One transaction: lines, months, medical contributions, ledger, audit. ``lock``: the month's regular run
    row, locked by every writer of the month (regular runs and reissues) for the length of a chunk."""
    counts, first, last, texts = lt
    n = hi - lo
    with transaction.atomic():
        PayrollRun.objects.select_for_update().filter(pk=lock).first()  # one writer per month at a time
        if run.sequence == 0 and _reissued(run, c["benefit"][lo:hi]):
            raise IntegrityError("reissued meanwhile")
        ids = _reserve("benefits_paymentline", n)
        now = db_timestamp(timezone.now())
        first_iso = _iso(first[lo:hi])
        _write_lines(counts[lo:hi] == 1, [
            ids, np.full(n, run.pk, dtype=np.int64), c["benefit"][lo:hi], c["person"][lo:hi], c["account"][lo:hi],
            [f"{b:03d}" for b in c["bank"][lo:hi].tolist()], [c["funds"][f] for f in c["fund"][lo:hi].tolist()],
            c["amount"][lo:hi], c["annuity"][lo:hi], first_iso, _iso(last[lo:hi]), counts[lo:hi],
            texts[lo:hi], first_iso, c["paid_cum"][lo:hi], [now] * n])
        msel = (c["month_line"] >= lo) & (c["month_line"] < hi)
        msel[msel] = counts[c["month_line"][msel]] > 1  # single-month lines: the line's own single_month (ADR 0018)
        mline = c["month_line"][msel]
        _append("benefits_paymentmonth", ("line_id", "benefit_id", "month", "amount_fen"), [
            ids[mline - lo], c["benefit"][mline], _iso(c["month"][msel]), c["month_amount"][msel]])
        post_batch(kind="benefit_payroll", entries=_postings(run, c, ids, lo, hi), progress=None)
        med = medical.write(c, ids, lo, hi, rates, now, timezone.localdate())
        audit.record("payroll.chunk", object_type="payroll_run", object_id=run.pk,
                     after={"month": f"{run.month:%Y-%m}", "sequence": run.sequence, "lines": n,
                            "first_line": int(ids[0]), "last_line": int(ids[-1]),
                            "total_fen": int(c["amount"][lo:hi].sum()), "medical_months": med})
    return n


def write_lines(run: PayrollRun, lock: int, c: dict, progress, started: float, chunk: int | None = None) -> int:
    """Every planned line, ``chunk_size`` lines per transaction, progress on stderr; returns the count."""
    n = int(c["amount"].size)
    if not n:
        return 0
    lt = _line_texts(c["month_line"], c["month"], n)
    rates, done, size, name = medical.Rates(), 0, chunk_size(chunk), _name(run)
    for lo in range(0, n, size):
        try:
            done += _write_chunk(run, lock, c, lo, min(lo + size, n), lt, rates)
        except IntegrityError:  # another run of the month wrote these benefits' lines first
            raise DomainError.of("month", "payroll.concurrent",
                                 f"{name} 的发放正由另一个进程运行：请待其结束后再运行一次（已写入的不会重复）",
                                 f"another run of {name} is writing: run again when it has finished "
                                 "(nothing is written twice)") from None
        elapsed = time.perf_counter() - started
        rate = done / elapsed if elapsed else 0
        _say(progress, f"payroll {name}: {done}/{n} lines ({rate:,.0f} lines/s, "
                       f"{(n - done) / rate if rate else 0:.1f} s left)")
        _pause()
    if rates.missing:
        _say(progress, f"payroll {name}: NO medical contribution written for unemployment months "
                       f"{rates.missing_text()}: the parameter {medical.PARAM} has no value for them "
                       f"(参数无值，未代缴医疗保险费)")
    return done


def _name(run: PayrollRun) -> str:
    return f"{run.month:%Y-%m}" + (f" reissue {run.sequence}" if run.sequence else "")


def _say(progress, text: str) -> None:
    if progress is not None:
        progress.write(text + "\n")
        progress.flush()


def run_payroll(month: date, out_dir: Path, *, encoding: str = "utf-8", chunk: int | None = None,
                progress=sys.stderr) -> dict:
    """The month's payroll; returns the run's totals and what this invocation wrote."""
    started = time.perf_counter()
    month = month.replace(day=1)
    run = _run_row(month)
    n_pid, n_bal = _annuity_balances()
    o = owed(mi(month), run.pk, n_pid[n_bal > 0])
    c, counts = plan(o, run.pk, n_pid, n_bal)
    n = int(c["amount"].size)
    _say(progress, f"payroll {month:%Y-%m}: {n} lines to write ({counts['slow']} benefits with back pay or "
                   f"changes checked month by month; {counts['no_account']} without a bank account, "
                   f"{counts['held']} held for a corrected account)")
    write_lines(run, run.pk, c, progress, started, chunk)
    total, files = files_and_totals(run, out_dir, encoding, rebuild=n > 0)
    return {"month": month, "lines": total["lines"], "total_fen": total["total_fen"], "written": n,
            "files": files, "seconds": round(time.perf_counter() - started, 2), **counts}


def files_and_totals(run: PayrollRun, out_dir: Path, encoding: str, *, rebuild: bool) -> tuple[dict, list[dict]]:
    """The run's bank files (kept when they are on disk as recorded and nothing was written) and totals."""
    run.refresh_from_db()
    if not rebuild and bankfile.unchanged(run, out_dir, encoding):
        files = run.files
    else:
        files = bankfile.write_files(run, out_dir, encoding)
    return _finish(run, files), files


def _finish(run: PayrollRun, files: list[dict]) -> dict:
    lines = sum(f["lines"] for f in files)
    total = sum(f["total_fen"] for f in files)
    with transaction.atomic():
        fresh = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if (fresh.lines, fresh.total_fen, fresh.files) != (lines, total, files) or fresh.finished_at is None:
            fresh.lines, fresh.total_fen, fresh.files, fresh.finished_at = lines, total, files, timezone.now()
            fresh.save()
            audit.record("payroll.finish", object_type="payroll_run", object_id=run.pk,
                         after={"month": f"{run.month:%Y-%m}", "sequence": run.sequence, "lines": lines,
                                "total_fen": total,
                                "files": [{k: f[k] for k in ("bank", "lines", "total_fen", "sha256")} for f in files]})
    return {"lines": lines, "total_fen": total}
