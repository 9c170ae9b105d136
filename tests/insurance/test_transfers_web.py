"""关系转移接续 through the pages, the certificate PDF and `laobao transfers`."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from laobao.core.context import acting_as
from laobao.core.identifiers import parse_citizen_id
from laobao.core.models import AuditEvent
from laobao.insurance import services as enrollment
from laobao.insurance.documents.certificate import certificate_pdf
from laobao.insurance.models import Transfer
from laobao.insurance.transfers import selectors, transfer_out
from laobao.ledger import selectors as ledger
from laobao.registry import services as registry

from transfer_fixtures import months, pdf_text, pension_month

BASE = 500_000
OUT = {"insurance": "pension", "counterpart_code": "310000", "counterpart_name": "上海市社会保险事业管理中心",
       "month": "2024-01"}


@pytest.fixture
def insured(city, make_person, make_employer):
    with acting_as(None, username="test"):
        person = make_person(city["c11"], name="王芳")
        employer = make_employer(city["c11"])
        registry.relation_start(user=None, person=person, employer=employer, start_date=date(2022, 1, 1))
        enrollment.enroll(user=None, person=person, insurance="pension", start_month=date(2022, 1, 1),
                          employer=employer, reason="hire")
        for m in months(date(2022, 1, 1), 24):
            pension_month(person, employer, m, BASE)
    return person


@pytest.fixture
def caseworker(make_user, city):
    return make_user("community_caseworker", city["c11"])


@pytest.fixture
def foreign(make_user, city):
    return make_user("community_caseworker", city["c21"])


def _url(name, pk):
    return reverse(f"insurance:{name}", kwargs={"pk": pk})


def test_transfers_page_is_scoped(client, insured, caseworker, foreign):
    client.force_login(caseworker)
    response = client.get(_url("person_transfers", insured.pk))
    assert response.status_code == 200 and "王芳" in response.content.decode()
    assert insured.citizen_id not in response.content.decode()
    client.force_login(foreign)
    assert client.get(_url("person_transfers", insured.pk)).status_code == 404
    assert client.post(_url("transfer_out", insured.pk), OUT).status_code == 404
    assert client.post(_url("transfer_in", insured.pk), {}).status_code == 404


def test_person_page_links_to_the_transfers(client, insured, caseworker):
    client.force_login(caseworker)
    body = client.get(reverse("person_detail", kwargs={"pk": insured.pk})).content.decode()
    assert _url("person_transfers", insured.pk) in body


def test_transfer_out_previews_then_confirms(client, insured, caseworker):
    client.force_login(caseworker)
    response = client.post(_url("transfer_out", insured.pk), OUT)
    body = response.content.decode()
    assert response.status_code == 200 and "14,400.00" in body and "9,600.00" in body and "12%" in body
    assert not Transfer.objects.exists()  # a preview writes nothing
    response = client.post(_url("transfer_out", insured.pk), {**OUT, "confirm": "True"})
    assert response.status_code == 302
    t = Transfer.objects.get()
    assert (t.pooled_fen, t.account_fen) == (1_440_000, 960_000)
    listing = client.get(_url("person_transfers", insured.pk)).content.decode()
    assert t.certificate_no in listing


def test_transfer_out_arrears_shown_in_the_preview_and_refused(client, insured, caseworker):
    pension_month(insured, insured.relations.first().employer, date(2024, 1, 1), BASE, paid=False)
    client.force_login(caseworker)
    body = client.post(_url("transfer_out", insured.pk), OUT).content.decode()
    assert "2024-01" in body and "未缴清" in body
    response = client.post(_url("transfer_out", insured.pk), {**OUT, "confirm": "True"})
    assert response.status_code == 400 and "补缴欠费" in response.content.decode()
    assert not Transfer.objects.exists()


def test_inspector_may_read_but_not_transfer(client, insured, make_user, city):
    client.force_login(make_user("inspector", city["c11"]))
    assert client.get(_url("person_transfers", insured.pk)).status_code == 200
    assert client.post(_url("transfer_out", insured.pk), OUT).status_code == 403


def test_certificate_pdf_has_the_chinese_text_and_is_audited(client, insured, caseworker, foreign):
    with acting_as(None, username="test"):
        t = transfer_out(user=None, person=insured, month=date(2024, 1, 1), insurance="pension",
                         counterpart_code="310000", counterpart_name="上海市社会保险事业管理中心")
    client.force_login(caseworker)
    response = client.get(_url("transfer_certificate", t.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and b"/STSong-Light" in pdf
    text = pdf_text(pdf)
    for expected in ("基本养老保险参保缴费凭证", "王芳", t.certificate_no, "120,000.00", "14,400.00", "9,600.00",
                     "24,000.00", "上海市社会保险事业管理中心", "苏州市劳动和社会保障局", "2022-01", "2023-12"):
        assert expected in text, expected
    assert insured.citizen_id in text  # a caseworker holds the reveal right
    event = AuditEvent.objects.get(action="transfer.certificate", object_id=str(t.pk))
    assert event.after["full_id"] is True
    client.force_login(foreign)
    assert client.get(_url("transfer_certificate", t.pk)).status_code == 404


def test_certificate_masks_the_id_without_the_reveal_right(insured, caseworker, monkeypatch):
    with acting_as(None, username="test"):
        t = transfer_out(user=None, person=insured, month=date(2024, 1, 1), insurance="pension",
                         counterpart_code="310000", counterpart_name="上海")
    monkeypatch.setattr(selectors, "can", lambda user, action: False)
    text = pdf_text(certificate_pdf(selectors.certificate_data(caseworker, t)))
    assert insured.citizen_id not in text and parse_citizen_id(insured.citizen_id).masked() in text


def test_periods_group_consecutive_months_by_employer():
    rows = [{"month": m, "employer": e} for m, e in
            (("2021-11", "甲"), ("2021-12", "甲"), ("2022-01", "甲"), ("2022-03", "甲"), ("2022-04", "乙"))]
    assert selectors.periods_of(rows) == [
        {"employer": "甲", "from": "2021-11", "to": "2022-01", "months": 3},
        {"employer": "甲", "from": "2022-03", "to": "2022-03", "months": 1},
        {"employer": "乙", "from": "2022-04", "to": "2022-04", "months": 1}]


IN = {"certificate_no": "SH-2024-7", "insurance": "pension", "counterpart_code": "310000",
      "counterpart_name": "上海市社会保险事业管理中心", "month": "2024-03", "account": "1,152.00", "pooled": "1728.00",
      "enroll": "self"}
CSV = "月份,单位,缴费基数,单位缴费,个人缴费,记账额,是否已缴\n" + "".join(
    f"2023-{m:02d},上海某公司,4000.00,640.00,320.00,320.00,1\n" for m in (1, 2, 3))


def test_transfer_in_by_csv_upload(client, city, make_person, caseworker):
    person = make_person(city["c11"], name="赵敏")
    client.force_login(caseworker)
    upload = SimpleUploadedFile("history.csv", CSV.encode("utf-8"), content_type="text/csv")
    response = client.post(_url("transfer_in", person.pk), {**IN, "history_file": upload})
    assert response.status_code == 302, response.content.decode()
    t = Transfer.objects.get()
    assert (t.direction, t.months, t.wages_fen, t.account_fen, t.pooled_fen) == ("in", 3, 1_200_000, 115_200, 172_800)
    assert ledger.balance(f"personal:{person.pk}:pension") == 115_200
    assert person.enrollments.get().start_reason == "transfer_in"


def test_transfer_in_typed_rows_overlap_is_a_form_error(client, insured, caseworker):
    client.force_login(caseworker)
    typed = "month,employer,base\n2023-11,上海某公司,4000\n2023-12,上海某公司,4000\n"
    response = client.post(_url("transfer_in", insured.pk), {**IN, "enroll": "none", "history_text": typed})
    body = response.content.decode()
    assert response.status_code == 400 and "2023-11" in body and "2023-12" in body and "重复" in body
    assert not Transfer.objects.exists()


def test_transfer_in_bad_rows_reported_by_row_number(client, city, make_person, caseworker):
    person = make_person(city["c11"])
    client.force_login(caseworker)
    typed = "月份,单位,缴费基数\n2023-1x,甲,4000\n2023-02,甲,40.001\n"
    body = client.post(_url("transfer_in", person.pk), {**IN, "history_text": typed}).content.decode()
    assert "第2行" in body and "第3行" in body


# --- the CLI -------------------------------------------------------------------------------------------------

def test_cli_out_writes_the_certificate_and_json_then_in_elsewhere(insured, city, make_person, tmp_path, capsys):
    pdf, data = tmp_path / "c.pdf", tmp_path / "t.json"
    call_command("lb_transfers", "out", "--person", insured.citizen_id, "--insurance", "pension", "--to", "310000",
                 "--name", "上海", "--month", "2024-01", "--pdf", str(pdf), "--json", str(data))
    out = capsys.readouterr().out
    assert "24 months" in out and "wages since 1998 120000.00 yuan" in out and "pooled 14400.00 yuan" in out
    assert f"certificate: {pdf}" in out and pdf.read_bytes().startswith(b"%PDF-")
    # the certificate number is ours: recording it as incoming is refused …
    with pytest.raises(CommandError) as err:
        call_command("lb_transfers", "in", "--file", str(data))
    assert "内容不同" in str(err.value)
    # … and the same history cannot come back to the same person (its months are on record here) …
    sent = json.loads(data.read_text(encoding="utf-8"))
    data.write_text(json.dumps(sent | {"certificate_no": "X-0"}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as err:
        call_command("lb_transfers", "in", "--file", str(data))
    assert "重复" in str(err.value)
    # … but another region's office could record it for a newcomer, once
    other = make_person(city["c12"], name="钱七")
    item = json.loads(data.read_text(encoding="utf-8")) | {"person": str(other.pk), "certificate_no": "X-1"}
    data.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
    for _ in range(2):
        call_command("lb_transfers", "in", "--file", str(data))
    assert Transfer.objects.filter(direction="in").count() == 1
    assert ledger.balance(f"personal:{other.pk}:pension") == 960_000


def test_cli_in_from_csv_with_flags(city, make_person, tmp_path, capsys):
    person = make_person(city["c11"])
    path = tmp_path / "h.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("lb_transfers", "in", "--file", str(path), "--person", str(person.pk), "--from", "310000",
                 "--name", "上海", "--month", "2024-03", "--cert", "SH-9", "--account", "1152", "--pooled", "1728")
    assert "transfers in: 1" in capsys.readouterr().out
    assert Transfer.objects.get().pooled_fen == 172_800


def test_cli_out_refusal_exits_1(city, make_person):
    person = make_person(city["c11"])
    with pytest.raises(CommandError) as err:
        call_command("lb_transfers", "out", "--person", str(person.pk), "--to", "310000", "--name", "上海",
                     "--month", "2024-01")
    assert err.value.returncode == 1 and "没有" in str(err.value)
