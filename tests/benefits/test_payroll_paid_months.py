"""Paid months as one view (ADR 0018): a single-month line names its month and writes no PaymentMonth row,
back-pay lines keep their rows, lines from before migration 0011 count once, reconcile catches a line with
both, and the monthly run's bounded read of what was paid equals the full sum. Amounts are plain fixtures."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from django.utils import timezone

from laobao.benefits.models import BankAccount, Benefit, PaidMonth, PaymentLine, PaymentMonth, PayrollRun
from laobao.benefits.payroll import due
from laobao.core.context import acting_as
from laobao.ledger import services as ledger
from laobao.ledger.reconcile import run_all

import payroll_fixtures as fx

OCT, JAN, FEB, MAR, APR = (date(2025, 10, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1),
                           date(2026, 4, 1))
MONTHLY = fx.BASIC + fx.ACCOUNT


@pytest.fixture
def retiree(city, make_person):
    person = make_person(city["c11"], name="蔺养老")
    fx.bank_account(person)
    return person


def differences():
    return {name: r.differences for name, r in run_all() if r.differences}


def paid(benefit) -> list[tuple[date, int]]:
    """(month, fen) the benefit was paid by lines not rejected (the view)."""
    return sorted((m.month, m.amount_fen) for m in PaidMonth.objects.filter(benefit=benefit)
                  .exclude(line__payment_return__outcome="rejected"))


def test_single_month_line_carries_its_month_back_pay_keeps_its_rows(retiree, city, make_person, tmp_path):
    steady = fx.pension(retiree, JAN)
    late_person = make_person(city["c12"], name="蔺补发")
    fx.bank_account(late_person, fx.CARD2, bank="105")
    late = fx.pension(late_person, OCT)
    fx.run(JAN, tmp_path)
    (one,), (back,) = fx.lines_of(steady), fx.lines_of(late)
    assert (one.single_month, one.month_count, one.paid_cum_fen) == (JAN, 1, MONTHLY)
    assert not PaymentMonth.objects.filter(line=one).exists()
    assert [(m.month, m.amount_fen) for m in one.paid_months.all()] == [(JAN, MONTHLY)]
    assert back.single_month is None and back.month_count == 4
    assert PaymentMonth.objects.filter(line=back).count() == 4
    assert paid(late) == [(date(2025, m, 1), MONTHLY) for m in (10, 11, 12)] + [(JAN, MONTHLY)]
    fx.run(FEB, tmp_path)
    assert paid(late)[-1] == (FEB, MONTHLY) and len(paid(late)) == 5
    assert PaymentMonth.objects.count() == 4  # February wrote lines only
    assert differences() == {}


def test_a_line_from_before_the_view_counts_once(retiree, tmp_path):
    """A line written before migration 0011: PaymentMonth row, no single_month, no paid_cum_fen."""
    b = fx.pension(retiree, JAN)
    account = BankAccount.objects.get(person=retiree)
    with acting_as(None, username="test"):
        run = PayrollRun.objects.create(month=JAN, started_at=timezone.now())
        line = PaymentLine.objects.create(run=run, benefit=b, person=retiree, bank_account=account, bank_code="102",
                                          fund="fund:pension", amount_fen=MONTHLY, first_month=JAN, last_month=JAN,
                                          month_count=1, months_text="2026-01", created_at=timezone.now())
        PaymentMonth.objects.create(line=line, benefit=b, month=JAN, amount_fen=MONTHLY)
        ledger.post(key=f"payroll:2026-01:102:pension:{line.pk}", kind="benefit_payroll", value_date=JAN,
                    memo="old line", lines=[("fund:pension", MONTHLY, 0), ("payable:bank:102", 0, MONTHLY)])
    assert paid(b) == [(JAN, MONTHLY)]
    fx.run(FEB, tmp_path)
    assert [(l.months_text, l.single_month, l.paid_cum_fen) for l in fx.lines_of(b)] == [
        ("2026-01", None, None), ("2026-02", FEB, 2 * MONTHLY)]
    assert paid(b) == [(JAN, MONTHLY), (FEB, MONTHLY)]
    assert differences() == {}


def test_reconcile_catches_a_single_month_line_that_also_has_month_rows(retiree, tmp_path):
    b = fx.pension(retiree, JAN)
    fx.run(JAN, tmp_path)
    (line,) = fx.lines_of(b)
    PaymentMonth.objects.create(line=line, benefit=b, month=JAN, amount_fen=MONTHLY)  # around the writer
    bad = differences()
    assert "benefits.single_month_or_month_rows" in bad and "benefits.line_equals_its_months" in bad


def test_bounded_paid_totals_equal_the_full_sum(retiree, city, make_person, tmp_path):
    """Steady, rejected then re-paid, back-dated rate, late approval, stopped: the previous line's paid_cum_fen
    gives the same Σ as summing every line, and every month is paid exactly once at its due."""
    people = [retiree] + [make_person(city["c12"], name="蔺" + "甲乙丙丁"[i]) for i in range(4)]
    for i, p in enumerate(people[1:]):
        fx.bank_account(p, _card(i + 1))
    steady, rejected, indexed, late = (fx.pension(p, JAN) for p in people[:4])
    fx.run(JAN, tmp_path)
    fx.run(FEB, tmp_path)
    (jan_line, _feb) = fx.lines_of(rejected)
    fx.take_returns(fx.returns_file(tmp_path / "r.csv", [(jan_line.pk, "rejected", "账户不存在", "2026-02-10")]))
    fx.bank_account(people[1], _card(9))  # corrected: the next run pays January again
    fx.rate(indexed, JAN, basic=fx.BASIC + 10_000)  # back-dated indexation after two runs
    late_b = fx.pension(people[4], JAN, key="late")
    ids = np.array(sorted(Benefit.objects.values_list("id", flat=True)), dtype=np.int64)
    bounded = due.paid_totals(-1, due.mi(MAR), ids)
    f_bid, f_sum = due.paid_totals_full(-1)
    full = np.zeros(ids.size, dtype=np.int64)
    full[np.searchsorted(ids, f_bid)] = f_sum
    assert bounded.tolist() == full.tolist()
    fx.run(MAR, tmp_path)
    assert [l.months_text for l in fx.lines_of(rejected)][-1] == "2026-01,2026-03"
    assert fx.lines_of(indexed)[-1].amount_fen == 2 * 10_000 + MONTHLY + 10_000
    assert [l.months_text for l in fx.lines_of(late_b)] == ["2026-01…2026-03"]
    fx.run(APR, tmp_path)
    for b, monthly in ((steady, MONTHLY), (rejected, MONTHLY), (indexed, MONTHLY + 10_000), (late_b, MONTHLY)):
        per_month = {}
        for m, fen in paid(b):  # a back-dated difference is a second row of its month
            per_month[m] = per_month.get(m, 0) + fen
        assert per_month == {m: monthly for m in (JAN, FEB, MAR, APR)}
    ids = np.array(sorted(Benefit.objects.values_list("id", flat=True)), dtype=np.int64)
    f_bid, f_sum = due.paid_totals_full(-1)
    assert due.paid_totals(-1, due.mi(date(2026, 5, 1)), ids).tolist() == f_sum.tolist()
    assert differences() == {}


def _card(i: int) -> str:
    body = f"622202{i:012d}"
    total = 0
    for k, ch in enumerate(reversed(body + "0")):
        d = int(ch)
        if k % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)
