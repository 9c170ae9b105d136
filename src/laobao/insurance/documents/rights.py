"""个人权益记录单: one person's contributions of one year, per insurance and month, with the account at year end."""

from __future__ import annotations

from reportlab.lib.units import mm

from laobao.core.identifiers import parse_citizen_id

from .pdf import build, para, spacer, styles, table, yuan

NAMES = {"pension": "养老", "medical": "医疗", "unemployment": "失业", "injury": "工伤", "maternity": "生育"}
STATUS = {"paid": "已缴", "partly_paid": "部分", "unpaid": "未缴", "transferred": "转入"}


def _masked(number: str) -> str:
    try:
        return parse_citizen_id(number).masked()
    except Exception:  # noqa: BLE001 - a legacy number that no longer parses is still shown masked
        return number[:4] + "*" * 10 + number[-4:]


def _month_rows(data: dict) -> list[list]:
    out = []
    for rec in data["months"]:
        row = [rec["month"].strftime("%Y-%m") + ("*" if rec["adjusted"] else ""),
               (rec["employer"] or "个人缴费") + ("（转入）" if rec["transfer"] else "")]
        for ins in data["insurances"]:
            cell = rec["cells"].get(ins)
            row += [yuan(cell["base_fen"]), f'{yuan(cell["due_fen"])} {STATUS[cell["status"]]}'] if cell else ["", ""]
        out.append(row)
    return out


def _total_row(data: dict) -> list:
    row = ["合计", f'{len(data["months"])} 行']
    for ins in data["insurances"]:
        cells = [r["cells"][ins] for r in data["months"] if ins in r["cells"]]
        paid = sum(1 for c in cells if c["status"] in ("paid", "transferred"))
        row += [f"已缴 {paid} 月", yuan(sum(c["due_fen"] for c in cells))]
    return row


def rights_record_pdf(data: dict) -> bytes:
    """``data``: :func:`laobao.insurance.selectors.rights_record` (person, year, months, account, employers…)."""
    s = styles()
    person, year = data["person"], data["year"]
    current = data["current_to"].strftime("%Y-%m") if data["current_to"] else "—"
    story = [para(f"苏州市社会保险个人权益记录单（{year}年度）", s["title"]),
             para(f"数据截至 {current}", s["sub"]),
             para(f"姓名：{person.name}　　公民身份号码：{_masked(person.citizen_id)}　　档案号：{person.pk}", s["p"]),
             para("缴费单位：" + ("、".join(data["employers"]) or "—"), s["p"]), spacer(2),
             para("一、缴费明细（单位：元；应缴含单位和个人部分；* 含补差调整）", s["h"])]
    header = ["月份", "缴费单位"]
    for ins in data["insurances"]:
        header += [f"{NAMES[ins]}基数", f"{NAMES[ins]}应缴"]
    rows = _month_rows(data) + [_total_row(data)]
    widths = [16 * mm, 42 * mm] + [21 * mm, 23 * mm] * len(data["insurances"])
    story.append(table(header, rows, widths=widths, numeric_from=2, total=True))
    story += [spacer(), para("二、个人账户（养老保险）", s["h"])]
    account = data.get("account")
    if account is not None:
        story.append(table(["项目", "金额（元）"], [[f"{year}年末余额（含利息）", yuan(account["balance_fen"])],
                                                  [f"{year}年度记账利息", yuan(account["interest_fen"])]],
                           widths=[60 * mm, 40 * mm], numeric_from=1))
    totals = data["totals"]
    story += [spacer(), para("三、累计缴费月数（截至数据截至月份，含转入）", s["h"]),
              table([NAMES[i] for i in data["insurances"]], [[totals[i]["months"] for i in data["insurances"]]],
                    numeric_from=0),
              spacer(), para("本记录单依据社会保险经办机构数据库生成，如有疑问请向参保地经办机构查询。"
                             "个人账户余额以记账日期为准；未足额缴纳的月份不计入个人账户。", s["note"])]
    return build(story, title=f"rights-record-{person.pk}-{year}", wide=True)
