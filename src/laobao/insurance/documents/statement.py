"""单位缴费对账单: an employer's bills, payments and arrears with late fees on a date, as PDF and XLSX."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib.units import mm

from .pdf import build, para, spacer, styles, table, yuan
from .rights import NAMES

STATUS = {"paid": "已缴清", "partly_paid": "部分缴纳", "unpaid": "未缴"}


def _bill_rows(data: dict) -> list[list]:
    return [[b["month"].strftime("%Y-%m"), b["due_date"].isoformat(), b["lines"], b["due_fen"], b["paid_fen"],
             b["outstanding_fen"], STATUS.get(b["status"], b["status"])] for b in data["bills"]]


def _payment_rows(data: dict) -> list[list]:
    return [[p["paid_on"].isoformat(), p["bank_ref"], p["channel"], p["amount_fen"], p["principal"], p["late_fee"],
             p["credit_held"]] for p in data["payments"]]


def _arrears_rows(data: dict) -> list[list]:
    return [[a["month"].strftime("%Y-%m"), NAMES.get(a["insurance"], a["insurance"]), a["due_date"].isoformat(),
             a["days_late"], a["bucket"], a["outstanding_fen"], a["late_fee_fen"]] for a in data["arrears"]["items"]]


BILL_HEAD = ["费款所属期", "缴费期限", "明细行数", "应缴（元）", "已缴（元）", "欠缴（元）", "状态"]
PAY_HEAD = ["到账日期", "银行流水号", "渠道", "金额（元）", "冲抵本金（元）", "滞纳金（元）", "留抵（元）"]
ARREARS_HEAD = ["费款所属期", "险种", "缴费期限", "逾期天数", "账龄（天）", "欠缴本金（元）", "滞纳金（元）"]
MONEY = {"bills": (3, 4, 5), "payments": (3, 4, 5, 6), "arrears": (5, 6)}


def _money(rows: list[list], cols) -> list[list]:
    return [[yuan(v) if i in cols else v for i, v in enumerate(r)] for r in rows]


def _summary(data: dict) -> list[tuple[str, int | None]]:
    """(label, fen); the late fee is None while late fees are not computed."""
    arrears = data["arrears"]
    return [("应缴合计", data["due_fen"]), ("已缴合计", data["paid_fen"]), ("欠缴本金", arrears["outstanding_fen"]),
            ("滞纳金（未缴）", arrears["late_fee_fen"] if arrears["late_fees_known"] else None)]


def statement_pdf(data: dict) -> bytes:
    """``data``: :func:`laobao.insurance.selectors.employer_statement`."""
    s, e = styles(), data["employer"]
    current = data["current_to"].strftime("%Y-%m") if data["current_to"] else "—"
    story = [para("社会保险费单位缴费对账单", s["title"]),
             para(f"对账日期 {data['on'].isoformat()}　数据截至 {current}", s["sub"]),
             para(f"单位名称：{e.name}　　统一社会信用代码：{e.credit_code or '—'}　　单位编号：{e.pk}", s["p"]),
             table(["项目", "金额（元）"], [[k, yuan(v) if v is not None else "未计算"] for k, v in _summary(data)], widths=[50 * mm, 40 * mm], numeric_from=1),
             para("一、核定（应缴）", s["h"]),
             table(BILL_HEAD, _money(_bill_rows(data), MONEY["bills"]), numeric_from=2),
             para("二、缴费（实缴）", s["h"]),
             table(PAY_HEAD, _money(_payment_rows(data), MONEY["payments"]), numeric_from=3),
             para(f"三、欠费及滞纳金（计至 {data['on'].isoformat()}）", s["h"]),
             table(ARREARS_HEAD, _money(_arrears_rows(data), MONEY["arrears"]), numeric_from=3),
             spacer(), para("滞纳金按日计算（2011年7月1日前日万分之二十，此后日万分之五），以缴费期限次日起算。", s["note"])]
    return build(story, title=f"statement-{e.pk}-{data['on']:%Y%m%d}")


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], money: tuple[int, ...]) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:  # amounts as yuan numbers with two decimals (Decimal: exact), never float
        ws.append([_decimal_yuan(v) if i in money and v is not None else v for i, v in enumerate(r)])
    for col in money:
        for cell in ws.iter_cols(min_col=col + 1, max_col=col + 1, min_row=2):
            for c in cell:
                c.number_format = "#,##0.00"
    ws.freeze_panes = "A2"


def _decimal_yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def statement_xlsx(data: dict) -> bytes:
    """The same statement as a workbook: 汇总, 核定, 缴费, 欠费 sheets; amounts in yuan (two decimals)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    e = data["employer"]
    for row in [("单位名称", e.name), ("统一社会信用代码", e.credit_code or ""), ("对账日期", data["on"].isoformat()),
                ("数据截至", data["current_to"].strftime("%Y-%m") if data["current_to"] else "")]:
        ws.append(list(row))
    for label, fen in _summary(data):
        ws.append([label, _decimal_yuan(fen) if fen is not None else "未计算"])
    _sheet(wb, "核定", BILL_HEAD, _bill_rows(data), MONEY["bills"])
    _sheet(wb, "缴费", PAY_HEAD, _payment_rows(data), MONEY["payments"])
    _sheet(wb, "欠费", ARREARS_HEAD, _arrears_rows(data), MONEY["arrears"])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
