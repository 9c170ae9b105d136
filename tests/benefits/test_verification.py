"""Entitlement verification (领取资格认证) and the community's list: a missed verification suspends the pension
after the period the parameter names (12 months, UNVERIFIED practice); a later verification — by the
community, a family member or at the counter — resumes it and the payroll pays the suspended months back in
one line. Amounts are fixtures (payroll_fixtures), not published cases."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from laobao.benefits.community import selectors, services
from laobao.benefits.community.batch import overdue, verify_check
from laobao.benefits.models import Benefit, Verification
from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.ledger.reconcile import run_all
from laobao.policy.params import param

import payroll_fixtures as fx

JAN, FEB, MAR, APR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
MONTHLY = fx.BASIC + fx.ACCOUNT


@pytest.fixture
def retiree(city, make_person):
    person = make_person(city["c11"], name="蔺认证")
    fx.bank_account(person)
    return person


def verify(person, channel="community", on=None, user=None):
    with acting_as(user, username="test"):
        return services.verify(user=user, person=person, channel=channel, verified_on=on)


def check(month):
    with acting_as(None, username="test"):
        return verify_check(month, progress=io.StringIO())


def test_period_parameter():
    assert param("benefits.verification_period_months", date(2026, 1, 1)).value == 12


def test_overdue_counts_from_the_last_verification_or_the_award(retiree, city, make_person):
    b = fx.pension(retiree, date(2025, 1, 1))
    other = fx.pension(make_person(city["c12"], name="蔺按时"), date(2024, 6, 1))
    verify(other.person, on=date(2025, 6, 20))
    assert overdue(JAN) == []  # award 2025-01 + 12 = 2026-01: still in time
    assert overdue(FEB) == [b.pk]  # the award month counts when there is no verification
    assert overdue(date(2026, 7, 1)) == [b.pk, other.pk]


def test_missed_verification_suspends_and_a_later_one_resumes_with_back_pay(retiree, tmp_path):
    b = fx.pension(retiree, date(2025, 1, 1))
    verify(retiree, on=date(2025, 1, 10))
    fx.run(JAN, tmp_path)
    assert check(FEB)["suspended"] == 1
    assert check(FEB)["suspended"] == 0  # idempotent
    b.refresh_from_db()
    assert b.status == "suspended" and b.events.last().reason == "verification_missed"
    assert fx.run(FEB, tmp_path)["written"] == 0 and fx.run(MAR, tmp_path)["written"] == 0
    v = verify(retiree, channel="family")
    assert (v.channel, v.verified_on) == ("family", timezone.localdate())
    b.refresh_from_db()
    assert b.status == "active" and b.events.last().kind == "resume"
    fx.run(APR, tmp_path)
    assert [(l.months_text, l.amount_fen) for l in fx.lines_of(b)][-1] == ("2026-02…2026-04", 3 * MONTHLY)
    assert {n: r.differences for n, r in run_all() if r.count} == {}


def test_a_verification_does_not_resume_a_suspension_for_another_reason(retiree):
    b = fx.pension(retiree, date(2025, 1, 1))
    with acting_as(None, username="test"):
        fx.services.suspend(user=None, benefit=b, month=FEB, reason="bank_rejected")
    verify(retiree, channel="counter")
    b.refresh_from_db()
    assert b.status == "suspended"


def test_channels_jurisdiction_and_append_only(retiree, city, make_user):
    fx.pension(retiree, date(2025, 1, 1))
    with pytest.raises(DomainError):
        verify(retiree, channel="phone")
    with pytest.raises(DomainError):
        verify(retiree, on=date(2099, 1, 1))
    foreign = make_user("community_caseworker", city["c21"])
    with pytest.raises(Forbidden):
        verify(retiree, user=foreign)
    own = make_user("community_caseworker", city["c11"])
    v = verify(retiree, user=own)
    assert v.by == own
    with pytest.raises(Exception):
        Verification.objects.filter(pk=v.pk).update(note="changed")


def test_statuses_on_the_community_list(retiree, city, make_person, make_user):
    ok = fx.pension(retiree, date(2024, 1, 1))
    verify(retiree, on=date(2026, 3, 5))  # due 2027-03
    soon = fx.pension(make_person(city["c11"], name="蔺将到期"), date(2025, 12, 1))  # due 2026-12
    late = fx.pension(make_person(city["c11"], name="蔺逾期"), date(2025, 9, 1))  # due 2026-09
    held = fx.pension(make_person(city["c11"], name="蔺暂停"), date(2024, 1, 1))
    with acting_as(None, username="test"):
        fx.services.suspend(user=None, benefit=held, month=FEB, reason="verification_missed")
    elsewhere = fx.pension(make_person(city["c21"], name="蔺别处"), date(2024, 1, 1))
    user = make_user("community_caseworker", city["c11"])
    rows = selectors.retirees(user, city["c11"], on=date(2026, 11, 27))
    got = {r.benefit.pk: r.status for r in rows}
    assert got == {ok.pk: "verified", soon.pk: "due", late.pk: "overdue", held.pk: "suspended"}
    assert elsewhere.pk not in got


def test_community_page_and_verify_post(client, retiree, city, make_user):
    fx.pension(retiree, date(2025, 1, 1))
    client.force_login(make_user("community_caseworker", city["c11"]))
    body = client.get(f"/benefits/community/{city['c11'].code}/").content.decode()
    assert "蔺认证" in body and "认证状态" in body
    r = client.post(f"/benefits/persons/{retiree.pk}/verify/", {"channel": "community", "next": "community"})
    assert r.status_code == 302 and r["Location"].endswith(f"/benefits/community/{city['c11'].code}/")
    assert Verification.objects.filter(person=retiree, channel="community").count() == 1
    client.force_login(make_user("community_caseworker", city["c21"]))
    assert client.get(f"/benefits/community/{city['c11'].code}/").status_code == 404
    assert client.post(f"/benefits/persons/{retiree.pk}/verify/", {"channel": "community"}).status_code == 404


def test_cli_verify_check(retiree):
    fx.pension(retiree, date(2024, 1, 1))
    out = io.StringIO()
    call_command("lb_benefits", "verify-check", "--month", "2026-02", stdout=out, stderr=io.StringIO())
    assert "verify-check 2026-02: 1 pensions suspended (period 12 months)" in out.getvalue()
    assert Benefit.objects.get(person=retiree).status == "suspended"
