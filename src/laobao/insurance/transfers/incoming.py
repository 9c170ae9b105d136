"""A history received from another region: parsing (CSV, XLSX, typed rows, JSON) and checking.

Rows, in a file or typed one per line, have the columns (a header row is required; Chinese or English):

    月份 month (YYYY-MM) | 单位 employer | 缴费基数 base | 单位缴费 employer_amount | 个人缴费 employee_amount |
    记账额 account | 是否已缴 paid (1/0, 是/否; optional, default 1)

Amounts in yuan with at most two decimals (parsed exactly with Decimal, never float). JSON history rows (the
CLI file, and what ``Transfer.history`` stores) use fen integers: ``month, employer, base_fen, employer_fen,
employee_fen, account_fen, paid``. Every bad row is reported with its number; nothing is accepted partly.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from laobao.core.errors import DomainError, Problem

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
CERT_RE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
CODE_RE = re.compile(r"^\d{6}(\d{6})?$")
MAX_ROWS = 1200  # 100 years of months: more is not a history
MAX_FEN = 10**12

HEADERS = {
    "month": ("month", "月份", "缴费月份"),
    "employer": ("employer", "单位", "缴费单位", "单位名称"),
    "base": ("base", "缴费基数", "缴费工资", "基数"),
    "employer_amount": ("employer_amount", "单位缴费"),
    "employee_amount": ("employee_amount", "个人缴费"),
    "account": ("account", "记账额", "个人账户记账额"),
    "paid": ("paid", "是否已缴", "已缴"),
}
REQUIRED = ("month", "base")
TRUE, FALSE = {"1", "是", "y", "yes", "true", "已缴", ""}, {"0", "否", "n", "no", "false", "未缴"}


def bad(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, f"transfer.{code}", zh, en)


def parse_month(text, field: str = "month") -> date:
    m = MONTH_RE.match(str(text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1950:
        raise bad(field, "month", f"月份“{text}”格式不对：请写成 YYYY-MM，例如 2015-07",
                  f"Month '{text}' is not valid: write it as YYYY-MM, e.g. 2015-07")
    return date(int(m.group(1)), int(m.group(2)), 1)


def parse_yuan(text, field: str) -> int:
    """'5000', '5000.5', '5,000.50' (or an XLSX number) → fen, exactly; refuses more than two decimals."""
    raw = str(text).strip().replace(",", "") if text is not None else ""
    try:
        value = Decimal(raw or "0")
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")) \
            or value * 100 > MAX_FEN:
        raise bad(field, "amount", f"金额“{text}”无效：请填写不小于 0、最多两位小数的元数，例如 5000.00",
                  f"Amount '{text}' is invalid: give yuan, zero or more, with at most two decimals, e.g. 5000.00")
    return int(value * 100)


def check_certificate_no(value) -> str:
    text = str(value or "").strip()
    if not CERT_RE.match(text):
        raise bad("certificate_no", "certificate_no",
                  "凭证编号无效：请填写 1–40 位字母、数字、连字符、点或下划线（照抄转出地凭证上的编号）",
                  "The certificate number is invalid: 1–40 letters, digits, '-', '.' or '_' as printed on the "
                  "other region's certificate")
    return text


def check_counterpart(code, name) -> tuple[str, str]:
    code, name = str(code or "").strip(), str(name or "").strip()
    if not CODE_RE.match(code):
        raise bad("counterpart_code", "counterpart_code",
                  "对方统筹地区代码无效：请填写 6 位行政区划代码（如 310000）或 12 位代码",
                  "The other region's code is invalid: give its 6-digit division code (e.g. 310000) or 12 digits")
    if not name or len(name) > 100:
        raise bad("counterpart_name", "counterpart_name", "请填写对方社会保险经办机构名称（不超过 100 字）",
                  "Give the name of the other region's insurance office (at most 100 characters)")
    return code, name


def _column_map(header: list) -> dict[str, int]:
    names = [str(h or "").strip().lower() for h in header]
    found = {}
    for key, aliases in HEADERS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[key] = i
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        raise bad("history", "header", f"历史明细缺少表头列：{'、'.join(HEADERS[k][1] for k in missing)}（首行须为表头）",
                  f"The history lacks header columns: {', '.join(missing)} (the first row must be the header)")
    return found


def _row(cells: list, cols: dict[str, int], n: int) -> dict:
    def cell(key):
        i = cols.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    where = f"history[{n}]"
    paid_text = str(cell("paid") if cell("paid") is not None else "").strip().lower()
    if paid_text not in TRUE | FALSE:
        raise bad(where, "paid", f"第{n}行：是否已缴应为 1/0 或 是/否", f"row {n}: paid must be 1/0 or 是/否")
    month = cell("month")
    return {"month": f"{month:%Y-%m}" if isinstance(month, date) else f"{parse_month(month, where):%Y-%m}",
            "employer": str(cell("employer") or "").strip()[:100],
            "base_fen": parse_yuan(cell("base"), where),
            "employer_fen": parse_yuan(cell("employer_amount"), where),
            "employee_fen": parse_yuan(cell("employee_amount"), where),
            "account_fen": parse_yuan(cell("account"), where),
            "paid": paid_text in TRUE}


def rows_from_table(table: list[list]) -> list[dict]:
    """Header + rows (cells as read) → history rows; every bad row reported with its number."""
    table = [r for r in table if any(str(c or "").strip() for c in r)]
    if not table:
        raise bad("history", "empty", "历史明细为空：请上传或填写至少一行缴费记录",
                  "The history is empty: upload or type at least one month")
    cols, rows, problems = _column_map(table[0]), [], []
    for n, cells in enumerate(table[1:], start=2):
        try:
            rows.append(_row(list(cells), cols, n))
        except DomainError as exc:
            problems += [Problem(p.field, p.code, f"第{n}行：{p.zh}", f"row {n}: {p.en}") for p in exc.problems]
    if problems:
        raise DomainError(*problems)
    return rows


def rows_from_text(text: str) -> list[dict]:
    return rows_from_table(list(csv.reader(io.StringIO(text.strip()))))


def rows_from_upload(name: str, data: bytes) -> list[dict]:
    if name.lower().endswith(".xlsx"):
        return rows_from_table(_xlsx(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    return rows_from_text(text)


def _xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same answer to the user
        raise bad("history", "file", "无法读取该 Excel 文件：请上传 .xlsx 或 UTF-8 编码的 .csv",
                  "Cannot read this Excel file: upload an .xlsx or a UTF-8 .csv") from None
    return [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]


def _cell(value):
    """XLSX numbers arrive as binary floats: their shortest repr ('5000.5') is the typed decimal."""
    if isinstance(value, float):
        return repr(value)
    return value


def check_history(rows, transfer_month: date) -> list[dict]:
    """Check JSON-shaped rows: fen integers, months unique and before the transfer month."""
    if not isinstance(rows, list) or not rows or len(rows) > MAX_ROWS:
        raise bad("history", "empty", f"历史明细应为 1–{MAX_ROWS} 行", f"The history needs 1–{MAX_ROWS} rows")
    out, seen, problems = [], set(), []
    for n, row in enumerate(rows, start=1):
        try:
            clean = _check_row(row, n)
        except DomainError as exc:
            problems += exc.problems
            continue
        if clean["month"] in seen:
            problems.append(Problem(f"history[{n}]", "transfer.duplicate_month", f"第{n}行：月份 {clean['month']} 重复",
                                    f"row {n}: month {clean['month']} appears twice"))
        if clean["month"] >= f"{transfer_month:%Y-%m}":
            problems.append(Problem(f"history[{n}]", "transfer.month_after",
                                    f"第{n}行：月份 {clean['month']} 不早于转入月份 {transfer_month:%Y-%m}：转入的历史只能是此前的月份",
                                    f"row {n}: month {clean['month']} is not before the transfer month "
                                    f"{transfer_month:%Y-%m}: an incoming history holds earlier months only"))
        seen.add(clean["month"])
        out.append(clean)
    if problems:
        raise DomainError(*problems)
    return sorted(out, key=lambda r: r["month"])


def _check_row(row, n: int) -> dict:
    where = f"history[{n}]"
    if not isinstance(row, dict):
        raise bad(where, "row", f"第{n}行格式错误", f"row {n} is not an object")
    clean = {"month": f"{parse_month(row.get('month'), where):%Y-%m}",
             "employer": str(row.get("employer") or "").strip()[:100]}
    for key in ("base_fen", "employer_fen", "employee_fen", "account_fen"):
        value = row.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FEN:
            raise bad(where, "amount", f"第{n}行：{key} 应为不小于 0 的整数（分）",
                      f"row {n}: {key} must be a whole number of fen, zero or more")
        clean[key] = value
    clean["paid"] = bool(row.get("paid", True))
    return clean
