"""The import and export pages: all-or-nothing uploads, the one-time error report, purging, exports, refusals."""

from __future__ import annotations

import csv
import io
import os
import re
import time
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import full_ids, make_credit_code, make_id
from laobao.core.identifiers import parse_citizen_id
from laobao.core.models import AuditEvent
from laobao.registry.models import Employer, LegacyRecord, MergeConflict, Person

HEADER = ["身份证号", "姓名", "户口性质", "户籍地区划代码", "居住社区代码", "手机号码"]
LEGACY_HEADER = ["个人编号", "身份证号", "姓名", "出生日期", "性别", "户口性质", "居住社区代码", "手机号码"]
CJK = re.compile(r"[\u3400-\u9fff]")
REASON = "向医保中心交换参保数据"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    """Reports go to a fresh VAR_DIR per test."""
    settings.VAR_DIR = tmp_path
    return tmp_path / "imports"


@pytest.fixture
def officer(city, make_user):
    return make_user("district_officer", city["gusu"])


@pytest.fixture
def other_officer(city, make_user):
    return make_user("district_officer", city["gusu"])


@pytest.fixture
def as_officer(client, officer):
    client.force_login(officer)
    return client


def csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[list], *, macro: bool = False) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    if not macro:
        return buf.getvalue()
    with zipfile.ZipFile(buf, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really VBA")
    return buf.getvalue()


def upload(client, data: bytes, name: str = "persons.csv", kind: str = "persons", source: str = "", **extra):
    return client.post(reverse("import_page"), {"kind": kind, "source": source,
                                                "file": SimpleUploadedFile(name, data)}, **extra)


def report_url(response) -> str:
    match = re.search(r'href="(/imports/report/\?t=[0-9a-f]{32})"', response.content.decode())
    assert match, "no report link on the page"
    return match.group(1)


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def good_rows(city) -> list[list]:
    return [HEADER,
            [make_id(seq=21), "张伟", "城镇", "320508", city["c11"].code, "13912340021"],
            [make_id(seq=22), "李娜", "农村", "320508", city["c12"].code, ""],
            [make_id(seq=23), "王磊", "外地", "510104", city["c21"].code, "13912340023"]]


def bad_rows(city) -> list[list]:
    good = make_id(seq=31)
    return [HEADER,
            [good, "张伟", "城镇", "320508", city["c11"].code, "13912340031"],            # 2: good
            [good[:17] + ("0" if good[17] != "0" else "1"), "李娜", "城镇", "320508",     # 3: check character
             city["c11"].code, ""],
            [make_id(seq=33), "王磊", "城镇", "320508", "320508999999", ""],              # 4: unknown region
            [make_id(seq=34), "刘洋", "城镇", "320508", city["c12"].code, "12345"],       # 5: bad mobile
            [make_id(seq=35), "陈静", "城镇", "320508", city["c31"].code, ""]]            # 6: another district


def import_events(action: str = "registry.import_persons"):
    return list(AuditEvent.objects.filter(action=action))


def leftovers(var_dir) -> list[str]:
    return sorted(p.name for p in var_dir.iterdir()) if var_dir.exists() else []


# --- imports ----------------------------------------------------------------------------------

def test_good_csv_creates_every_row_with_one_audit_event_and_no_report(as_officer, officer, city, var_dir):
    response = upload(as_officer, csv_bytes(good_rows(city)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "导入完成" in html and "/imports/report/" not in html
    assert Person.objects.count() == 3
    [event] = import_events()
    assert event.actor_id == officer.pk and event.after["created"] == 3 and event.region_path == city["gusu"].path
    assert leftovers(var_dir) == []  # no report, no empty folder
    again = upload(as_officer, csv_bytes(good_rows(city)))
    assert again.status_code == 200 and Person.objects.count() == 3 and len(import_events()) == 2


def test_bad_csv_writes_nothing_and_its_report_downloads_once_to_the_uploader(
        client, as_officer, officer, other_officer, city, var_dir):
    rows = bad_rows(city)
    response = upload(as_officer, csv_bytes(rows), name="人员名单.csv")
    assert response.status_code == 400
    assert Person.objects.count() == 0 and import_events() == []
    html = response.content.decode()
    assert "导入未执行" in html
    table = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>', html)
    assert sorted({int(r) for r, _c, _m in table}) == [3, 4, 5, 6]
    assert any(col == "身份证号（citizen_id）" for _r, col, _m in table)
    assert any("辖区" in msg for r, _c, msg in table if r == "6")
    url = report_url(response)
    [folder] = list(var_dir.iterdir())
    assert oct(folder.stat().st_mode & 0o777) == "0o700"

    intruder = Client()
    intruder.force_login(other_officer)
    assert intruder.get(url).status_code == 404  # another officer of the same district: as if it did not exist
    assert folder.exists()

    first = as_officer.get(url)
    assert first.status_code == 200
    assert first["Content-Disposition"].startswith("attachment")
    assert "errors.csv" in first["Content-Disposition"]
    report = list(csv.reader(io.StringIO(downloaded(first).decode("utf-8-sig"))))
    assert report[0] == HEADER + ["错误说明 / errors"]
    assert [r[:-1] for r in report[1:]] == rows[1:]  # every original row, in order, good ones included
    assert report[1][-1] == ""
    for number in (3, 4, 5, 6):
        assert report[number - 1][-1].startswith(f"第{number}行 / row {number}")
    assert " / " in report[2][-1] and "check" in report[2][-1].lower()

    [event] = import_events("registry.import_report_download")
    assert event.actor_id == officer.pk and event.after["report"] == "errors" and event.after["rows"] == 5
    assert as_officer.get(url).status_code == 404  # once only
    assert leftovers(var_dir) == []


def test_error_table_follows_the_active_language(as_officer, city):
    as_officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(as_officer, csv_bytes(bad_rows(city)))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Download the error report" in html and "citizen_id" in html and "jurisdiction" in html
    visible = re.sub(r"<[^>]+>", " ", html).replace("中文", "")
    assert CJK.findall(visible) == []


def test_xlsx_upload_gets_an_xlsx_report(as_officer, city):
    rows = bad_rows(city)
    response = upload(as_officer, xlsx_bytes(rows), name="persons.xlsx")
    assert response.status_code == 400
    download = as_officer.get(report_url(response))
    assert download.status_code == 200 and "errors.xlsx" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(downloaded(download))).active
    values = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    assert len(values) == len(rows) and values[0][-1] == "错误说明 / errors" and values[3][-1].startswith("第4行")


def test_reports_older_than_a_day_are_purged_when_the_page_is_used(as_officer, city, var_dir):
    old = upload(as_officer, csv_bytes(bad_rows(city)))
    old_url = report_url(old)
    [old_folder] = list(var_dir.iterdir())
    stray = var_dir / "persons-0123456789ab.errors.csv"  # a leftover of another upload path
    stray.write_text("x")
    past = time.time() - 25 * 3600
    for path in [*old_folder.iterdir(), old_folder, stray]:
        os.utime(path, (past, past))
    fresh = upload(as_officer, csv_bytes(bad_rows(city)))  # using the page purges
    assert not old_folder.exists() and not stray.exists()
    assert len(leftovers(var_dir)) == 1
    assert as_officer.get(old_url).status_code == 404
    assert as_officer.get(report_url(fresh)).status_code == 200


def test_an_expired_report_is_refused_even_before_a_purge(as_officer, city, var_dir, monkeypatch):
    response = upload(as_officer, csv_bytes(bad_rows(city)))
    from laobao.registry import views_files

    monkeypatch.setattr(views_files, "REPORT_TTL_SECONDS", -1)
    assert as_officer.get(report_url(response)).status_code == 404
    assert leftovers(var_dir) == []


def test_rows_outside_the_jurisdiction_are_refused_whole(as_officer, city):
    rows = good_rows(city) + [[make_id(seq=40), "周杰", "城镇", "320506", city["c31"].code, ""]]
    response = upload(as_officer, csv_bytes(rows))
    assert response.status_code == 400 and Person.objects.count() == 0


def test_employer_import_via_the_page(as_officer, city):
    rows = [["统一社会信用代码", "单位名称", "单位类型", "行业门类", "单位规模", "所在区划代码"],
            [make_credit_code(501), "姑苏织造有限公司", "私营企业", "C", "小型", city["c11"].code],
            [make_credit_code(502), "平江丝绸有限公司", "private", "制造业", "small", city["s1"].code]]
    response = upload(as_officer, csv_bytes(rows), name="employers.csv", kind="employers")
    assert response.status_code == 200
    assert Employer.objects.count() == 2 and len(import_events("registry.import_employers")) == 1


@pytest.fixture
def planted(city, make_person):
    renamed = make_person(city["c31"], name="李强")
    same = make_person(city["c31"], name="王芳")
    c31 = city["c31"].code
    rows = [LEGACY_HEADER,
            ["W001", "320524670401002", "陈静", "1967-04-01", "女", "农村", c31, ""],   # new, 15 digits
            ["W002", same.citizen_id, "王芳", "", "", "城镇", "", ""],                   # link
            ["W003", renamed.citizen_id, "李刚", "", "", "城镇", "", ""]]                # conflict: name
    return {"renamed": renamed, "rows": rows}


def test_legacy_merge_via_the_page_shows_conflicts_and_their_report(client, city, make_user, planted, var_dir):
    client.force_login(make_user("city_officer", city["city"]))
    assert upload(client, csv_bytes(planted["rows"]), name="wuzhong.csv", kind="legacy").status_code == 400  # no source
    response = upload(client, csv_bytes(planted["rows"]), name="wuzhong.csv", kind="legacy", source="wuzhong")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"新发现冲突</dt><dd class=\"num\">1<", html)
    assert "李刚" in html and parse_citizen_id(planted["renamed"].citizen_id).masked() in html
    assert full_ids(html) == []
    assert (LegacyRecord.objects.count(), MergeConflict.objects.count()) == (3, 1)
    download = client.get(report_url(response))
    assert download.status_code == 200 and "wuzhong.conflicts.csv" in download["Content-Disposition"]
    report = list(csv.reader(io.StringIO(downloaded(download).decode("utf-8-sig"))))
    assert len(report) == 2 and report[1][1] == "W003" and report[1][5] == "李刚"
    assert import_events("registry.import_report_download")[0].after["report"] == "conflicts"


GARBAGE = [
    ("empty.csv", b""),
    ("noise.csv", os.urandom(4096)),
    ("noise.xlsx", os.urandom(4096)),
    ("zip.xlsx", b"PK\x03\x04" + os.urandom(2000)),
    ("nul.csv", b"\xef\xbb\xbf\xe8\xba\xab\x00\x00,\x00\n" * 50),
    ("program.exe", b"MZ\x90\x00" + os.urandom(500)),
    ("noextension", b"a,b\n1,2\n"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(500)),
    ("macro.xlsm", b"PK\x03\x04"),
    ("header-only.csv", "身份证号,姓名,户口性质,户籍地区划代码,居住社区代码\n".encode()),
    ("wrong-columns.csv", b"a,b,c\n1,2,3\n"),
    ("long-field.csv", b'"' + b"x" * 200_000 + b'"\n'),
    ("gbk.csv", "身份证号,姓名\n1,张\n".encode("gb18030")),
    ("../../etc/passwd.csv", b"root:x:0:0\n"),
    ("not-a-workbook.xlsx", b"this is plain text, not a workbook"),
]


@pytest.mark.parametrize("name,data", GARBAGE, ids=[g[0] for g in GARBAGE])
def test_garbage_uploads_get_a_form_error_never_a_500(as_officer, city, var_dir, name, data):
    response = upload(as_officer, data, name=name)
    assert response.status_code == 400
    assert 'class="field-errors"' in response.content.decode() or 'class="errors"' in response.content.decode()
    assert Person.objects.count() == 0 and leftovers(var_dir) == []


def test_a_workbook_with_macros_is_refused(as_officer, city):
    response = upload(as_officer, xlsx_bytes(good_rows(city), macro=True), name="persons.xlsx")
    assert response.status_code == 400 and "宏" in response.content.decode() and Person.objects.count() == 0
    disguised = upload(as_officer, xlsx_bytes(good_rows(city), macro=True), name="persons.csv")
    assert disguised.status_code == 400 and "宏" in disguised.content.decode() and Person.objects.count() == 0
    assert upload(as_officer, xlsx_bytes(good_rows(city)), name="persons.xlsx").status_code == 200


@pytest.mark.parametrize("post", [
    {},  # no file, no kind
    {"kind": "persons"},
    {"kind": "nonsense", "file": SimpleUploadedFile("a.csv", b"a\n")},
    {"kind": "employers", "source": "mars", "file": SimpleUploadedFile("a.csv", b"a\n")},
])
def test_incomplete_forms_are_form_errors(as_officer, post):
    assert as_officer.post(reverse("import_page"), post).status_code == 400


def test_oversized_uploads_are_refused(as_officer, city, settings, var_dir):
    settings.LAOBAO_IMPORT_MAX_BYTES = 1000
    data = csv_bytes(good_rows(city) * 20)
    assert len(data) > 1000
    response = upload(as_officer, data)
    assert response.status_code == 400 and "上限" in response.content.decode()
    huge = upload(as_officer, b"x" * 200_000)  # past the declared-size check: the body is never parsed
    assert huge.status_code == 413 and "上限" in huge.content.decode()
    assert Person.objects.count() == 0 and leftovers(var_dir) == []


def test_the_upload_still_needs_the_csrf_token(officer, city):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert upload(client, csv_bytes(good_rows(city))).status_code == 403
    assert Person.objects.count() == 0


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "0" * 32, "G" * 32, "a" * 200])
def test_unknown_report_tokens_are_404(as_officer, token):
    assert as_officer.get(reverse("import_report"), {"t": token}).status_code == 404


# --- exports ----------------------------------------------------------------------------------

@pytest.fixture
def residents(city, make_person):
    return {"c11": make_person(city["c11"], name="张伟"), "c21": make_person(city["c21"], name="李娜"),
            "c31": make_person(city["c31"], name="王磊")}


def export(client, **data):
    return client.post(reverse("export_page"), {"region": "320508", "format": "csv", "reason": REASON, **data})


def test_export_with_a_reason_returns_the_masked_csv(as_officer, officer, residents):
    page_html = as_officer.get(reverse("export_page")).content.decode()
    assert 'value="320508"' in page_html and "full_ids" in page_html
    response = export(as_officer)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "persons-320508-" in disposition
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["档案号", "身份证号", "姓名"]
    assert sorted(r[2] for r in rows[1:]) == ["张伟", "李娜"]  # never the other district's 王磊
    assert full_ids(text) == [] and parse_citizen_id(residents["c11"].citizen_id).masked() in text
    [event] = AuditEvent.objects.filter(action="registry.export_persons")
    assert event.actor_id == officer.pk and event.reason == REASON and event.after["rows"] == 2


def test_export_of_full_numbers_and_as_xlsx(as_officer, residents):
    response = export(as_officer, full_ids="on", format="xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    cells = [row for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert residents["c11"].citizen_id in {row[1] for row in cells}
    assert AuditEvent.objects.get(action="registry.export_persons").after["full_ids"] is True


@pytest.mark.parametrize("data,field_text", [
    ({"reason": ""}, "导出理由"),
    ({"reason": "核对"}, "至少4个字"),
    ({"region": "320508999999"}, "不存在"),
    ({"format": "pdf"}, "pdf"),
])
def test_export_input_errors_are_form_errors(as_officer, residents, data, field_text):
    response = export(as_officer, **data)
    assert response.status_code == 400 and field_text in response.content.decode()
    assert not AuditEvent.objects.filter(action="registry.export_persons").exists()


def test_export_outside_the_jurisdiction_is_404(as_officer, residents, city):
    assert export(as_officer, region=city["c31"].code).status_code == 404
    assert export(as_officer, region="320506").status_code == 404


def test_community_caseworker_is_refused_both_pages(client, city, make_user, var_dir):
    client.force_login(make_user("community_caseworker", city["c11"]))
    home = client.get(reverse("home")).content.decode()
    assert reverse("import_page") not in home and reverse("export_page") not in home
    assert client.get(reverse("import_page")).status_code == 403
    assert upload(client, csv_bytes(good_rows(city))).status_code == 403
    assert client.get(reverse("export_page")).status_code == 403
    assert export(client, region=city["c11"].code).status_code == 403
    assert client.get(reverse("import_report"), {"t": "0" * 32}).status_code == 403
    assert Person.objects.count() == 0 and leftovers(var_dir) == []


def test_officers_see_the_links_and_anonymous_users_are_sent_to_login(as_officer):
    home = as_officer.get(reverse("home")).content.decode()
    assert reverse("import_page") in home and reverse("export_page") in home
    response = Client().get(reverse("export_page"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_english_pages(as_officer):
    as_officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for name in ("import_page", "export_page"):
        html = as_officer.get(reverse(name)).content.decode()
        visible = re.sub(r"<datalist.*?</datalist>", " ", html, flags=re.S)
        visible = re.sub(r"<[^>]+>", " ", visible).replace("中文", "")
        assert CJK.findall(visible) == [], name
