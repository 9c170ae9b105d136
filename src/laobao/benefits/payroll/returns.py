"""``laobao payroll returns FILE``: the bank's return file (回盘), docs/formats/payroll-bank-file.md.

CSV with a header ``line_id,outcome,reason,settled_on``; outcome ``paid`` or ``rejected`` (a rejection needs
the bank's reason). All rows or none: every row is checked first (unknown line, bad outcome or date, a line
repeated with other content, a line already returned with the other outcome); with any bad row nothing is
written and every bad row is reported with its row number (header = row 1). A line already returned with the
same outcome is skipped, so a duplicate file changes nothing.

Ledger, per (bank, fund, outcome, settlement day) of the file, key
``payroll-return:<sha256[:20]>:<bank>:<fund>:<outcome>:<yyyymmdd>``: paid → Dr ``payable:bank:<bank>`` /
Cr ``bank:benefits``; rejected → Dr ``payable:bank:<bank>`` / Cr the accounts the run debited (the fund, and
``personal:<pid>:annuity`` for the annuity part): the months become owed again and a later run pays them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from laobao.core import audit
from laobao.ledger.bankfile import ReturnRow, ReturnsRejected, decode as _decode
from laobao.ledger.bankfile import bad as _bad
from laobao.ledger.batch import Entry, post_batch

from ..models import PaymentLine, PaymentReturn, PayrollRun, ReturnOutcome

COLUMNS = ("line_id", "outcome", "reason", "settled_on")


def _parse_row(n: int, rec: dict, errors: list[str]) -> ReturnRow | None:
    line, outcome = (rec.get("line_id") or "").strip(), (rec.get("outcome") or "").strip().lower()
    reason, day = (rec.get("reason") or "").strip(), (rec.get("settled_on") or "").strip()
    ok = True
    if not line.isdigit():
        errors.append(_bad(n, "line_id", f"明细号“{line}”应为代发文件中的数字", f"line_id '{line}' must be a line number of a payroll file"))
        ok = False
    if outcome not in ReturnOutcome.values:
        errors.append(_bad(n, "outcome", f"结果“{outcome}”应为 paid 或 rejected", f"outcome '{outcome}' must be paid or rejected"))
        ok = False
    elif outcome == "rejected" and not reason:
        errors.append(_bad(n, "reason", "退回的明细须写明银行的退回原因", "a rejected line needs the bank's reason"))
        ok = False
    try:
        settled = date.fromisoformat(day) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else None
    except ValueError:
        settled = None
    if settled is None:
        errors.append(_bad(n, "settled_on", f"日期“{day}”应为 YYYY-MM-DD", f"settled_on '{day}' must be YYYY-MM-DD"))
        ok = False
    return ReturnRow(n, int(line), outcome, reason[:200], settled) if ok else None


def parse(data: bytes, line_id=None, tag: str = "") -> tuple[list[ReturnRow], list[str]]:
    """The rows of a return file, or the errors of every bad row (row numbers, header = row 1). ``line_id(n,
    rec, errors)`` may first rewrite or refuse a row's line id (the payouts' ``P<id>``); ``tag`` prefixes
    line ids in messages."""
    reader = csv.DictReader(io.StringIO(_decode(data)))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [_bad(1, ",".join(missing), "缺少列：" + "、".join(missing), "missing columns: " + ", ".join(missing))]
    reader.fieldnames = header
    rows, errors, seen = [], [], {}
    for n, rec in enumerate(reader, start=2):
        if not any((v or "").strip() for v in rec.values() if isinstance(v, str)):
            continue
        rec = line_id(n, rec, errors) if line_id else rec
        r = _parse_row(n, rec, errors) if rec is not None else None
        if r is None:
            continue
        prior = seen.get(r.line_id)
        if prior is not None:
            if (prior.outcome, prior.reason, prior.settled_on) != (r.outcome, r.reason, r.settled_on):
                errors.append(_bad(n, "line_id", f"明细 {tag}{r.line_id} 在第{prior.row}行已有不同的结果",
                                   f"line {tag}{r.line_id} already has another result on row {prior.row}"))
            continue
        seen[r.line_id] = r
        rows.append(r)
    if not rows and not errors:
        errors.append(_bad(2, "file", "文件没有数据行", "the file has no data rows"))
    return rows, errors


@dataclass(frozen=True)
class LineFacts:
    pk: int
    person_id: int
    bank_code: str
    fund: str
    amount_fen: int
    annuity_fen: int
    outcome: str | None
    settled_on: date | None


_FACTS = ("id", "person_id", "bank_code", "fund", "amount_fen", "annuity_fen", "payment_return__outcome",
          "payment_return__settled_on")


def _facts(ids: list[int]) -> dict[int, LineFacts]:
    out = {}
    for lo in range(0, len(ids), 10_000):  # bounded parameter lists (SQLite)
        for row in PaymentLine.objects.filter(pk__in=ids[lo:lo + 10_000]).values_list(*_FACTS):
            out[row[0]] = LineFacts(*row)
    return out


def _check_against_db(rows: list[ReturnRow], errors: list[str]) -> tuple[dict, list[ReturnRow]]:
    lines = _facts([r.line_id for r in rows])
    new = []
    for r in rows:
        line = lines.get(r.line_id)
        if line is None:
            errors.append(_bad(r.row, "line_id", f"没有明细号 {r.line_id}：请核对是否本系统的代发文件",
                               f"no payment line {r.line_id}: is this a return of a laobao payroll file?"))
        elif line.outcome is None:
            new.append(r)
        elif line.outcome != r.outcome:
            errors.append(_bad(r.row, "outcome", f"明细 {r.line_id} 已于 {line.settled_on} 回盘为 {line.outcome}，不能改为 {r.outcome}",
                               f"line {r.line_id} was already returned {line.outcome} on {line.settled_on}; "
                               f"it cannot become {r.outcome}"))
    return lines, new


def _entries(sha: str, lines: dict, new: list[ReturnRow]) -> list[Entry]:
    groups: dict[tuple, list] = {}
    for r in new:
        line = lines[r.line_id]
        groups.setdefault((line.bank_code, line.fund, r.outcome, r.settled_on), []).append(line)
    out = []
    for (bank, fund, outcome, day), ls in sorted(groups.items()):
        total = sum(l.amount_fen for l in ls)
        key = f"payroll-return:{sha[:20]}:{bank}:{fund.split(':', 1)[1]}:{outcome}:{day:%Y%m%d}"
        if outcome == ReturnOutcome.PAID:
            legs = [(f"payable:bank:{bank}", total, 0), ("bank:benefits", 0, total)]
        else:
            pooled = total - sum(l.annuity_fen for l in ls)
            legs = [(f"payable:bank:{bank}", total, 0)] + ([(fund, 0, pooled)] if pooled else [])
            legs += [(f"personal:{l.person_id}:annuity", 0, l.annuity_fen) for l in ls if l.annuity_fen]
        out.append(Entry(key, f"代发回盘 银行 {bank} {outcome} {len(ls)} 笔", day, legs))
    return out


def import_returns(path: Path) -> dict:
    """Apply a return file; ``ReturnsRejected`` (nothing written) when any row is bad."""
    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    rows, errors = parse(data)
    with transaction.atomic():
        list(PayrollRun.objects.select_for_update().order_by("id").values_list("id", flat=True))  # one writer
        lines, new = _check_against_db(rows, errors) if rows else ({}, [])
        if errors:
            raise ReturnsRejected(errors, len(rows))
        PaymentReturn.objects.bulk_create(
            [PaymentReturn(line_id=r.line_id, outcome=r.outcome, reason=r.reason, settled_on=r.settled_on, file_sha=sha)
             for r in new], batch_size=5000)
        if new:
            post_batch(kind="benefit_return", entries=_entries(sha, lines, new), progress=None)
        paid = [r for r in new if r.outcome == ReturnOutcome.PAID]
        summary = {"rows": len(rows), "paid": len(paid), "rejected": len(new) - len(paid),
                   "already": len(rows) - len(new), "sha256": sha,
                   "paid_fen": sum(lines[r.line_id].amount_fen for r in paid),
                   "rejected_fen": sum(lines[r.line_id].amount_fen for r in new if r.outcome != ReturnOutcome.PAID)}
        if new:  # a duplicate file leaves no trace but its summary
            audit.record("payroll.returns", object_type="payment_return_file", object_id=sha[:20],
                         after=summary | {"at": timezone.now().isoformat()})
    return summary
