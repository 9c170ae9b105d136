"""A recorded death's grants and inheritable account (payable:heir:<pid>, after the overpayment offset) are paid
to the heir through the bank: to the registered heir's 代发账户, or — only a name given — held without payee
until an officer names the registered heir. Amounts are payroll_fixtures' (not published cases); every
expectation is computed from them."""

from __future__ import annotations

from datetime import date

import pytest

from laobao.benefits.community import services
from laobao.benefits.payouts import selectors
from laobao.benefits.payouts.models import Payout, PayoutLine
from laobao.benefits.payouts.services import assign_payee
from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import Role
from laobao.ledger.reconcile import run_all
from laobao.ledger.selectors import balance

import payroll_fixtures as fx
from payout_fixtures import return_file, returns, run

JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)
MONTHLY = fx.BASIC + fx.ACCOUNT


def clean():
    assert {n: r.differences for n, r in run_all() if r.count and n.startswith(("ledger.", "benefits."))} == {}


@pytest.fixture
def retiree(city, make_person):
    person = make_person(city["c11"], name="蔺故")
    fx.bank_account(person)
    return person


def die(person, **kw):
    with acting_as(None, username="test"):
        return services.record_death(user=None, person=person, died_on=date(2026, 1, 20), source="公安户籍注销",
                                     funeral_grant_fen=300_000, survivor_grant_fen=1_000_000, **kw)


def owed_after_offset(tmp_path, retiree) -> int:
    fx.annuity(retiree, 1_200_000)
    fx.pension(retiree, JAN)
    fx.run(JAN, tmp_path)
    fx.run(FEB, tmp_path)  # February is overpaid: recovered from what the heir is owed
    refund = 1_200_000 - 2 * fx.ACCOUNT + fx.ACCOUNT
    return refund + 300_000 + 1_000_000 - MONTHLY


def test_registered_heir_is_paid_to_their_account(retiree, city, make_person, tmp_path):
    owed = owed_after_offset(tmp_path, retiree)
    heir = make_person(city["c12"], name="蔺子")
    fx.bank_account(heir, number=fx.CARD2)
    die(retiree, heir=heir)
    payout = Payout.objects.get(key=f"death:{retiree.pk}")
    assert (payout.person, payout.subject, payout.amount_fen, payout.payee_name) == (heir, retiree, owed, "蔺子")
    assert balance(f"payable:heir:{retiree.pk}") == owed
    clean()
    out = tmp_path / "payouts"
    run(out)
    line = PayoutLine.objects.get()
    assert (line.bank_account.person, line.amount_fen, line.payable_code) == (heir, owed, f"payable:heir:{retiree.pk}")
    returns(return_file(tmp_path, [(f"P{line.pk}", "paid", "", "2026-11-30")]))
    assert balance(f"payable:heir:{retiree.pk}") == 0
    clean()


def test_heir_by_name_only_waits_until_an_officer_names_the_person(retiree, city, make_person, make_user, tmp_path):
    owed = owed_after_offset(tmp_path, retiree)
    die(retiree, heir_name="蔺子")
    payout = Payout.objects.get(key=f"death:{retiree.pk}")
    assert (payout.person, payout.payee_name, payout.amount_fen) == (None, "蔺子", owed)
    officer = make_user(Role.DISTRICT_OFFICER, city["gusu"])
    (row,) = selectors.open_orders(officer)
    assert row.status == "waiting_payee"
    assert run(tmp_path / "p").endswith(": 0 payments, 0.00 yuan")
    clean()  # the unpaid order = payable:heir
    heir = make_person(city["c12"], name="蔺子")
    with acting_as(make_user(Role.COMMUNITY_CASEWORKER, city["c11"])), pytest.raises(Forbidden):
        assign_payee(user=make_user(Role.COMMUNITY_CASEWORKER, city["c11"]), payout=payout, person=heir)
    with acting_as(officer):
        assign_payee(user=officer, payout=payout, person=heir)
    assert selectors.open_orders(officer)[0].status == "waiting_account"  # the heir has no 代发账户 yet
    fx.bank_account(heir, number=fx.CARD2)
    assert selectors.open_orders(officer)[0].status == "ready"
    run(tmp_path / "p")
    assert PayoutLine.objects.get().bank_account.person == heir
    with acting_as(officer), pytest.raises(DomainError) as exc:
        assign_payee(user=officer, payout=payout, person=retiree)
    assert exc.value.problems[0].code == "payout.payee_known"
    clean()


def test_nothing_left_after_the_offset_orders_nothing(retiree, tmp_path):
    fx.pension(retiree, JAN)
    for m in (JAN, FEB, date(2026, 3, 1)):
        fx.run(m, tmp_path)
    with acting_as(None, username="test"):
        services.record_death(user=None, person=retiree, died_on=date(2026, 1, 31), source="公安户籍注销",
                              funeral_grant_fen=100_000, heir_name="蔺子")
    assert not Payout.objects.exists() and balance(f"payable:heir:{retiree.pk}") == 0
    clean()


def test_the_deceased_cannot_be_their_own_heir(retiree):
    with pytest.raises(DomainError) as exc:
        die(retiree, heir=retiree)
    assert exc.value.problems[0].code == "death.heir_is_deceased"


def test_death_form_names_the_registered_heir(client, retiree, city, make_person, make_user):
    heir = make_person(city["c11"], name="蔺子")  # looked up within the caseworker's sight only
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c11"]))
    url = f"/benefits/persons/{retiree.pk}/death/"
    form = {"died_on": "2026-01-20", "source": "家属申报", "heir_name": "蔺子", "funeral_grant": "3000"}
    bad = client.post(url, {**form, "heir_citizen_id": "110101199001011234"})
    assert bad.status_code == 400 and "请先登记继承人" in bad.content.decode()
    assert client.post(url, {**form, "heir_citizen_id": heir.citizen_id}).status_code == 302
    payout = Payout.objects.get(key=f"death:{retiree.pk}")
    assert (payout.person, payout.amount_fen) == (heir, 300_000)
