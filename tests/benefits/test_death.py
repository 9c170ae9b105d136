"""A recorded death (死亡登记): every benefit stops from the month after death; months already paid after it
are an overpayment to recover (receivable from the estate, the fund and the annuity account credited back);
no later payroll pays anything; the funeral and survivor grants are the caseworker's amounts (Jiangsu's are
not in the parameters); the inheritable individual account is refunded to the heir. Amounts are fixtures
(payroll_fixtures), not published cases; every expectation is computed in the test from the rates."""

from __future__ import annotations

from datetime import date

import pytest

from laobao.benefits.community import services
from laobao.benefits.models import Benefit, BenefitEvent, Death, Overpayment
from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.ledger.reconcile import run_all
from laobao.ledger.selectors import balance
from laobao.policy.params import param

import payroll_fixtures as fx

JAN, FEB, MAR, APR, MAY = (date(2026, m, 1) for m in (1, 2, 3, 4, 5))
MONTHLY = fx.BASIC + fx.ACCOUNT


@pytest.fixture
def retiree(city, make_person):
    person = make_person(city["c11"], name="蔺故")
    fx.bank_account(person)
    return person


def die(person, on, **kw):
    with acting_as(None, username="test"):
        return services.record_death(user=None, person=person, died_on=on, source="公安户籍注销", **kw)


def clean():
    assert {n: r.differences for n, r in run_all() if r.count} == {}


def test_death_after_the_payroll_ran_is_an_overpayment_and_nothing_is_paid_later(retiree, tmp_path):
    b = fx.pension(retiree, JAN)
    for m in (JAN, FEB, MAR):
        fx.run(m, tmp_path)
    die(retiree, date(2026, 2, 10), net_overpayment=False)  # February is due in full; March was paid too much
    b.refresh_from_db()
    assert (b.status, b.end_month) == ("stopped", FEB)
    stop = BenefitEvent.objects.get(benefit=b, kind="stop")
    assert (stop.month, stop.reason) == (MAR, "death")
    (over,) = Overpayment.objects.filter(benefit=b)
    assert (over.months_text, over.amount_fen, over.annuity_fen) == ("2026-03", MONTHLY, 0)
    assert balance(f"receivable:person:{retiree.pk}") == MONTHLY
    assert balance("fund:pension") == -2 * MONTHLY  # three months paid out, one claimed back
    assert fx.run(APR, tmp_path)["written"] == 0 and fx.run(MAY, tmp_path)["written"] == 0
    clean()


def test_overpayment_beyond_what_the_heir_is_owed_stays_receivable(retiree, tmp_path):
    fx.pension(retiree, JAN)
    for m in (JAN, FEB, MAR):
        fx.run(m, tmp_path)
    die(retiree, date(2026, 1, 31), funeral_grant_fen=100_000)  # two months overpaid, 1,000.00 owed to the heir
    assert balance(f"payable:heir:{retiree.pk}") == 0
    assert balance(f"receivable:person:{retiree.pk}") == 2 * MONTHLY - 100_000
    clean()


def test_a_run_after_the_death_pays_up_to_the_month_of_death_only(retiree, tmp_path):
    b = fx.pension(retiree, JAN)
    die(retiree, date(2026, 2, 28))
    fx.run(APR, tmp_path)
    assert [l.months_text for l in fx.lines_of(b)] == ["2026-01…2026-02"]
    assert not Overpayment.objects.exists()
    clean()


def test_annuity_account_part_grants_and_inheritance(retiree, tmp_path):
    fx.annuity(retiree, 1_200_000)  # 12,000.00 in the annuity account
    b = fx.pension(retiree, JAN)
    fx.run(JAN, tmp_path)
    fx.run(FEB, tmp_path)  # 2 × 500.00 from the annuity
    die(retiree, date(2026, 1, 20), heir_name="蔺子", funeral_grant_fen=300_000, survivor_grant_fen=1_000_000)
    (over,) = Overpayment.objects.filter(benefit=b)
    assert (over.months_text, over.amount_fen, over.annuity_fen) == ("2026-02", MONTHLY, fx.ACCOUNT)
    death = Death.objects.get(person=retiree)
    refund = 1_200_000 - 2 * fx.ACCOUNT + fx.ACCOUNT  # what the annuity had left, plus February's part back
    assert (death.account_refund_fen, death.grants_manual, death.heir_name) == (refund, True, "蔺子")
    assert balance(f"personal:{retiree.pk}:annuity") == 0 and balance(f"personal:{retiree.pk}:pension") == 0
    # the overpaid February is recovered from what the heir is owed
    assert balance(f"payable:heir:{retiree.pk}") == refund + 300_000 + 1_000_000 - MONTHLY
    assert balance(f"receivable:person:{retiree.pk}") == 0
    assert param("benefits.funeral_grant", date(2026, 1, 1)).value == "manual"  # Jiangsu's amount not entered
    clean()


def test_rejected_lines_are_not_overpaid(retiree, tmp_path):
    b = fx.pension(retiree, JAN)
    fx.run(JAN, tmp_path)
    fx.run(FEB, tmp_path)
    feb = fx.lines_of(b)[-1]
    fx.take_returns(fx.returns_file(tmp_path / "r.csv", [(feb.pk, "rejected", "账户已销户", "2026-02-10")]))
    die(retiree, date(2026, 1, 5))
    assert not Overpayment.objects.exists()
    clean()


def test_died_before_the_first_month_nothing_is_ever_due(retiree, tmp_path):
    b = fx.pension(retiree, MAR)
    die(retiree, date(2026, 2, 1))
    fx.run(MAY, tmp_path)
    assert fx.lines_of(b) == [] and Benefit.objects.get(pk=b.pk).status == "stopped"
    clean()


def test_refusals_and_append_only(retiree, tmp_path):
    fx.pension(retiree, JAN)
    with pytest.raises(DomainError):
        die(retiree, date(2099, 1, 1))
    with pytest.raises(DomainError):
        die(retiree, date(2026, 1, 1), funeral_grant_fen=-1)
    with pytest.raises(DomainError):
        with acting_as(None, username="test"):
            services.record_death(user=None, person=retiree, died_on=date(2026, 1, 1), source=" ")
    d = die(retiree, date(2026, 1, 1))
    with pytest.raises(DomainError):
        die(retiree, date(2026, 1, 2))
    with pytest.raises(DomainError):
        with acting_as(None, username="test"):
            services.verify(user=None, person=retiree, channel="counter")
    with pytest.raises(Exception):
        Death.objects.filter(pk=d.pk).update(source="x")


def test_reconcile_flags_a_month_paid_after_death_without_recovery(retiree, tmp_path):
    b = fx.pension(retiree, JAN)
    fx.run(JAN, tmp_path)
    fx.run(FEB, tmp_path)
    with acting_as(None, username="test"):
        Death.objects.create(person=retiree, died_on=date(2026, 1, 15), source="bypassing the service")
    results = dict(run_all())
    assert results["benefits.nothing_paid_after_death"].differences


def test_death_form_and_person_page(client, retiree, city, make_user, tmp_path):
    b = fx.pension(retiree, JAN)
    fx.run(JAN, tmp_path)
    fx.run(FEB, tmp_path)
    client.force_login(make_user("community_caseworker", city["c11"]))
    url = f"/benefits/persons/{retiree.pk}/community/"
    assert "登记死亡" in client.get(url).content.decode()
    bad = client.post(f"/benefits/persons/{retiree.pk}/death/", {"died_on": "2026-01-20", "source": "家属申报",
                                                                  "funeral_grant": "3000.123"})
    assert bad.status_code == 400 and not Death.objects.exists()
    ok = client.post(f"/benefits/persons/{retiree.pk}/death/", {"died_on": "2026-01-20", "source": "家属申报",
                                                                 "heir_name": "蔺子", "funeral_grant": "3000"})
    assert ok.status_code == 302 and Death.objects.get(person=retiree).funeral_grant_fen == 300_000
    body = client.get(url).content.decode()
    assert "2026-02" in body and "经办人按当地标准录入" in body and "登记死亡" not in body
    assert Benefit.objects.get(pk=b.pk).status == "stopped"
    client.force_login(make_user("community_caseworker", city["c21"]))
    assert client.get(url).status_code == 404
    client.force_login(make_user("inspector", city["c11"]))
    assert client.post(f"/benefits/persons/{retiree.pk}/death/", {}).status_code == 403


def test_open_enrollments_end_with_the_month_of_death(retiree):
    from laobao.insurance import services as insurance
    from laobao.insurance.models import Enrollment

    with acting_as(None, username="test"):
        insurance.enroll(user=None, person=retiree, insurance="medical", start_month=date(2025, 1, 1),
                         reason="self_enrollment")
    die(retiree, date(2026, 3, 9))
    e = Enrollment.objects.get(person=retiree)
    assert (e.end_month, e.end_reason) == (MAR, "death")
