"""The bank payment files of a run (代发文件): one CSV per bank, layout in docs/formats/payroll-bank-file.md.

Written from the database (every line of the run, in line order), so a re-run, or a run finishing after a
crash, writes the same bytes. Each file is written to a temporary name and renamed: never half a file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from pathlib import Path

from django.db import connection

from ..models import Bank, BenefitKind

ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"}
FORMAT = "laobao-payroll"
VERSION = "2026.1"


def yuan_text(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _lines(run_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT l.bank_code, l.id, a.account_no, a.holder_name, l.amount_fen, l.months_text, b.kind "
                       "FROM benefits_paymentline l JOIN benefits_bankaccount a ON a.id = l.bank_account_id "
                       "JOIN benefits_benefit b ON b.id = l.benefit_id WHERE l.run_id = %s ORDER BY l.bank_code, l.id",
                       [run_id])
        return cursor.fetchall()


def render(month_text: str, bank_code: str, bank_name: str, rows: list[tuple]) -> str:
    kinds = {k: str(v) for k, v in BenefitKind.choices}  # translated once, not once a line
    total = sum(r[4] for r in rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["H", FORMAT, VERSION, month_text, bank_code, bank_name, len(rows), yuan_text(total)])
    w.writerows(("D", r[1], r[2], r[3], yuan_text(r[4]), r[5], f"{kinds.get(r[6], r[6])} {r[5]}"[:60]) for r in rows)
    w.writerow(["T", len(rows), yuan_text(total)])
    return buf.getvalue()


def write_files(run, out_dir: Path, encoding: str = "utf-8") -> list[dict]:
    """One file per bank with lines in the run; returns [{bank, file, lines, total_fen, sha256}]."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = dict(Bank.objects.values_list("code", "name"))
    rows = _lines(run.pk)
    by_bank: dict[str, list[tuple]] = {}
    for r in rows:
        by_bank.setdefault(r[0], []).append(r)
    files = []
    for code, bank_rows in sorted(by_bank.items()):
        data = render(f"{run.month:%Y-%m}", code, names.get(code, ""), bank_rows).encode(ENCODINGS[encoding])
        path = out_dir / f"payroll-{run.month:%Y-%m}-{code}.csv"
        tmp = path.with_suffix(".csv.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        files.append({"bank": code, "file": str(path), "encoding": encoding, "lines": len(bank_rows),
                      "total_fen": sum(r[4] for r in bank_rows), "sha256": hashlib.sha256(data).hexdigest()})
    return files


def unchanged(run, out_dir: Path, encoding: str) -> bool:
    """The run's recorded files are on disk as recorded (same directory, encoding and bytes) and cover every
    line of the run: a re-run that wrote nothing need not rebuild them."""
    if not run.files or run.finished_at is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM benefits_paymentline WHERE run_id = %s",
                       [run.pk])
        count, total = cursor.fetchone()
    if (count, total) != (run.lines, run.total_fen):
        return False
    for f in run.files:
        path = Path(f["file"])
        if (path.parent.resolve() != Path(out_dir).resolve() or f.get("encoding") != encoding or not path.is_file()
                or hashlib.sha256(path.read_bytes()).hexdigest() != f["sha256"]):
            return False
    return True
