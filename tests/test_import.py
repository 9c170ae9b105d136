"""File import: all rows or none, every bad row reported; idempotent re-import; the legacy merge (并轨)."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from django.db import connections
from openpyxl import Workbook, load_workbook

from conftest import make_credit_code, make_id
from laobao.cli import main
from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.identifiers import org_code_check_char, parse_citizen_id, upgrade_15_to_18
from laobao.core.models import AuditEvent
from laobao.registry import services
from laobao.registry.imports import import_employers, import_persons
from laobao.registry.models import Employer, LegacyRecord, MergeConflict, Person

HEADER = ["身份证号", "姓名", "户口性质", "户籍地区划代码", "居住社区代码", "手机号码"]


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch):
    """`laobao X` ends, like every Django command, by closing all connections: on PostgreSQL that would
    close the connection holding the test's transaction."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def read_report(path: Path) -> list[list[str]]:
    if path.suffix == ".xlsx":
        rows = load_workbook(path).active.iter_rows(values_only=True)
        return [["" if c is None else str(c) for c in r] for r in rows]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def imports_audited(action: str = "registry.import_persons"):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def bad_person_rows(city) -> tuple[list[list], dict[int, str]]:
    """A header, one good row and six bad ones; returns the rows and the expected rule code per row number."""
    c11 = city["c11"].code
    good = make_id(seq=11)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        HEADER,
        [good, "张伟", "城镇", "320508", c11, "13912340011"],                       # row 2: good
        [bad_check, "李娜", "urban", "320508", c11, "13912340012"],                  # row 3: check character
        [make_id(birth="19800230", seq=13), "王磊", "农村", "320508", c11, ""],       # row 4: no such date
        [make_id(seq=14), "刘洋", "外地", "510104", "320508999999", ""],              # row 5: unknown region
        [good, "张伟", "城镇", "320508", c11, "13912340011"],                       # row 6: same as row 2
        [make_id(seq=16), "陈静", "城镇", "320508", c11, "12345"],                   # row 7: bad mobile
        [make_id(seq=17), "", "城镇", "320508", c11, ""],                            # row 8: no name
    ]
    expected = {3: "citizen_id.checksum", 4: "citizen_id.birth_date", 5: "region.unknown",
                6: "import.duplicate_row", 7: "mobile.format", 8: "name.format"}
    return rows, expected


def assert_every_bad_row_reported(errors, report_rows, expected):
    """Each bad row: its rule, its row number and the message in both languages in the error column."""
    assert {e.row: [p.code for p in e.problems] for e in errors} == {r: [c] for r, c in expected.items()}
    assert report_rows[0][-1] == "错误说明 / errors"
    assert len(report_rows) == 8  # header + every original row, good ones included
    assert report_rows[1][-1] == ""  # the good row
    for error in errors:
        message = report_rows[error.row - 1][-1]
        assert message.startswith(f"第{error.row}行 / row {error.row}")
        for problem in error.problems:
            assert problem.zh in message and problem.en in message
    assert Person.objects.count() == 0 and not imports_audited()


def test_csv_with_bad_rows_writes_nothing_and_reports_every_row(city, tmp_path, capsys):
    rows, expected = bad_person_rows(city)
    path = write_csv(tmp_path / "persons.csv", rows)
    assert main(["import", "persons", str(path)]) == 1
    err = capsys.readouterr().err
    assert "6 of 7 rows have errors, nothing was written" in err and "第7行" in err
    report = tmp_path / "persons.errors.csv"
    assert report.exists()
    result = import_persons(path, user=None, report_path=tmp_path / "again.csv")
    assert_every_bad_row_reported(result.errors, read_report(tmp_path / "again.csv"), expected)
    assert read_report(report) == read_report(tmp_path / "again.csv")


def test_xlsx_with_bad_rows_reports_in_xlsx_and_flags_ids_stored_as_numbers(city, tmp_path):
    rows, expected = bad_person_rows(city)
    rows.append([3.20508198001011e17, "赵敏", "城镇", 320508, int(city["c11"].code), 13912340019])  # row 9
    expected[9] = "cell.number"
    path = write_xlsx(tmp_path / "persons.xlsx", rows)
    result = import_persons(path, user=None)
    assert result.report_path == tmp_path / "persons.errors.xlsx"
    report = read_report(result.report_path)
    assert "Excel" in report[8][-1] and "Text" in report[8][-1]
    del report[8]
    assert [e.row for e in result.errors][-1] == 9
    assert_every_bad_row_reported(result.errors[:-1], report, {k: v for k, v in expected.items() if k != 9})


def test_xlsx_numbers_that_are_safe_are_read_as_text(city, tmp_path):
    number15 = "320508800101123"  # a 15-digit legacy number survives as an Excel number
    rows = [HEADER, [int(number15), "张伟", "城镇", 320508, int(city["c11"].code), 13912340011]]
    result = import_persons(write_xlsx(tmp_path / "p.xlsx", rows), user=None)
    assert result.ok and result.created == 1
    person = Person.objects.get()
    assert person.citizen_id == upgrade_15_to_18(number15) and person.legacy_id15 == number15
    assert person.mobile == "13912340011" and person.hukou_region_code == "320508"


def good_rows(city) -> list[list]:
    return [
        HEADER,
        [make_id(seq=21), "张伟", "城镇", "320508", city["c11"].code, "13912340021"],
        [make_id(seq=22).lower(), "李娜", "本市农村户籍", "320508", city["c12"].code, ""],
        ["320508800101023", "欧阳·娜娜", "elsewhere", "510104", city["c21"].code, "+86 139-1234-0023"],
    ]


def test_good_file_imports_in_one_go_and_reimport_creates_nothing(city, tmp_path, capsys):
    path = write_csv(tmp_path / "good.csv", good_rows(city))
    assert main(["import", "persons", str(path)]) == 0
    assert "imported persons: 3 created, 0 unchanged, 0 errors" in capsys.readouterr().out
    assert Person.objects.count() == 3
    p = Person.objects.get(name="欧阳·娜娜")
    assert p.citizen_id == upgrade_15_to_18("320508800101023") and p.mobile == "13912340023"
    assert p.hukou_type == "elsewhere" and p.sex == "M" and str(p.birth_date) == "1980-01-01"
    [event] = imports_audited()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    ids = sorted(Person.objects.values_list("pk", flat=True))
    assert event.after == {"file": "good.csv", "sha256": digest, "source": None, "rows": 3, "created": 3,
                           "unchanged": 0, "linked": 0, "conflicts": 0, "record_ids": [[ids[0], ids[-1]]]}
    assert event.actor_username == "cli:import" and event.region_path == city["gusu"].path

    assert main(["import", "persons", str(path)]) == 0
    assert "imported persons: 0 created, 3 unchanged, 0 errors" in capsys.readouterr().out
    assert Person.objects.count() == 3 and len(imports_audited()) == 2


def test_row_that_differs_from_the_registry_is_refused_never_overwritten(city, make_person, tmp_path):
    existing = make_person(city["c11"], name="张伟")
    rows = [HEADER,
            [existing.citizen_id, "张卫", "城镇", "320508", city["c11"].code, ""],  # another name
            [existing.citizen_id, "张伟", "城镇", "320508", city["c11"].code, ""]]
    result = import_persons(write_csv(tmp_path / "p.csv", rows[:2]), user=None)
    [error] = result.errors
    assert error.problems[0].code == "import.differs"
    assert "已登记且信息不一致：请在人员页面更正" in error.problems[0].zh and f"档案号 {existing.pk}" in error.problems[0].zh
    assert Person.objects.get(pk=existing.pk).name == "张伟"
    # the same facts with a blank mobile are "unchanged": a blank optional cell is no difference
    result = import_persons(write_csv(tmp_path / "q.csv", [HEADER, rows[2]]), user=None)
    assert result.ok and result.unchanged == 1 and result.created == 0


def test_gb18030_csv_from_chinese_excel(city, tmp_path):
    rows = good_rows(city)
    path = write_csv(tmp_path / "gbk.csv", rows, encoding="gb18030")
    assert path.read_bytes().find("姓名".encode("gb18030")) >= 0
    result = import_persons(path, user=None)
    assert result.ok and result.created == 3
    assert set(Person.objects.values_list("name", flat=True)) == {"张伟", "李娜", "欧阳·娜娜"}


def test_english_headers_and_utf8_without_bom(city, tmp_path):
    rows = [["citizen_id", "name", "hukou_type", "hukou_region_code", "residence_region_code", "mobile", "remark"],
            [make_id(seq=31), "Zhang Wei", "urban", "320508", city["c11"].code, "", "ignored"]]
    result = import_persons(write_csv(tmp_path / "en.csv", rows, encoding="utf-8"), user=None)
    assert result.ok and Person.objects.get().name == "Zhang Wei"


def test_a_file_without_the_required_columns_is_refused(city, tmp_path, capsys):
    path = write_csv(tmp_path / "x.csv", [["姓名", "手机号码"], ["张伟", "13912340011"]])
    with pytest.raises(DomainError) as exc:
        import_persons(path, user=None)
    assert exc.value.problems[0].code == "file.missing_columns" and "身份证号" in exc.value.problems[0].zh
    assert main(["import", "persons", str(path)]) == 1
    assert "citizen_id" in capsys.readouterr().err


def test_staff_import_needs_the_permission_and_stays_in_scope(city, make_user, tmp_path):
    rows = [HEADER, [make_id(seq=41), "张伟", "城镇", "320508", city["c11"].code, ""],
            [make_id(seq=42), "李娜", "城镇", "320506", city["c31"].code, ""]]
    path = write_csv(tmp_path / "p.csv", rows)
    with pytest.raises(Forbidden):
        import_persons(path, user=make_user("community_caseworker", city["c11"]))
    result = import_persons(path, user=make_user("district_officer", city["gusu"]))
    assert [(e.row, e.problems[0].code) for e in result.errors] == [(3, "import.out_of_scope")]
    assert not Person.objects.exists()


# --- employers --------------------------------------------------------------------------------

EMPLOYER_HEADER = ["统一社会信用代码", "组织机构代码", "单位名称", "单位类型", "行业门类", "单位规模", "所在区划代码", "状态"]


def test_employer_import_links_the_legacy_org_code_record_and_is_idempotent(city, tmp_path, capsys):
    body = "12345678"
    org = body + org_code_check_char(body)
    with acting_as(None, username="test"):
        legacy = services.employer_register(user=None, org_code=org, name="苏州老厂", type="collective",
                                            industry="C", size="small", region_code=city["s1"].code)
    credit = make_credit_code(12345678)
    assert credit[8:17] == org
    rows = [EMPLOYER_HEADER,
            [credit, "", "苏州老厂有限公司", "私营企业", "C", "小型", city["s1"].code, "正常"],
            [make_credit_code(1), "", "苏州新厂", "private", "制造业", "micro", city["c11"].code, ""]]
    path = write_csv(tmp_path / "employers.csv", rows)
    assert main(["import", "employers", str(path)]) == 0
    assert "imported employers: 1 created, 1 linked, 0 unchanged, 0 errors" in capsys.readouterr().out
    legacy.refresh_from_db()
    assert legacy.credit_code == credit and legacy.name == "苏州老厂有限公司" and Employer.objects.count() == 2
    [event] = imports_audited("registry.import_employers")
    assert event.before["linked"][0]["org_code"] == org and event.after["linked"] == 1
    assert main(["import", "employers", str(path)]) == 0
    assert "0 created, 0 linked, 2 unchanged" in capsys.readouterr().out
    assert Employer.objects.count() == 2


def test_employer_file_with_bad_rows_writes_nothing(city, tmp_path):
    good = make_credit_code(2)
    rows = [EMPLOYER_HEADER,
            [good, "", "苏州甲厂", "private", "C", "small", city["s1"].code, ""],
            [good[:17] + ("0" if good[17] != "0" else "1"), "", "苏州乙厂", "private", "C", "small", city["s1"].code, ""],
            [make_credit_code(3), "", "苏州丙厂", "no-such-type", "C", "small", city["s1"].code, ""],
            [good, "", "苏州甲厂", "private", "C", "small", city["s1"].code, ""],
            ["", "", "苏州丁厂", "private", "C", "small", city["s1"].code, ""]]
    result = import_employers(write_xlsx(tmp_path / "e.xlsx", rows), user=None)
    assert {e.row: e.problems[0].code for e in result.errors} == {
        3: "credit_code.checksum", 4: "type.choice", 5: "import.duplicate_row", 6: "employer.code_required"}
    assert not Employer.objects.exists() and result.report_path.suffix == ".xlsx"


# --- legacy merge (并轨) ------------------------------------------------------------------------

LEGACY_HEADER = ["个人编号", "身份证号", "姓名", "出生日期", "性别", "户口性质", "居住社区代码", "手机号码"]


@pytest.fixture
def planted(city, make_person):
    """Three citizens already in the city registry, and a 吴中 legacy export that meets them."""
    same = make_person(city["c31"], name="王芳")
    renamed = make_person(city["c31"], name="李强")
    born = make_person(city["c31"], name="赵敏")
    new15 = "320524670401002"  # a 15-digit legacy number: a woman born 1967-04-01
    sexed = make_id("320524", "19750505", 7)  # a man (odd 17th digit) whom the legacy system calls a woman
    c31 = city["c31"].code
    rows = [
        LEGACY_HEADER,
        ["W001", new15, "陈静", "1967-04-01", "女", "农村", c31, "13812340001"],     # 2: new person (15 digits)
        ["W002", same.citizen_id, "王芳", "", "", "城镇", "", ""],                    # 3: identical → link
        ["W003", renamed.citizen_id, "李刚", "", "", "城镇", "", ""],                 # 4: other name → conflict
        ["W004", born.citizen_id, "赵敏", "1975-01-01", "男", "", "", ""],            # 5: other birth date → conflict
        ["W005", upgrade_15_to_18(new15), "陈静", "19670401", "", "", "", ""],        # 6: row 2's citizen, 18 digits
        ["W006", sexed, "周杰", "", "女", "城镇", c31, ""],                            # 7: new, sex contradicts the ID
    ]
    return {"same": same, "renamed": renamed, "born": born, "new15": new15, "sexed": sexed, "rows": rows}


def test_legacy_merge_links_creates_and_lists_exactly_the_planted_conflicts(planted, tmp_path, capsys):
    path = write_csv(tmp_path / "wuzhong.csv", planted["rows"])
    assert main(["import", "persons", "--source", "wuzhong", str(path)]) == 0
    out = capsys.readouterr().out
    assert "merged wuzhong: 2 new, 4 linked, 3 conflicts" in out

    new = Person.objects.get(legacy_id15=planted["new15"])
    assert new.citizen_id == upgrade_15_to_18(planted["new15"]) and new.name == "陈静" and new.sex == "F"
    assert new.hukou_region_code == "320506"  # local hukou of a 吴中 record without its own code
    assert Person.objects.count() == 5  # 3 existing + 陈静 (once, despite 15 and 18 digits) + 周杰
    links = dict(LegacyRecord.objects.filter(source="wuzhong").values_list("legacy_key", "person__citizen_id"))
    assert links == {"W001": new.citizen_id, "W002": planted["same"].citizen_id,
                     "W003": planted["renamed"].citizen_id, "W004": planted["born"].citizen_id,
                     "W005": new.citizen_id, "W006": planted["sexed"]}
    # nothing overwritten
    assert Person.objects.get(pk=planted["renamed"].pk).name == "李强"
    assert str(Person.objects.get(pk=planted["born"].pk).birth_date) == "1980-01-01"
    assert Person.objects.get(citizen_id=planted["sexed"]).sex == "M"

    masked = lambda n: parse_citizen_id(n).masked()  # noqa: E731
    expected = [
        ["4", "W003", masked(planted["renamed"].citizen_id), "姓名 / name", "李强", "李刚", "新发现 / new"],
        ["5", "W004", masked(planted["born"].citizen_id), "出生日期 / birth_date", "1980-01-01", "1975-01-01",
         "新发现 / new"],
        ["7", "W006", masked(planted["sexed"]), "性别 / sex", "M", "F", "新发现 / new"],
    ]
    report = read_report(tmp_path / "wuzhong.conflicts.csv")
    assert report[1:] == expected
    assert not any(parse_ok(cell) for row in report for cell in row)  # no full ID number in the report
    conflicts = set(MergeConflict.objects.values_list("person__name", "field", "registry_value", "legacy_value",
                                                      "row_number", "status"))
    assert conflicts == {("李强", "name", "李强", "李刚", 4, "open"),
                         ("赵敏", "birth_date", "1980-01-01", "1975-01-01", 5, "open"),
                         ("周杰", "sex", "M", "F", 7, "open")}
    [event] = imports_audited()
    assert event.after["source"] == "wuzhong" and event.after["conflicts"] == 3

    # run it again: nothing new, the report still lists the (now recorded) conflicts
    assert main(["import", "persons", "--source", "wuzhong", str(path)]) == 0
    assert "merged wuzhong: 0 new, 0 linked, 0 conflicts, 6 already merged" in capsys.readouterr().out
    assert (Person.objects.count(), LegacyRecord.objects.count(), MergeConflict.objects.count()) == (5, 6, 3)
    again = read_report(tmp_path / "wuzhong.conflicts.csv")
    assert [r[:6] for r in again[1:]] == [r[:6] for r in expected] and again[1][6] == "已记录待处理 / open"


def parse_ok(cell: str) -> bool:
    try:
        parse_citizen_id(cell)
        return True
    except DomainError:
        return False


def test_the_same_citizen_is_recognised_across_sources(planted, tmp_path):
    import_persons(write_csv(tmp_path / "wz.csv", planted["rows"]), user=None, source="wuzhong")
    rows = [LEGACY_HEADER,
            ["X9", planted["new15"], "陈静", "", "", "", "", ""],  # 15 digits, created by the 吴中 merge
            ["X10", planted["same"].citizen_id, "王芳", "", "", "", "", ""]]
    result = import_persons(write_xlsx(tmp_path / "xc.xlsx", rows), user=None, source="xiangcheng")
    assert (result.created, result.linked, result.conflicts) == (0, 2, 0) and result.conflict_report_path is None
    assert Person.objects.count() == 5 and LegacyRecord.objects.filter(source="xiangcheng").count() == 2


def test_legacy_file_with_invalid_rows_is_rejected_whole(planted, city, tmp_path):
    rows = planted["rows"] + [
        ["W007", "320524670230001", "钱多", "", "", "城镇", city["c31"].code, ""],  # 8: 1967-02-30
        ["W008", make_id("320524", "19700101", 9), "孙丽", "1970-02-30", "", "城镇", city["c31"].code, ""],  # 9
        ["W009", make_id("320524", "19700101", 11), "吴刚", "", "", "城镇", "", ""],  # 10: new, no community
        ["W001", make_id("320524", "19700101", 13), "郑爽", "", "", "城镇", city["c31"].code, ""],  # 11: key reused
        ["W010", make_id("320524", "19700101", 15), "冯巩", "", "不详", "城镇", city["c31"].code, ""],  # 12: sex
    ]
    result = import_persons(write_csv(tmp_path / "bad.csv", rows), user=None, source="wuzhong")
    assert {e.row: e.problems[0].code for e in result.errors} == {
        8: "citizen_id.birth_date", 9: "birth_date.format", 10: "legacy.residence_required",
        11: "legacy_key.duplicate", 12: "sex.choice"}
    assert result.report_path == tmp_path / "bad.errors.csv"
    assert (Person.objects.count(), LegacyRecord.objects.count(), MergeConflict.objects.count()) == (3, 0, 0)
    assert not imports_audited()


def test_an_uploaded_file_object_imports_like_a_path(city, tmp_path):
    """The web and API hand over an uploaded file, not a path."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = write_csv(tmp_path / "good.csv", good_rows(city)).read_bytes()
    with acting_as(None, username="web"):
        result = import_persons(SimpleUploadedFile("上传.csv", data), user=None)
    assert result.ok and result.created == 3 and result.filename == "上传.csv"
    assert imports_audited()[0].after["sha256"] == hashlib.sha256(data).hexdigest()
