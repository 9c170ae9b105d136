"""The yearly rights record (PDF) and the employer statement (PDF, XLSX): valid files, Chinese text, totals."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from laobao.core.models import AuditEvent, Role
from laobao.insurance import selectors
from laobao.insurance.documents import rights_record_pdf, statement_pdf, statement_xlsx

from record_fixtures import build

_ESC = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(literal: bytes) -> bytes:
    """A PDF literal string's bytes (escapes: \\ddd octal, \\n, \\(, \\), \\\\)."""
    out, i = bytearray(), 0
    while i < len(literal):
        c = literal[i:i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += _ESC.get(literal[i + 1:i + 2], literal[i + 1:i + 2])
            i += 2
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text shown by the PDF's content streams (reportlab: ASCII85 + Flate; CID font strings in UTF-16BE)."""
    texts = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            content = zlib.decompress(base64.a85decode(m.group(1).strip(), adobe=True))
        except (ValueError, zlib.error):
            continue
        for s in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            texts.append(_unescape(s.group(1)).decode("utf-16-be", "replace"))
    return "\n".join(texts)


@pytest.fixture
def world(city, make_person, make_employer):
    return build(make_person, make_employer, city["c11"])


@pytest.fixture
def caseworker(make_user, city):
    return make_user(Role.COMMUNITY_CASEWORKER, city["c11"])


def test_rights_record_pdf(world, caseworker):
    data = rights_record_pdf(selectors.rights_record(caseworker, world.person, 2024))
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/STSong-Light" in data and b"UniGB-UCS2-H" in data  # the built-in CID font, Unicode encoding
    text = pdf_text(data)
    assert "苏州市社会保险个人权益记录单（2024年度）" in text
    assert "数据截至 2024-03" in text and world.person.name in text and world.employer.name in text
    assert "2024-01*" in text  # the month with the folded adjustment is marked
    assert "1,440.00 部分" in text and "550.00 已缴" in text
    assert "410.00" in text and "10.00" in text  # account balance at 2024-12-31 (incl. interest) and the interest
    assert world.person.citizen_id not in text


def test_employer_statement_pdf_and_xlsx(world, caseworker):
    data = selectors.employer_statement(caseworker, world.employer, date(2024, 5, 1))
    pdf = statement_pdf(data)
    assert pdf.startswith(b"%PDF-") and b"/STSong-Light" in pdf
    text = pdf_text(pdf)
    assert "社会保险费单位缴费对账单" in text and world.employer.name in text and "B-2024-02" in text
    book = load_workbook(BytesIO(statement_xlsx(data)))
    assert book.sheetnames == ["汇总", "核定", "缴费", "欠费"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert summary["应缴合计"] == Decimal(data["due_fen"]).scaleb(-2)
    assert summary["已缴合计"] == Decimal("5600.00")  # 3,500.00 (January) + 2,100.00 (February)
    assert summary["欠缴本金"] == Decimal(data["arrears"]["outstanding_fen"]).scaleb(-2)
    bills = list(book["核定"].iter_rows(min_row=2, values_only=True))
    assert [b[0] for b in bills] == ["2024-03", "2024-02", "2024-01"]
    assert sum(b[3] for b in bills) == summary["应缴合计"]
    assert sum(b[5] for b in bills) == Decimal("1400.00") + Decimal(data["bills"][0]["outstanding_fen"]).scaleb(-2)
    arrears = list(book["欠费"].iter_rows(min_row=2, values_only=True))
    assert sum(a[5] for a in arrears) == summary["欠缴本金"]


def test_downloads_are_scoped_and_audited(world, caseworker, client, make_user, city):
    client.force_login(caseworker)
    url = reverse("insurance:person_rights_pdf", kwargs={"pk": world.person.pk, "year": 2024})
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="insurance.rights_record.download", object_id=str(world.person.pk)).exists()
    for fmt in ("pdf", "xlsx"):
        url = reverse("insurance:employer_statement", kwargs={"pk": world.employer.pk, "fmt": fmt})
        assert client.get(url, {"on": "2024-05-01"}).status_code == 200
    assert AuditEvent.objects.filter(action="insurance.statement.download").count() == 2
    assert client.get(reverse("insurance:employer_statement", kwargs={"pk": world.employer.pk, "fmt": "doc"})).status_code == 404
    client.force_login(make_user(Role.DISTRICT_OFFICER, city["wuzhong"]))
    url = reverse("insurance:employer_statement", kwargs={"pk": world.employer.pk, "fmt": "xlsx"})
    assert client.get(url).status_code == 404
    assert client.get(reverse("insurance:person_rights_pdf", kwargs={"pk": world.person.pk, "year": 2024})).status_code == 404
