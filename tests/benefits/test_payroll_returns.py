"""The bank's return file (laobao payroll returns FILE): paid and rejected lines, a rejected line held until
the account is corrected and then paid again in one line, a duplicate file, bad rows (all or nothing),
bank-account services, and the ledger/reconcile identities after each step."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management.base import CommandError

from laobao.benefits.models import BankAccount, PaymentReturn
from laobao.benefits.payroll.returns import ReturnsRejected
from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import Role
from laobao.ledger.models import JournalEntry
from laobao.ledger.reconcile import run_all
from laobao.ledger.selectors import balance

import payroll_fixtures as fx

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
MONTHLY = fx.BASIC + fx.ACCOUNT


@pytest.fixture
def two(city, make_person):
    a, b = make_person(city["c11"], name="蔺甲"), make_person(city["c12"], name="蔺乙")
    fx.bank_account(a), fx.bank_account(b, fx.CARD2)
    return fx.pension(a, JAN), fx.pension(b, JAN)


def reconcile_clean():
    assert {n: r.differences for n, r in run_all() if r.count} == {}


def test_paid_and_rejected_then_corrected_and_paid_again(two, tmp_path):
    ba, bb = two
    fx.run(JAN, tmp_path)
    (la,), (lb,) = fx.lines_of(ba), fx.lines_of(bb)
    s = fx.take_returns(fx.returns_file(tmp_path / "r1.csv", [(la.id, "paid", "", "2026-01-15"),
                                                            (lb.id, "rejected", "账户已销户", "2026-01-15")]))
    assert (s["paid"], s["rejected"], s["already"], s["paid_fen"], s["rejected_fen"]) == (1, 1, 0, MONTHLY, MONTHLY)
    assert balance("payable:bank:102") == 0 and balance("bank:benefits") == -MONTHLY
    reconcile_clean()
    # the account is not corrected: February holds b (the bank would refuse again); a is paid as usual
    r = fx.run(FEB, tmp_path)
    assert (r["written"], r["held"]) == (1, 1)
    fx.bank_account(bb.person, "6217000000000000004")  # a corrected card number
    fx.run(MAR, tmp_path)
    last = fx.lines_of(bb)[-1]
    assert (last.months_text, last.amount_fen, last.bank_account.account_no) == ("2026-01…2026-03", 3 * MONTHLY,
                                                                              "6217000000000000004")
    assert BankAccount.objects.filter(person=bb.person).count() == 2
    reconcile_clean()


def test_a_duplicate_return_file_changes_nothing(two, tmp_path):
    ba, bb = two
    fx.run(JAN, tmp_path)
    (la,), (lb,) = fx.lines_of(ba), fx.lines_of(bb)
    path = fx.returns_file(tmp_path / "r.csv", [(la.id, "paid", "", "2026-01-15"), (lb.id, "paid", "", "2026-01-16")])
    fx.take_returns(path)
    entries, returns = JournalEntry.objects.count(), PaymentReturn.objects.count()
    again = fx.take_returns(path)
    assert (again["paid"], again["rejected"], again["already"]) == (0, 0, 2)
    assert (JournalEntry.objects.count(), PaymentReturn.objects.count()) == (entries, returns)
    copy = fx.returns_file(tmp_path / "copy.csv", [(la.id, "paid", "", "2026-01-15")])  # same lines, other file
    assert fx.take_returns(copy)["already"] == 1 and JournalEntry.objects.count() == entries
    reconcile_clean()


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_written(two, tmp_path):
    ba, bb = two
    fx.run(JAN, tmp_path)
    (la,), (lb,) = fx.lines_of(ba), fx.lines_of(bb)
    path = fx.returns_file(tmp_path / "bad.csv", [(la.id, "paid", "", "2026-01-15"), (999999, "paid", "", "2026-01-15"),
                                                  (lb.id, "rejected", "", "2026-01-15"), ("x", "maybe", "", "2026-13-01")])
    with pytest.raises(ReturnsRejected) as exc:
        fx.take_returns(path)
    text = "\n".join(exc.value.errors)
    assert "第3行" in text and "999999" in text and "第4行 row 4 [reason]" in text and "第5行 row 5 [line_id]" in text
    assert "row 5 [outcome]" in text and "row 5 [settled_on]" in text and "第2行" not in text
    assert PaymentReturn.objects.count() == 0 and balance("bank:benefits") == 0
    with pytest.raises(CommandError), acting_as(None, username="test"):
        fx.cli("returns", str(path))


def test_a_line_cannot_change_its_outcome(two, tmp_path):
    ba, _ = two
    fx.run(JAN, tmp_path)
    (la,) = fx.lines_of(ba)
    fx.take_returns(fx.returns_file(tmp_path / "a.csv", [(la.id, "paid", "", "2026-01-15")]))
    with pytest.raises(ReturnsRejected) as exc:
        fx.take_returns(fx.returns_file(tmp_path / "b.csv", [(la.id, "rejected", "户名不符", "2026-01-20")]))
    assert "已于 2026-01-15 回盘为 paid" in exc.value.errors[0]


def test_returns_cli_summary(two, tmp_path):
    ba, bb = two
    fx.run(JAN, tmp_path)
    (la,), (lb,) = fx.lines_of(ba), fx.lines_of(bb)
    path = fx.returns_file(tmp_path / "r.csv", [(la.id, "paid", "", "2026-01-15"), (lb.id, "rejected", "冻结", "2026-01-15")])
    with acting_as(None, username="test"):
        out, _ = fx.cli("returns", str(path))
    assert out.strip() == "returns: 2 rows, 1 paid (3000.00 yuan), 1 rejected (3000.00 yuan), 0 already recorded"


def test_rejected_annuity_part_goes_back_to_the_annuity(city, make_person, tmp_path):
    p = make_person(city["c11"], name="蔺年金")
    fx.bank_account(p)
    fx.annuity(p, 120_000)
    b = fx.pension(p, JAN)
    fx.run(JAN, tmp_path)
    (line,) = fx.lines_of(b)
    fx.take_returns(fx.returns_file(tmp_path / "r.csv", [(line.id, "rejected", "账号不存在", "2026-01-15")]))
    assert balance(f"personal:{p.pk}:annuity") == 120_000
    reconcile_clean()


def test_bank_account_services(city, make_person, make_user):
    p = make_person(city["c11"], name="蔺户名")
    with pytest.raises(DomainError) as e:
        fx.bank_account(p, "6222020000000000001")
    assert e.value.problems[0].code == "bank_account.luhn"
    with pytest.raises(DomainError) as e, acting_as(None, username="test"):
        fx.services.open_account(user=None, person=p, bank_code="102", account_no=fx.CARD, holder_name="别人")
    assert e.value.problems[0].code == "bank_account.holder"
    with pytest.raises(DomainError) as e:
        fx.bank_account(p, "12345")
    assert e.value.problems[0].code == "bank_account.digits"
    with pytest.raises(DomainError) as e:
        fx.bank_account(p, bank="999")
    assert e.value.problems[0].code == "bank_account.unknown" or e.value.problems[0].code == "bank.unknown"
    first = fx.bank_account(p)
    second = fx.bank_account(p, fx.CARD2, bank="105")
    first.refresh_from_db()
    assert first.closed_on is not None and second.closed_on is None
    outsider = make_user(Role.COMMUNITY_CASEWORKER, city["c21"])
    with pytest.raises(Forbidden):
        fx.bank_account(p, "6222020000000000000", user=outsider)
