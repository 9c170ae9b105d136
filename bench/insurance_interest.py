"""Yearly interest speed (issue 4): ``laobao accounts credit-interest --year 2024`` over N pension accounts.

    LAOBAO_ENV=test .venv/bin/python bench/insurance_interest.py [--accounts 2000000]              # SQLite
    bash scripts/with-postgres.sh .venv/bin/python bench/insurance_interest.py --accounts 2000000  # PostgreSQL

Setup (not timed): N accounts ``personal:<i>:pension`` each with an opening credit valued 2023-12-31 and two
credits in 2024 (3N journal lines), posted with ``ledger.batch.post_batch``, then VACUUM (ANALYZE) on
PostgreSQL (see ``vacuum_analyze``). Timed: the command as a
subprocess, start-up to commit, then a second run (must post nothing). Results merged into
bench/out/results.json under ``interest-<db>-<accounts>``. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGET_S = 15.0
CHUNK = 20_000


def prepare(db: str, n: int, name: str) -> None:
    os.environ.setdefault("LAOBAO_ENV", "test")
    if db == "sqlite":
        work = OUT / f"{name}-sqlite-{n}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        os.environ["LAOBAO_VAR"] = str(work)
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'laobao.sqlite3'}"
        return
    import psycopg

    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS laobao_bench_{name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE laobao_bench_{name}")
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/laobao_bench_{name}"))


def setup(n: int) -> float:
    from django.core.management import call_command
    from django.db import transaction

    from laobao.core.context import acting_as
    from laobao.ledger.batch import Entry, post_batch

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with acting_as(None, username="bench"), transaction.atomic():
        for day, amount in ((date(2023, 12, 31), 1_000_000), (date(2024, 3, 15), 40_000), (date(2024, 9, 15), 40_000)):
            entries = []
            for lo in range(1, n + 1, CHUNK):
                hi = min(n, lo + CHUNK - 1)
                lines = [("fund:pension", amount * (hi - lo + 1), 0)]
                lines += [(f"personal:{i}:pension", 0, amount + i % 997) for i in range(lo, hi + 1)]
                lines[0] = ("fund:pension", sum(c for _, _, c in lines[1:]), 0)
                entries.append(Entry(f"bench:{day}:{lo}", "bench", day, lines))
            post_batch(kind="bench", entries=entries, progress=None)
    vacuum_analyze("ledger_journalline", "ledger_account", "ledger_journalentry")
    return round(time.perf_counter() - started, 1)


def vacuum_analyze(*tables: str) -> None:
    """PostgreSQL: VACUUM (ANALYZE) the tables the setup loaded, the state autovacuum leaves a journal in long
    before a year-end run reads it (hint bits set, visibility map set so the covering index serves index-only
    reads). Without it the timed run pays for setting the hint bits of every row the setup wrote (the 500,000
    account interest read: 10.7 s against 2.8 s). SQLite: nothing to do."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute("VACUUM (ANALYZE) " + connection.ops.quote_name(table))


def run_cli(*args, profile: str | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    prof = ["-m", "cProfile", "-o", profile] if profile else []
    proc = subprocess.run([sys.executable, *prof, "-m", "laobao.cli", *args], capture_output=True, text=True,
                          env=os.environ)
    if proc.returncode:
        sys.exit(proc.stderr[-3000:])
    if os.environ.get("BENCH_VERBOSE"):
        sys.stderr.write(proc.stderr[-6000:])
    return round(time.perf_counter() - started, 2), proc.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default=None)
    args = parser.parse_args()
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    prepare(db, args.accounts, "interest")
    os.environ["DJANGO_SETTINGS_MODULE"] = "laobao.settings"
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    import machine

    result = {"db": db, "accounts": args.accounts, "setup_s": setup(args.accounts)}
    result["run_s"], result["run_out"] = run_cli("accounts", "credit-interest", "--year", "2024",
                                                profile=os.environ.get("BENCH_PROFILE"))
    result["rerun_s"], result["rerun_out"] = run_cli("accounts", "credit-interest", "--year", "2024")
    result["machine"] = machine.describe()
    verdict = "ok" if result["run_s"] <= TARGET_S else "MISSED"
    print(f"interest {db} {args.accounts:,} accounts: {result['run_s']} s (target ≤ {TARGET_S} s) {verdict}; "
          f"second run {result['rerun_s']} s\n  {result['run_out']}\n  {result['rerun_out']}")
    OUT.mkdir(exist_ok=True)
    path = OUT / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[f"interest-{db}-{args.accounts}"] = result
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
