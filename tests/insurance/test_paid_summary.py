"""BillItem.paid_fen (insurance migration 0007, ADR 0015): the database keeps Σ principal + credit_used of every
item from the allocations, whoever writes them; nothing else may change it; reconcile proves it."""

from __future__ import annotations

from datetime import date

import pytest
from collection_support import simple_bill, write_csv
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum

from laobao.insurance import selectors
from laobao.insurance.collection import arrears, paid
from laobao.insurance.collection.corrections import reverse_payment
from laobao.insurance.collection.services import import_payments
from laobao.insurance.models import Allocation, BillItem, Payment

pytestmark = pytest.mark.django_db


def _sums() -> dict[int, int]:
    rows = (Allocation.objects.filter(item__isnull=False, kind__in=("principal", "credit_used"))
            .values("item_id").annotate(s=Sum("amount_fen")).values_list("item_id", "s"))
    return {i: s for i, s in rows if s}


def _stored() -> dict[int, int]:
    return dict(BillItem.objects.exclude(paid_fen=0).values_list("pk", "paid_fen"))


@pytest.fixture
def bills(city, make_employer, make_person):
    emp, person = make_employer(city["c11"]), make_person(city["c11"])
    for m in (1, 2, 3):
        simple_bill(emp, person, date(2024, m, 1))  # 330.00 a month: pension 240.00 + medical 90.00
    return emp


def test_import_credit_and_reversal_keep_paid_equal_to_allocations(bills, tmp_path):
    code = bills.credit_code
    import_payments(write_csv(tmp_path / "a.csv", [("R1", "bank", code, "500.00", "2024-02-15"),
                                                   ("R2", "tax", code, "700.00", "2024-03-05")]), progress=None)
    assert _stored() == _sums() and sum(_stored().values()) == 99000  # all three months paid, the rest is credit
    jan = BillItem.objects.get(month=date(2024, 1, 1), insurance="pension")
    assert jan.paid_fen == jan.due_fen == 24000
    reverse_payment(user=None, bank_ref="R1", reason="银行退回 recalled by the bank")
    assert _stored() == _sums()
    assert BillItem.objects.get(pk=jan.pk).paid_fen < 24000  # reversing rows are netted
    assert paid.differences() == []


def test_every_writer_is_counted_orm_bulk_and_raw_sql(bills):
    items = list(BillItem.objects.order_by("month", "insurance"))
    pay = Payment.objects.create(bank_ref="X1", channel="bank", payer_code=bills.credit_code, employer=bills,
                                 amount_fen=10000, paid_on=date(2024, 2, 1), received_at="2024-02-01T00:00:00Z")
    first = Allocation.objects.create(payment=pay, item=items[0], kind="principal", amount_fen=1000,
                                      allocated_on=date(2024, 2, 1))
    Allocation.objects.bulk_create([
        Allocation(payment=pay, item=items[0], kind="principal", amount_fen=200, allocated_on=date(2024, 2, 1)),
        Allocation(payment=pay, item=items[0], kind="late_fee", amount_fen=7, allocated_on=date(2024, 2, 1)),
        Allocation(payment=pay, item=None, kind="credit_held", amount_fen=50, allocated_on=date(2024, 2, 1)),
        Allocation(payment=None, item=items[1], kind="credit_used", amount_fen=300, allocated_on=date(2024, 2, 1)),
    ])
    with connection.cursor() as cur:  # one statement, the same item twice, a reversal in the same statement
        cur.execute("INSERT INTO insurance_allocation (payment_id, item_id, kind, amount_fen, allocated_on, reverses_id)"
                    " VALUES (%s, %s, 'principal', 400, '2024-02-02', NULL), (%s, %s, 'principal', 5, '2024-02-02', NULL),"
                    " (%s, %s, 'principal', -1000, '2024-02-01', %s)",
                    [pay.pk, items[2].pk, pay.pk, items[2].pk, pay.pk, items[0].pk, first.pk])
    assert _stored() == _sums() == {items[0].pk: 200, items[1].pk: 300, items[2].pk: 405}
    # the readers of paid
    ids = [i.pk for i in items]
    assert selectors.paid_by_item(ids) == {items[0].pk: 200, items[1].pk: 300, items[2].pk: 405}
    assert arrears.paid_by_item(ids)[items[3].pk] == 0 and arrears.paid_by_item(ids)[items[2].pk] == 405
    assert arrears.paid_by_item(ids, on=date(2024, 2, 1))[items[2].pk] == 0  # as of a date: the allocations


def test_an_allocation_to_an_item_that_cancels_out_in_one_statement(bills):
    item = BillItem.objects.order_by("id").first()
    pay = Payment.objects.create(bank_ref="X2", channel="bank", payer_code=bills.credit_code, employer=bills,
                                 amount_fen=100, paid_on=date(2024, 2, 1), received_at="2024-02-01T00:00:00Z")
    first = Allocation.objects.create(payment=pay, item=item, kind="principal", amount_fen=100,
                                      allocated_on=date(2024, 2, 1))
    with connection.cursor() as cur:  # +30 and −30 in one statement: PostgreSQL's grouped sum is 0, nothing updated
        cur.execute("INSERT INTO insurance_allocation (payment_id, item_id, kind, amount_fen, allocated_on, reverses_id)"
                    " VALUES (%s, %s, 'principal', 30, '2024-02-02', NULL), (%s, %s, 'principal', -30, '2024-02-01', %s)",
                    [pay.pk, item.pk, pay.pk, item.pk, first.pk])
    assert BillItem.objects.get(pk=item.pk).paid_fen == 100 and paid.differences() == []


@pytest.mark.parametrize("sql", [
    "UPDATE insurance_billitem SET paid_fen = paid_fen + 1",
    "UPDATE insurance_billitem SET paid_fen = 0",
    "UPDATE insurance_billitem SET paid_fen = paid_fen",
    "UPDATE insurance_billitem SET due_fen = due_fen + 1, employer_fen = employer_fen + 1",
])
def test_paid_cannot_be_written_around_the_allocations(bills, tmp_path, sql):
    import_payments(write_csv(tmp_path / "a.csv", [("R1", "bank", bills.credit_code, "500.00", "2024-02-15")]),
                    progress=None)
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert _stored() == _sums()


def test_reconcile_shows_a_stored_paid_that_drifted(bills, tmp_path):
    import_payments(write_csv(tmp_path / "a.csv", [("R1", "bank", bills.credit_code, "500.00", "2024-02-15")]),
                    progress=None)
    assert paid.paid_equals_allocations().count == 0
    item = BillItem.objects.filter(paid_fen=0).order_by("id").first()
    pay = Payment.objects.get()
    with transaction.atomic():  # the trigger switched off inside this test's transaction: a write around it
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("ALTER TABLE insurance_allocation DISABLE TRIGGER insurance_allocation_paid")
            else:
                cur.execute("DROP TRIGGER insurance_allocation_paid")
        Allocation.objects.create(payment=pay, item=item, kind="principal", amount_fen=123,
                                  allocated_on=date(2024, 2, 16))
        result = paid.paid_equals_allocations()
        assert result.count == 1 and f"item #{item.pk}: stored paid 0 != Σ allocations 123 fen" in result.differences
        transaction.set_rollback(True)


def test_the_record_s_sql_status_is_item_status():
    """The record reads an item's status in SQL (selectors._STATUS_CASE); it is the rule of item_status."""
    grid = [(due, paid) for due in (-500, 0, 1, 1000) for paid in (-1, 0, 1, 999, 1000, 1001)]
    values = " UNION ALL ".join("SELECT %s AS d, %s AS p" for _ in grid)
    with connection.cursor() as cur:
        cur.execute(f"SELECT d, p, {selectors._STATUS_CASE.format(due='d', paid='p')} FROM ({values}) g",
                    [v for pair in grid for v in pair])
        got = {(d, p): selectors._STATUS_OF[code] for d, p, code in cur.fetchall()}
    assert got == {(d, p): selectors.item_status(d, p) for d, p in grid}
