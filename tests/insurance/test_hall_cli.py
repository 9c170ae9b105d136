"""laobao bases limits set|list and laobao bases import."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from laobao.insurance.models import BaseDeclaration, BaseLimit

from hall_fixtures import hire


def test_limits_set_and_list(db, capsys):
    call_command("lb_bases", "limits", "set", "--year", "2024", "--floor", "4879", "--cap", "24396",
                 "--reference", "江苏省2024年度缴费基数（law.md §2.2，source-only）")
    row = BaseLimit.objects.get(year=2024, insurance="")
    assert (row.floor_fen, row.cap_fen) == (487_900, 2_439_600)
    call_command("lb_bases", "limits", "list")
    out = capsys.readouterr().out
    assert "floor 4879.00, cap 24396.00" in out and "2024\tall\t4879.00\t24396.00" in out
    with pytest.raises(CommandError) as e:
        call_command("lb_bases", "limits", "set", "--year", "2024", "--floor", "30000", "--cap", "24396",
                     "--reference", "错误的上下限")
    assert "下限" in str(e.value) and "floor" in str(e.value)
    with pytest.raises(CommandError):
        call_command("lb_bases", "limits", "set", "--year", "2024", "--floor", "48.791", "--cap", "1", "--reference", "x")


def test_import_declarations(city, make_person, make_employer, tmp_path, capsys):
    employer = make_employer(city["c11"])
    person = make_person(city["c11"], "钱多")
    hire(person, employer, start=date(2023, 2, 1))
    path = tmp_path / "decl.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["身份证号", "姓名", "申报年度", "上年度月平均工资（元）"])
        out.writerow([person.citizen_id, "钱多", "2024", "9100"])
    call_command("lb_bases", "import", str(path), "--employer", employer.credit_code)
    assert "1 applied" in capsys.readouterr().out
    assert BaseDeclaration.objects.get(person=person, year=2024).wage_fen == 910_000
    call_command("lb_bases", "import", str(path), "--employer", employer.credit_code)
    assert "1 unchanged" in capsys.readouterr().out
