"""核定 — the monthly assessment batch: worked cases, re-runs, one employer, flexibly employed, ledger.

Worked cases use Jiangsu's published 2024 base limits 4879 / 24396 yuan (60% / 300% of 8132, see
policy/rules/contribution/assessment.py) and the rates of the parameter files (pension 16% + 8% from
2019-05-01 by 国办发〔2019〕13号, 19% before; medical 7% in Suzhou from 2024 (unverified override) + 2%;
unemployment 0.5% + 0.5%; injury class 1 0.2%, class 2 0.4% (人社部发〔2015〕71号); maternity none from 2020).
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from assess_fixtures import JIANGSU_2024, declare, enroll, expected_line, risk, set_limits
from django.db.models import Sum

from laobao.cli import main
from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.core.models import AuditEvent
from laobao.insurance import rechecks
from laobao.insurance.assessment import run
from laobao.insurance.models import Bill, BillItem, Contribution
from laobao.ledger.models import JournalEntry, JournalLine

JULY = date(2024, 7, 1)


def assess(month, employer=None):
    with acting_as(None, username="test"):
        return run(month, employer=employer, progress=io.StringIO())


@pytest.fixture
def firm(city, make_person, make_employer):
    set_limits(2024, *JIANGSU_2024)
    employer = make_employer(city["c11"])
    risk(employer, 1)
    low, high = make_person(city["c11"], name="李低"), make_person(city["c11"], name="王高")
    for person, wage in ((low, 300_000), (high, 3_000_000)):
        enroll(person, employer, date(2024, 1, 1))
        declare(person, employer, 2024, wage)
    return {"employer": employer, "low": low, "high": high}


def test_base_clamped_at_floor_and_cap(firm):
    summary = assess(JULY)
    low = Contribution.objects.get(person=firm["low"])
    high = Contribution.objects.get(person=firm["high"])
    # 3000 yuan is below the floor: assessed on 4879; 30000 above the cap: assessed on 24396.
    assert (low.pension_base, low.pension_employer, low.pension_employee, low.account) == (487_900, 78_064, 39_032, 39_032)
    assert (low.medical_base, low.medical_employer, low.medical_employee) == (487_900, 34_153, 9_758)
    assert (low.unemployment_employer, low.unemployment_employee) == (2_440, 2_440)  # 2439.5 fen, half up
    assert (low.injury_base, low.injury_employer) == (487_900, 976)                 # 0.2% of 4879 = 9.758
    assert (low.maternity_base, low.maternity_employer) == (None, None)           # merged into medical (2020)
    assert low.flags & 1 and not low.flags & 2 and low.wage_fen == 300_000
    assert (high.pension_base, high.pension_employer, high.pension_employee) == (2_439_600, 390_336, 195_168)
    assert (high.medical_employer, high.unemployment_employee, high.injury_employer) == (170_772, 12_198, 4_879)
    assert high.flags & 2 and not high.flags & 1
    assert summary.employers == 1 and summary.lines == 8  # 2 persons × 4 insurances (no maternity)
    bill = Bill.objects.get()
    assert bill.lines == 8 and bill.due_date == date(2024, 7, 31) and bill.region_id == firm["employer"].region_id
    assert bill.due_fen == BillItem.objects.aggregate(s=Sum("due_fen"))["s"] == summary.due_fen
    pension = BillItem.objects.get(insurance="pension")
    assert (pension.employer_fen, pension.employee_fen, pension.account_fen) == (468_400, 234_200, 234_200)


def test_matches_the_single_person_rule(firm):
    assess(JULY)
    for person, wage in ((firm["low"], 300_000), (firm["high"], 3_000_000)):
        row = Contribution.objects.get(person=person)
        for ins, (base, er, ee, ac) in expected_line(JULY, wage, JIANGSU_2024, firm["employer"].region.code,
                                                     injury_class=1).items():
            assert getattr(row, f"{ins}_base") == base and getattr(row, f"{ins}_employer") == er
            if ins in ("pension", "medical", "unemployment"):
                assert getattr(row, f"{ins}_employee") == ee
        assert row.account == expected_line(JULY, wage, JIANGSU_2024, "320508", injury_class=1)["pension"][3]


def test_pension_rate_changes_on_2019_05_01(city, make_person, make_employer):
    set_limits(2018, 300_000, 1_500_000, reference="test limits")
    employer = make_employer(city["c11"])
    risk(employer, 2)
    person = make_person(city["c11"])
    enroll(person, employer, date(2019, 1, 1))
    declare(person, employer, 2018, 1_000_000)
    assess(date(2019, 4, 1))
    assess(date(2019, 5, 1))
    april, may = (Contribution.objects.get(month=m) for m in (date(2019, 4, 1), date(2019, 5, 1)))
    assert april.pension_employer == 190_000 and may.pension_employer == 160_000   # 19% → 16%
    assert april.pension_employee == may.pension_employee == 80_000
    assert april.maternity_employer == 10_000 and april.medical_employer == 60_000  # 1% maternity, 6% medical
    assert april.injury_employer == 4_000                                           # class 2: 0.4%


def test_summary_line_and_rerun_creates_nothing(firm, capsys):
    assert main(["assess", "--month", "2024-07"]) == 0
    out = capsys.readouterr()
    total = Bill.objects.get().due_fen
    assert out.out.strip() == f"assessed 2024-07: 1 employers, 8 lines, due {total // 100}.{total % 100:02d} yuan"
    assert "rows/s" in out.err and "left" in out.err
    counts = (Bill.objects.count(), BillItem.objects.count(), Contribution.objects.count(), JournalEntry.objects.count())
    assert main(["assess", "--month", "2024-07"]) == 0
    assert capsys.readouterr().out.strip() == "assessed 2024-07: 0 employers, 0 lines, due 0.00 yuan (already assessed: 1)"
    assert counts == (Bill.objects.count(), BillItem.objects.count(), Contribution.objects.count(),
                      JournalEntry.objects.count())
    event = AuditEvent.objects.filter(action="insurance.assess").get()
    assert event.after["lines"] == 8 and event.after["due_fen"] == total


def test_one_employer_only(firm, city, make_person, make_employer, capsys):
    other = make_employer(city["c12"], name="另一公司")
    person = make_person(city["c12"])
    enroll(person, other, date(2024, 1, 1), insurances=("pension",))
    declare(person, other, 2024, 800_000)
    assert main(["assess", "--month", "2024-07", "--employer", other.credit_code]) == 0
    assert capsys.readouterr().out.startswith("assessed 2024-07: 1 employers, 1 lines, due ")
    assert list(Bill.objects.values_list("employer", flat=True)) == [other.pk]
    assert main(["assess", "--month", "2024-07", "--employer", "91320508MA1XXXXXXX"]) == 1
    assert "credit code" in capsys.readouterr().err


def test_year_without_limits_is_refused(city, make_person, make_employer, capsys):
    employer = make_employer(city["c11"])
    enroll(make_person(city["c11"]), employer, date(2024, 1, 1))
    with pytest.raises(DomainError) as err:
        assess(JULY)
    assert "2024" in err.value.text("zh-hans") and "floor and cap" in err.value.text("en")
    assert main(["assess", "--month", "2024-07"]) == 1
    assert "laobao bases limits set --year 2024" in capsys.readouterr().err and not Bill.objects.exists()


def test_missing_declaration_takes_the_previous_year_then_the_floor(city, make_person, make_employer):
    set_limits(2024, *JIANGSU_2024)
    employer = make_employer(city["c11"])
    risk(employer, 1)
    old, new = make_person(city["c11"]), make_person(city["c11"])
    enroll(old, employer, date(2023, 1, 1))
    enroll(new, employer, date(2024, 7, 1))
    declare(old, employer, 2022, 900_000)
    declare(old, employer, 2023, 1_000_000)
    assess(JULY)
    a, b = Contribution.objects.get(person=old), Contribution.objects.get(person=new)
    assert a.wage_fen == 1_000_000 and a.pension_base == 1_000_000 and a.flags == 4
    assert b.pension_base == 487_900 and b.wage_fen == 487_900 and b.flags == 4  # the floor itself: not "raised"


def test_missing_risk_class_is_class_1_flagged(city, make_person, make_employer):
    set_limits(2024, *JIANGSU_2024)
    employer = make_employer(city["c11"])
    person = make_person(city["c11"])
    enroll(person, employer, date(2024, 1, 1))
    declare(person, employer, 2024, 1_000_000, kind="new_hire")
    assess(JULY)
    row = Contribution.objects.get()
    assert row.injury_employer == 2_000 and row.flags == 16 | 8


def test_flexibly_employed_bill(city, make_person):
    set_limits(2024, *JIANGSU_2024)
    person = make_person(city["c21"])
    enroll(person, None, date(2024, 1, 1), insurances=("pension", "medical"))
    declare(person, None, 2024, 600_000, kind="self")
    summary = assess(JULY)
    bill = Bill.objects.get()
    assert bill.person_id == person.pk and bill.employer_id is None and bill.region_id == city["c21"].pk
    row = Contribution.objects.get()
    assert (row.pension_employer, row.pension_employee, row.account) == (0, 120_000, 48_000)  # 20%, 8% to account
    assert (row.medical_employer, row.medical_employee, row.unemployment_base) == (0, 48_000, None)
    assert summary.employers == 0 and summary.persons == 1 and bill.due_fen == 168_000
    assert summary.line() == "assessed 2024-07: 0 employers, 2 lines, due 1680.00 yuan (1 personal bills)"
    entry = JournalEntry.objects.get(idempotency_key=f"bill:{bill.pk}")
    lines = {ln.account.code: (ln.debit_fen, ln.credit_fen) for ln in entry.lines.select_related("account")}
    assert lines[f"receivable:person:{person.pk}"] == (168_000, 0)


def test_ledger_balances_and_receivable_equals_items(firm):
    assess(JULY)
    bill = Bill.objects.get()
    entry = JournalEntry.objects.get(idempotency_key=f"bill:{bill.pk}")
    lines = list(entry.lines.select_related("account"))
    assert sum(ln.debit_fen for ln in lines) == sum(ln.credit_fen for ln in lines) == bill.due_fen
    by_code = {ln.account.code: ln for ln in lines}
    assert by_code[f"receivable:employer:{firm['employer'].pk}"].debit_fen == bill.due_fen
    for item in BillItem.objects.filter(bill=bill):
        assert by_code[f"fund:{item.insurance}"].credit_fen == item.due_fen
    assert all(ln.value_date == JULY for ln in lines)


def test_adjustments_for_a_back_dated_hire_and_a_base_correction(firm, city, make_person):
    employer = firm["employer"]
    assess(JULY)
    # A base correction reaching back into July, and a hire back-dated to July, reported in August.
    from laobao.insurance.models import BaseDeclaration

    BaseDeclaration.objects.filter(person=firm["low"]).update(wage_fen=600_000)
    late = make_person(city["c11"], name="赵补")
    enroll(late, employer, JULY)
    declare(late, employer, 2024, 500_000)
    with acting_as(None, username="test"):
        assert rechecks.mark(person=firm["low"], employer=employer, from_month=JULY, reason="base correction")
        assert rechecks.mark(person=late, employer=employer, from_month=JULY, reason="back-dated hire")
    assess(date(2024, 8, 1))
    august = Bill.objects.get(month=date(2024, 8, 1))
    adj = {r.person_id: r for r in Contribution.objects.filter(bill=august, adjustment=True)}
    assert set(adj) == {firm["low"].pk, late.pk}
    assert all(r.month == JULY for r in adj.values())
    low = adj[firm["low"].pk]
    assert low.pension_base == 600_000 - 487_900 and low.pension_employer == 96_000 - 78_064
    assert adj[late.pk].pension_employer == 80_000 and adj[late.pk].pension_base == 500_000
    july_items = BillItem.objects.filter(bill=august, month=JULY)
    assert july_items.exists() and august.due_fen == BillItem.objects.filter(bill=august).aggregate(s=Sum("due_fen"))["s"]
    assert not rechecks.Recheck.objects.filter(done_bill__isnull=True).exists()
    assert set(rechecks.Recheck.objects.values_list("done_bill", flat=True)) == {august.pk}
    # Sum over the July lines now equals a fresh assessment of July with the corrected facts.
    july_total = Contribution.objects.filter(person=firm["low"], month=JULY).aggregate(s=Sum("pension_employer"))["s"]
    assert july_total == 96_000
    # September: nothing left to adjust.
    assess(date(2024, 9, 1))
    assert not Contribution.objects.filter(bill__month=date(2024, 9, 1), adjustment=True).exists()


def test_negative_adjustment_goes_to_credit(firm):
    employer = firm["employer"]
    assess(JULY)
    from laobao.insurance.models import BaseDeclaration

    BaseDeclaration.objects.filter(person=firm["high"]).update(wage_fen=1_000_000)  # was above the cap
    with acting_as(None, username="test"):
        rechecks.mark(person=firm["high"], employer=employer, from_month=JULY, reason="base correction")
    assess(date(2024, 8, 1))
    august = Bill.objects.get(month=date(2024, 8, 1))
    negative = BillItem.objects.filter(bill=august, month=JULY, due_fen__lt=0)
    assert negative.count() == 4  # pension, medical, unemployment and injury all go down
    entry = JournalEntry.objects.get(idempotency_key=f"bill:{august.pk}")
    credit = JournalLine.objects.get(entry=entry, account__code=f"credit:employer:{employer.pk}")
    assert credit.credit_fen == -sum(BillItem.objects.filter(bill=august, due_fen__lt=0).values_list("due_fen", flat=True))


def test_amount_columns_are_integers(firm):
    assess(JULY)
    for row in Contribution.objects.values():
        assert all(v is None or type(v) in (int, bool, date) for k, v in row.items()), row
