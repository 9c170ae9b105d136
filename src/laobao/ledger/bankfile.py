"""The generic bank payment file and return file (代发文件 / 回盘文件), shared by every app that pays through a
bank: the layout of docs/formats/payroll-bank-file.md (H / D / T records, CSV, CRLF) and the return file's
parser (header ``line_id,outcome,reason,settled_on``; all rows or none, with row numbers).

Neutral on purpose (ledger, not benefits): ``benefits.payouts`` renders its files with :func:`render`, and
``employment.welfare.payments`` (subsidies to employers and training institutions) renders and parses with the
same functions, so employment never imports benefits. The payroll keeps its own SQL-built rows and parser
(``benefits.payroll.bankfile`` / ``returns``; same layout, same constants — a test holds them equal).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"}
FORMAT = "laobao-payroll"
VERSION = "2026.1"
COLUMNS = ("line_id", "outcome", "reason", "settled_on")
OUTCOMES = ("paid", "rejected")


def yuan_text(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def render(day_text: str, bank_code: str, bank_name: str, rows: list[tuple]) -> str:
    """The file of one bank: ``rows`` = (line id text, account, holder, fen, day or months, memo)."""
    total = sum(r[3] for r in rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["H", FORMAT, VERSION, day_text, bank_code, bank_name, len(rows), yuan_text(total)])
    w.writerows(("D", r[0], r[1], r[2], yuan_text(r[3]), r[4], f"{r[5]} {r[4]}"[:60]) for r in rows)
    w.writerow(["T", len(rows), yuan_text(total)])
    return buf.getvalue()


def write_atomic(path: Path, data: bytes) -> str:
    """Write to a temporary name and rename (never half a file); returns the sha256 of the bytes."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


# --- the return file -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReturnRow:
    row: int
    line_id: int
    outcome: str
    reason: str
    settled_on: date


class ReturnsRejected(Exception):
    def __init__(self, errors: list[str], rows: int):
        super().__init__(f"{len(errors)} bad rows")
        self.errors, self.rows = errors, rows


def bad(row: int, field: str, zh: str, en: str) -> str:
    return f"第{row}行 row {row} [{field}]: {zh} / {en}"


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _row(n: int, rec: dict, tag: str, errors: list[str]) -> ReturnRow | None:
    raw, outcome = (rec.get("line_id") or "").strip(), (rec.get("outcome") or "").strip().lower()
    reason, day = (rec.get("reason") or "").strip(), (rec.get("settled_on") or "").strip()
    start = len(errors)
    if not (raw[:len(tag)].upper() == tag and raw[len(tag):].isdigit()):
        errors.append(bad(n, "line_id", f"明细号“{raw}”应为本文件类型的明细号（{tag} 加数字）",
                          f"line_id '{raw}' must be a line id of this kind of file ({tag} and digits)"))
    if outcome not in OUTCOMES:
        errors.append(bad(n, "outcome", f"结果“{outcome}”应为 paid 或 rejected", f"outcome '{outcome}' must be paid or rejected"))
    elif outcome == "rejected" and not reason:
        errors.append(bad(n, "reason", "退回的明细须写明银行的退回原因", "a rejected line needs the bank's reason"))
    try:
        settled = date.fromisoformat(day) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else None
    except ValueError:
        settled = None
    if settled is None:
        errors.append(bad(n, "settled_on", f"日期“{day}”应为 YYYY-MM-DD", f"settled_on '{day}' must be YYYY-MM-DD"))
    if len(errors) > start:
        return None
    return ReturnRow(n, int(raw[len(tag):]), outcome, reason[:200], settled)


def parse_returns(data: bytes, tag: str) -> tuple[list[ReturnRow], list[str]]:
    """The rows of a return file whose line ids are ``tag`` + digits, or the errors of every bad row."""
    reader = csv.DictReader(io.StringIO(decode(data)))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [bad(1, ",".join(missing), "缺少列：" + "、".join(missing), "missing columns: " + ", ".join(missing))]
    reader.fieldnames = header
    rows, errors, seen = [], [], {}
    for n, rec in enumerate(reader, start=2):
        if not any((v or "").strip() for v in rec.values() if isinstance(v, str)):
            continue
        r = _row(n, rec, tag, errors)
        if r is None:
            continue
        prior = seen.get(r.line_id)
        if prior is not None:
            if (prior.outcome, prior.reason, prior.settled_on) != (r.outcome, r.reason, r.settled_on):
                errors.append(bad(n, "line_id", f"明细 {tag}{r.line_id} 在第{prior.row}行已有不同的结果",
                                  f"line {tag}{r.line_id} already has another result on row {prior.row}"))
            continue
        seen[r.line_id] = r
        rows.append(r)
    if not rows and not errors:
        errors.append(bad(2, "file", "文件没有数据行", "the file has no data rows"))
    return rows, errors
