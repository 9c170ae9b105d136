"""冲正、退款、认领: reversal of a payment, refund of held credit, claim of a suspense payment.

Each case checks the books by hand (receivable, credit, bank, suspense, individual account, arrears) and then
that every ``laobao reconcile`` identity holds. The arrears after a reversal are compared with the arrears of
the same bills never paid at all: a reversed payment counts as never received (late fees from the due date).
"""

from __future__ import annotations

from datetime import date

import pytest
from collection_support import simple_bill, write_csv
from conftest import make_credit_code
from django.core.management import call_command
from django.core.management.base import CommandError

from laobao.core.errors import DomainError, Forbidden
from laobao.core.models import Role
from laobao.insurance.collection import arrears
from laobao.insurance.collection.corrections import (claim_payment, refund_credit, reverse_payment,
                                                     suspense_payments)
from laobao.insurance.collection.services import apply_credit, import_payments
from laobao.insurance.models import Allocation, BillItem, CreditRefund, PaymentClaim, PaymentReversal
from laobao.ledger import reconcile
from laobao.ledger.models import JournalEntry
from laobao.ledger.selectors import balance

pytestmark = pytest.mark.django_db
JAN, FEB = date(2024, 1, 1), date(2024, 2, 1)
ON = date(2024, 6, 30)


@pytest.fixture
def payer(city, make_employer, make_person):
    return make_employer(city["c11"]), make_person(city["c11"])


def _pay(tmp_path, rows, name="p.csv"):
    return import_payments(write_csv(tmp_path / name, rows), progress=None)


def _clean():
    failed = {name: r.differences[:3] for name, r in reconcile.run_all() if r.count}
    assert not failed


def _arrears(emp):
    return [(r["item_id"], r["outstanding_fen"], r["late_fee_fen"] - r["late_fee_paid_fen"])
            for r in arrears.arrears_items(emp, ON)]


def _paid(item_id) -> int:
    return arrears.paid_by_item([item_id])[item_id]


def test_full_reversal_undoes_everything_and_twice_is_refused(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, JAN)
    never_paid = _arrears(emp)
    _pay(tmp_path, [("R1", "bank", emp.credit_code, "330.00", "2024-01-25")])
    assert balance(f"personal:{person.pk}:pension") == 8000 and _arrears(emp) == []
    reversal = reverse_payment(user=None, bank_ref="R1", reason="银行退回 recalled by the bank")
    assert reversal.summary["principal"] == 33000 and len(reversal.summary["accounts_reversed"]) == 1
    assert balance(f"receivable:employer:{emp.pk}") == 33000
    assert balance(f"personal:{person.pk}:pension") == 0  # the account credit went with the payment
    assert balance("bank:collection") == 0 and balance(f"credit:employer:{emp.pk}") == 0
    assert _arrears(emp) == never_paid  # owed again, late fees from the due date as if never paid
    assert sum(Allocation.objects.values_list("amount_fen", flat=True)) == 0
    _clean()
    with pytest.raises(DomainError) as exc:
        reverse_payment(user=None, bank_ref="R1", reason="again")
    assert "已冲正过" in exc.value.text("zh-hans") and "already been reversed" in exc.value.text("en")
    assert PaymentReversal.objects.count() == 1
    _clean()


def test_partial_late_payment_reversal_restores_principal_and_fees(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, JAN)
    never_paid = _arrears(emp)
    _pay(tmp_path, [("P1", "bank", emp.credit_code, "100.00", "2024-03-10")])  # late: fee charged on the piece
    assert _arrears(emp) != never_paid
    rev = reverse_payment(user=None, bank_ref="P1", reason="错记缴费人 wrong payer")
    assert rev.summary["principal"] == 10000 and rev.summary["accounts_reversed"] == []
    assert _arrears(emp) == never_paid
    assert balance(f"receivable:employer:{emp.pk}") == 33000 and balance("fund:late_fee") == 0
    _clean()
    # the payer pays for real later: the import allocates against the restored debt, fees and all
    _pay(tmp_path, [("P2", "bank", emp.credit_code, "400.00", "2024-03-10")], "p2.csv")
    assert [r[1] for r in _arrears(emp)] == [0] * len(_arrears(emp))
    _clean()


def test_reversal_of_a_payment_whose_held_credit_was_used(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, JAN)
    _pay(tmp_path, [("C1", "bank", emp.credit_code, "400.00", "2024-01-25")])  # 70.00 held as credit
    assert balance(f"credit:employer:{emp.pk}") == 7000
    feb = simple_bill(emp, person, FEB)
    apply_credit(date(2024, 2, 20), progress=None)  # the credit pays 70.00 of February
    assert balance(f"credit:employer:{emp.pk}") == 0
    feb_pension = BillItem.objects.get(bill=feb, insurance="pension")
    assert _paid(feb_pension.pk) == 7000
    rev = reverse_payment(user=None, bank_ref="C1", reason="银行退回")
    assert rev.summary["credit_held"] == 7000 and rev.summary["credit_used_undone"] == 7000
    assert balance(f"credit:employer:{emp.pk}") == 0  # never negative
    assert _paid(feb_pension.pk) == 0
    assert balance(f"receivable:employer:{emp.pk}") == 66000
    assert balance(f"personal:{person.pk}:pension") == 0
    _clean()


def test_reversing_the_payment_that_completed_a_pension_item(payer, tmp_path):
    emp, person = payer
    bill = simple_bill(emp, person, JAN)
    pension = BillItem.objects.get(bill=bill, insurance="pension")
    _pay(tmp_path, [("A1", "bank", emp.credit_code, "100.00", "2024-01-20"),
                    ("A2", "bank", emp.credit_code, "230.00", "2024-01-25")])
    assert balance(f"personal:{person.pk}:pension") == 8000
    rev = reverse_payment(user=None, bank_ref="A2", reason="重复入账 duplicate")
    assert rev.summary["accounts_reversed"] == [f"account:{pension.pk}"]
    assert _paid(pension.pk) == 10000 and balance(f"personal:{person.pk}:pension") == 0
    assert JournalEntry.objects.get(idempotency_key=f"reversal:account:{pension.pk}").reverses.idempotency_key \
        == f"account:{pension.pk}"
    _clean()
    reverse_payment(user=None, bank_ref="A1", reason="重复入账 duplicate")  # no account entry left to reverse
    assert balance(f"receivable:employer:{emp.pk}") == 33000
    _clean()


def test_paying_again_after_a_reversal_credits_the_account_again(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, JAN)
    _pay(tmp_path, [("D1", "bank", emp.credit_code, "330.00", "2024-01-25")])
    reverse_payment(user=None, bank_ref="D1", reason="银行退回")
    _pay(tmp_path, [("D2", "bank", emp.credit_code, "330.00", "2024-02-10")], "d2.csv")
    assert balance(f"personal:{person.pk}:pension") == 8000
    _clean()


def test_refund_of_held_credit_within_bounds(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, JAN)
    _pay(tmp_path, [("F1", "bank", emp.credit_code, "400.00", "2024-01-25")])
    for amount in (7001, 0, -5, 12.5):
        with pytest.raises(DomainError):
            refund_credit(user=None, payer=emp, amount_fen=amount, bank_account="工行 6222 0000 1111", reason="多缴退款")
    with pytest.raises(DomainError) as exc:
        refund_credit(user=None, payer=emp, amount_fen=5000, bank_account="", reason="多缴退款")
    assert exc.value.problems[0].field == "bank_account"
    refund = refund_credit(user=None, payer=emp, amount_fen=5000, bank_account="工行 6222 0000 1111", reason="多缴退款")
    assert balance(f"credit:employer:{emp.pk}") == 2000 and balance("bank:collection") == 35000
    assert JournalEntry.objects.filter(idempotency_key=f"refund:{refund.pk}").exists()
    _clean()
    refund_credit(user=None, payer=emp, amount_fen=2000, bank_account="工行 6222 0000 1111", reason="余额退款")
    assert balance(f"credit:employer:{emp.pk}") == 0 and CreditRefund.objects.count() == 2
    with pytest.raises(DomainError):
        refund_credit(user=None, payer=emp, amount_fen=1, bank_account="工行 6222 0000 1111", reason="多缴退款")
    with pytest.raises(DomainError) as exc:  # its held credit was refunded: the credit would go negative
        reverse_payment(user=None, bank_ref="F1", reason="银行退回")
    assert exc.value.problems[0].code == "correction.credit_refunded"
    assert not PaymentReversal.objects.exists()
    _clean()


def test_credit_pays_arrears_before_any_refund(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, JAN)
    _pay(tmp_path, [("G1", "bank", emp.credit_code, "400.00", "2024-01-25")])  # 70.00 held
    simple_bill(emp, person, FEB, pension=(4000, 2000), medical=(0, 0), account=2000)  # 60.00 owed
    with pytest.raises(DomainError) as exc:
        refund_credit(user=None, payer=emp, amount_fen=1001, bank_account="工行 6222 0000 1111", reason="多缴退款")
    assert exc.value.problems[0].code == "correction.arrears_first" and "6000" in exc.value.text("en")
    refund_credit(user=None, payer=emp, amount_fen=1000, bank_account="工行 6222 0000 1111", reason="多缴退款")
    assert balance(f"credit:employer:{emp.pk}") == 6000
    _clean()


def test_claim_of_a_suspense_payment_then_reversal_and_claim_again(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, JAN)
    unknown = make_credit_code(99_999_990)
    _pay(tmp_path, [("S1", "bank", unknown, "330.00", "2024-01-25")])
    assert balance("suspense:unmatched") == 33000
    assert [p["bank_ref"] for p in suspense_payments(None)] == ["S1"]
    claim = claim_payment(user=None, bank_ref="S1", payer=emp, reason="单位来函认领")
    assert claim.claim_payment.bank_ref == f"claim:{claim.payment_id}:1"
    assert claim.claim_payment.paid_on == date(2024, 1, 25) and claim.claim_payment.employer_id == emp.pk
    assert balance("suspense:unmatched") == 0 and balance(f"receivable:employer:{emp.pk}") == 0
    assert balance("bank:collection") == 33000 and balance(f"personal:{person.pk}:pension") == 8000
    assert suspense_payments(None) == []
    _clean()
    with pytest.raises(DomainError):
        claim_payment(user=None, bank_ref="S1", payer=emp, reason="再次认领")
    with pytest.raises(DomainError) as exc:
        reverse_payment(user=None, bank_ref="S1", reason="银行退回")
    assert "claim" in exc.value.text("en")
    reverse_payment(user=None, bank_ref=claim.claim_payment.bank_ref, reason="认领错误 wrong claimant")
    assert balance("suspense:unmatched") == 33000 and balance(f"receivable:employer:{emp.pk}") == 33000
    assert balance("bank:collection") == 33000 and balance(f"personal:{person.pk}:pension") == 0
    _clean()
    again = claim_payment(user=None, bank_ref="S1", payer=emp, reason="重新认领")
    assert again.claim_payment.bank_ref.endswith(":2") and PaymentClaim.objects.count() == 2
    _clean()


def test_a_suspense_payment_recalled_by_the_bank(payer, tmp_path):
    emp, _ = payer
    _pay(tmp_path, [("S2", "bank", make_credit_code(99_999_990), "12.34", "2024-01-25")])
    reverse_payment(user=None, bank_ref="S2", reason="银行退回")
    assert balance("suspense:unmatched") == 0 and balance("bank:collection") == 0
    with pytest.raises(DomainError):
        claim_payment(user=None, bank_ref="S2", payer=emp, reason="认领")
    _clean()


def test_claim_of_a_matched_payment_is_refused_and_unknown_refs_are_named(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, JAN)
    _pay(tmp_path, [("M1", "bank", emp.credit_code, "330.00", "2024-01-25")])
    with pytest.raises(DomainError):
        claim_payment(user=None, bank_ref="M1", payer=emp, reason="认领")
    with pytest.raises(DomainError) as exc:
        reverse_payment(user=None, bank_ref="NOPE", reason="银行退回")
    assert "NOPE" in exc.value.text("en")
    with pytest.raises(DomainError) as exc:
        reverse_payment(user=None, bank_ref="M1", reason=" ")
    assert exc.value.problems[0].field == "reason"


def test_only_officers_in_jurisdiction_correct(payer, tmp_path, city, make_user):
    emp, person = payer
    simple_bill(emp, person, JAN)
    _pay(tmp_path, [("J1", "bank", emp.credit_code, "330.00", "2024-01-25")])
    for user in (make_user(Role.COMMUNITY_CASEWORKER, city["c11"]), make_user(Role.DISTRICT_OFFICER, city["wuzhong"])):
        with pytest.raises(Forbidden):
            reverse_payment(user=user, bank_ref="J1", reason="银行退回")
    officer = make_user(Role.DISTRICT_OFFICER, city["gusu"])
    rev = reverse_payment(user=officer, bank_ref="J1", reason="银行退回")
    assert rev.by == officer
    _clean()


def test_cli_reverse_refund_claim(payer, tmp_path, capsys):
    emp, person = payer
    simple_bill(emp, person, JAN)
    _pay(tmp_path, [("K1", "bank", emp.credit_code, "330.00", "2024-01-25"),
                    ("K2", "bank", make_credit_code(99_999_990), "5.00", "2024-01-26"),
                    ("K3", "bank", emp.credit_code, "70.00", "2024-01-27")])
    call_command("lb_payments", "refund", "--employer", emp.credit_code, "--amount", "70.00",
                 "--to", "工行 6222 0000 1111", "--reason", "多缴退款")
    call_command("lb_payments", "claim", "K2", "--employer", emp.credit_code, "--reason", "单位认领")
    call_command("lb_payments", "reverse", "K1", "--reason", "银行退回")
    out = capsys.readouterr().out
    assert "refunded 70.00" in out and "claimed K2" in out and "reversed K1" in out
    with pytest.raises(CommandError) as exc:
        call_command("lb_payments", "reverse", "K1", "--reason", "银行退回")
    assert "already been reversed" in str(exc.value)
    _clean()


@pytest.mark.parametrize("verb", ["UPDATE {t} SET id = id", "DELETE FROM {t}"])
def test_correction_tables_are_append_only(payer, tmp_path, verb):
    from django.db import DatabaseError, connection, transaction

    emp, person = payer
    simple_bill(emp, person, JAN)
    _pay(tmp_path, [("T1", "bank", emp.credit_code, "400.00", "2024-01-25"),
                    ("T2", "bank", make_credit_code(99_999_990), "5.00", "2024-01-26")])
    refund_credit(user=None, payer=emp, amount_fen=100, bank_account="工行 6222 0000 1111", reason="多缴退款")
    claim_payment(user=None, bank_ref="T2", payer=emp, reason="单位认领")
    for table in ("insurance_creditrefund", "insurance_paymentclaim"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(verb.format(t=table))
    reverse_payment(user=None, bank_ref="claim:%d:1" % PaymentClaim.objects.get().payment_id, reason="认领错误")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(verb.format(t="insurance_paymentreversal"))


def test_a_negative_allocation_must_name_what_it_reverses(payer, tmp_path):
    from django.db import IntegrityError, transaction

    emp, person = payer
    simple_bill(emp, person, JAN)
    _pay(tmp_path, [("N1", "bank", emp.credit_code, "330.00", "2024-01-25")])
    row = Allocation.objects.filter(kind="principal").first()
    for kw in ({"amount_fen": -1}, {"amount_fen": 1, "reverses": row}):
        with pytest.raises(IntegrityError):
            with transaction.atomic():
                Allocation.objects.create(payment=row.payment, item=row.item, kind="principal",
                                          allocated_on=row.allocated_on, **kw)
