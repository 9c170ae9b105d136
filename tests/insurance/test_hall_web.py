"""The employer hall pages: an employer user on its own employer, a caseworker at the counter, others refused."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from laobao.core.models import Role
from laobao.insurance.hall import templates
from laobao.insurance.models import BaseDeclaration, Enrollment
from laobao.registry.models import EmploymentRelation, PortalLink

from hall_fixtures import hire, set_limits


@pytest.fixture
def hall(city, make_person, make_employer, make_user):
    employer = make_employer(city["c11"])
    other = make_employer(city["c11"], "别家公司")
    clerk = make_user(Role.EMPLOYER_USER, city["c11"])
    PortalLink.objects.create(user=clerk, employer=employer)
    worker = make_person(city["c11"], "周敏")
    newcomer = make_person(city["c12"], "吴昊")
    hire(worker, employer, start=date(2023, 3, 1), wage=500_000)
    set_limits()
    return employer, other, clerk, worker, newcomer


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _url(name, employer, **kw):
    return reverse(f"insurance:{name}", kwargs={"pk": employer.pk, **kw})


def test_employer_user_lands_on_its_hall_and_hires(hall):
    employer, other, clerk, worker, newcomer = hall
    c = _client(clerk)
    response = c.get(reverse("insurance:hall"))
    assert response.status_code == 302 and response["Location"] == _url("hall_employer", employer)
    page = c.get(_url("hall_employer", employer))
    assert page.status_code == 200 and "周敏" in page.content.decode() and worker.citizen_id not in page.content.decode()
    assert c.get(_url("hall_employer", other)).status_code == 404
    data = {"citizen_id": newcomer.citizen_id, "name": "吴昊", "start_date": "2024-07-08", "contract_kind": "open",
            "wage": "7000", "insurances": ["pension", "medical", "unemployment", "injury", "maternity"]}
    response = c.post(_url("hall_hire", employer), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Enrollment.objects.filter(person=newcomer, employer=employer).count() == 5
    assert c.post(_url("hall_hire", other), data).status_code == 404


def test_hire_form_errors_are_bilingual_field_messages(hall):
    employer, _, clerk, _, newcomer = hall
    c = _client(clerk)
    bad = c.post(_url("hall_hire", employer), {"citizen_id": newcomer.citizen_id, "name": "别人", "start_date": "2024-07-08",
                                              "contract_kind": "fixed", "wage": "7000", "insurances": ["pension"]})
    assert bad.status_code == 400 and "姓名与身份证号登记的姓名不一致" in bad.content.decode()
    assert not EmploymentRelation.objects.filter(person=newcomer).exists()


def test_leave_and_declare_pages(hall):
    employer, _, clerk, worker, _ = hall
    c = _client(clerk)
    page = c.get(_url("hall_declare", employer) + "?year=2024")
    body = page.content.decode()
    assert page.status_code == 200 and "周敏" in body and "4879.00" in body
    response = c.post(_url("hall_declare", employer) + "?year=2024", {"person": worker.pk, "wage": "3000"})
    assert response.status_code == 302
    assert BaseDeclaration.objects.get(person=worker, year=2024).wage_fen == 300_000
    assert "低于下限，按下限核定" in c.get(_url("hall_declare", employer) + "?year=2024").content.decode()
    bad = c.post(_url("hall_declare", employer) + "?year=2024", {"person": worker.pk, "wage": "-5"})
    assert bad.status_code == 400
    relation = EmploymentRelation.objects.get(person=worker)
    response = c.post(_url("hall_leave", employer), {"relation": relation.pk, "end_date": "2025-02-10", "reason": "leave"})
    assert response.status_code == 302
    assert not Enrollment.objects.filter(person=worker, end_month__isnull=True).exists()


def test_no_limits_for_the_year_is_explained(hall):
    employer, _, clerk, _, _ = hall
    body = _client(clerk).get(_url("hall_declare", employer) + "?year=2019").content.decode()
    assert "laobao bases limits set --year 2019" in body


def test_template_download_and_upload_with_report(hall):
    employer, _, clerk, worker, newcomer = hall
    c = _client(clerk)
    response = c.get(_url("hall_template", employer, kind="declarations"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb[templates.VERSION_SHEET]["B2"].value == templates.DECLARATIONS.version
    ws = wb.worksheets[0]
    ws.append([worker.citizen_id, "周敏", "2024", "6100", employer.credit_code])
    ws.append([newcomer.citizen_id, "吴昊", "2024", "6100", ""])  # not an employee: row 4 fails
    ws.cell(row=2, column=5).value = None  # the prefilled code row is now the worker's... keep it simple
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "decl.xlsx"
    response = c.post(_url("hall_upload", employer), {"kind": "declarations", "file": out})
    body = response.content.decode()
    assert response.status_code == 400 and "导入未执行" in body
    assert not BaseDeclaration.objects.filter(year=2024).exists()
    token = body.split("?t=")[1].split('"')[0]
    report = c.get(reverse("insurance:hall_report") + f"?t={token}")
    assert report.status_code == 200
    assert _client(hall[2]).get(reverse("insurance:hall_report") + f"?t={token}").status_code == 404  # once only


@pytest.mark.parametrize("role,region,status", [
    (Role.COMMUNITY_CASEWORKER, "c11", 200), (Role.DISTRICT_OFFICER, "gusu", 200),
    (Role.COMMUNITY_CASEWORKER, "c12", 404), (Role.CITIZEN, "c11", 403), (Role.LEADER, "c11", 404),
])
def test_counter_caseworker_in_scope_only(hall, make_user, city, role, region, status):
    employer, *_ = hall
    c = _client(make_user(role, city[region]))
    assert c.get(_url("hall_employer", employer)).status_code == status
    assert c.get(_url("hall_declare", employer) + "?year=2024").status_code == status


def test_read_only_roles_cannot_write(hall, make_user, city):
    employer, _, _, worker, _ = hall
    c = _client(make_user(Role.INSPECTOR, city["c11"]))
    page = c.get(_url("hall_employer", employer))
    assert page.status_code == 200 and "办理增员" not in page.content.decode()
    response = c.post(_url("hall_declare", employer) + "?year=2024", {"person": worker.pk, "wage": "3000"})
    assert response.status_code == 403


def test_caseworker_hires_at_the_counter(hall, make_user, city):
    employer, _, _, _, newcomer = hall
    c = _client(make_user(Role.COMMUNITY_CASEWORKER, city["c11"]))
    response = c.post(_url("hall_hire", employer), {
        "citizen_id": newcomer.citizen_id, "name": "吴昊", "start_date": "2024-07-08", "contract_kind": "open",
        "wage": "7000", "insurances": ["pension"]})
    assert response.status_code == 302
    assert Enrollment.objects.get(person=newcomer).insurance == "pension"
    assert c.get(reverse("insurance:hall")).status_code == 302
