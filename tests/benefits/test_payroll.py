"""The monthly payroll (laobao payroll): a month paid once however often it runs, back pay in one line with
its months, suspension and resumption, the annuity account paying the account part while it lasts, the
bank files, the summary line, the ledger and reconcile. Amounts are plain fixtures (not published cases);
every expected total is computed independently in the test from the rates."""

from __future__ import annotations

from datetime import date

import pytest

from laobao.benefits import services
from laobao.benefits.models import PaymentLine, PaymentMonth, PayrollRun
from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.ledger.models import JournalEntry
from laobao.ledger.reconcile import run_all
from laobao.ledger.selectors import balance

import payroll_fixtures as fx

JAN, FEB, MAR, APR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
MONTHLY = fx.BASIC + fx.ACCOUNT


@pytest.fixture
def retiree(city, make_person):
    person = make_person(city["c11"], name="蔺养老")
    fx.bank_account(person)
    return person


def reconcile_clean():
    bad = {name: r.differences for name, r in run_all() if r.count}
    assert bad == {}


def test_a_month_is_paid_once_however_often_it_runs(retiree, tmp_path):
    b = fx.pension(retiree, JAN)
    first = fx.run(JAN, tmp_path)
    entries = JournalEntry.objects.count()
    again = fx.run(JAN, tmp_path)
    assert (first["written"], again["written"]) == (1, 0)
    assert (again["lines"], again["total_fen"]) == (1, MONTHLY)
    assert JournalEntry.objects.count() == entries
    (line,) = fx.lines_of(b)
    assert (line.amount_fen, line.months_text, line.month_count, line.bank_code) == (MONTHLY, "2026-01", 1, "102")
    assert balance("payable:bank:102") == MONTHLY and balance("fund:pension") == -MONTHLY
    reconcile_clean()


def test_summary_line_and_bank_file(retiree, city, make_person, tmp_path):
    fx.pension(retiree, JAN)
    other = make_person(city["c12"], name="蔺二")
    fx.bank_account(other, fx.CARD2, bank="105")
    fx.pension(other, JAN, basic=123_456, account=0)
    with acting_as(None, username="test"):
        out, err = fx.cli("--month", "2026-01", "--out", str(tmp_path))
    assert out.strip() == f"payroll 2026-01: 2 payments, {(MONTHLY + 123_456) // 100}.{(MONTHLY + 123_456) % 100:02d} yuan"
    assert "2/2 lines" in err
    out2, _ = fx.cli("--month", "2026-01", "--out", str(tmp_path))
    assert out2 == out  # a re-run reports the same month
    icbc = (tmp_path / "payroll-2026-01-102.csv").read_text(encoding="utf-8").splitlines()
    line = PaymentLine.objects.get(person=retiree)
    assert icbc[0] == "H,laobao-payroll,2026.1,2026-01,102,中国工商银行,1,3000.00"
    assert icbc[1] == f"D,{line.id},{fx.CARD},蔺养老,3000.00,2026-01,基本养老金 2026-01"
    assert icbc[2] == "T,1,3000.00"
    ccb = (tmp_path / "payroll-2026-01-105.csv").read_text(encoding="utf-8").splitlines()
    assert ccb[-1] == "T,1,1234.56"
    run = PayrollRun.objects.get(month=JAN)
    assert {f["bank"]: f["total_fen"] for f in run.files} == {"102": MONTHLY, "105": 123_456}


def test_gbk_file(retiree, tmp_path):
    fx.pension(retiree, JAN)
    fx.run(JAN, tmp_path, encoding="gbk")
    assert "蔺养老" in (tmp_path / "payroll-2026-01-102.csv").read_bytes().decode("gb18030")


def test_late_approval_is_paid_back_in_one_line_with_its_months(retiree, tmp_path):
    b = fx.pension(retiree, date(2025, 10, 1))
    fx.rate(b, date(2025, 12, 1), basic=260_000)  # a back-dated change inside the back pay
    fx.run(JAN, tmp_path)
    (line,) = fx.lines_of(b)
    expected = 2 * MONTHLY + 2 * (260_000 + fx.ACCOUNT)
    assert (line.amount_fen, line.month_count, line.months_text) == (expected, 4, "2025-10…2026-01")
    assert [(m.month, m.amount_fen) for m in line.paid_months.all()] == [
        (date(2025, 10, 1), MONTHLY), (date(2025, 11, 1), MONTHLY), (date(2025, 12, 1), 310_000), (JAN, 310_000)]
    fx.run(FEB, tmp_path)
    assert [l.months_text for l in fx.lines_of(b)] == ["2025-10…2026-01", "2026-02"]
    reconcile_clean()


def test_indexation_back_dated_after_a_run_is_paid_as_the_difference(retiree, tmp_path):
    b = fx.pension(retiree, JAN)
    fx.run(JAN, tmp_path)
    fx.rate(b, JAN, basic=fx.BASIC + 10_000)  # +100.00 from January, recorded after January was paid
    fx.run(FEB, tmp_path)
    last = fx.lines_of(b)[-1]
    assert (last.months_text, last.amount_fen) == ("2026-01…2026-02", 10_000 + MONTHLY + 10_000)
    reconcile_clean()


def test_suspension_and_resumption_with_back_pay(retiree, tmp_path):
    b = fx.pension(retiree, JAN)
    fx.run(JAN, tmp_path)
    with acting_as(None, username="test"):
        services.suspend(user=None, benefit=b, month=FEB, reason="verification_missed", note="未认证")
    assert fx.run(FEB, tmp_path)["written"] == 0
    assert fx.run(MAR, tmp_path)["written"] == 0
    with acting_as(None, username="test"):
        services.resume(user=None, benefit=b, month=APR, reason="verified")
    fx.run(APR, tmp_path)
    lines = fx.lines_of(b)
    assert [(l.months_text, l.amount_fen) for l in lines] == [("2026-01", MONTHLY), ("2026-02…2026-04", 3 * MONTHLY)]
    reconcile_clean()


def test_resumption_without_back_pay_leaves_the_suspended_months(retiree, tmp_path):
    b = fx.pension(retiree, JAN)
    with acting_as(None, username="test"):
        services.suspend(user=None, benefit=b, month=FEB, reason="other")
        services.resume(user=None, benefit=b, month=MAR, reason="other", back_pay=False)
    fx.run(MAR, tmp_path)
    assert [l.months_text for l in fx.lines_of(b)] == ["2026-01,2026-03"]
    reconcile_clean()


def test_nothing_after_the_end_month(retiree, tmp_path):
    b = fx.pension(retiree, JAN)
    type(b).objects.filter(pk=b.pk).update(end_month=FEB, status="stopped")  # a recorded death (another slice)
    fx.run(APR, tmp_path)
    assert [l.months_text for l in fx.lines_of(b)] == ["2026-01…2026-02"]
    assert fx.run(APR, tmp_path)["written"] == 0
    reconcile_clean()


def test_account_part_from_the_annuity_while_it_lasts(retiree, tmp_path):
    fx.annuity(retiree, 120_000)  # 1,200.00: two full months of 500.00 and 200.00 of the third
    b = fx.pension(retiree, JAN)
    fund_before = balance("fund:pension")
    for m in (JAN, FEB, MAR, APR):
        fx.run(m, tmp_path)
    assert [l.annuity_fen for l in fx.lines_of(b)] == [50_000, 50_000, 20_000, 0]
    assert balance(f"personal:{retiree.pk}:annuity") == 0
    assert fund_before - balance("fund:pension") == 4 * MONTHLY - 120_000
    reconcile_clean()


def test_no_account_no_line_then_back_pay(retiree, city, make_person, tmp_path):
    other = make_person(city["c12"], name="蔺无户")
    b = fx.pension(other, JAN)
    r = fx.run(JAN, tmp_path)
    assert (r["written"], r["no_account"]) == (0, 1)
    fx.bank_account(other, fx.CARD2)
    fx.run(FEB, tmp_path)
    assert [l.months_text for l in fx.lines_of(b)] == ["2026-01…2026-02"]


def test_an_earlier_month_cannot_run_after_a_later_one(retiree, tmp_path):
    fx.pension(retiree, JAN)
    fx.run(FEB, tmp_path)
    with pytest.raises(DomainError) as e:
        fx.run(JAN, tmp_path)
    assert e.value.problems[0].code == "payroll.month_order"


def test_payment_tables_are_append_only(retiree, tmp_path):
    fx.pension(retiree, date(2025, 11, 1))  # back pay: the line has PaymentMonth rows (ADR 0018)
    fx.run(JAN, tmp_path)
    assert PaymentMonth.objects.count() == 3
    from django.db import DatabaseError, transaction
    with pytest.raises(DatabaseError), transaction.atomic():
        PaymentLine.objects.update(amount_fen=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        PaymentMonth.objects.all().delete()


def test_reconcile_catches_a_line_without_ledger_or_months(retiree, tmp_path):
    b = fx.pension(retiree, JAN)
    fx.run(JAN, tmp_path)
    (line,) = fx.lines_of(b)
    PaymentLine.objects.create(run=PayrollRun.objects.create(month=FEB, started_at=line.created_at), benefit=b,
                               person=retiree, bank_account=line.bank_account, bank_code="102", fund="fund:pension",
                               amount_fen=MONTHLY, first_month=FEB, last_month=FEB, month_count=1,
                               months_text="2026-02", created_at=line.created_at)  # written around the services
    bad = {name for name, r in run_all() if r.count}
    assert bad == {"benefits.pending_equals_payable", "benefits.line_equals_its_months"}


def test_the_bank_file_is_chinese_whatever_the_callers_language(tmp_path, city, make_person):
    """A run started while English is active (a page, a test) still writes the bank's Chinese descriptions."""
    from django.utils import translation

    person = make_person(city["c11"], name="蔺英文")
    fx.bank_account(person)
    fx.pension(person, date(2026, 1, 1))
    with translation.override("en"):
        fx.run(date(2026, 1, 1), tmp_path)
    text = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.csv"))
    assert "基本养老金 2026-01" in text and "pension" not in text.lower()
