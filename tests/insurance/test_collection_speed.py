"""The fast paths of collection (issue 4, second session): each equals the plain one it replaces."""

from __future__ import annotations

import random
from datetime import date

import pytest

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.core.identifiers import CREDIT_CHARSET, credit_code_check_char, parse_credit_code
from laobao.insurance.collection.interest import credit_interest
from laobao.insurance.collection.paymentfile import parse_payer, valid_credit_codes
from laobao.insurance.collection.services import _money
from laobao.ledger import services as ledger
from laobao.ledger.selectors import balance


def _codes(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        first17 = "".join(rng.choice(CREDIT_CHARSET) for _ in range(17))
        code = first17 + credit_code_check_char(first17)
        pick = rng.random()
        if pick < 0.2:  # a wrong check character
            code = first17 + rng.choice(CREDIT_CHARSET.replace(code[-1], ""))
        elif pick < 0.3:
            code = " " + code.lower() + " "
        elif pick < 0.35:
            code = code[:5] + "I" + code[6:]  # I is not in the charset
        elif pick < 0.4:
            code = code[:17]
        elif pick < 0.42:
            code = code[:3] + "统" + code[4:]
        out.append(code)
    return out


def _plain(text: str) -> bool:
    try:
        parse_credit_code(text.strip().upper())
        return True
    except DomainError:
        return False


def test_credit_codes_checked_in_numpy_equal_the_one_by_one_check():
    texts = _codes(random.Random(7), 3000)
    valid = valid_credit_codes(texts)
    assert {t.strip().upper() for t in texts if _plain(t)} == valid
    assert 1000 < len(valid) < 3000
    for t in texts[:300]:  # the fast path gives what the plain parse gives
        try:
            plain = parse_payer(t)
        except DomainError:
            plain = None
        try:
            fast = parse_payer(t, valid)
        except DomainError:
            fast = None
        assert fast == plain


def _money_reference(run, credits, on):
    """The order before the fast path (first session's loop), kept here as the reference."""
    out = ([], [], [], [])
    first_day = {}
    for _, _, payer, _, day in run:
        first_day.setdefault(payer, day)
    by_payer = {}
    for n, (_, _, payer, amount, day) in enumerate(run):
        by_payer.setdefault(payer, []).append((n, amount, day))
    for payer in sorted(set(first_day) | set(credits)):
        if credits.get(payer, 0) > 0:
            for col, v in zip(out, (payer, -1, credits[payer], first_day.get(payer, on))):
                col.append(v)
        for n, amount, day in by_payer.get(payer, []):
            for col, v in zip(out, (payer, n, amount, day)):
                col.append(v)
    return out


def test_money_order_equals_the_reference():
    rng = random.Random(3)
    payers = [f"employer:{i}" for i in range(40)] + [f"person:{i}" for i in range(10)]
    run = sorted(((i, f"R{i:04d}", rng.choice(payers), rng.randint(1, 9999), date(2024, 6, rng.randint(1, 28)))
                  for i in range(300)), key=lambda x: (x[2], x[4], x[1]))
    credits = {p: rng.choice([0, -5, 120, 7000]) for p in rng.sample(payers, 20)} | {"employer:999": 50}
    money = _money(run, credits, date(2024, 7, 1))
    assert (money.payer, money.payment, money.amount, money.day) == _money_reference(run, credits, date(2024, 7, 1))
    assert _money([], {}, date(2024, 7, 1)).payer == []


@pytest.mark.django_db
def test_interest_reads_only_personal_accounts_in_the_id_range():
    """Accounts of other kinds opened between personal ones (their ids fall in the range read) are left out."""
    def post(key, lines, day):
        with acting_as(None, username="test"):
            ledger.post(key=key, kind="test", lines=lines, value_date=day)

    post("a", [("fund:pension", 100_000, 0), ("personal:1:pension", 0, 100_000)], date(2023, 12, 31))
    post("b", [("bank:collection", 500_000, 0), ("receivable:employer:1", 0, 500_000)], date(2023, 6, 1))
    post("c", [("fund:pension", 200_000, 0), ("personal:2:pension", 0, 200_000)], date(2023, 12, 31))
    out = credit_interest(2024, progress=None)
    # 2024 rate 2.62 %, annual method, no credits in the year: 1000.00 → 26.20, 2000.00 → 52.40
    assert (out["accounts"], out["interest_fen"], out["review_count"]) == (2, 2620 + 5240, 0)
    assert balance("personal:2:pension") == 205_240 and balance("receivable:employer:1") == -500_000
