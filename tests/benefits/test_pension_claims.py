"""Pension claims end to end through the services: the 淮安洪泽 worked example (see claim_fixtures.py for the
published figures and how the record reproduces them), maker-checker, approval effects, idempotence,
staleness, rejection in plain words, the ledger reconciliation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from laobao.benefits.models import Benefit, BenefitEvent, BenefitRate, ClaimStatus, PensionClaim
from laobao.benefits.pension import services
from laobao.benefits.pension.services import ClaimInput
from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import Role
from laobao.insurance.models import Enrollment
from laobao.ledger.models import JournalEntry
from laobao.ledger.reconcile import run_all
from laobao.ledger.selectors import balance

import claim_fixtures as fx

CLAIM = ClaimInput(category=60, deemed_months=160, pre_account_index=Decimal("0.9107"),
                   reference_wages=fx.MAKER_WAGES, note="档案：1982-08 参加工作，视同缴费 160 个月")


@pytest.fixture
def staff(city, make_user):
    return {"maker": make_user(Role.COMMUNITY_CASEWORKER, city["c11"]),
            "checker": make_user(Role.DISTRICT_OFFICER, city["gusu"]),
            "other_checker": make_user(Role.DISTRICT_OFFICER, city["wuzhong"]),
            "officer_maker": make_user(Role.DISTRICT_OFFICER, city["gusu"])}


@pytest.fixture
def person(city, make_person):
    return fx.worked_person(make_person, city["c11"])


def receive(user, person, data=CLAIM):
    with acting_as(user):
        return services.receive(user=user, person=person, data=data)


def approve(user, claim):
    with acting_as(user):
        return services.approve(user=user, claim=claim)


def test_worked_example_through_the_claim_path(person, staff):
    claim = receive(staff["maker"], person)
    assert claim.status == ClaimStatus.CHECKED and claim.claim_no.startswith("YL") and len(claim.claim_no) == 14
    assert all(c["ok"] for c in claim.checks)
    inputs, result = claim.calculation["inputs"], claim.calculation["result"]
    assert claim.retire_month == date(2025, 12, 1) and inputs["retire_age"].startswith("60岁3个月")
    assert (inputs["paid_months"], inputs["deemed_months"], inputs["contribution_months"]) == (360, 160, 520)
    assert inputs["average_index"] == "0.4787" and inputs["account_balance_fen"] == fx.ACCOUNT
    assert inputs["pension_base_fen"] == 891_700 and inputs["pension_base_source"] == "parameter"
    # the published form: basic 2856.87, account 638.91 = 87722.18 / 137.3
    assert (result["basic_fen"], result["account_fen"], result["divisor"]) == (285_687, 63_891, "137.3")
    # the transitional pension by the UNVERIFIED Jiangsu formula (the form shows 1053.50: see pension.yaml)
    assert result["transitional_fen"] == 129_931 and claim.calculation["transitional_verified"] is False
    assert result["total_fen"] == 285_687 + 63_891 + 129_931
    assert "87722.18 / 137.3" in claim.calculation["components"][1]["formula"]


def test_maker_cannot_approve_and_caseworker_cannot_decide(person, staff):
    claim = receive(staff["officer_maker"], person)
    with pytest.raises(DomainError) as exc:
        approve(staff["officer_maker"], claim)
    assert exc.value.problems[0].code == "claim.maker_is_checker"
    with pytest.raises(Forbidden):
        approve(staff["maker"], claim)  # a community caseworker may receive, not decide
    with pytest.raises(Forbidden):
        approve(staff["other_checker"], claim)  # another district's officer
    assert PensionClaim.objects.get(pk=claim.pk).status == ClaimStatus.CHECKED and not Benefit.objects.exists()


def test_approval_awards_closes_annuitizes_and_reconciles(person, staff):
    claim = approve(staff["checker"], receive(staff["maker"], person))
    assert claim.status == ClaimStatus.APPROVED and claim.checker == staff["checker"]
    benefit = Benefit.objects.get(person=person)
    assert (benefit.kind, benefit.fund, benefit.start_month, benefit.status) == ("pension", "fund:pension",
                                                                                 date(2026, 1, 1), "active")
    rate = BenefitRate.objects.get(benefit=benefit)
    assert rate.key == f"award:{claim.claim_no}" and rate.monthly_fen == claim.calculation["result"]["total_fen"]
    assert [c["code"] for c in rate.components] == ["basic", "account", "transitional"]
    assert list(BenefitEvent.objects.filter(benefit=benefit).values_list("kind", flat=True)) == ["start"]
    assert claim.first_payment_month >= benefit.start_month
    ended = Enrollment.objects.filter(person=person)
    assert {(e.insurance, e.end_month, e.end_reason) for e in ended} == {
        ("pension", date(2025, 12, 1), "retirement"), ("medical", date(2025, 12, 1), "retirement")}
    assert balance(f"personal:{person.pk}:pension") == 0
    assert balance(f"personal:{person.pk}:annuity") == fx.ACCOUNT
    entry = JournalEntry.objects.get(idempotency_key=f"annuity:{claim.claim_no}")
    assert sorted(entry.lines.values_list("account__code", "debit_fen", "credit_fen")) == [
        (f"personal:{person.pk}:annuity", 0, fx.ACCOUNT), (f"personal:{person.pk}:pension", fx.ACCOUNT, 0)]
    results = dict(run_all())
    for name, result in results.items():
        if name.startswith(("ledger.", "benefits.")):
            assert result.differences == [], name
    assert "benefits.annuity_equals_awards" in results


def test_approving_twice_refuses_clearly_and_changes_nothing(person, staff):
    claim = approve(staff["checker"], receive(staff["maker"], person))
    with pytest.raises(DomainError) as exc:
        approve(staff["checker"], claim)
    assert exc.value.problems[0].code == "claim.already_approved" and "已" in exc.value.problems[0].zh
    assert Benefit.objects.count() == 1 and BenefitRate.objects.count() == 1
    assert JournalEntry.objects.filter(idempotency_key__startswith="annuity:").count() == 1


def test_a_second_claim_of_a_pensioner_fails_its_check(person, staff):
    approve(staff["checker"], receive(staff["maker"], person))
    again = receive(staff["maker"], person)
    assert again.status == ClaimStatus.RECEIVED
    assert [c["code"] for c in again.checks if not c["ok"]] == ["pensioner"]


def test_one_open_claim_per_person(person, staff):
    receive(staff["maker"], person)
    with pytest.raises(DomainError) as exc:
        receive(staff["maker"], person)
    assert exc.value.problems[0].code == "claim.open"


def test_a_changed_account_needs_a_recheck_before_approval(person, staff):
    claim = receive(staff["maker"], person)
    fx.account(person, 10_000, key="late-credit")
    with pytest.raises(DomainError) as exc:
        approve(staff["checker"], claim)
    assert exc.value.problems[0].code == "claim.stale"
    with acting_as(staff["maker"]):
        claim = services.recheck(user=staff["maker"], claim=claim)
    assert claim.calculation["inputs"]["account_balance_fen"] == fx.ACCOUNT + 10_000
    approve(staff["checker"], claim)
    assert balance(f"personal:{person.pk}:annuity") == fx.ACCOUNT + 10_000


def test_arrears_fail_and_the_rejection_reads_plainly(city, make_person, staff):
    person = fx.worked_person(make_person, city["c11"], unpaid=(date(2024, 2, 1), date(2024, 3, 1)))
    claim = receive(staff["maker"], person)
    assert claim.status == ClaimStatus.RECEIVED
    failing = {c["code"]: c for c in claim.checks if not c["ok"]}
    assert set(failing) == {"arrears"} and "2024-02、2024-03" in failing["arrears"]["zh"]
    with pytest.raises(DomainError):
        approve(staff["checker"], claim)
    with acting_as(staff["checker"]):
        claim = services.reject(user=staff["checker"], claim=claim)
    assert claim.status == ClaimStatus.REJECTED
    assert "养老保险费没有缴清" in claim.rejection_zh and "请先补缴" in claim.rejection_zh
    assert "not fully paid" in claim.rejection_en


def test_withdraw_and_reject_needs_a_reason_when_all_pass(person, staff):
    claim = receive(staff["maker"], person)
    with acting_as(staff["checker"]), pytest.raises(DomainError) as exc:
        services.reject(user=staff["checker"], claim=claim)
    assert exc.value.problems[0].code == "claim.reason_required"
    with acting_as(staff["maker"]):
        claim = services.withdraw(user=staff["maker"], claim=claim)
    assert claim.status == ClaimStatus.WITHDRAWN
    with pytest.raises(DomainError):
        approve(staff["checker"], claim)


def test_missing_reference_wages_are_named(person, staff):
    claim = receive(staff["maker"], person, ClaimInput(category=60, deemed_months=160,
                                                       pre_account_index=Decimal("0.9107")))
    assert claim.status == ClaimStatus.RECEIVED and claim.calculation is None
    failing = {c["code"]: c for c in claim.checks if not c["ok"]}
    assert set(failing) == {"calculation"} and "1995、1996" in failing["calculation"]["zh"]


def test_bad_input_is_refused_in_both_languages(person, staff):
    for data, code in ((ClaimInput(category=55), "retirement.sex_mismatch"), (ClaimInput(category=61), "claim.category"),
                       (ClaimInput(category=60, option="early", shift_months=37), "retirement.early_limit"),
                       (ClaimInput(category=60, pre_account_index="0.12345"), "claim.pre_index")):
        with pytest.raises(DomainError) as exc:
            receive(staff["maker"], person, data)
        problem = exc.value.problems[0]
        assert problem.code == code and problem.zh and problem.en
    assert not PensionClaim.objects.exists()
