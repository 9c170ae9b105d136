"""Shared PDF plumbing: the CID font, paragraph styles, a plain table, bytes out."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
_registered = False


def font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    f = font()
    return {"title": ParagraphStyle("title", fontName=f, fontSize=15, leading=20, alignment=1, spaceAfter=4),
            "sub": ParagraphStyle("sub", fontName=f, fontSize=9, leading=12, alignment=1, spaceAfter=6),
            "h": ParagraphStyle("h", fontName=f, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4),
            "p": ParagraphStyle("p", fontName=f, fontSize=9, leading=12),
            "note": ParagraphStyle("note", fontName=f, fontSize=8, leading=11, textColor=colors.grey)}


def yuan(fen: int | None) -> str:
    """Integer fen → "1854.70" ("—" for unknown)."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def table(header: list[str], rows: list[list], *, widths=None, numeric_from: int = 99, total: bool = False) -> Table:
    """A grid table in the CID font; columns from ``numeric_from`` on are right-aligned; a last total row bold-lined."""
    t = Table([header] + [[str(c) for c in r] for r in rows], colWidths=widths, repeatRows=1)
    style = [("FONT", (0, 0), (-1, -1), font(), 8), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf1")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT")]
    if total and rows:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 1.2, colors.black))
    t.setStyle(TableStyle(style))
    return t


def build(story: list, *, title: str, wide: bool = False) -> bytes:
    buffer = BytesIO()
    size = landscape(A4) if wide else A4
    doc = SimpleDocTemplate(buffer, pagesize=size, title=title, author="laobao", leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm)
    doc.build(story)
    return buffer.getvalue()


def spacer(h: float = 4) -> Spacer:
    return Spacer(1, h * mm)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;"), style)
