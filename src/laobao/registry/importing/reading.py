"""Read an uploaded CSV or XLSX file into rows of text keyed by canonical column names.

Only the shape of the file is checked here (encoding, header, cells that Excel turned into numbers);
the business rules live in :mod:`laobao.registry.validation` and :mod:`laobao.core.identifiers`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
import zlib
from xml.etree.ElementTree import ParseError
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from laobao.core.errors import DomainError, Problem


@dataclass(frozen=True)
class Column:
    """One column a file may carry: canonical key, Chinese and English header, accepted aliases."""

    key: str
    zh: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    identifier: bool = False  # a code that must be text: an Excel number here is an error, not a value

    @property
    def label(self) -> str:
        return f"{self.zh}（{self.key}）"


@dataclass
class Row:
    number: int  # row number as the user sees it in Excel (the header is row 1)
    raw: list  # the cells as read (text for CSV, typed values for XLSX): echoed in the error report
    cells: dict[str, str]  # canonical key -> text
    problems: list[Problem] = field(default_factory=list)  # cells that could not even be read as text

    def get(self, key: str) -> str:
        return self.cells.get(key, "")


@dataclass
class Sheet:
    filename: str
    sha256: str
    fmt: str  # "csv" or "xlsx"
    header: list[str]
    rows: list[Row]
    keys: frozenset[str] = frozenset()  # the canonical columns the file carries


def file_error(code: str, zh: str, en: str) -> DomainError:
    return DomainError.of("file", code, zh, en)


def read_sheet(data: bytes, filename: str, columns: list[Column]) -> Sheet:
    """Parse ``data`` (CSV or XLSX, told apart by extension and magic bytes) into a :class:`Sheet`."""
    digest = hashlib.sha256(data).hexdigest()
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise file_error("file.xls", "不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）后重新导入",
                         "Old .xls files are not supported: save the file as .xlsx or CSV (UTF-8) and import it again")
    if suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        fmt, table = "xlsx", _xlsx_rows(data)
    else:
        fmt, table = "csv", _csv_rows(data)
    if not table:
        raise file_error("file.empty", "文件为空：第1行应为表头（列名），数据从第2行开始",
                         "The file is empty: row 1 must hold the column names and the data start on row 2")
    header = ["" if h is None else str(h).strip().lstrip("\ufeff") for h in table[0]]
    index = _map_header(header, columns)
    rows = []
    for offset, raw in enumerate(table[1:], start=2):
        if all(_blank(c) for c in raw):
            continue  # Excel leaves empty rows at the end of a sheet
        row = Row(number=offset, raw=list(raw), cells={})
        for col, i in index.items():
            value = raw[i] if i < len(raw) else None
            text, problem = _cell_text(value, col)
            row.cells[col.key] = text
            if problem:
                row.problems.append(problem)
        rows.append(row)
    if not rows:
        raise file_error("file.no_rows", "文件只有表头、没有数据行：请从第2行起填写数据",
                         "The file has a header but no data rows: enter the data from row 2 on")
    return Sheet(filename=filename, sha256=digest, fmt=fmt, header=header, rows=rows,
                 keys=frozenset(c.key for c in index))


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _normal(name: str) -> str:
    return re.sub(r"[\s_\-（）()：:*]", "", name).lower()


def _map_header(header: list[str], columns: list[Column]) -> dict[Column, int]:
    lookup = {}
    for col in columns:
        for name in (col.key, col.zh, *col.aliases):
            lookup[_normal(name)] = col
    index: dict[Column, int] = {}
    for i, name in enumerate(header):
        # a bilingual header such as "身份证号 / citizen_id" matches on either half
        col = next((lookup[_normal(part)] for part in [name, *name.split("/")] if _normal(part) in lookup), None)
        if col is None:
            continue  # unknown columns (remarks, an old error column …) are kept in reports but ignored
        if col in index:
            raise file_error("file.duplicate_column",
                             f"表头中“{col.zh}”列出现了两次（第{index[col] + 1}列和第{i + 1}列）：请删除多余的一列",
                             f"The column '{col.key}' appears twice (columns {index[col] + 1} and {i + 1}): "
                             "delete one of them")
        index[col] = i
    missing = [c for c in columns if c.required and c not in index]
    if missing:
        raise file_error("file.missing_columns",
                         "缺少必填列：" + "、".join(c.label for c in missing)
                         + "。第1行应为表头，列名见 docs/IMPORT_FORMATS.md",
                         "Required columns are missing: " + ", ".join(c.key for c in missing)
                         + ". Row 1 must hold the column names listed in docs/IMPORT_FORMATS.md")
    return index


#: what a damaged or foreign .xlsx makes zipfile, zlib, the XML parser and openpyxl raise (found by fuzzing)
_BROKEN_XLSX = (zipfile.BadZipFile, zlib.error, ParseError, EOFError, NotImplementedError, KeyError, IndexError,
                OSError, ValueError, TypeError, AttributeError, RuntimeError)

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def _cell_text(value, col: Column) -> tuple[str, Problem | None]:
    """Text of one cell. IDs that Excel stored as a long number (3.20508E+17) lost digits: report them."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return str(value), None
    if isinstance(value, datetime):
        return value.date().isoformat(), None
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        if value.is_integer() and (abs(value) < 1e15 or not col.identifier):
            return str(int(value)), None
        if not col.identifier:
            return repr(value), None
        return f"{value:.6g}", _number_problem(col, f"{value:.6g}")
    text = str(value).strip()
    if col.identifier:
        if text.startswith('="') and text.endswith('"'):  # Excel's ="..." text trick in CSV
            text = text[2:-1].strip()
        text = text.lstrip("'")
        if _SCIENTIFIC.match(text):
            return text, _number_problem(col, text)
    return text, None


def _number_problem(col: Column, shown: str) -> Problem:
    return Problem(
        field=col.key, code="cell.number",
        zh=f"{col.zh}被 Excel 存成了数字（{shown}），超过15位的数字已丢失精度：请把该列设置为“文本”格式后重新输入完整号码",
        en=f"{col.key} was stored by Excel as a number ({shown}) and digits beyond the 15th are lost: "
           "format the column as Text and re-enter the full number",
    )


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # what Chinese Excel writes for "CSV (逗号分隔)"
    except UnicodeDecodeError:
        raise file_error("file.encoding", "无法识别文件编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新导入",
                         "The file's encoding is not recognised: save it as 'CSV UTF-8 (comma delimited)' "
                         "and import it again") from None


def _csv_rows(data: bytes) -> list[list]:
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise file_error("file.encoding", "文件不是有效的 UTF-8 文本：请另存为“CSV UTF-8”后重新导入",
                         "The file is not valid UTF-8 text: save it as 'CSV UTF-8' and import it again") from None
    if "\x00" in text:
        raise file_error("file.binary", "文件不是 CSV 文本，也不是 .xlsx 工作簿：请另存为 CSV 或 .xlsx 后重新导入",
                         "The file is neither CSV text nor an .xlsx workbook: save it as CSV or .xlsx and try again")
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:  # e.g. a field longer than 128 KiB: not a person list
        raise file_error(
            "file.csv", f"CSV 文件格式错误（{exc}）：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新导入",
            f"The CSV file is malformed ({exc}): save it as 'CSV UTF-8 (comma delimited)' and retry") from None


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
        finally:
            wb.close()
    except _BROKEN_XLSX:
        raise file_error("file.xlsx", "无法读取该 .xlsx 工作簿（文件损坏或不是 Excel 文件）：请在 Excel 中重新保存后导入",
                         "The .xlsx workbook cannot be read (damaged or not an Excel file): "
                         "save it again in Excel and retry") from None
