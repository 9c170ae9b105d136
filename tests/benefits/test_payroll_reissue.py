"""``laobao payroll reissue --month``: the months of a rejected line paid again after the account was
corrected, in a supplementary run of the month (own lines, own bank files, same ledger contract); a second
reissue adds nothing; a benefit whose rejecting account is still current is held and listed. Amounts are
plain fixtures; expected totals are computed here from the rates."""

from __future__ import annotations

from datetime import date

import pytest

from laobao.benefits.models import PaymentLine, PayrollRun
from laobao.benefits.payroll.reissue import reissue
from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.ledger.models import JournalEntry
from laobao.ledger.reconcile import run_all
from laobao.ledger.selectors import balance

import io
import payroll_fixtures as fx

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
MONTHLY = fx.BASIC + fx.ACCOUNT
NEW_CARD = "6217000000000000004"


@pytest.fixture
def two(city, make_person):
    a, b = make_person(city["c11"], name="蔺甲"), make_person(city["c12"], name="蔺乙")
    fx.bank_account(a), fx.bank_account(b, fx.CARD2)
    return fx.pension(a, JAN), fx.pension(b, JAN)


def do_reissue(month, out):
    with acting_as(None, username="test"):
        return reissue(month, out, progress=io.StringIO())


def reconcile_clean():
    assert {n: r.differences for n, r in run_all() if r.count} == {}


def reject(tmp_path, line, name="r.csv", reason="账户已销户"):
    return fx.take_returns(fx.returns_file(tmp_path / name, [(line.id, "rejected", reason, "2026-02-20")]))


def test_rejected_months_reissued_once_after_correction(two, tmp_path):
    ba, bb = two
    fx.run(JAN, tmp_path)
    fx.run(FEB, tmp_path)
    reject(tmp_path, fx.lines_of(bb)[-1])  # February's line of b comes back
    held = do_reissue(FEB, tmp_path)  # not corrected yet: held and listed, no run written
    assert (held["written"], held["sequence"], [h["benefit"] for h in held["held"]]) == (0, None, [bb.pk])
    assert held["held"][0]["amount_fen"] == MONTHLY and held["held"][0]["reason"] == "账户已销户"
    assert PayrollRun.objects.filter(month=FEB).count() == 1
    fx.bank_account(bb.person, NEW_CARD)
    r = do_reissue(FEB, tmp_path)
    assert (r["written"], r["sequence"], r["lines"], r["total_fen"], r["held"]) == (1, 1, 1, MONTHLY, [])
    last = fx.lines_of(bb)[-1]
    assert (last.run.sequence, last.months_text, last.bank_account.account_no) == (1, "2026-02", NEW_CARD)
    body = (tmp_path / "payroll-2026-02-r1-102.csv").read_text(encoding="utf-8").splitlines()
    assert body[1].startswith(f"D,{last.id},{NEW_CARD},蔺乙,3000.00,2026-02,") and body[-1] == "T,1,3000.00"
    assert balance("payable:bank:102") == 4 * MONTHLY  # pending: a Jan + Feb, b Jan, b Feb reissued
    reconcile_clean()
    entries, lines = JournalEntry.objects.count(), PaymentLine.objects.count()
    again = do_reissue(FEB, tmp_path)
    assert (again["written"], again["sequence"]) == (0, None)
    assert (JournalEntry.objects.count(), PaymentLine.objects.count()) == (entries, lines)
    assert PayrollRun.objects.filter(month=FEB).count() == 2
    fx.run(MAR, tmp_path)  # March pays March only: February is paid (pending) by the reissue
    assert [l.months_text for l in fx.lines_of(bb)] == ["2026-01", "2026-02", "2026-02", "2026-03"]
    reconcile_clean()


def test_a_regular_rerun_after_a_reissue_pays_nothing_twice(two, tmp_path):
    ba, bb = two
    fx.run(JAN, tmp_path)
    reject(tmp_path, fx.lines_of(bb)[0])
    fx.run(FEB, tmp_path)  # held in February
    fx.bank_account(bb.person, NEW_CARD)
    r = do_reissue(FEB, tmp_path)
    assert fx.lines_of(bb)[-1].months_text == "2026-01…2026-02" and r["total_fen"] == 2 * MONTHLY
    assert fx.run(FEB, tmp_path)["written"] == 0  # the monthly run again: b's months are paid (pending)
    reconcile_clean()


def test_a_reissue_needs_the_monthly_run_and_the_latest_month(two, tmp_path):
    with pytest.raises(DomainError) as e:
        do_reissue(JAN, tmp_path)
    assert e.value.problems[0].code == "payroll.no_run"
    fx.run(JAN, tmp_path)
    fx.run(FEB, tmp_path)
    with pytest.raises(DomainError) as e:
        do_reissue(JAN, tmp_path)
    assert e.value.problems[0].code == "payroll.month_order"


def test_cli_reissue_summary(two, tmp_path):
    ba, bb = two
    fx.run(JAN, tmp_path)
    reject(tmp_path, fx.lines_of(bb)[0])
    out, err = fx.cli("reissue", "--month", "2026-01", "--out", str(tmp_path))
    assert out.strip() == "payroll 2026-01 reissue: 0 payments, 0.00 yuan; 1 held" and "held 暂缓" in err
    fx.bank_account(bb.person, NEW_CARD)
    out, _ = fx.cli("reissue", "--month", "2026-01", "--out", str(tmp_path))
    assert out.strip() == "payroll 2026-01 reissue 1: 1 payments, 3000.00 yuan; 0 held"


def test_a_monthly_run_that_read_before_a_reissue_wrote_refuses_and_a_rerun_pays_the_rest(two, tmp_path):
    """The monthly run and a reissue of the same month take the same lock; a monthly run whose reading is older
    than a reissue's commit refuses to write those benefits (payroll.concurrent) and its re-run writes the rest."""
    import time as _time

    from laobao.benefits.payroll import run as payroll_run
    from laobao.benefits.payroll.due import mi, owed

    ba, bb = two
    fx.run(JAN, tmp_path)
    reject(tmp_path, fx.lines_of(bb)[0])
    fx.bank_account(bb.person, NEW_CARD)
    with acting_as(None, username="test"):
        run = payroll_run._run_row(FEB)  # the monthly run of February reads what is owed …
        n_pid, n_bal = payroll_run._annuity_balances()
        c, _ = payroll_run.plan(owed(mi(FEB), run.pk, n_pid[n_bal > 0]), run.pk, n_pid, n_bal)
        assert sorted(c["benefit"].tolist()) == [ba.pk, bb.pk]
        assert reissue(FEB, tmp_path, progress=io.StringIO())["written"] == 1  # … a reissue pays b meanwhile …
        with pytest.raises(DomainError) as e:  # … so the monthly run's write is refused, nothing written twice
            payroll_run.write_lines(run, run.pk, c, io.StringIO(), _time.perf_counter())
    assert e.value.problems[0].code == "payroll.concurrent"
    assert fx.run(FEB, tmp_path)["written"] == 1  # the re-run: a's February only
    assert [l.months_text for l in fx.lines_of(bb)] == ["2026-01", "2026-01…2026-02"]
    reconcile_clean()
