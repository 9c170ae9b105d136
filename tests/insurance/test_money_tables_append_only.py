"""Bills, items, lines, payments and allocations cannot be changed or deleted, on either database."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from laobao.insurance.models import Allocation, Bill, BillItem, Contribution, Payment


@pytest.fixture
def bill_row(city, make_person, make_employer):
    person = make_person(city["c11"])
    employer = make_employer(city["c11"])
    bill = Bill.objects.create(employer=employer, month=date(2024, 7, 1), region=city["c11"], due_date=date(2024, 7, 31),
                               issued_at=timezone.now(), run="t", due_fen=1000, lines=1)
    item = BillItem.objects.create(bill=bill, insurance="pension", month=bill.month, employer_fen=600,
                                   employee_fen=400, account_fen=400, due_fen=1000)
    Contribution.objects.create(bill=bill, person=person, month=bill.month, wage_fen=500000, pension_base=5000,
                                pension_employer=600, pension_employee=400, account=400)
    payment = Payment.objects.create(bank_ref="R1", channel="bank", payer_code="x", employer=employer, amount_fen=1000,
                                     paid_on=date(2024, 7, 20), received_at=timezone.now())
    Allocation.objects.create(payment=payment, item=item, kind="principal", amount_fen=1000, allocated_on=date(2024, 7, 20))
    return bill


@pytest.mark.parametrize("table", ["insurance_bill", "insurance_billitem", "insurance_contribution",
                                   "insurance_payment", "insurance_allocation"])
@pytest.mark.parametrize("verb", ["UPDATE {t} SET id = id", "DELETE FROM {t}"])
def test_database_refuses_changes(bill_row, table, verb):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(verb.format(t=table))


def test_an_allocation_needs_its_source_and_target(bill_row):
    from django.db import IntegrityError

    item = BillItem.objects.get()
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Allocation.objects.create(payment=None, item=item, kind="principal", amount_fen=1,
                                      allocated_on=date(2024, 7, 21))
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Allocation.objects.create(payment=Payment.objects.get(), item=item, kind="credit_held", amount_fen=1,
                                      allocated_on=date(2024, 7, 21))
