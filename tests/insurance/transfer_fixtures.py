"""Builders for the transfer tests: paid (or unpaid) months written the way assessment and collection write them.

Rows are created directly (ORM) and posted with ``ledger.services.post`` following the postings contract of
issue 4: ``bill:<id>`` Dr receivable / Cr fund; ``payment:<ref>`` Dr bank / Cr receivable; ``account:<item>``
Dr fund:pension / Cr personal:<person>:pension when the item is fully paid.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from laobao.insurance.models import Allocation, Bill, BillItem, Contribution, Payment
from laobao.ledger.services import post

EMPLOYER_RATE, EMPLOYEE_RATE, ACCOUNT_RATE = 16, 8, 8  # percent, Jiangsu 2019+ (tests only: whole percents)


def months(first: date, n: int) -> list[date]:
    out, y, m = [], first.year, first.month
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = y + (m == 12), m % 12 + 1
    return out


def pension_month(person, employer, month: date, base_fen: int, *, paid: bool = True, payer=None) -> BillItem:
    """One month of one person's pension on the employer's bill (or the person's own bill when employer is None)."""
    er, ee = base_fen * EMPLOYER_RATE // 100, base_fen * EMPLOYEE_RATE // 100
    acct = base_fen * ACCOUNT_RATE // 100
    region = employer.region if employer else person.residence_region
    bill = Bill.objects.create(employer=employer, person=None if employer else person, month=month, region=region,
                               due_date=month.replace(day=15), issued_at=datetime(month.year, month.month, 1,
                                                                                   tzinfo=timezone.utc),
                               run="test", due_fen=er + ee, lines=1)
    item = BillItem.objects.create(bill=bill, insurance="pension", month=month, employer_fen=er, employee_fen=ee,
                                   account_fen=acct, due_fen=er + ee)
    Contribution.objects.create(bill=bill, person=person, month=month, wage_fen=base_fen, pension_base=base_fen,
                                pension_employer=er, pension_employee=ee, account=acct)
    payer_code = f"receivable:employer:{employer.pk}" if employer else f"receivable:person:{person.pk}"
    post(key=f"bill:{bill.pk}", kind="assessment", lines=[(payer_code, er + ee, 0), ("fund:pension", 0, er + ee)])
    if paid:
        ref = f"T{bill.pk}"
        payment = Payment.objects.create(bank_ref=ref, channel="bank", payer_code="x", employer=employer,
                                         person=None if employer else person, amount_fen=er + ee,
                                         paid_on=month.replace(day=10),
                                         received_at=datetime(month.year, month.month, 10, tzinfo=timezone.utc))
        Allocation.objects.create(payment=payment, item=item, kind="principal", amount_fen=er + ee,
                                  allocated_on=month.replace(day=10))
        post(key=f"payment:{ref}", kind="payment", lines=[("bank:collection", er + ee, 0), (payer_code, 0, er + ee)])
        post(key=f"account:{item.pk}", kind="account", value_date=month.replace(day=10),
             lines=[("fund:pension", acct, 0), (f"personal:{person.pk}:pension", 0, acct)])
    return item


def pdf_text(pdf: bytes) -> str:
    """The text a reportlab PDF shows with the UniGB-UCS2-H CID font (UTF-16-BE strings), for assertions."""
    import base64
    import re
    import zlib

    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        raw = m.group(1).strip()
        try:
            data = zlib.decompress(base64.a85decode(raw.removesuffix(b"~>")))
        except Exception:  # noqa: BLE001 - not a text stream
            continue
        for s in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data, re.S):
            out.append(_unescape(s.group(1)))
    return "\n".join(out)


def _unescape(s: bytes) -> str:
    import re

    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}

    def repl(m):
        esc = m.group(1)
        return bytes([int(esc, 8)]) if esc[:1].isdigit() else simple.get(esc, esc)

    raw = re.sub(rb"\\([0-7]{1,3}|.)", repl, s, flags=re.S)
    try:
        return raw.decode("utf-16-be")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
