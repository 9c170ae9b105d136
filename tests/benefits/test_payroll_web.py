"""Pages and API of benefits and payroll: the person's benefits page (benefit, rate explanation, payment lines
with status, the 代发账户 form), the officers' payroll page, the payments API; 404 outside the jurisdiction."""

from __future__ import annotations

from datetime import date

import pytest

from laobao.benefits.models import BankAccount
from laobao.core.models import Role

import payroll_fixtures as fx

API = "/api/v1"
JAN = date(2026, 1, 1)


@pytest.fixture
def paid(city, make_person, tmp_path):
    person = make_person(city["c11"], name="蔺网页")
    fx.bank_account(person)
    benefit = fx.pension(person, date(2025, 12, 1))
    fx.run(JAN, tmp_path)
    (line,) = fx.lines_of(benefit)
    fx.take_returns(fx.returns_file(tmp_path / "r.csv", [(line.id, "rejected", "账户冻结", "2026-01-15")]))
    return person, line


@pytest.fixture
def as_role(client, make_user, city):
    def login(role, where="c11"):
        user = make_user(role, city[where])
        client.force_login(user)
        return user
    return login


def test_person_benefits_page(client, paid, as_role):
    person, line = paid
    as_role(Role.COMMUNITY_CASEWORKER)
    assert f"/benefits/persons/{person.pk}/" in client.get(f"/persons/{person.pk}/").content.decode()
    body = client.get(f"/benefits/persons/{person.pk}/").content.decode()
    assert "基本养老金" in body and "个人账户养老金 500.00" in body and "2025-12…2026-01" in body
    assert "6000.00" in body and "被退回" in body and "账户冻结" in body and fx.CARD not in body
    as_role(Role.COMMUNITY_CASEWORKER, "c31")
    assert client.get(f"/benefits/persons/{person.pk}/").status_code == 404


def test_bank_account_form(client, paid, as_role):
    person, _ = paid
    as_role(Role.COMMUNITY_CASEWORKER)
    bad = client.post(f"/benefits/persons/{person.pk}/bank-account/",
                      {"bank": "105", "account_no": "6222020000000000001", "holder_name": person.name})
    assert bad.status_code == 400 and "校验位" in bad.content.decode()
    ok = client.post(f"/benefits/persons/{person.pk}/bank-account/",
                     {"bank": "105", "account_no": "6222 0200 0000 0000 018", "holder_name": person.name})
    assert ok.status_code == 302
    assert BankAccount.objects.get(person=person, closed_on__isnull=True).account_no == fx.CARD2
    as_role(Role.INSPECTOR)
    assert client.post(f"/benefits/persons/{person.pk}/bank-account/", {}).status_code == 403


def test_payroll_page_for_officers(client, paid, as_role):
    as_role(Role.CITY_OFFICER, "city")
    body = client.get("/benefits/payroll/").content.decode()
    assert "2026-01" in body and "6000.00" in body and "payroll-2026-01-102.csv" in body
    as_role(Role.DISTRICT_OFFICER, "wuzhong")  # another district: the run, none of its money
    body = client.get("/benefits/payroll/").content.decode()
    assert "2026-01" in body and "6000.00" not in body and "payroll-2026-01-102.csv" not in body
    as_role(Role.COMMUNITY_CASEWORKER)
    assert client.get("/benefits/payroll/").status_code == 403


def test_payments_api(client, paid, as_role):
    person, line = paid
    as_role(Role.COMMUNITY_CASEWORKER)
    body = client.get(f"{API}/benefits/persons/{person.pk}/payments").json()
    (p,) = body["payments"]
    assert (p["line_id"], p["amount_fen"], p["status"], p["reason"], p["run_month"]) == (
        line.id, 600_000, "rejected", "账户冻结", "2026-01")
    assert [m["month"] for m in p["months"]] == ["2025-12", "2026-01"] and p["account_tail"] == fx.CARD[-4:]
    as_role(Role.COMMUNITY_CASEWORKER, "c31")
    assert client.get(f"{API}/benefits/persons/{person.pk}/payments").status_code == 404
