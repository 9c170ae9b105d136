"""``laobao payroll reissue --month YYYY-MM``: pay the months of rejected lines again once the account was
corrected, without waiting for the next monthly run (补发).

A reissue is a supplementary run of the month (``PayrollRun`` with sequence 1, 2…), with its own lines, bank
files (``payroll-YYYY-MM-r<n>-<bank>.csv``) and the same ledger contract as the monthly run. It considers the
benefits with a rejected line; what they are owed up to the month is worked out month by month (due − paid,
``due.owed``), so months paid meanwhile are not paid again. Held, and listed: no current 代发账户, or the
account that rejected a line is still current (not corrected). The read and the write are ONE transaction
holding the lock of the month's regular run row (the lock every chunk of a regular run takes): a crash leaves
nothing, and a second reissue finds nothing owed and adds nothing (no empty run). Bank files of the month's
reissues are (re)written after the commit when they are missing or differ.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError

from ..models import PayrollRun
from .due import _rows, mi, owed
from .run import _annuity_balances, _held, _say, files_and_totals, plan, write_lines


def _rejected() -> np.ndarray:
    rows = _rows("SELECT DISTINCT l.benefit_id FROM benefits_paymentline l JOIN benefits_paymentreturn x "
                 "ON x.line_id = l.id WHERE x.outcome = 'rejected' ORDER BY l.benefit_id", [])
    return np.array([r[0] for r in rows], dtype=np.int64)


def _base(month: date) -> PayrollRun:
    base = PayrollRun.objects.select_for_update().filter(month=month, sequence=0).first()
    if base is None:
        raise DomainError.of("month", "payroll.no_run", f"{month:%Y-%m} 还没有运行月度发放：补发只针对已运行的月份",
                             f"the payroll of {month:%Y-%m} has not run: a reissue follows a monthly run")
    later = PayrollRun.objects.filter(month__gt=month).order_by("-month").first()
    if later is not None:
        raise DomainError.of("month", "payroll.month_order",
                             f"{later.month:%Y-%m} 的发放已经运行：请补发 {later.month:%Y-%m}（被退回的月份会一并补发）",
                             f"the payroll of {later.month:%Y-%m} has run: reissue {later.month:%Y-%m} instead "
                             "(the rejected months are paid with it)")
    return base


def held(month: date) -> list[dict]:
    """Benefits with rejected months still owed whose rejecting account is still current: what the
    caseworker must correct (person, benefit, months, amount, the bank's last reason)."""
    ids = _held(0)
    if not ids.size:
        return []
    n_pid, n_bal = _annuity_balances()
    o = owed(mi(month), -1, n_pid[n_bal > 0], only=ids)
    reasons = dict(_rows("SELECT l.benefit_id, x.reason FROM benefits_paymentline l JOIN benefits_paymentreturn x "
                         "ON x.line_id = l.id WHERE x.outcome = 'rejected' ORDER BY l.id", []))
    out = []
    for i, (b, p, fen) in enumerate(zip(o.benefit.tolist(), o.person.tolist(), o.amount.tolist())):
        months = o.month[o.month_line == i]
        out.append({"benefit": b, "person": p, "amount_fen": fen, "months": len(months), "reason": reasons.get(b, "")})
    return out


def reissue(month: date, out_dir: Path, *, encoding: str = "utf-8", progress=sys.stderr) -> dict:
    started = time.perf_counter()
    month = month.replace(day=1)
    with transaction.atomic():
        base = _base(month)
        n_pid, n_bal = _annuity_balances()
        o = owed(mi(month), -1, n_pid[n_bal > 0], only=_rejected())
        c, counts = plan(o, -1, n_pid, n_bal)
        n = int(c["amount"].size)
        run = None
        if n:
            seq = (PayrollRun.objects.filter(month=month).aggregate(m=Max("sequence"))["m"] or 0) + 1
            run = PayrollRun.objects.create(month=month, sequence=seq, started_at=timezone.now())
            audit.record("payroll.reissue", object_type="payroll_run", object_id=run.pk,
                         after={"month": f"{month:%Y-%m}", "sequence": seq, "lines": n})
            write_lines(run, base.pk, c, progress, started)
    _say(progress, f"payroll {month:%Y-%m} reissue: {n} lines written; {counts['held']} held for a corrected "
                   f"account, {counts['no_account']} without an account")
    files, lines, total = [], 0, 0
    for r in PayrollRun.objects.filter(month=month, sequence__gt=0).order_by("sequence"):
        t, f = files_and_totals(r, out_dir, encoding, rebuild=r.finished_at is None)
        files += f
        if run is not None and r.pk == run.pk:
            lines, total = t["lines"], t["total_fen"]
    return {"month": month, "sequence": run.sequence if run else None, "lines": lines, "total_fen": total,
            "written": n, "files": files, "held": held(month), "seconds": round(time.perf_counter() - started, 2)}
