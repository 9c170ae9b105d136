"""Monthly payroll speed (issue 5): ``laobao payroll --month 2026-01`` over N pensions (default 500,000) and
N/10 unemployment benefits (with their medical contributions).

    LAOBAO_ENV=test .venv/bin/python bench/benefits_payroll.py [--pensions 500000]              # SQLite
    bash scripts/with-postgres.sh .venv/bin/python bench/benefits_payroll.py --pensions 500000  # PostgreSQL

Setup (not timed), loaded with ``core.bulk.copy_rows``: N persons, each with a current 代发账户 at one of the
eight seeded banks, a pension (start event, award rate with basic + account components). 5 % started three
months before the run month and are approved after the previous month's run (late approvals: back pay in one
line), the other 95 % were paid the month before (unemployment benefits: started 2025-12, a year long) (a setup run of 2025-12, so the timed run reads a payment
history), 10 % have an annuity account (posted with
``ledger.batch.post_batch``) that pays the account part. Timed: the command as a subprocess (start-up to
commit, bank files included), then a second run (must write nothing). Results merged into
bench/out/results.json under ``payroll-<db>-<pensions>``. A benchmark, not a test. Target (issue 5):
500,000 retirees + 50,000 other beneficiaries under 15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGET_S = 15.0
RUN = "2026-01"
BANKS = ("102", "103", "104", "105", "301", "403", "313", "314")
COMPONENTS = ('[{"code": "basic", "zh": "基础养老金", "en": "basic pension", "amount_fen": %d, "formula": "bench"}, '
              '{"code": "account", "zh": "个人账户养老金", "en": "account pension", "amount_fen": %d, "formula": "bench"}]')


def _card(i: int) -> str:
    body = f"622202{i:012d}"
    total = 0
    for k, ch in enumerate(reversed(body + "0")):
        d = int(ch)
        if k % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def setup(n: int, others: int = 0) -> float:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from laobao.benefits.models import BankAccount, Benefit, BenefitEvent, BenefitRate
    from laobao.benefits.payroll.run import run_payroll
    from laobao.core.bulk import copy_rows, db_timestamp, reset_sequences
    from laobao.core.context import acting_as
    from laobao.core.identifiers import citizen_id_check_char
    from laobao.ledger.batch import Entry, post_batch
    from laobao.registry.models import Person

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    total = n + others
    now = db_timestamp(timezone.now())
    bank_ids = dict(__import__("laobao.benefits.models", fromlist=["Bank"]).Bank.objects.values_list("code", "id"))

    def cid(i: int) -> str:
        day = i // 1000
        first17 = f"320508{1950 + day // 336:04d}{day // 28 % 12 + 1:02d}{day % 28 + 1:02d}{i % 1000:03d}"
        return first17 + citizen_id_check_char(first17)

    def start(i: int) -> str:
        return "2025-10-01" if i % 20 == 0 else "2025-12-01"

    def kind(i: int) -> tuple:
        return ("pension", "fund:pension", None) if i <= n else ("unemployment", "fund:unemployment", "2026-11-01")

    def pensions(which) -> None:
        rows = list(which)
        copy_rows("benefits_benefit", ("id", "person_id", "kind", "fund", "start_month", "end_month", "status", "source",
                                       "created_at"),
                  ((i, i, *kind(i)[:2], start(i), kind(i)[2], "active", f"bench:{i}", now) for i in rows),
                  total=len(rows), label="benefits")
        copy_rows("benefits_benefitevent", ("id", "benefit_id", "kind", "month", "reason", "note", "at"),
                  ((i, i, "start", start(i), "bench", "", now) for i in rows), total=len(rows), label="events")
        copy_rows("benefits_benefitrate", ("id", "benefit_id", "from_month", "monthly_fen", "components", "reason", "key",
                                           "created_at"),
                  ((i, i, start(i), 250_000 + i % 1000 * 100 + 40_000 + i % 97,
                    COMPONENTS % (250_000 + i % 1000 * 100, 40_000 + i % 97), "award", f"award:bench:{i}", now)
                   for i in rows), total=len(rows), label="rates")

    with acting_as(None, username="bench"), transaction.atomic():
        copy_rows("registry_person", ("id", "citizen_id", "legacy_id15", "name", "sex", "birth_date", "hukou_type",
                                      "hukou_region_code", "mobile", "created_at", "updated_at"),
                  ((i, cid(i), "", "张伟", "m", "1955-01-01", "urban", "320508", "", now, now) for i in range(1, total + 1)),
                  total=total, label="persons")
        copy_rows("benefits_bankaccount", ("id", "person_id", "bank_id", "account_no", "holder_name", "opened_on"),
                  ((i, i, bank_ids[BANKS[i % 8]], _card(i), "张伟", "2019-12-01") for i in range(1, total + 1)),
                  total=total, label="accounts")
        pensions(i for i in range(1, total + 1) if i % 20)
        reset_sequences(Person, BankAccount, Benefit, BenefitEvent, BenefitRate)
        entries = []
        for lo in range(1, n + 1, 20_000):
            who = [i for i in range(lo, min(n, lo + 19_999) + 1) if i % 10 == 3]
            lines = [(f"personal:{i}:annuity", 0, 100_000 + i % 5000) for i in who]
            entries.append(Entry(f"bench-annuity:{lo}", "bench", date(2025, 12, 31),
                                 [("fund:pension", sum(c for _, _, c in lines), 0)] + lines))
        post_batch(kind="bench", entries=entries, progress=None)
    # the month before, paid (payment history as a running system has it), then the late approvals
    with acting_as(None, username="bench"):
        run_payroll(date(2025, 12, 1), OUT / "payroll-setup-files", progress=None)
    with acting_as(None, username="bench"), transaction.atomic():
        pensions(range(20, total + 1, 20))
        reset_sequences(Benefit, BenefitEvent, BenefitRate)
    from insurance_interest import vacuum_analyze

    vacuum_analyze("registry_person", "benefits_bankaccount", "benefits_benefit", "benefits_benefitevent",
                   "benefits_benefitrate", "ledger_journalline", "ledger_account")
    return round(time.perf_counter() - started, 1)


def _medical_value() -> None:
    """The shipped ``unemployment.medical_contribution`` has no value yet (no citable notice); the bench measures
    the payroll with the medical rows written, so the run (and its subprocess) read a copy of the parameter tree
    with a test value of 300.00 yuan a month (LAOBAO_PARAMETERS), as the tests do."""
    from laobao.policy.params import SHIPPED

    root = OUT / "parameters-payroll"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(SHIPPED, root)
    (root / "unemployment" / "medical_contribution.yaml").write_text(
        "description: bench copy / bench copy\nlabel: {zh: 失业人员基本医疗保险费, en: medical contribution}\nunit: fen\n"
        "values:\n  2011-07-01: {value: 30000, reference: bench value (not a Suzhou figure), status: unverified}\n",
        encoding="utf-8")
    os.environ["LAOBAO_PARAMETERS"] = str(root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pensions", type=int, default=500_000)
    parser.add_argument("--others", type=int, default=None, help="unemployment benefits (default pensions / 10)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default=None)
    parser.add_argument("--reuse", action="store_true", help="SQLite: start from the snapshot of an earlier setup")
    args = parser.parse_args()
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    sys.path.insert(0, str(HERE))
    from insurance_interest import prepare, run_cli

    others = args.pensions // 10 if args.others is None else args.others
    snapshot = OUT / f"payroll-snapshot-{args.pensions}-{others}.sqlite3"
    reuse = args.reuse and db == "sqlite" and snapshot.is_file()
    prepare(db, args.pensions, "payroll")
    if reuse:  # the state the setup left, copied back (SQLite: iterate on the timed run without the setup)
        shutil.copyfile(snapshot, os.environ["DATABASE_URL"].removeprefix("sqlite:///"))
    _medical_value()
    os.environ["DJANGO_SETTINGS_MODULE"] = "laobao.settings"
    import django

    django.setup()
    import machine

    files = OUT / f"payroll-files-{db}-{args.pensions}"
    result = {"db": db, "pensions": args.pensions, "others": others,
              "setup_s": "reused" if reuse else setup(args.pensions, others)}
    if db == "sqlite" and not reuse:
        from django.db import connection

        connection.close()
        shutil.copyfile(os.environ["DATABASE_URL"].removeprefix("sqlite:///"), snapshot)
    result["run_s"], result["run_out"] = run_cli("payroll", "--month", RUN, "--out", str(files),
                                                profile=os.environ.get("BENCH_PROFILE"))
    result["rerun_s"], result["rerun_out"] = run_cli("payroll", "--month", RUN, "--out", str(files))
    result["machine"] = machine.describe()
    verdict = ("ok" if result["run_s"] <= TARGET_S else "MISSED") if args.pensions + others >= 550_000 else "below target scale"
    print(f"payroll {db} {args.pensions:,} pensions + {others:,} others: {result['run_s']} s (target: 550,000 beneficiaries ≤ {TARGET_S} s) "
          f"{verdict}; second run {result['rerun_s']} s\n  {result['run_out']}\n  {result['rerun_out']}")
    OUT.mkdir(exist_ok=True)
    path = OUT / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[f"payroll-{db}-{args.pensions}"] = result
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
