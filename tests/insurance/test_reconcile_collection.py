"""laobao reconcile: the collection identities pass on good data and catch a tampered difference."""

from __future__ import annotations

from datetime import date

import pytest
from collection_support import simple_bill, write_csv
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from laobao.insurance.collection.arrears import arrears_items, arrears_summary, bucket, paid_by_item
from laobao.insurance.collection.services import import_payments
from laobao.insurance.models import Allocation, BillItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_data(city, make_employer, make_person, tmp_path):
    emp, person = make_employer(city["c11"]), make_person(city["c11"])
    for m in (1, 2, 3):
        simple_bill(emp, person, date(2024, m, 1))
    import_payments(write_csv(tmp_path / "p.csv", [("R1", "bank", emp.credit_code, "500.00", "2024-02-15"),
                                                   ("R2", "tax", emp.credit_code, "100.00", "2024-03-05")]),
                    progress=None)
    return emp, person


def test_reconcile_passes_on_good_data(paid_data, capsys):
    call_command("lb_reconcile")
    out = capsys.readouterr().out
    assert "OK   insurance.receivable_equals_items_less_paid" in out and "reconcile OK" in out


def test_reconcile_catches_an_unmatched_allocation(paid_data, capsys):
    item = BillItem.objects.filter(allocations__isnull=True).first()
    with connection.cursor() as cur:
        cur.execute("INSERT INTO insurance_allocation (payment_id, item_id, kind, amount_fen, allocated_on) "
                    "VALUES (NULL, %s, 'credit_used', 100, '2024-03-06')", [item.pk])
    with pytest.raises(CommandError):
        call_command("lb_reconcile")
    out = capsys.readouterr().out
    assert "FAIL insurance.receivable_equals_items_less_paid" in out
    assert "FAIL insurance.credit_equals_held_less_used" in out


def test_arrears_aging_and_late_fee_as_of_any_date(paid_data):
    """Worked by hand. Bills of 330.00 (pension 240 + medical 90) for Jan–Mar 2024, due the month's last day.
    R1 500.00 on 02-15 pays principal only (principal before late fees): Jan pension 240, Jan medical 90,
    Feb pension 170. R2 100.00 on 03-05: Feb pension 70, Feb medical 30. Late fees stay owed:
    Jan 15 days late: 240 × 0.05% × 15 = 1.80; 90 × 0.05% × 15 = 0.675 → 0.68;
    Feb pension: the 70.00 paid 5 days late = 0.175 → 0.18; Feb medical: 30.00 paid 5 days late (0.075 → 0.08)
    + 60.00 still owed on 05-15, 76 days late (0.05% × 76 × 60 = 2.28)."""
    emp, _ = paid_data
    on = date(2024, 5, 15)
    rows = {(r["month"].month, r["insurance"]): r for r in arrears_items(emp, on)}
    assert (rows[(1, "pension")]["outstanding_fen"], rows[(1, "pension")]["late_fee_fen"]) == (0, 180)
    assert rows[(1, "medical")]["late_fee_fen"] == 68 and rows[(2, "pension")]["late_fee_fen"] == 18
    feb_medical = rows[(2, "medical")]
    assert feb_medical["outstanding_fen"] == 6000 and feb_medical["late_fee_fen"] == 8 + 228
    assert feb_medical["days_late"] == 76 and feb_medical["bucket"] == "31-90"
    assert rows[(3, "pension")]["bucket"] == "31-90" and rows[(3, "pension")]["days_late"] == 45
    assert bucket(0) == "current" and bucket(30) == "0-30" and bucket(91) == "91-365" and bucket(366) == ">365"
    summary = arrears_summary(emp, on)
    assert summary["outstanding_fen"] == 3 * 33000 - 60000 and summary["late_fee_paid_fen"] == 0
    assert summary["by_insurance"] == {"medical": 6000 + 9000, "pension": 24000}
    before = arrears_summary(emp, date(2024, 2, 14))  # before any payment; March not yet billed
    assert before["outstanding_fen"] == 2 * 33000
    items = list(BillItem.objects.values_list("pk", flat=True))
    assert sum(paid_by_item(items).values()) == 60000
    assert sum(paid_by_item(items, on=date(2024, 3, 1)).values()) == 50000
