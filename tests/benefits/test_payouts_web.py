"""One-time payments: the order service's rules (idempotent key, payable kinds, payee), the employer's 单位账户
service, and the pages — the officers' page (benefit.approve; only orders of the officer's jurisdiction), the
person's benefits page listing their payouts with status, the employer's account page and form (200 / 400 /
403 / 404)."""

from __future__ import annotations

from datetime import date

import pytest

from laobao.benefits.payouts.models import EmployerBankAccount, Payout
from laobao.benefits.payouts.services import order_payout
from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import Role
from laobao.ledger import services as ledger

from payout_fixtures import EMPLOYER_NO, EMPLOYER_NO2, employer_account, run
from payroll_fixtures import bank_account


def ordered(person, fen=123_456, key="test:1", kind="person"):
    """What a benefit service does (e.g. a work-injury lump sum): credit the payable, order the payout."""
    code = f"payable:{kind}:{person.pk}"
    with acting_as(None, username="test"):
        ledger.post(key=key, kind="test", value_date=date(2026, 11, 27), memo="test",
                    lines=[("fund:injury", fen, 0), (code, 0, fen)])
        return order_payout(key=key, payable_code=code, amount_fen=fen, person=person, memo="一次性伤残补助金",
                            source="injury:test")


def test_order_is_idempotent_and_checked(city, make_person, make_employer):
    p = make_person(city["c11"], name="蔺甲")
    first = ordered(p)
    with acting_as(None, username="test"):
        again = order_payout(key="test:1", payable_code=f"payable:person:{p.pk}", amount_fen=123_456, person=p,
                             memo="x", source="injury:test")
        assert again.pk == first.pk and Payout.objects.count() == 1
        bad = [dict(key="test:1", payable_code=f"payable:person:{p.pk}", amount_fen=1, person=p),
               dict(key="k2", payable_code="payable:bank:102", amount_fen=1, person=p),
               dict(key="k3", payable_code=f"payable:person:{p.pk}", amount_fen=0, person=p),
               dict(key="k4", payable_code=f"payable:employer:{p.pk}", amount_fen=1, person=p),
               dict(key="k5", payable_code=f"payable:person:{p.pk}", amount_fen=1, employer=make_employer(city["c11"]))]
        codes = []
        for kw in bad:
            with pytest.raises(DomainError) as exc:
                order_payout(memo="x", source="t", **kw)
            codes.append(exc.value.problems[0].code)
    assert codes == ["payout.key_reused", "payout.payable", "payout.amount", "payout.payee_kind", "payout.payee_kind"]
    assert (first.region_id, first.subject_id) == (city["c11"].pk, p.pk)


def test_employer_account_service(city, make_employer, make_user):
    e = make_employer(city["c11"], name="邬甲纺织厂")
    a = employer_account(e)
    assert (a.account_name, a.bank.code, a.closed_on) == (e.name, "102", None)
    for number, code in ((EMPLOYER_NO, "bank_account.same"), ("1102020109000012345", "bank_account.luhn"),
                         ("12ab", "bank_account.digits")):
        with pytest.raises(DomainError) as exc:
            employer_account(e, number=number)
        assert exc.value.problems[0].code == code
    with pytest.raises(Forbidden):
        employer_account(e, number=EMPLOYER_NO2, user=make_user(Role.COMMUNITY_CASEWORKER, city["c21"]))
    b = employer_account(e, number=EMPLOYER_NO2)
    assert EmployerBankAccount.objects.get(pk=a.pk).closed_on == b.opened_on
    assert list(EmployerBankAccount.objects.filter(employer=e, closed_on__isnull=True)) == [b]


def test_officer_page_person_page_and_jurisdiction(client, city, make_person, make_user, tmp_path):
    p = make_person(city["c11"], name="蔺甲")
    ordered(p, key="injury:GS1")
    officer = make_user(Role.DISTRICT_OFFICER, city["gusu"])
    client.force_login(officer)
    body = client.get("/benefits/payouts/").content.decode()
    assert "injury:GS1" in body and "1234.56" in body and "待登记或更正账户" in body
    page = client.get(f"/benefits/persons/{p.pk}/").content.decode()
    assert "一次性伤残补助金" in page and "待登记或更正账户" in page
    bank_account(p)
    run(tmp_path)
    assert "已报盘，待银行回盘" in client.get(f"/benefits/persons/{p.pk}/").content.decode()
    body = client.get("/benefits/payouts/").content.decode()
    assert "2026-11-27 #1" in body and "1234.56" in body
    client.force_login(make_user(Role.DISTRICT_OFFICER, city["wuzhong"]))
    assert "injury:GS1" not in client.get("/benefits/payouts/").content.decode()
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c11"]))
    assert client.get("/benefits/payouts/").status_code == 403


def test_naming_an_heir_on_the_officer_page(client, city, make_person, make_user):
    dead, heir = make_person(city["c11"], name="蔺故"), make_person(city["c12"], name="蔺子")
    with acting_as(None, username="test"):
        ledger.post(key="t-heir", kind="test", value_date=date(2026, 11, 27), memo="t",
                    lines=[("fund:pension", 50_000, 0), (f"payable:heir:{dead.pk}", 0, 50_000)])
        payout = order_payout(key=f"death:{dead.pk}", payable_code=f"payable:heir:{dead.pk}", amount_fen=50_000,
                              memo="丧葬补助金", source=f"death:{dead.pk}", payee_name="蔺子", subject=dead)
    client.force_login(make_user(Role.DISTRICT_OFFICER, city["gusu"]))
    assert "待指定收款人" in client.get("/benefits/payouts/").content.decode()
    url = f"/benefits/payouts/{payout.pk}/payee/"
    assert client.post(url, {"citizen_id": "110101199001011234"}).status_code == 400
    assert client.post(url, {"citizen_id": heir.citizen_id}).status_code == 302
    assert Payout.objects.get(pk=payout.pk).person == heir
    client.force_login(make_user(Role.DISTRICT_OFFICER, city["wuzhong"]))
    assert client.post(url, {"citizen_id": heir.citizen_id}).status_code == 404


def test_employer_account_page(client, city, make_employer, make_user):
    e = make_employer(city["c11"], name="邬甲纺织厂")
    url = f"/benefits/payouts/employers/{e.pk}/"
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c11"]))
    assert "尚未登记单位账户" in client.get(url).content.decode()
    assert client.post(url + "account/", {"bank": "102", "account_no": "1102020109000012345"}).status_code == 400
    done = client.post(url + "account/", {"bank": "102", "account_no": EMPLOYER_NO})
    assert done.status_code == 302 and EmployerBankAccount.objects.get(employer=e).account_no == EMPLOYER_NO
    assert "****2342" in client.get(url).content.decode()
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c21"]))
    assert client.get(url).status_code == 404
    assert client.post(url + "account/", {"bank": "102", "account_no": EMPLOYER_NO2}).status_code == 404
    client.force_login(make_user(Role.INSPECTOR, city["c11"]))
    assert client.post(url + "account/", {"bank": "102", "account_no": EMPLOYER_NO2}).status_code == 403
