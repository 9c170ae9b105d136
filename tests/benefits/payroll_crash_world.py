"""A small deterministic world for the payroll SIGKILL harness (test_payroll_crash.py).

``world(seed)`` describes it (the test's independent expectation reads the same description);
``python payroll_crash_world.py SEED load`` writes it into the database of DATABASE_URL (already migrated);
``python payroll_crash_world.py SEED account PERSON_INDEX...`` records a new (corrected) 代发账户 for those
persons through the service, as a caseworker would. Amounts are plain fixtures, not published cases.
"""

from __future__ import annotations

import random
import sys
from datetime import date

BANKS = ("102", "103", "104", "105", "301")
PENSIONS, JOBLESS = 170, 40


def _card(i: int, salt: int = 0) -> str:
    body = f"6222{salt:02d}{i:012d}"
    total = 0
    for k, ch in enumerate(reversed(body + "0")):
        d = int(ch)
        if k % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def world(seed: int) -> list[dict]:
    """One dict per person: kind, start, end (None = open), rates [(from month, basic, account)], annuity fen,
    bank (None = no account at first)."""
    rng = random.Random(seed)
    out = []
    for i in range(PENSIONS + JOBLESS):
        pension = i < PENSIONS
        start = rng.choice([date(2025, 9, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 1, 1), date(2026, 2, 1)])
        basic = rng.randrange(150_000, 450_000) if pension else rng.randrange(150_000, 230_000)
        account = rng.randrange(0, 90_000) if pension else 0
        rates = [(start, basic, account)]
        if pension and rng.random() < 0.3:  # indexation from February (recorded before the runs)
            rates.append((date(2026, 2, 1), basic + rng.randrange(1_000, 9_000), account))
        end = None if pension else date(2026, rng.choice([1, 2, 3, 6]), 1)
        if end is not None and end < start:
            end = start
        out.append({"kind": "pension" if pension else "unemployment", "start": start, "end": end, "rates": rates,
                    "annuity": rng.choice([0, 0, 0, rng.randrange(10_000, 200_000)]) if account else 0,
                    "bank": None if rng.random() < 0.05 else rng.choice(BANKS)})
    return out


def _citizen_id(n: int) -> str:
    from laobao.core.identifiers import citizen_id_check_char

    first17 = f"320508{19550101 + n % 28:08d}{n % 1000:03d}"
    return first17 + citizen_id_check_char(first17)


def load(seed: int) -> None:
    from laobao.benefits.models import Bank, BankAccount, Benefit, BenefitEvent, BenefitRate
    from laobao.core.models import Region
    from laobao.ledger.batch import Entry, post_batch
    from laobao.registry.models import Person

    region = Region.objects.filter(code__startswith="320508", level="street").order_by("code").first()
    banks = {b.code: b for b in Bank.objects.all()}
    entries = []
    for i, w in enumerate(world(seed)):
        person = Person.objects.create(citizen_id=_citizen_id(i + 1), name=f"崩溃{i}", sex="1",
                                       birth_date=date(1960, 1, 1), hukou_type="urban", hukou_region_code="320508",
                                       residence_region=region)
        if w["bank"]:
            BankAccount.objects.create(person=person, bank=banks[w["bank"]], account_no=_card(i + 1),
                                       holder_name=person.name, opened_on=date(2025, 1, 1))
        fund = "fund:pension" if w["kind"] == "pension" else "fund:unemployment"
        b = Benefit.objects.create(person=person, kind=w["kind"], fund=fund, start_month=w["start"],
                                   end_month=w["end"], source=f"crash:{i}")
        BenefitEvent.objects.create(benefit=b, kind="start", month=w["start"], reason="test")
        for k, (since, basic, account) in enumerate(w["rates"]):
            comps = [{"code": "basic", "zh": "基础", "en": "basic", "amount_fen": basic, "formula": "test"}]
            if account:
                comps.append({"code": "account", "zh": "个人账户", "en": "account", "amount_fen": account,
                              "formula": "test"})
            BenefitRate.objects.create(benefit=b, from_month=since, monthly_fen=basic + account, components=comps,
                                       reason="award" if k == 0 else "indexation", key=f"crash:{i}:{k}")
        if w["annuity"]:
            entries.append(Entry(f"crash-annuity:{i}", "test annuity", date(2025, 8, 31),
                                 [("fund:pension", w["annuity"], 0), (f"personal:{person.pk}:annuity", 0, w["annuity"])]))
    post_batch(kind="test", entries=entries, progress=None)


def accounts(indexes: list[int], salt: int) -> None:
    from laobao.benefits import services
    from laobao.registry.models import Person

    for i in indexes:
        person = Person.objects.get(citizen_id=_citizen_id(i + 1))
        services.open_account(user=None, person=person, bank_code=BANKS[(i + salt) % len(BANKS)],
                              account_no=_card(i + 1, salt), holder_name=person.name)


if __name__ == "__main__":
    import django

    django.setup()
    from django.db import transaction

    from laobao.core.context import acting_as

    with acting_as(None, username="crash-world"), transaction.atomic():
        if sys.argv[2] == "load":
            load(int(sys.argv[1]))
        else:
            accounts([int(a) for a in sys.argv[4:]], int(sys.argv[3]))
