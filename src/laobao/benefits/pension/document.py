"""基本养老金核定表 as PDF (reportlab, STSong-Light via insurance's PDF plumbing).

Prints what the claim stored — inputs with their sources, each component with its formula, the total,
the parameters applied, the checks, and the maker/checker — so the paper equals the screen. The official
Jiangsu form's layout was not copied (not obtained); this is the system's own layout. Reads nothing itself.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from laobao.insurance.documents.pdf import build, font, para, spacer, styles, table, yuan

BUREAU = "苏州市劳动和社会保障局 社会保险经办机构（320500）"
STATUS = {"received": "已受理（条件未满足）", "checked": "已审核，待复核", "approved": "已核准", "rejected": "不予核准",
          "withdrawn": "已撤回"}


def _facts(d: dict) -> list[list[str]]:
    i = d["calculation"]["inputs"]
    return [["姓名", d["name"], "公民身份号码", d["citizen_id"]],
            ["出生年月", i["birth_month"], "退休时间 / 年龄", f"{i['retire_month']} / {i['retire_age']}"],
            ["实际缴费月数（本市）", str(i["paid_months"]), "转入月数", str(i["transferred_months"])],
            ["视同缴费月数", str(i["deemed_months"]), "累计缴费月数", str(i["contribution_months"])],
            ["平均缴费工资指数", i["average_index"], "建账前指数", i["pre_account_index"] or "—"],
            ["个人账户储存额（元）", yuan(i["account_balance_fen"]), "计发基数（元）", yuan(i["pension_base_fen"])]]


def _wrapped(header: list[str], rows: list[list[str]], widths, numeric_from: int = 99) -> Table:
    """Like ``pdf.table`` but the last column wraps (formulas, reasons are long)."""
    cell = ParagraphStyle("cell", fontName=font(), fontSize=8, leading=10)
    t = Table([header] + [r[:-1] + [para(r[-1], cell)] for r in rows], colWidths=widths, repeatRows=1)
    style = [("FONT", (0, 0), (-1, -1), font(), 8), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf1")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if numeric_from < len(header) - 1:
        style.append(("ALIGN", (numeric_from, 1), (len(header) - 2, -1), "RIGHT"))
    t.setStyle(TableStyle(style))
    return t


def claim_pdf(d: dict) -> bytes:
    """``d``: claim_no, name, citizen_id (masked unless revealed), status, maker, checker, decided, calculation, checks."""
    s, calc = styles(), d["calculation"]
    parts = [[c["zh"], yuan(c["amount_fen"]), c["formula"]] for c in calc["components"]]
    parts.append(["基本养老金（月）", yuan(calc["result"]["total_fen"]), f"计发月数 {calc['result']['divisor']}"])
    story = [para("基本养老金核定表", s["title"]),
             para(f"{BUREAU} · 申领编号 {d['claim_no']} · {STATUS.get(d['status'], d['status'])}", s["sub"]),
             table(["项目", "内容", "项目", "内容"], _facts(d), widths=[38 * mm, 52 * mm, 38 * mm, 58 * mm]),
             para("核定结果（金额单位：元）", s["h"]),
             _wrapped(["项目", "月金额", "计算公式"], parts, [34 * mm, 24 * mm, 128 * mm], numeric_from=1),
             para(calc["inputs"]["index_formula"], s["p"]), para(calc["inputs"]["retirement_formula"], s["p"]),
             para("审核条件", s["h"]),
             _wrapped(["条件", "结果", "说明"], [[c["code"], "符合" if c["ok"] else "不符合", c["zh"]] for c in d["checks"]],
                      [30 * mm, 18 * mm, 138 * mm]),
             spacer(),
             para("参数：" + "；".join(f"{p['name']}（{p['since']}，{p['status']}）{p['reference']}" for p in calc["params"]),
                  s["note"]),
             para(calc["reference"] + ("" if calc["transitional_verified"] else "。过渡性养老金公式未经核实。"), s["note"]),
             para(f"受理：{d['maker']}　复核：{d['checker'] or '—'}　核准日期：{d['decided'] or '—'}", s["p"])]
    return build(story, title=f"基本养老金核定表 {d['claim_no']}")
