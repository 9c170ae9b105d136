"""The files an import hands back: the per-row error report and the legacy merge's conflict report."""

from __future__ import annotations

import csv
from pathlib import Path

from .common import ConflictRow, RowError
from .reading import Sheet

ERROR_COLUMN = "错误说明 / errors"

CONFLICT_HEADER = ["行号 / row", "原系统个人编号 / legacy_key", "身份证号（脱敏） / masked_id", "字段 / field",
                   "市库值 / city_value", "原系统值 / legacy_value", "状态 / status"]

FIELD_NAMES = {"name": "姓名 / name", "birth_date": "出生日期 / birth_date", "sex": "性别 / sex"}
STATUS_NAMES = {"new": "新发现 / new", "open": "已记录待处理 / open", "kept": "已处理：保留市库值 / kept",
                "taken": "已处理：采用原系统值 / taken"}


def write_error_report(sheet: Sheet, errors: list[RowError], labels: dict[str, str], path: Path) -> Path:
    """Every original row (good ones too, so the file can be corrected and imported again) plus the error column."""
    by_row = {e.row: e.message(labels) for e in errors}
    width = max([len(sheet.header), *(len(r.raw) for r in sheet.rows)])
    header = sheet.header + [""] * (width - len(sheet.header))
    # a corrected report imported again: its old error column is replaced, not repeated
    keep = [i for i, h in enumerate(header) if h != ERROR_COLUMN]
    header = [header[i] for i in keep]
    rows = []
    for r in sheet.rows:
        cells = list(r.raw) + [None] * (width - len(r.raw))
        rows.append(([cells[i] for i in keep], by_row.get(r.number, "")))
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, header + [ERROR_COLUMN], [cells + [msg] for cells, msg in rows])
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens it with Chinese intact
            out = csv.writer(fh)
            out.writerow(header + [ERROR_COLUMN])
            for cells, msg in rows:
                out.writerow([_text(c) for c in cells] + [msg])
    return path


def write_conflict_report(conflicts: list[ConflictRow], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(CONFLICT_HEADER)
        for c in conflicts:
            out.writerow([c.row, c.legacy_key, c.masked_id, FIELD_NAMES.get(c.field, c.field), c.registry_value,
                          c.legacy_value, STATUS_NAMES.get(c.status, c.status)])
    return path


def _text(value) -> str:
    return "" if value is None else str(value)


def _write_xlsx(path: Path, header: list, rows: list[list]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("errors")
    ws.append(header)
    for cells in rows:
        out = []
        for value in cells:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.number_format = "@"  # keep ID numbers as text when the user edits and saves again
            out.append(cell)
        ws.append(out)
    wb.save(path)
