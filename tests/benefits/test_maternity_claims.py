"""Maternity allowance claims (生育津贴申领): eligibility, the amount from the rule (normal, difficult and twin
births), the employer's average wage from the record (one SQL), maker-checker, the one-time payment's ledger
entry, the reconciliation, and the pages (200 / 403 / 404).

Worked case: Suzhou's leave is 98 days (女职工劳动保护特别规定 第七条) + 60 days Jiangsu extension = 158 days
(苏州市人社局政策问答 "延长产假60天，达到158天", hrss.suzhou.gov.cn, see the parameter file); the allowance is
the employer's previous-year average monthly wage ÷ 30 × leave days (社会保险法 第五十六条; divisor 30 as the
parameter file states, UNVERIFIED for Jiangsu). The staff and wages below are fixtures, not a published case.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from laobao.benefits.maternity import services
from laobao.benefits.maternity.evaluate import record_wage
from laobao.benefits.maternity.models import MaternityClaim
from laobao.benefits.maternity.services import MaternityInput
from laobao.benefits.payouts.models import Payout
from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import Role
from laobao.insurance.models import Allocation, Bill, BillItem, Contribution, Enrollment, Payment
from laobao.ledger.models import JournalEntry
from laobao.ledger.reconcile import run_all
from laobao.ledger.selectors import balance

from payout_fixtures import employer_account
from payroll_fixtures import bank_account

BIRTH = date(2026, 3, 10)
WAGES = (1_200_000, 900_000, 900_000)  # three insured staff: the average is exactly 10,000.00 yuan
ISSUED = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _months(first: date, n: int) -> list[date]:
    return [date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1) for i in range(n)]


def _bill(employer, month, region):
    return Bill.objects.create(employer=employer, month=month, region=region, due_date=month + timedelta(days=14),
                               issued_at=ISSUED, run="test", due_fen=0, lines=3)


@pytest.fixture
def world(city, make_person, make_employer):
    employer = make_employer(city["c11"])
    mother = make_person(city["c11"], name="王芳")
    staff = [mother, make_person(city["c11"], name="李娜"), make_person(city["c11"], name="赵敏")]
    Enrollment.objects.create(person=mother, insurance="maternity", employer=employer, start_month=date(2024, 1, 1),
                              start_reason="hire")
    rows = []
    for m in _months(date(2025, 2, 1), 14):  # 2025-02 and 2026-03 lie outside the 12 months and must not count
        bill = _bill(employer, m, city["c11"])
        for p, w in zip(staff, WAGES):
            base = w if date(2025, 3, 1) <= m < date(2026, 3, 1) else 5_000_000
            rows.append(Contribution(bill=bill, person=p, month=m, wage_fen=base, maternity_base=base,
                                     maternity_employer=base // 100))
    Contribution.objects.bulk_create(rows)
    employer_account(employer)  # the 单位账户 an allowance paid to the employer goes to (benefits/payouts)
    return {"employer": employer, "mother": mother, "staff": staff}


@pytest.fixture
def users(city, make_user):
    return {"maker": make_user(Role.COMMUNITY_CASEWORKER, city["c11"]),
            "checker": make_user(Role.DISTRICT_OFFICER, city["gusu"]),
            "officer": make_user(Role.DISTRICT_OFFICER, city["gusu"]),
            "foreign": make_user(Role.DISTRICT_OFFICER, city["wuzhong"])}


def receive(user, w, **kw):
    data = MaternityInput(birth_date=kw.pop("birth_date", BIRTH), **{"paid_to": "employer", **kw})
    with acting_as(user):
        return services.receive(user=user, person=w["mother"], employer=w["employer"], data=data)


def approve(user, claim):
    with acting_as(user):
        return services.approve(user=user, claim=claim)


def test_average_wage_from_the_record_in_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        rec = record_wage(world["employer"].pk, date(2026, 3, 1))
    assert (rec["fen"], rec["person_months"], rec["staff"]) == (1_000_000, 36, 3)
    assert (rec["from"], rec["to"]) == ("2025-03", "2026-02") and "36 人月" in rec["text"]


def test_adjustment_rows_add_their_difference_but_no_person_month(world):
    bill = Bill.objects.get(employer=world["employer"], month=date(2026, 2, 1))
    Contribution.objects.create(bill=bill, person=world["staff"][1], month=date(2025, 6, 1), adjustment=True,
                                wage_fen=36_000, maternity_base=36_000, maternity_employer=360)
    assert record_wage(world["employer"].pk, date(2026, 3, 1))["fen"] == 1_001_000  # (36,000,000 + 36,000) / 36


@pytest.mark.parametrize("births, difficult, days, fen", [
    (1, False, 158, 5_266_667),   # 10000.00 ÷ 30 × 158 = 52666.666… → 52666.67
    (1, True, 173, 5_766_667),    # + 15 days for a difficult birth: 57666.666… → 57666.67
    (2, False, 173, 5_766_667),   # twins: + 15 days for the second baby
    (2, True, 188, 6_266_667),    # both: 62666.666… → 62666.67
])
def test_amount_from_the_rule(world, users, births, difficult, days, fen):
    claim = receive(users["maker"], world, births=births, difficult_birth=difficult)
    assert claim.status == "checked" and all(c["ok"] for c in claim.checks), claim.checks
    assert claim.claim_no.startswith("SY") and len(claim.claim_no) == 14
    assert (claim.leave_days, claim.amount_fen, claim.average_wage_fen, claim.wage_source) == (days, fen, 1_000_000,
                                                                                                 "record")
    calc = claim.calculation
    assert calc["result"] == {"allowance_fen": fen, "leave_days": days}
    assert "÷ 30" in calc["formula"] and f"= {fen // 100}.{fen % 100:02d}" in calc["formula"]
    assert {p["name"] for p in calc["params"]} >= {"maternity.base_leave_days", "maternity.local_extra_leave_days",
                                                   "maternity.allowance_day_divisor"}


def test_leave_days_given_replace_the_rule(world, users):
    claim = receive(users["maker"], world, leave_days=42)  # e.g. a miscarriage after four months
    assert (claim.leave_days, claim.leave_days_given, claim.amount_fen) == (42, True, 1_400_000)
    with pytest.raises(DomainError) as exc:
        receive(users["maker"], world, birth_date=date(2026, 3, 11), leave_days=42, births=2)
    assert exc.value.problems[0].code == "maternity.leave_days_conflict"


def test_maker_wage_when_the_record_has_none(world, users, city, make_employer):
    other = make_employer(city["c11"], name="新设公司")
    employer_account(other)
    Enrollment.objects.filter(person=world["mother"]).update(employer=other)
    w = {**world, "employer": other}
    claim = receive(users["maker"], w)
    assert claim.status == "received" and [c["code"] for c in claim.checks if not c["ok"]] == ["wage"]
    claim = receive(users["maker"], w, birth_date=date(2026, 3, 12), average_wage_fen=600_000)
    assert (claim.status, claim.wage_source, claim.amount_fen) == ("checked", "maker", 3_160_000)  # 6000 ÷ 30 × 158


def test_not_enrolled_at_the_birth_month(world, users):
    Enrollment.objects.filter(person=world["mother"]).update(end_month=date(2026, 2, 1), end_reason="separation")
    claim = receive(users["maker"], world)
    assert claim.status == "received" and [c["code"] for c in claim.checks if not c["ok"]] == ["enrolled"]
    with pytest.raises(DomainError) as exc:
        approve(users["checker"], claim)
    assert exc.value.problems[0].code == "claim.checks_fail" and "生育保险" in exc.value.problems[0].zh


def test_open_maternity_arrears_of_the_employer_then_paid(world, users):
    bill = Bill.objects.get(employer=world["employer"], month=date(2026, 3, 1))
    item = BillItem.objects.create(bill=bill, insurance="maternity", month=date(2026, 3, 1), employer_fen=30_000,
                                   employee_fen=0, due_fen=30_000)
    claim = receive(users["maker"], world)
    failed = [c for c in claim.checks if not c["ok"]]
    assert [c["code"] for c in failed] == ["arrears"] and "300.00" in failed[0]["zh"]
    pay = Payment.objects.create(bank_ref="mat-1", channel="bank", payer_code="x", employer=world["employer"],
                                 amount_fen=30_000, paid_on=date(2026, 4, 1), received_at=ISSUED)
    Allocation.objects.create(payment=pay, item=item, kind="principal", amount_fen=30_000, allocated_on=date(2026, 4, 1))
    with acting_as(users["maker"]):
        claim = services.recheck(user=users["maker"], claim=claim)
    assert claim.status == "checked"


def test_maker_is_not_checker_and_rights(world, users):
    claim = receive(users["officer"], world)
    with pytest.raises(DomainError) as exc:
        approve(users["officer"], claim)
    assert exc.value.problems[0].code == "claim.maker_is_checker" and exc.value.problems[0].en
    with pytest.raises(Forbidden):
        approve(users["maker"], claim)  # a community caseworker receives, does not decide
    with pytest.raises(Forbidden):
        approve(users["foreign"], claim)
    assert MaternityClaim.objects.get(pk=claim.pk).status == "checked"
    assert not JournalEntry.objects.filter(idempotency_key__startswith="maternity:").exists()


def _reconciled():
    results = dict(run_all())
    for name, result in results.items():
        if name.startswith(("ledger.", "benefits.")):
            assert result.differences == [], name


def test_approval_to_the_employer_posts_a_balanced_entry(world, users):
    claim = approve(users["checker"], receive(users["maker"], world))
    assert (claim.status, claim.checker, claim.paid_to, claim.paid_to_source) == ("approved", users["checker"],
                                                                                  "employer", "maker")
    entry = JournalEntry.objects.get(idempotency_key=f"maternity:{claim.claim_no}")
    lines = sorted(entry.lines.values_list("account__code", "debit_fen", "credit_fen"))
    assert lines == [("fund:maternity", 5_266_667, 0), (f"payable:employer:{world['employer'].pk}", 0, 5_266_667)]
    assert sum(d for _, d, _ in lines) == sum(c for _, _, c in lines)
    assert balance(f"payable:employer:{world['employer'].pk}") == 5_266_667
    assert claim.employer_account == "102 1102020109000012342"  # the employer's 单位账户 the payout goes to
    payout = Payout.objects.get(key=f"maternity:{claim.claim_no}")  # paid by `laobao payouts run` (test_payouts)
    assert (payout.employer, payout.person, payout.amount_fen) == (world["employer"], None, 5_266_667)
    with pytest.raises(DomainError) as exc:
        approve(users["checker"], claim)
    assert exc.value.problems[0].code == "claim.closed"
    assert JournalEntry.objects.filter(idempotency_key__startswith="maternity:").count() == 1
    _reconciled()


def test_approval_to_the_person_uses_the_current_bank_account(world, users):
    claim = receive(users["maker"], world, paid_to="person")
    assert claim.status == "received" and [c["code"] for c in claim.checks if not c["ok"]] == ["payee"]
    bank_account(world["mother"])
    with acting_as(users["maker"]):
        claim = services.recheck(user=users["maker"], claim=claim)
    assert claim.status == "checked" and claim.bank_code == "102"
    claim = approve(users["checker"], claim)
    entry = JournalEntry.objects.get(idempotency_key=f"maternity:{claim.claim_no}")
    assert sorted(entry.lines.values_list("account__code", "debit_fen", "credit_fen")) == [
        ("fund:maternity", 5_266_667, 0), (f"payable:person:{world['mother'].pk}", 0, 5_266_667)]
    assert Payout.objects.get(key=f"maternity:{claim.claim_no}").person == world["mother"]
    _reconciled()  # payable:person:<pid> = the payout ordered, not yet in a bank file (benefits.payout_payables_match)


def test_employer_without_an_account_is_told_to_record_one(world, users):
    from laobao.benefits.payouts.models import EmployerBankAccount
    EmployerBankAccount.objects.filter(employer=world["employer"]).update(closed_on=date(2026, 11, 27))
    claim = receive(users["maker"], world)
    payee = next(c for c in claim.checks if c["code"] == "payee")
    assert claim.status == "received" and not payee["ok"] and "没有登记单位账户" in payee["zh"]
    assert "no bank account on file" in payee["en"]


def test_reject_in_plain_words_and_one_claim_per_birth(world, users):
    claim = receive(users["maker"], world)
    with pytest.raises(DomainError) as exc:
        receive(users["maker"], world)
    assert exc.value.problems[0].code == "maternity.claim_exists"
    with acting_as(users["checker"]):
        claim = services.reject(user=users["checker"], claim=claim, reason_zh="生育医学证明与户籍信息不符")
    assert claim.status == "rejected" and claim.rejection_zh == "生育医学证明与户籍信息不符"
    assert receive(users["maker"], world).status == "checked"  # a new claim after a rejection


# -- pages ------------------------------------------------------------------------------------------------------

FORM = {"birth_date": "2026-03-10", "births": "1", "paid_to": "employer"}


def test_pages_flow_and_jurisdiction(client, world, users, make_user, city):
    form = {**FORM, "employer": str(world["employer"].pk)}
    pk = world["mother"].pk
    client.force_login(users["maker"])
    assert f"/benefits/persons/{pk}/maternity/" in client.get(f"/benefits/persons/{pk}/").content.decode()
    assert client.get(f"/benefits/persons/{pk}/maternity/").status_code == 200
    preview = client.post(f"/benefits/persons/{pk}/maternity/new/", {**form, "action": "preview"})
    assert preview.status_code == 200 and "52666.67" in preview.content.decode()
    assert not MaternityClaim.objects.exists()
    done = client.post(f"/benefits/persons/{pk}/maternity/new/", {**form, "action": "receive"})
    claim = MaternityClaim.objects.get()
    assert done.status_code == 302 and done.url == f"/benefits/maternity/{claim.claim_no}/"
    page = client.get(done.url).content.decode()
    assert "52666.67" in page and "按参保缴费记录计算" in page
    assert client.post(f"/benefits/maternity/{claim.claim_no}/approve/").status_code == 403  # caseworker
    assert client.post(f"/benefits/persons/{pk}/maternity/new/", {}).status_code == 400
    client.force_login(users["foreign"])
    assert client.get(f"/benefits/persons/{pk}/maternity/").status_code == 404
    assert client.get(f"/benefits/maternity/{claim.claim_no}/").status_code == 404
    assert client.post(f"/benefits/maternity/{claim.claim_no}/approve/").status_code == 404
    client.force_login(users["checker"])
    assert client.post(f"/benefits/maternity/{claim.claim_no}/approve/").status_code == 302
    assert MaternityClaim.objects.get().status == "approved"
    assert "maternity:" + claim.claim_no in client.get(f"/benefits/maternity/{claim.claim_no}/").content.decode()
    assert client.get("/benefits/maternity/SY209901010001/").status_code == 404
