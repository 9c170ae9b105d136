"""One-time payments through the bank (一次性待遇发放): a maternity allowance approved for the person and for the
employer is paid out by `laobao payouts run` in the payroll's file layout (line ids P…), the bank's return
settles it (paid → bank:benefits; rejected → back to the payable, re-ordered once the account is corrected),
a duplicate return file and a second run change nothing, and `laobao reconcile`'s benefit identities hold.
The maternity world and its amount (10,000.00 ÷ 30 × 158 = 52,666.67 yuan) are test_maternity_claims's."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from laobao.benefits.maternity import services as maternity
from laobao.benefits.payouts.models import PayoutLine, PayoutReturn, PayoutRun
from laobao.benefits.payouts.returns import import_returns
from laobao.benefits.payroll.returns import ReturnsRejected
from laobao.core.context import acting_as
from laobao.ledger.models import JournalEntry
from laobao.ledger.reconcile import run_all
from laobao.ledger.selectors import balance

from payout_fixtures import EMPLOYER_NO, EMPLOYER_NO2, employer_account, return_file, returns, run
from payroll_fixtures import CARD, CARD2, bank_account
from test_maternity_claims import receive, users, world  # noqa: F401  (fixtures)

AMOUNT = 5_266_667


def clean():
    assert {n: r.differences for n, r in run_all() if r.count and n.startswith(("ledger.", "benefits."))} == {}


def approved(world, users, **kw):
    claim = receive(users["maker"], world, **kw)
    with acting_as(users["checker"]):
        return maternity.approve(user=users["checker"], claim=claim)


def file_rows(run_: PayoutRun) -> list[list[str]]:
    (f,) = run_.files
    with open(f["file"], encoding="utf-8") as fh:
        return [line.rstrip("\r\n").split(",") for line in fh]


def test_maternity_to_the_person_is_paid_out_and_settled(world, users, tmp_path):
    mother = world["mother"]
    bank_account(mother)
    claim = approved(world, users, paid_to="person")
    assert balance(f"payable:person:{mother.pk}") == AMOUNT
    clean()  # ordered, not yet in a file: payable:person = the unpaid order
    assert run(tmp_path) == "payouts 2026-11-27: 1 payments, 52666.67 yuan"
    (line,) = PayoutLine.objects.all()
    assert (line.bank_code, line.bank_account.account_no, line.amount_fen) == ("102", CARD, AMOUNT)
    rows = file_rows(PayoutRun.objects.get())
    assert rows[0][:5] == ["H", "laobao-payroll", "2026.1", "2026-11-27", "102"] and rows[0][6:] == ["1", "52666.67"]
    assert rows[1][:5] == ["D", f"P{line.pk}", CARD, mother.name, "52666.67"] and claim.claim_no in rows[1][6]
    assert rows[2] == ["T", "1", "52666.67"]
    assert balance(f"payable:person:{mother.pk}") == 0 and balance("payable:bank:102") == AMOUNT
    clean()  # in the file: payable:bank:102 = the pending payout line
    assert returns(return_file(tmp_path, [(f"P{line.pk}", "paid", "", "2026-11-30")])) == \
        "returns: 1 rows, 1 paid (52666.67 yuan), 0 rejected (0.00 yuan), 0 already recorded"
    assert balance("payable:bank:102") == 0 and balance("bank:benefits") == -AMOUNT
    clean()


def test_maternity_to_the_employer_goes_to_its_account(world, users, tmp_path):
    employer = world["employer"]
    approved(world, users)
    run(tmp_path)
    (line,) = PayoutLine.objects.all()
    assert line.employer_account.account_no == EMPLOYER_NO and line.bank_account is None
    row = file_rows(PayoutRun.objects.get())[1]
    assert row[1:5] == [f"P{line.pk}", EMPLOYER_NO, employer.name, "52666.67"]
    assert balance(f"payable:employer:{employer.pk}") == 0 and balance("payable:bank:102") == AMOUNT
    returns(return_file(tmp_path, [(f"P{line.pk}", "paid", "", "2026-11-30")]))
    clean()


def test_run_twice_writes_nothing_new(world, users, tmp_path):
    bank_account(world["mother"])
    approved(world, users, paid_to="person")
    run(tmp_path)
    assert run(tmp_path) == "payouts 2026-11-27: 0 payments, 0.00 yuan"
    assert (PayoutRun.objects.count(), PayoutLine.objects.count()) == (1, 1)
    assert JournalEntry.objects.filter(idempotency_key__startswith="payouts:").count() == 1
    clean()


def test_rejected_returns_to_the_payable_and_is_reordered_after_correction(world, users, tmp_path):
    mother = world["mother"]
    bank_account(mother)
    approved(world, users, paid_to="person")
    run(tmp_path)
    first = PayoutLine.objects.get()
    returns(return_file(tmp_path, [(f"P{first.pk}", "rejected", "账户已销户", "2026-11-30")]))
    assert balance(f"payable:person:{mother.pk}") == AMOUNT and balance("payable:bank:102") == 0
    clean()
    assert run(tmp_path, "2026-12-01").endswith(": 0 payments, 0.00 yuan")  # the refusing account is still current
    bank_account(mother, number=CARD2)
    assert run(tmp_path, "2026-12-01") == "payouts 2026-12-01: 1 payments, 52666.67 yuan"
    second = PayoutLine.objects.exclude(pk=first.pk).get()
    assert second.bank_account.account_no == CARD2 and second.payout_id == first.payout_id
    returns(return_file(tmp_path, [(f"P{second.pk}", "paid", "", "2026-12-03")], "r2.csv"))
    assert balance(f"payable:person:{mother.pk}") == 0 and balance("bank:benefits") == -AMOUNT
    assert run(tmp_path, "2026-12-02").endswith(": 0 payments, 0.00 yuan")  # paid: never again
    clean()


def test_employer_rejection_waits_for_a_corrected_account(world, users, tmp_path):
    approved(world, users)
    run(tmp_path)
    line = PayoutLine.objects.get()
    returns(return_file(tmp_path, [(f"P{line.pk}", "rejected", "户名不符", "2026-11-30")]))
    assert run(tmp_path).endswith(": 0 payments, 0.00 yuan")
    employer_account(world["employer"], number=EMPLOYER_NO2, opened_on=date(2026, 11, 30))
    run(tmp_path)
    assert PayoutLine.objects.latest("id").employer_account.account_no == EMPLOYER_NO2
    clean()


def test_duplicate_return_file_changes_nothing_and_bad_files_write_nothing(world, users, tmp_path):
    bank_account(world["mother"])
    approved(world, users, paid_to="person")
    run(tmp_path)
    line = PayoutLine.objects.get()
    path = return_file(tmp_path, [(f"P{line.pk}", "paid", "", "2026-11-30")])
    returns(path)
    entries = JournalEntry.objects.count()
    assert returns(path) == "returns: 1 rows, 0 paid (0.00 yuan), 0 rejected (0.00 yuan), 1 already recorded"
    assert (JournalEntry.objects.count(), PayoutReturn.objects.count()) == (entries, 1)
    bad = return_file(tmp_path, [(f"P{line.pk}", "rejected", "账户冻结", "2026-12-01"), (line.pk, "paid", "", "2026-11-30"),
                                 ("P999999", "paid", "", "2026-11-30")], "bad.csv")
    with acting_as(None, username="test"), pytest.raises(ReturnsRejected) as exc:
        import_returns(bad)
    text = "\n".join(exc.value.errors)
    assert "第2行" in text and "第3行" in text and "第4行" in text and "laobao payroll returns" in text
    assert (JournalEntry.objects.count(), PayoutReturn.objects.count()) == (entries, 1)
    clean()


def test_lines_and_returns_are_append_only(world, users, tmp_path):
    bank_account(world["mother"])
    approved(world, users, paid_to="person")
    run(tmp_path)
    with pytest.raises(Exception), transaction.atomic():
        PayoutLine.objects.update(amount_fen=1)
    with pytest.raises(Exception), transaction.atomic():
        PayoutLine.objects.all().delete()
    assert PayoutLine.objects.get().amount_fen == AMOUNT
