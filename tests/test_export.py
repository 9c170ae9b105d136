"""Export of persons: region subtree, masked IDs by default, full IDs only with a reason, audited, capped."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connections
from openpyxl import load_workbook

from laobao.cli import main
from laobao.core.errors import DomainError, Forbidden, NotFound
from laobao.core.models import AuditEvent
from laobao.registry.exports import export_persons
from laobao.registry.imports import import_persons

FULL_ID = re.compile(r"\d{17}[\dXx]")


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch):
    """`laobao X` ends, like every Django command, by closing all connections: on PostgreSQL that would
    close the connection holding the test's transaction."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture
def people(city, make_person):
    """Two persons in street S1 (communities C11, C12), one in street S2, one in 吴中."""
    return {
        "c11": make_person(city["c11"], name="张伟"),
        "c12": make_person(city["c12"], name="李娜"),
        "c21": make_person(city["c21"], name="王磊"),
        "c31": make_person(city["c31"], name="赵敏"),
    }


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def exports_audited():
    return list(AuditEvent.objects.filter(action="registry.export_persons").order_by("seq"))


def test_cli_export_masks_ids_and_keeps_to_the_region_subtree(city, people, tmp_path, capsys):
    path = tmp_path / "s1.csv"
    assert main(["export", "persons", "--region", city["s1"].code, str(path)]) == 0
    assert "exported persons: 2 rows (IDs masked)" in capsys.readouterr().out
    rows = read_csv(path)
    assert rows[0][:3] == ["档案号", "身份证号", "姓名"]
    assert sorted(r[2] for r in rows[1:]) == ["张伟", "李娜"]
    assert not FULL_ID.search(path.read_text(encoding="utf-8-sig"))
    assert rows[1][1] == people["c11"].citizen_id[:4] + "*" * 10 + people["c11"].citizen_id[-4:]
    assert rows[1][4] == "1980-**-**" and "*" in rows[1][9]  # birth date and mobile hidden too
    [event] = exports_audited()
    assert event.after == {"region": city["s1"].code, "rows": 2, "full_ids": False, "format": "csv", "file": "s1.csv"}
    assert event.region_path == city["s1"].path and event.actor_username == "cli:export"


def test_full_ids_need_a_reason_and_are_audited_with_it(city, people, tmp_path, capsys):
    path = tmp_path / "gusu.xlsx"
    assert main(["export", "persons", "--region", "320508", "--full-ids", str(path)]) == 1
    assert "reason" in capsys.readouterr().err
    assert not path.exists() and not exports_audited()

    reason = "向市医保中心交换参保数据"
    assert main(["export", "persons", "--region", "320508", "--full-ids", "--reason", reason, str(path)]) == 0
    sheet = [list(r) for r in load_workbook(path).active.iter_rows(values_only=True)]
    ids = {r[1] for r in sheet[1:]}
    assert ids == {people[k].citizen_id for k in ("c11", "c12", "c21")}
    assert all(isinstance(i, str) for i in ids)  # text cells: Excel keeps all 18 digits
    [event] = exports_audited()
    assert event.reason == reason and event.after["full_ids"] is True and event.after["rows"] == 3


def test_full_export_can_be_imported_again_unchanged(city, people, tmp_path):
    path = export_persons(None, "320500", "csv", full_ids=True, reason="round trip test", dest=tmp_path / "all.csv")
    result = import_persons(path, user=None)
    assert result.ok and (result.created, result.unchanged) == (0, 4)


def test_export_is_capped_with_a_clear_message(city, people, tmp_path, settings):
    settings.LAOBAO_EXPORT_MAX_ROWS = 3
    with pytest.raises(DomainError) as exc:
        export_persons(None, "320500", "csv", dest=tmp_path / "all.csv")
    assert exc.value.problems[0].code == "export.too_many" and "4" in exc.value.problems[0].zh
    assert not (tmp_path / "all.csv").exists() and not exports_audited()
    assert export_persons(None, "320508", "csv", dest=tmp_path / "gusu.csv").exists()


def test_unknown_region_and_format_are_refused(city, tmp_path, capsys):
    assert main(["export", "persons", "--region", "999999", str(tmp_path / "x.csv")]) == 1
    assert "999999" in capsys.readouterr().err
    with pytest.raises(DomainError):
        export_persons(None, "320508", "pdf")


def test_service_export_is_scoped_permissioned_and_needs_a_reason(city, people, make_user):
    officer = make_user("district_officer", city["gusu"])
    data = export_persons(officer, "320508", "csv", reason="年度核对")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert sorted(r[2] for r in rows[1:]) == ["张伟", "李娜", "王磊"] and not FULL_ID.search(data.decode("utf-8-sig"))
    [event] = exports_audited()
    assert event.reason == "年度核对" and event.after["rows"] == 3 and event.region_path == city["gusu"].path
    with pytest.raises(NotFound):
        export_persons(officer, "320506", "csv", reason="年度核对")  # another district
    with pytest.raises(DomainError):
        export_persons(officer, "320508", "csv")  # staff exports need a reason
    with pytest.raises(Forbidden):
        export_persons(make_user("community_caseworker", city["c11"]), city["c11"].code, "csv", reason="年度核对")
    with pytest.raises(Forbidden):
        export_persons(make_user("leader", city["city"]), "320500", "csv", reason="年度核对")
    assert len(exports_audited()) == 1
