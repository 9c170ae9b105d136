"""Work injury (工伤): the report and its deadline (工伤保险条例第十七条、第二十条), the recognition decision
(maker-checker), the disability assessment and death awards with the amounts of ``policy.rules.injury``, the
ledger, the one-time payout order, and the payroll (grade 1–4 allowance paid from the fund, grade 5–6 not).

Worked figures are the rule tests' (tests/policy/cases/injury/*.yaml), recomputed from 工伤保险条例（2010年修订，
国务院令第586号）: grade 1 = 27 months of 本人工资 + 90 % a month (第三十五条); grade 5 = 18 months + 70 % paid by the
employer (第三十六条); grade 10 = 7 months (第三十七条); 本人工资 clamped to 60 %–300 % of the regional average
wage (第六十四条); death: funeral 6 months of the regional average wage, 20 × the previous year's national urban
per-capita disposable income, dependants 40 % / 30 % (+10 % lone) capped at 本人工资 (第三十九条). The regional
average wages (4000.00, 4862.00) are inputs, not verified figures (the parameter has no values yet).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from laobao.benefits.injury import awards, services
from laobao.benefits.injury import selectors as sel
from laobao.benefits.injury.evaluate import record_wage
from laobao.benefits.injury.models import InjuryCase
from laobao.benefits.models import Benefit, BenefitRate, Death, PaymentLine
from laobao.benefits.payouts.models import Payout
from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden, NotFound
from laobao.core.models import Role
from laobao.insurance.models import Bill, Contribution, Enrollment
from laobao.ledger.selectors import balance

import payroll_fixtures as px

ACCIDENT = date(2024, 5, 20)
WAGE = 500_000  # 5,000.00 yuan a month, the injury base of the 12 months before the accident
AVG = 400_000  # regional average monthly wage 4,000.00 (input: clamp 2,400.00–12,000.00)
ISSUED = datetime(2024, 1, 1, tzinfo=timezone.utc)


def months(first: date, n: int) -> list[date]:
    return [date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1) for i in range(n)]


def contributions(person, employer, region, base=WAGE, first=date(2023, 4, 1), n=14):
    rows = []
    for m in months(first, n):  # 2023-04 and 2024-05 lie outside the 12 months and must not count
        bill = Bill.objects.create(employer=employer, month=m, region=region, due_date=m + timedelta(days=14),
                                   issued_at=ISSUED, run=f"test-{person.pk}", due_fen=0, lines=1)
        inside = date(2023, 5, 1) <= m < date(2024, 5, 1)
        rows.append(Contribution(bill=bill, person=person, month=m, wage_fen=base,
                                 injury_base=base if inside else 9_999_900, injury_employer=base // 100))
    Contribution.objects.bulk_create(rows)


@pytest.fixture
def world(city, make_person, make_employer):
    employer = make_employer(city["c11"])
    worker = make_person(city["c11"], name="张伟")
    Enrollment.objects.create(person=worker, insurance="injury", employer=employer, start_month=date(2020, 1, 1),
                              start_reason="hire")
    contributions(worker, employer, city["c11"])
    return {"employer": employer, "worker": worker, "city": city}


@pytest.fixture
def users(city, make_user):
    return {"maker": make_user(Role.COMMUNITY_CASEWORKER, city["c11"]),
            "checker": make_user(Role.DISTRICT_OFFICER, city["gusu"]),
            "officer": make_user(Role.DISTRICT_OFFICER, city["gusu"]),
            "foreign": make_user(Role.DISTRICT_OFFICER, city["wuzhong"])}


def report(user, w, *, kind="employer", received=date(2024, 5, 25), simple=False, accident=ACCIDENT, person=None):
    data = services.ReportInput(accident_date=accident, place="车间二号机床", description="操作冲床时右手被压伤",
                                applicant_kind=kind, simple_facts=simple, received_on=received)
    with acting_as(user):
        return services.report(user=user, person=person or w["worker"], employer=w["employer"], data=data)


def decide(user, case, ground="14.1", **kw):
    with acting_as(user):
        return services.decide(user=user, case=case, ground=ground, **kw)


def recognised(users, w, **kw):
    return decide(users["checker"], report(users["maker"], w, **kw))


def assess(user, case, grade, *, on=date(2026, 2, 1), wage=None, avg=AVG):
    with acting_as(user):
        return awards.assess(user=user, case=case, data=awards.AssessInput(grade=grade, assessed_on=on, wage_fen=wage,
                                                                           average_wage_fen=avg))


def approve(user, award):
    with acting_as(user):
        return awards.approve(user=user, award=award)


# --- the report and the decision ------------------------------------------------------------------------------

def test_report_records_the_deadline_and_the_checks(world, users):
    case = report(users["maker"], world)
    assert case.case_no.startswith("GS") and len(case.case_no) == 14 and case.status == "received"
    assert case.decision_due == date(2024, 7, 24)  # received 2024-05-25 + 60 days (第二十条第一款)
    assert (case.insured, case.late_employer) == (True, False) and all(c["ok"] for c in case.checks)
    simple = report(users["maker"], world, simple=True, accident=date(2024, 5, 21))
    assert simple.decision_due == date(2024, 6, 9)  # + 15 days when the facts are clear (第二十条第二款)


def test_a_late_employer_report_is_received_and_flagged(world, users):
    case = report(users["maker"], world, received=date(2024, 6, 30))  # 41 days after the accident
    assert case.late_employer is True
    late = next(c for c in case.checks if c["code"] == "deadline")
    assert not late["ok"] and "第十七条第四款" in late["zh"] and "41" in late["zh"]


def test_a_worker_is_refused_after_one_year(world, users):
    with pytest.raises(DomainError) as exc:
        report(users["maker"], world, kind="worker", received=date(2025, 5, 21))
    assert exc.value.problems[0].code == "injury.worker_late"
    assert report(users["maker"], world, kind="worker", received=date(2025, 5, 20)).late_employer is False


def test_no_relation_and_no_enrollment_is_refused(world, users, make_person):
    stranger = make_person(world["city"]["c11"], name="路人")
    with pytest.raises(DomainError) as exc:
        report(users["maker"], world, person=stranger)
    assert exc.value.problems[0].code == "injury.no_relation"


def test_decision_is_maker_checker_and_says_why(world, users):
    with pytest.raises(Forbidden):
        decide(users["maker"], report(users["maker"], world, accident=date(2024, 5, 19)))  # no benefit.approve
    case = report(users["officer"], world)
    with pytest.raises(DomainError) as exc:
        decide(users["officer"], case)  # the officer received it: a second person decides
    assert exc.value.problems[0].code == "claim.maker_is_checker"
    case = decide(users["checker"], case, ground="15.2")
    assert (case.status, case.recognition, case.checker) == ("recognised", "deemed", users["checker"])
    assert "第十五条" in case.reason_zh
    with pytest.raises(DomainError):
        decide(users["checker"], case)  # decided once


def test_a_refusal_gives_the_reason_in_plain_words(world, users):
    case = decide(users["checker"], report(users["maker"], world), ground="16.2", reason_zh="血液酒精含量 120mg/100ml")
    assert case.status == "not_recognised" and case.recognition == ""
    assert case.reason_zh.startswith("醉酒或者吸毒") and "120mg" in case.reason_zh
    with pytest.raises(DomainError):
        assess(users["maker"], case, 5)  # no assessment without recognition


def test_the_queue_puts_overdue_cases_first_and_hides_foreign_ones(world, users):
    old = report(users["maker"], world)  # due 2024-07-24: overdue today
    new = report(users["maker"], world, accident=date(2026, 11, 1), received=date(2026, 11, 2))
    queue = list(sel.waiting(users["checker"]))
    assert queue[:2] == [old, new] and sel.overdue(old) and not sel.overdue(new)
    assert list(sel.waiting(users["foreign"])) == []
    with pytest.raises(NotFound):
        sel.case_get(users["foreign"], old.case_no)
    with pytest.raises(Forbidden):
        decide(users["foreign"], old)


# --- 本人工资 and the amounts ---------------------------------------------------------------------------------

def test_wage_from_the_record_in_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        rec = record_wage(world["worker"].pk, date(2024, 5, 1))
    assert (rec["fen"], rec["months"], rec["from"], rec["to"]) == (WAGE, 12, "2023-05", "2024-04")


@pytest.mark.parametrize("grade, one_time, monthly, payer", [
    (1, 13_500_000, 450_000, "fund"),      # 27 × 5000.00 = 135000.00; 90 % = 4500.00 (第三十五条)
    (5, 9_000_000, 350_000, "employer"),   # 18 × 5000.00 = 90000.00; 70 % by the employer (第三十六条)
    (10, 3_500_000, 0, ""),                # 7 × 5000.00 = 35000.00, no allowance (第三十七条)
])
def test_disability_amounts(world, users, grade, one_time, monthly, payer):
    award = assess(users["maker"], recognised(users, world), grade)
    assert (award.one_time_fen, award.monthly_fen, award.payer) == (one_time, monthly, payer)
    assert (award.wage_source, award.average_source) == ("record", "maker")
    assert f"{one_time // 100}.00" in award.calculation["formula"]
    names = {p["name"] for p in award.calculation["params"]}
    assert names >= {"injury.one_time_subsidy_months", "injury.wage_cap_share"}


@pytest.mark.parametrize("wage, grade, one_time, monthly", [
    (2_000_000, 4, 30_630_600, 1_093_950),  # 3 × 4862.00 = 14586.00; 21 × = 306306.00; 75 % = 10939.50
    (200_000, 9, 2_625_480, 0),             # 0.60 × 4862.00 = 2917.20; 9 × = 26254.80
])
def test_the_wage_is_clamped_to_60_and_300_percent(world, users, make_person, wage, grade, one_time, monthly):
    person = make_person(world["city"]["c11"], name="李强")
    Enrollment.objects.create(person=person, insurance="injury", employer=world["employer"],
                              start_month=date(2020, 1, 1), start_reason="hire")
    case = recognised(users, world, person=person)  # no contribution rows: the maker's wage
    award = assess(users["maker"], case, grade, wage=wage, avg=486_200)
    assert (award.one_time_fen, award.monthly_fen, award.wage_source) == (one_time, monthly, "maker")


def test_a_wage_is_required_without_a_record(world, users, make_person):
    person = make_person(world["city"]["c11"], name="王磊")
    Enrollment.objects.create(person=person, insurance="injury", employer=world["employer"],
                              start_month=date(2020, 1, 1), start_reason="hire")
    with pytest.raises(DomainError) as exc:
        assess(users["maker"], recognised(users, world, person=person), 3)
    assert exc.value.problems[0].code == "injury.wage_required"


# --- approval, ledger, payout, payroll ------------------------------------------------------------------------

def test_approval_is_maker_checker_posts_and_orders_the_payout(world, users):
    award = assess(users["officer"], recognised(users, world), 1)
    with pytest.raises(DomainError) as exc:
        approve(users["officer"], award)
    assert exc.value.problems[0].code == "claim.maker_is_checker"
    award = approve(users["checker"], award)
    pid = world["worker"].pk
    assert award.status == "approved"
    assert balance(f"payable:person:{pid}") == 13_500_000 and balance("fund:injury") == -13_500_000
    payout = Payout.objects.get(key=f"injury:{award.award_no}:subsidy")
    assert (payout.amount_fen, payout.person_id, payout.payable_code) == (13_500_000, pid, f"payable:person:{pid}")
    benefit = Benefit.objects.get(source=f"injury:{award.award_no}")
    assert (benefit.kind, benefit.fund, benefit.start_month) == ("injury_allowance", "fund:injury", date(2026, 3, 1))
    rate = BenefitRate.objects.get(benefit=benefit)
    assert rate.monthly_fen == 450_000 and "0.90 × 5000.00" in rate.components[0]["formula"]
    with pytest.raises(DomainError):
        approve(users["checker"], award)  # approved once


def test_grade_5_allowance_is_the_employers(world, users):
    award = approve(users["checker"], assess(users["maker"], recognised(users, world), 5))
    benefit = Benefit.objects.get(source=f"injury:{award.award_no}")
    assert benefit.fund == f"employer:{world['employer'].pk}"


def test_payroll_pays_a_grade_1_allowance_and_not_a_grade_5_one(world, users, make_person, tmp_path):
    one = approve(users["checker"], assess(users["maker"], recognised(users, world), 1))
    other = make_person(world["city"]["c11"], name="赵军")
    Enrollment.objects.create(person=other, insurance="injury", employer=world["employer"],
                              start_month=date(2020, 1, 1), start_reason="hire")
    five = approve(users["checker"], assess(users["maker"], recognised(users, world, person=other), 5, wage=WAGE))
    px.bank_account(world["worker"])
    px.bank_account(other, number=px.CARD2)
    px.run(date(2026, 3, 1), tmp_path)
    paid = Benefit.objects.get(source=f"injury:{one.award_no}")
    skipped = Benefit.objects.get(source=f"injury:{five.award_no}")
    assert [ln.amount_fen for ln in PaymentLine.objects.filter(benefit=paid)] == [450_000]
    assert not PaymentLine.objects.filter(benefit=skipped).exists()


def test_a_changed_record_makes_the_approval_stale(world, users):
    award = assess(users["maker"], recognised(users, world), 7)
    bill = Bill.objects.filter(employer=world["employer"]).first()
    Contribution.objects.create(bill=bill, person=world["worker"], month=date(2023, 8, 1), adjustment=True,
                                wage_fen=120_000, injury_base=120_000, injury_employer=0)
    with pytest.raises(DomainError) as exc:
        approve(users["checker"], award)
    assert exc.value.problems[0].code == "claim.stale"


def test_rejected_award_can_be_entered_again(world, users):
    case = recognised(users, world)
    award = assess(users["maker"], case, 8)
    with acting_as(users["checker"]):
        awards.reject(user=users["checker"], award=award, reason_zh="鉴定结论文号有误")
    assert assess(users["maker"], case, 8).status == "checked"


# --- death ----------------------------------------------------------------------------------------------------

def test_death_grants_and_capped_dependant_pensions(world, users, make_person):
    """第三十九条 with the rule case "pensions above the deceased's wage are scaled down to it": wage 5000.00,
    average 4000.00, died 2024-06-01: funeral 6 × 4000.00 = 24000.00; grant 20 × 51821.00 (2023 income,
    parameter, UNVERIFIED) = 1036420.00; 40 % + 40 % + 40 % = 6000.00 > 5000.00 → 1666.66 + 1666.67 + 1666.67."""
    c11 = world["city"]["c11"]
    deps = [(make_person(c11, name="张妻"), "spouse", False), (make_person(c11, name="张孤"), "other", True),
            (make_person(c11, name="张母"), "other", True)]
    case = recognised(users, world)
    with acting_as(users["maker"]):
        award = awards.record_death(user=users["maker"], case=case, data=awards.DeathInput(
            died_on=date(2024, 6, 1), dependants=tuple(deps), average_wage_fen=AVG, heir_name="张妻"))
    r = award.calculation["result"]
    assert (r["funeral_fen"], r["grant_fen"], award.one_time_fen) == (2_400_000, 103_642_000, 106_042_000)
    assert (r["pensions_fen"], award.monthly_fen, r["capped"]) == ([166_666, 166_667, 166_667], 500_000, True)
    approve(users["checker"], award)
    pid = world["worker"].pk
    assert balance(f"payable:heir:{pid}") == 106_042_000 and balance("fund:injury") == -106_042_000
    payout = Payout.objects.get(key=f"injury:{award.award_no}:death")
    assert (payout.person_id, payout.subject_id, payout.payee_name) == (None, pid, "张妻")
    got = {b.person_id: (b.kind, b.fund, b.start_month, b.rates.get().monthly_fen)
           for b in Benefit.objects.filter(source__startswith=f"injury:{award.award_no}:")}
    assert got == {deps[0][0].pk: ("injury_dependant", "fund:injury", date(2024, 7, 1), 166_666),
                   deps[1][0].pk: ("injury_dependant", "fund:injury", date(2024, 7, 1), 166_667),
                   deps[2][0].pk: ("injury_dependant", "fund:injury", date(2024, 7, 1), 166_667)}


def test_death_needs_the_national_income_when_the_parameter_has_none(world, users):
    case = recognised(users, world, accident=date(2026, 2, 2), received=date(2026, 2, 3))
    with acting_as(users["maker"]), pytest.raises(DomainError) as exc:
        awards.record_death(user=users["maker"], case=case, data=awards.DeathInput(
            died_on=date(2026, 3, 1), wage_fen=WAGE, average_wage_fen=AVG))
    assert exc.value.problems[0].field == "national_income"
    with acting_as(users["maker"]):
        award = awards.record_death(user=users["maker"], case=case, data=awards.DeathInput(
            died_on=date(2026, 3, 1), wage_fen=WAGE, average_wage_fen=AVG,
            national_income_fen=5_600_000))
    assert award.calculation["result"]["grant_fen"] == 112_000_000  # 20 × 56000.00 (the maker's figure)


def test_grade_6_with_work_arranged_draws_no_allowance(world, users):
    """第三十六条第一款第（二）项: grades 5–6 keep their job; only when the employer cannot arrange suitable work does
    it pay the allowance. Grade 6: 16 × 5000.00 = 80000.00 one-time, no monthly benefit."""
    with acting_as(users["maker"]):
        award = awards.assess(user=users["maker"], case=recognised(users, world), data=awards.AssessInput(
            grade=6, assessed_on=date(2026, 2, 1), average_wage_fen=AVG, work_arranged=True))
    assert (award.one_time_fen, award.monthly_fen, award.payer) == (8_000_000, 0, "")
    assert "第三十六条" in award.calculation["formula"]
    approve(users["checker"], award)
    assert not Benefit.objects.filter(source__startswith=f"injury:{award.award_no}").exists()


def test_a_grade_1_worker_dying_later_gets_no_one_time_death_grant(world, users, make_person):
    """第三十九条第三款: a grade 1–4 worker who dies after the paid-leave period — funeral grant (6 × 4000.00 =
    24000.00) and the pensions (spouse 40 % × 5000.00 = 2000.00), not the one-time death grant."""
    case = recognised(users, world)
    approve(users["checker"], assess(users["maker"], case, 1))
    spouse = make_person(world["city"]["c11"], name="张妻")
    with acting_as(users["maker"]):
        award = awards.record_death(user=users["maker"], case=case, data=awards.DeathInput(
            died_on=date(2026, 6, 1), dependants=((spouse, "spouse", False),), average_wage_fen=AVG))
    r = award.calculation["result"]
    got = (r["funeral_fen"], r["grant_fen"], award.one_time_fen, award.monthly_fen)
    assert got == (2_400_000, 0, 2_400_000, 200_000)
    assert "第三十九条第三款" in award.calculation["formula"] and "one_time_grant" not in award.calculation["formula"]
    approve(users["checker"], award)
    assert balance(f"payable:heir:{world['worker'].pk}") == 2_400_000
    # the approval records the death: the worker's own allowance stops with the month of death
    allowance = Benefit.objects.get(person=world["worker"], kind="injury_allowance")
    assert (allowance.status, allowance.end_month) == ("stopped", date(2026, 6, 1))
    assert Death.objects.get(person=world["worker"]).source == f"工亡 {award.award_no}"
    assert not Enrollment.objects.filter(person=world["worker"], end_month__isnull=True).exists()


def test_a_death_already_recorded_is_not_recorded_again(world, users):
    from laobao.benefits.community import services as community
    case = recognised(users, world)
    with acting_as(users["officer"]):
        community.record_death(user=users["officer"], person=world["worker"], died_on=date(2024, 6, 1),
                               source="公安户籍注销")
    with acting_as(users["maker"]):
        award = awards.record_death(user=users["maker"], case=case, data=awards.DeathInput(
            died_on=date(2024, 6, 1), average_wage_fen=AVG))
    approve(users["checker"], award)
    assert Death.objects.get(person=world["worker"]).source == "公安户籍注销"
