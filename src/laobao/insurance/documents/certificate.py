"""参保缴费凭证 — the certificate a transfer-out issues (国办发〔2009〕66号 第三条: the region the person leaves
issues it and the record moves with the person).

What it lists is this system's choice, made from 第四条 (what is transferred) — the official form's layout
was not found and is not copied: the person (ID masked unless the viewer may reveal it), the insurance, the
periods with their employers, the month-by-month history, the contribution wages since 1998, the account
balance and the pooled-fund amount, the certificate number, the date and the issuing bureau.

``certificate_pdf`` takes the dict ``transfers.selectors.certificate_data`` returned (already scoped) and
gives bytes; it reads nothing itself.
"""

from __future__ import annotations

from reportlab.lib.units import mm

from .pdf import build, para, spacer, styles, table, yuan


def _facts(d: dict) -> list[list[str]]:
    share = f"{d['share_percent']}" if d.get("share_percent") else "—"
    return [
        ["姓名", d["name"], "公民身份号码", d["citizen_id"]],
        ["险种", d["insurance_label"], "转出月份", d["month"]],
        ["转入地区", f"{d['counterpart_name']}（{d['counterpart_code']}）", "凭证编号", d["certificate_no"]],
        ["缴费月数", str(d["months"]), "1998年起缴费工资合计（元）", yuan(d["wages_fen"])],
        ["个人账户储存额（元）", yuan(d["account_fen"]), f"统筹基金转移额（元，{share}）", yuan(d["pooled_fen"])],
        ["转移资金合计（元）", yuan(d["account_fen"] + d["pooled_fen"]), "开具日期", d["issued_on"]],
    ]


def _periods(d: dict) -> list[list[str]]:
    return [[p["employer"], p["from"], p["to"], str(p["months"])] for p in d["periods"]]


def _history(d: dict) -> list[list[str]]:
    return [[r["month"], r["employer"], yuan(r["base_fen"]), yuan(r["employer_fen"]), yuan(r["employee_fen"]),
             yuan(r["account_fen"]), "已缴" if r["paid"] else "未缴"] for r in d["history"]]


def certificate_pdf(d: dict) -> bytes:
    s = styles()
    story = [para(f"基本{d['insurance_label']}保险参保缴费凭证", s["title"]),
             para(f"{d['bureau']} · 凭证编号 {d['certificate_no']}", s["sub"]),
             table(["项目", "内容", "项目", "内容"], _facts(d), widths=[34 * mm, 55 * mm, 48 * mm, 49 * mm]),
             para("参保缴费期间及单位", s["h"]),
             table(["缴费单位", "起始年月", "终止年月", "月数"], _periods(d), numeric_from=3,
                   widths=[96 * mm, 30 * mm, 30 * mm, 30 * mm]),
             para("逐月缴费明细（金额单位：元）", s["h"]),
             table(["年月", "缴费单位", "缴费基数", "单位缴费", "个人缴费", "个人账户记账额", "状态"], _history(d),
                   numeric_from=2, widths=[18 * mm, 62 * mm, 22 * mm, 22 * mm, 22 * mm, 26 * mm, 14 * mm]),
             spacer(),
             para(d["basis"], s["note"]),
             para(f"开具机构：{d['bureau']}（盖章）　开具日期：{d['issued_on']}", s["p"])]
    return build(story, title=f"参保缴费凭证 {d['certificate_no']}")
