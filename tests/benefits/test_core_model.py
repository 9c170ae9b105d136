"""The shared benefit model: seeded banks, account numbers, one current account, append-only rates/events."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from laobao.benefits.models import (Bank, BankAccount, Benefit, BenefitEvent, BenefitRate, account_no_problem,
                                    luhn_ok)


def test_banks_seeded_and_account_numbers(db):
    icbc = Bank.objects.get(code="102")
    assert icbc.name == "中国工商银行" and Bank.objects.count() >= 6
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")  # the textbook Luhn example
    assert account_no_problem("6222021234567890128", icbc) is None  # 19-digit card, check digit right
    assert account_no_problem("6222021234567890120", icbc) == "luhn"
    assert account_no_problem("32050112345678901234", icbc) is None  # 20 digits: an account, not a card
    assert account_no_problem("1234-5678", icbc) == "digits"


def test_one_current_account_per_person(city, make_person):
    person, bank = make_person(city["c11"]), Bank.objects.get(code="105")
    BankAccount.objects.create(person=person, bank=bank, account_no="6217001234567890", holder_name=person.name,
                               opened_on=date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccount.objects.create(person=person, bank=bank, account_no="6217001234567891", holder_name=person.name,
                                   opened_on=date(2025, 2, 1))


def test_rates_and_events_are_append_only(city, make_person):
    person = make_person(city["c11"])
    benefit = Benefit.objects.create(person=person, kind="pension", fund="fund:pension", start_month=date(2026, 1, 1),
                                     source="test:1")
    rate = BenefitRate.objects.create(benefit=benefit, from_month=date(2026, 1, 1), monthly_fen=100, reason="award",
                                      key="test:1")
    event = BenefitEvent.objects.create(benefit=benefit, kind="start", month=date(2026, 1, 1), reason="test")
    for row in (rate, event):
        with pytest.raises(Exception), transaction.atomic():
            type(row).objects.filter(pk=row.pk).update(reason="changed")
        with pytest.raises(Exception), transaction.atomic():
            type(row).objects.filter(pk=row.pk).delete()
    assert BenefitRate.objects.get(pk=rate.pk).reason == "award"
