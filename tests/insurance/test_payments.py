"""Collection: the payment file, idempotent import, allocation order, credit, late fees, account crediting."""

from __future__ import annotations

from datetime import date

import pytest
from collection_support import make_bill, simple_bill, write_csv
from django.core.management import call_command
from django.core.management.base import CommandError

from laobao.insurance.collection.services import ImportRejected, apply_credit, import_payments
from laobao.insurance.models import Allocation, Payment
from laobao.ledger.models import JournalEntry
from laobao.ledger.selectors import balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def payer(city, make_employer, make_person):
    return make_employer(city["c11"]), make_person(city["c11"])


def _allocs():
    return sorted(Allocation.objects.values_list("kind", "item__insurance", "item__month", "amount_fen"),
                  key=lambda r: (r[0], str(r[1]), str(r[2])))


def test_full_payment_on_time_pays_every_item_and_credits_the_account(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, date(2024, 1, 1))
    assert balance(f"personal:{person.pk}:pension") == 0  # billed, not yet paid: nothing credited
    f = write_csv(tmp_path / "p.csv", [("B1", "bank", emp.credit_code, "330.00", "2024-01-25")])
    result = import_payments(f, progress=None)
    assert (result.imported, result.skipped, result.amount_fen) == (1, 0, 33000)
    assert balance(f"receivable:employer:{emp.pk}") == 0
    assert balance(f"personal:{person.pk}:pension") == 8000
    assert balance("bank:collection") == 33000 and balance("fund:late_fee") == 0
    line = JournalEntry.objects.get(idempotency_key=f"account:{Allocation.objects.filter(item__insurance='pension').first().item_id}").lines.get(account__code__startswith="personal:")
    assert line.value_date == date(2024, 1, 25)


def test_same_file_twice_posts_once_and_a_changed_ref_is_an_error(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, date(2024, 1, 1))
    f = write_csv(tmp_path / "p.csv", [("B1", "bank", emp.credit_code, "330.00", "2024-01-25")] * 2)
    first = import_payments(f, progress=None)
    assert (first.imported, first.repeated) == (1, 1)
    second = import_payments(f, progress=None)
    assert (second.imported, second.skipped) == (0, 1)
    assert Payment.objects.count() == 1 and JournalEntry.objects.filter(idempotency_key="payment:B1").count() == 1
    g = write_csv(tmp_path / "q.csv", [("B1", "bank", emp.credit_code, "331.00", "2024-01-25")])
    with pytest.raises(ImportRejected) as exc:
        import_payments(g, progress=None)
    assert "B1" in str(exc.value.errors[0]) and Payment.objects.count() == 1


def test_bad_rows_write_nothing_and_are_all_reported(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, date(2024, 1, 1))
    f = write_csv(tmp_path / "bad.csv", [("G1", "bank", emp.credit_code, "10.00", "2024-01-25"),
                                         ("G2", "wire", emp.credit_code, "10.00", "2024-01-25"),
                                         ("G3", "bank", "123", "10.00", "2024-01-25"),
                                         ("G4", "bank", emp.credit_code, "10.001", "2024-01-25"),
                                         ("G5", "bank", emp.credit_code, "10.00", "2024-13-01"),
                                         ("G6", "bank", emp.credit_code, "0.00", "2024-01-25")])
    with pytest.raises(CommandError):
        call_command("lb_payments", "import", f)
    report = (tmp_path / "bad.csv.errors.txt").read_text(encoding="utf-8")
    for line in (3, 4, 5, 6, 7):
        assert f"line {line} " in report
    assert "line 2 " not in report
    assert Payment.objects.count() == 0 and Allocation.objects.count() == 0
    assert not JournalEntry.objects.filter(idempotency_key__startswith="payment:").exists()


def test_gbk_file_and_unknown_payer_goes_to_suspense(payer, tmp_path, capsys):
    from conftest import make_credit_code

    emp, person = payer
    f = write_csv(tmp_path / "gbk.csv", [("S1", "tax", make_credit_code(777), "50.00", "2024-01-25")],
                  header="bank_ref,channel,payer_code,amount,paid_on", encoding="gbk")
    call_command("lb_payments", "import", f)
    assert "1 to suspense" in capsys.readouterr().out
    assert balance("suspense:unmatched") == 5000 and not Allocation.objects.exists()


def test_partial_payment_follows_the_allocation_order(payer, tmp_path):
    """Oldest month first; within a month pension before medical (collection.allocation_order)."""
    emp, person = payer
    simple_bill(emp, person, date(2024, 1, 1))
    simple_bill(emp, person, date(2024, 2, 1))
    # 400.00 on time for February's deadline: January is late by 10 days (due 2024-01-31), paid 2024-02-10
    f = write_csv(tmp_path / "p.csv", [("P1", "bank", emp.credit_code, "400.00", "2024-02-10")])
    import_payments(f, progress=None)
    jan, feb = date(2024, 1, 1), date(2024, 2, 1)
    # principal: Jan pension 240, Jan medical 90, Feb pension 70 of 240; then the late fees of January:
    # 240.00 × 0.05% × 10 = 1.20, 90.00 × 0.05% × 10 = 0.45 — all principal comes before any late fee,
    # so the fee is taken from what is left: nothing here (400 − 330 − 70 = 0) → fees stay owed.
    assert _allocs() == [("principal", "medical", jan, 9000), ("principal", "pension", jan, 24000),
                         ("principal", "pension", feb, 7000)]
    from laobao.insurance.collection.arrears import arrears_summary

    owed = arrears_summary(emp, date(2024, 2, 10))
    assert owed["late_fee_owed_fen"] == 120 + 45 and owed["outstanding_fen"] == 33000 * 2 - 40000
    assert balance(f"personal:{person.pk}:pension") == 8000  # January's pension item is fully paid, not February's


def test_overpayment_is_held_as_credit_then_used_on_the_next_bill(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, date(2024, 1, 1))
    f = write_csv(tmp_path / "p.csv", [("O1", "bank", emp.credit_code, "500.00", "2024-01-20")])
    import_payments(f, progress=None)
    assert balance(f"credit:employer:{emp.pk}") == 17000
    simple_bill(emp, person, date(2024, 2, 1))
    totals = apply_credit(date(2024, 2, 20), progress=None)
    assert totals == {"credit_used": 17000}
    # 170.00 of credit: February pension 240 gets 170 (oldest month, pension first), medical nothing
    assert balance(f"credit:employer:{emp.pk}") == 0
    assert balance(f"receivable:employer:{emp.pk}") == 33000 - 17000
    assert apply_credit(date(2024, 2, 21), progress=None) == {}
    g = write_csv(tmp_path / "q.csv", [("O2", "bank", emp.credit_code, "160.00", "2024-02-25")])
    import_payments(g, progress=None)
    assert balance(f"receivable:employer:{emp.pk}") == 0 and balance(f"credit:employer:{emp.pk}") == 0
    assert balance(f"personal:{person.pk}:pension") == 16000


def test_existing_credit_is_applied_first_when_the_payer_pays(payer, tmp_path):
    emp, person = payer
    simple_bill(emp, person, date(2024, 1, 1))
    import_payments(write_csv(tmp_path / "a.csv", [("C1", "bank", emp.credit_code, "430.00", "2024-01-20")]),
                    progress=None)
    simple_bill(emp, person, date(2024, 2, 1))
    import_payments(write_csv(tmp_path / "b.csv", [("C2", "bank", emp.credit_code, "230.00", "2024-02-20")]),
                    progress=None)
    assert balance(f"receivable:employer:{emp.pk}") == 0 and balance(f"credit:employer:{emp.pk}") == 0
    assert Allocation.objects.filter(kind="credit_used").count() == 1


def test_late_fee_across_2011_07_01_is_charged_with_the_payment(payer, tmp_path):
    """Hand computation: June 2011 contributions of 1000.00 due 2011-06-30, paid 2011-07-10: 10 late days,
    all on or after 2011-07-01 → 1000 × 0.05% × 10 = 5.00. Contributions of May 2011 (due 2011-05-31)
    paid the same day: 30 days at 0.2% (06-01…06-30) + 10 days at 0.05% = 1000 × (6% + 0.5%) = 65.00.
    (社会保险费征缴暂行条例 第十三条; 社会保险法 第八十六条.)"""
    emp, person = payer
    for month in (date(2011, 5, 1), date(2011, 6, 1)):
        make_bill(emp, month, [(person, month, {"medical": (80000, 20000)}, 0)])
    f = write_csv(tmp_path / "p.csv", [("L1", "bank", emp.credit_code, "2070.00", "2011-07-10")])
    import_payments(f, progress=None)
    fees = dict(Allocation.objects.filter(kind="late_fee").values_list("item__month", "amount_fen"))
    assert fees == {date(2011, 5, 1): 6500, date(2011, 6, 1): 500}
    assert balance("fund:late_fee") == 7000 and balance(f"receivable:employer:{emp.pk}") == 0


def test_person_payer_pays_own_bill_without_late_fee(city, make_person, tmp_path):
    person = make_person(city["c11"])
    make_bill(person, date(2024, 1, 1), [(person, date(2024, 1, 1), {"pension": (0, 100000)}, 40000)])
    f = write_csv(tmp_path / "p.csv", [("F1", "bank", person.citizen_id, "1000.00", "2024-03-01")])
    import_payments(f, progress=None)
    assert balance(f"receivable:person:{person.pk}") == 0 and balance("fund:late_fee") == 0
    assert balance(f"personal:{person.pk}:pension") == 40000


def test_negative_adjustment_is_credit_and_adjustment_lines_reach_the_account(payer, tmp_path):
    emp, person = payer
    feb, jan = date(2024, 2, 1), date(2024, 1, 1)
    simple_bill(emp, person, jan)
    import_payments(write_csv(tmp_path / "a.csv", [("N1", "bank", emp.credit_code, "330.00", "2024-01-30")]),
                    progress=None)
    make_bill(emp, feb, [(person, feb, {"pension": (16000, 8000)}, 8000),
                         (person, jan, {"medical": (-700, -200)}, 0)])
    assert balance(f"credit:employer:{emp.pk}") == 900
    import_payments(write_csv(tmp_path / "b.csv", [("N2", "bank", emp.credit_code, "231.00", "2024-02-20")]),
                    progress=None)
    assert balance(f"receivable:employer:{emp.pk}") == 0 and balance(f"credit:employer:{emp.pk}") == 0
    assert balance(f"personal:{person.pk}:pension") == 16000
