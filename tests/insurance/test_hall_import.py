"""The hall templates and their import (issue 4: "bad rows reported with row numbers, nothing written; the
same file twice creates nothing new"; ID columns as text; versioned templates with a 填表说明 sheet)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.insurance.hall import imports, templates
from laobao.insurance.models import BaseDeclaration, Enrollment, HireReport
from laobao.registry.models import EmploymentRelation

from conftest import make_id
from hall_fixtures import hire, set_limits

ID_WITH_X = next(make_id(seq=s) for s in range(1, 999) if make_id(seq=s).endswith("X"))


@pytest.fixture
def shop(city, make_person, make_employer):
    employer = make_employer(city["c11"])
    a = make_person(city["c11"], "甲一", citizen_id=ID_WITH_X)
    b = make_person(city["c11"], "乙二")
    return employer, a, b


def _xlsx(template, rows, *, version=None, path=None) -> io.BytesIO:
    wb = load_workbook(io.BytesIO(templates.build(template)))
    ws = wb.worksheets[0]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c).value = value
    if version:
        wb[templates.VERSION_SHEET]["B2"] = version
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "hall.xlsx"
    return out


def _run(fn, upload, employer, tmp_path, user=None):
    upload.seek(0)
    with acting_as(user, username="test"):
        return fn(upload, user=user, employer=employer, report_path=tmp_path / f"report{upload.name[-5:]}")


def test_template_has_guide_version_and_text_id_columns():
    for template in templates.TEMPLATES.values():
        wb = load_workbook(io.BytesIO(templates.build(template)))
        assert wb.sheetnames == [template.title, templates.GUIDE_SHEET, templates.VERSION_SHEET]
        guide = [row[0] for row in wb[templates.GUIDE_SHEET].iter_rows(min_row=2, values_only=True) if row[0]]
        assert guide == [f"{c.zh} / {c.key}" for c in template.columns]  # every column explained
        ws = wb.worksheets[0]
        for i, col in enumerate(template.columns, start=1):
            if col.identifier:
                assert ws.cell(row=2, column=i).number_format == "@" and ws.cell(row=500, column=i).number_format == "@"
        assert wb[templates.VERSION_SHEET]["B2"].value == template.version


HIRE = ["增员", ID_WITH_X, "甲一", "2024-07-15", "无固定期限", None, "挡车工", "6500", None, None, None]


def test_good_file_applies_then_the_same_file_is_unchanged(shop, tmp_path):
    employer, a, b = shop
    rows = [HIRE, ["增员", b.citizen_id, "乙二", "2024-08-01", "固定期限", "2027-07-31", "", "5200.50", "养老、医疗", "", ""],
            ["减员", b.citizen_id, "乙二", "2025-01-10", "", "", "", "", "", "离职", ""]]
    upload = _xlsx(templates.CHANGES, rows)
    result = _run(imports.import_changes, upload, employer, tmp_path)
    assert result.ok and (result.created, result.unchanged) == (3, 0), result.errors
    assert Enrollment.objects.filter(person=a).count() == 5
    assert set(Enrollment.objects.filter(person=b).values_list("insurance", "end_month")) == {
        ("pension", date(2025, 1, 1)), ("medical", date(2025, 1, 1))}
    assert HireReport.objects.get(relation__person=b).wage_fen == 520_050
    counts = (EmploymentRelation.objects.count(), Enrollment.objects.count(), BaseDeclaration.objects.count())
    again = _run(imports.import_changes, upload, employer, tmp_path)
    assert again.ok and (again.created, again.unchanged) == (0, 3)
    assert (EmploymentRelation.objects.count(), Enrollment.objects.count(), BaseDeclaration.objects.count()) == counts


def test_bad_rows_are_reported_by_number_and_nothing_is_written(shop, tmp_path):
    employer, a, b = shop
    rows = [HIRE,  # good, but the file fails as a whole
            ["增员", b.citizen_id, "乙三", "2024-08-01", "无固定期限", "", "", "5000", "", "", ""],  # name mismatch
            ["增员", make_id(seq=777), "丙", "2024-08-01", "无固定期限", "", "", "5000", "", "", ""],  # not registered
            ["增员", b.citizen_id, "乙二", "2024/13/01", "无固定期限", "", "", "-5", "", "", ""],  # date
            ["调岗", b.citizen_id, "乙二", "2024-08-01", "", "", "", "", "", "", ""],  # action
            ["增员", b.citizen_id, "乙二", "2024-08-01", "无固定期限", "", "", "5000", "宠物", "", ""],  # insurance
            ["增员", b.citizen_id, "乙二", "2024-08-01", "无固定期限", "", "", "5000", "", "", "91320508MA1XXXXX00"]]
    result = _run(imports.import_changes, _xlsx(templates.CHANGES, rows), employer, tmp_path)
    assert not result.ok
    by_row = {e.row: {p.field for p in e.problems} for e in result.errors}
    assert by_row == {3: {"name"}, 4: {"citizen_id"}, 5: {"date"}, 6: {"action"}, 7: {"insurances"},
                      8: {"credit_code"}}
    assert not EmploymentRelation.objects.exists() and not Enrollment.objects.exists()
    assert not BaseDeclaration.objects.exists() and not HireReport.objects.exists()
    report = load_workbook(result.report_path).worksheets[0]
    messages = {r[0].row: r[-1].value for r in report.iter_rows(min_row=2)}
    assert messages[2] in (None, "") and "第3行 / row 3" in messages[3] and "/" in messages[3]
    assert report.cell(row=2, column=2).value == ID_WITH_X  # the ID survives as text, X included
    assert "row 8" in result.summary() or "nothing was written" in result.summary()


def test_a_service_refusal_is_a_row_error(shop, tmp_path):
    employer, a, _ = shop
    rows = [HIRE, ["减员", ID_WITH_X, "甲一", "2024-07-01", "", "", "", "", "", "退休", ""]]  # leaves before the hire
    result = _run(imports.import_changes, _xlsx(templates.CHANGES, rows), employer, tmp_path)
    assert [(e.row, e.problems[0].field) for e in result.errors] == [(3, "date")]
    assert not EmploymentRelation.objects.exists()


def test_id_stored_as_a_number_is_reported_not_truncated(shop, tmp_path):
    employer, _, b = shop
    row = ["增员", 3.20508198001011e17, "乙二", "2024-08-01", "无固定期限", "", "", "5000", "", "", ""]
    result = _run(imports.import_changes, _xlsx(templates.CHANGES, [row]), employer, tmp_path)
    assert result.errors[0].problems[0].code == "cell.number" and "文本" in result.errors[0].problems[0].zh


def test_declarations_import_csv_and_idempotence(shop, tmp_path):
    employer, a, b = shop
    hire(a, employer, start=date(2023, 1, 5))
    hire(b, employer, start=date(2023, 1, 5))
    set_limits()
    text = io.StringIO()
    out = csv.writer(text)
    out.writerow([f"{c.zh}" for c in templates.DECLARATIONS.columns])
    out.writerow([ID_WITH_X, "甲一", "2024", "7300", employer.credit_code])
    out.writerow([b.citizen_id, "乙二", "2024", "4100.5", ""])
    upload = io.BytesIO(text.getvalue().encode("utf-8-sig"))
    upload.name = "decl.csv"
    result = _run(imports.import_declarations, upload, employer, tmp_path)
    assert result.ok and result.created == 2, result.errors
    assert BaseDeclaration.objects.get(person=b, year=2024).wage_fen == 410_050
    again = _run(imports.import_declarations, upload, employer, tmp_path)
    assert (again.created, again.unchanged) == (0, 2)


def test_declaration_row_errors(shop, tmp_path):
    employer, a, b = shop
    hire(a, employer, start=date(2023, 1, 5))
    rows = [[ID_WITH_X, "甲一", "24", "7300", ""], [ID_WITH_X, "甲一", "2024", "7300.123", ""],
            [b.citizen_id, "乙二", "2024", "5000", ""]]  # not employed
    result = _run(imports.import_declarations, _xlsx(templates.DECLARATIONS, rows), employer, tmp_path)
    assert [(e.row, e.problems[0].field) for e in result.errors] == [(2, "year"), (3, "wage"), (4, "citizen_id")]
    assert result.report_path.exists()


@pytest.mark.parametrize("kind,version,code", [
    ("changes", "2025.0", "template.version"),
    ("declarations", None, "template.wrong"),
])
def test_versions_are_checked(shop, tmp_path, kind, version, code):
    employer, *_ = shop
    upload = _xlsx(templates.TEMPLATES[kind], [], version=version)
    with pytest.raises(DomainError) as e:
        _run(imports.import_changes, upload, employer, tmp_path)
    assert e.value.problems[0].code == code


def test_a_workbook_without_version_sheet_is_refused(shop, tmp_path):
    employer, *_ = shop
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(["变动类型", "身份证号", "姓名", "变动日期"])
    out = io.BytesIO()
    wb.save(out)
    out.name = "mine.xlsx"
    with pytest.raises(DomainError) as e:
        _run(imports.import_changes, out, employer, tmp_path)
    assert e.value.problems[0].code == "template.no_version" and "2026.1" in e.value.problems[0].en
