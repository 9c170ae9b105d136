"""The bank payment files of a run (代发文件): one CSV per bank, layout in docs/formats/payroll-bank-file.md.

Written from the database (every line of the run, in line order), so a re-run, or a run finishing after a
crash, writes the same bytes. Each file is written to a temporary name and renamed: never half a file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from django.db import connection
from django.utils import translation

from ..models import Bank, BenefitKind

ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"}
FORMAT = "laobao-payroll"
VERSION = "2026.1"


def yuan_text(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _lines(run_id: int) -> list[tuple]:
    """The run's D rows, every cell already text where the file has text: ("D", line id, account, holder,
    amount in yuan, months, description), then bank code and amount in fen — built by the database (C speed,
    no Python work per line). The description is the benefit's Chinese name and the months, 60 characters."""
    with translation.override("zh-hans"):  # the bank's file is Chinese whatever language the caller runs in
        kinds = [(k, str(v)) for k, v in BenefitKind.choices]
    name = "CASE b.kind " + " ".join("WHEN %s THEN %s" for _ in kinds) + " ELSE b.kind END"
    yuan = "CAST(l.amount_fen / 100 AS TEXT) || '.' || SUBSTR(CAST(100 + l.amount_fen %% 100 AS TEXT), 2)"
    sql = ("SELECT 'D', l.id, a.account_no, a.holder_name, " + yuan + ", l.months_text, SUBSTR(" + name
           + " || ' ' || l.months_text, 1, 60), l.bank_code, l.amount_fen "
           "FROM benefits_paymentline l JOIN benefits_bankaccount a ON a.id = l.bank_account_id "
           "JOIN benefits_benefit b ON b.id = l.benefit_id WHERE l.run_id = %s ORDER BY l.bank_code, l.id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for pair in kinds for p in pair] + [run_id])
        return cursor.fetchall()


_D, _BANK, _FEN = itemgetter(0, 1, 2, 3, 4, 5, 6), itemgetter(7), itemgetter(8)


def file_name(run, code: str) -> str:
    """``payroll-2026-01-102.csv`` for the monthly run, ``payroll-2026-01-r1-102.csv`` for its first reissue."""
    seq = getattr(run, "sequence", 0)
    return f"payroll-{run.month:%Y-%m}-" + (f"r{seq}-" if seq else "") + f"{code}.csv"


def render(month_text: str, bank_code: str, bank_name: str, rows: list[tuple]) -> str:
    total = sum(map(_FEN, rows))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["H", FORMAT, VERSION, month_text, bank_code, bank_name, len(rows), yuan_text(total)])
    w.writerows(map(_D, rows))
    w.writerow(["T", len(rows), yuan_text(total)])
    return buf.getvalue()


def write_files(run, out_dir: Path, encoding: str = "utf-8") -> list[dict]:
    """One file per bank with lines in the run; returns [{bank, file, lines, total_fen, sha256}]."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = dict(Bank.objects.values_list("code", "name"))
    files = []
    for code, group in groupby(_lines(run.pk), key=_BANK):  # ordered by bank
        bank_rows = list(group)
        data = render(f"{run.month:%Y-%m}", code, names.get(code, ""), bank_rows).encode(ENCODINGS[encoding])
        path = out_dir / file_name(run, code)
        tmp = path.with_suffix(".csv.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        files.append({"bank": code, "file": str(path), "encoding": encoding, "lines": len(bank_rows),
                      "total_fen": sum(map(_FEN, bank_rows)), "sha256": hashlib.sha256(data).hexdigest()})
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
