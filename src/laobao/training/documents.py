"""The certificate PDF (职业资格证书): the facts, and a QR code that opens the public verification page.

The layout is this system's own (the official certificate's layout is not copied). It shows the holder's name
in full (the holder's own document) but never the citizen ID; the QR code carries only the verification URL
``<base>/training/verify/<number>/``, whose page shows the masked name, level, occupation, date and status.
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm

from laobao.insurance.documents.pdf import build, para, spacer, styles, table

QR_SIZE = 38 * mm


def qr(url: str) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def certificate_pdf(d: dict, verify_url: str) -> bytes:
    """``d``: number, name, level_label, occupation_code, occupation_name, issuing_body, issued_on, status_label."""
    s = styles()
    rows = [["证书编号", d["number"]], ["姓名", d["name"]], ["职业（工种）", f"{d['occupation_name']}（{d['occupation_code']}）"],
            ["等级", d["level_label"]], ["发证机构", d["issuing_body"]], ["发证日期", d["issued_on"]],
            ["状态", d["status_label"]]]
    story = [para("职业资格证书", s["title"]),
             para("Vocational Qualification Certificate", s["sub"]),
             table(["项目", "内容"], rows, widths=[40 * mm, 120 * mm]),
             spacer(6), qr(verify_url),
             para(f"扫描二维码或访问 {verify_url} 核验本证书（无需登录）", s["note"]),
             para("本证书由劳动保障信息系统生成；核验页面仅显示部分遮蔽的姓名、等级、职业、发证日期和状态。", s["note"])]
    return build(story, title=f"职业资格证书 {d['number']}")
