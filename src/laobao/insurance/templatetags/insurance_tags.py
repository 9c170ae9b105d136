"""Template filters of the insurance pages: integer fen as yuan text, dict lookup by key."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter(name="yuan")
def yuan(fen) -> str:
    """Integer fen → "1,854.70" (blank for None)."""
    if fen is None or fen == "":
        return ""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


@register.filter(name="get")
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter(name="insurance_label")
def insurance_label(code: str) -> str:
    from laobao.insurance.models import Insurance

    return str(Insurance(code).label) if code in Insurance.values else code


JOURNAL_KINDS = {"payment": _("缴费到账"), "interest": _("记账利息"), "credit_used": _("留抵冲缴"),
                 "assessment": _("核定"), "transfer_out": _("关系转出"), "transfer_in": _("关系转入")}


@register.filter(name="journal_kind")
def journal_kind(code: str) -> str:
    """A journal entry's kind in words (reversals: 冲销 + the kind)."""
    if code.startswith("reversal:"):
        return f"{_('冲销')} {journal_kind(code.removeprefix('reversal:'))}"
    return str(JOURNAL_KINDS.get(code, code))


@register.simple_tag
def record_rows(rows) -> str:
    """The <tr> rows of the contribution record, built in Python: a 240-month record has 3,600 cells, and a
    template loop over them costs most of the page's 100 ms budget (bench/insurance_record.py)."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext

    star = '<abbr title="%s">*</abbr>' % escape(gettext("含补差调整"))
    transfer, own = escape(gettext("转入")), escape(gettext("个人缴费"))
    out = []
    for r in rows:
        who = escape(r["employer"]) + (f' <span class="tag">{transfer}</span>' if r["transfer"] else "") \
            if r["employer"] or r["transfer"] else own
        cells = "".join(
            f'<td class="num">{c[0]}</td><td class="num">{c[1]}</td><td class="status-{c[2]}">{escape(c[3])}</td>'
            if c else "<td></td><td></td><td></td>" for c in r["cells"])
        tr = '<tr class="transfer">' if r["transfer"] else "<tr>"
        mark = " " + star if r["adjusted"] else ""
        out.append(f'{tr}<th scope="row" class="nowrap">{r["month"]}{mark}</th><td>{who}</td>{cells}</tr>')
    return mark_safe("\n".join(out))
