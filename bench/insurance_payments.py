"""Payment import speed (issue 4): ``laobao payments import`` of N payment lines (default 100,000).

    LAOBAO_ENV=test .venv/bin/python bench/insurance_payments.py [--payments 100000]              # SQLite
    bash scripts/with-postgres.sh .venv/bin/python bench/insurance_payments.py --payments 100000  # PostgreSQL

Setup (not timed): N employers, each with one person and a bill for 2024-06 (pension + medical items, one
contribution line), posted ``bill:<id>`` as the assessment contract says; a payment file of N lines: 80 % pay
in full on time, 10 % pay part, 5 % overpay, 5 % pay 20 days late (late fees). Timed: the import as a
subprocess (start-up to commit), then the same file again (must import nothing). On PostgreSQL the setup ends
with VACUUM (ANALYZE) (``insurance_interest.vacuum_analyze``). Besides the wall time it records the CPU of the
timed command (client) and, on a PostgreSQL server on the same machine, of the server (from /proc): on a busy
machine the wall time says little. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGET_S = 10.0
MONTH = date(2024, 6, 1)


def setup(n: int, path: Path) -> float:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from laobao.core.bulk import copy_rows, db_timestamp, reset_sequences
    from laobao.core.context import acting_as
    from laobao.core.identifiers import citizen_id_check_char, credit_code_check_char, org_code_check_char
    from laobao.insurance.models import Bill, BillItem
    from laobao.ledger.batch import Entry, post_batch
    from laobao.registry.models import Employer, Person

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    now = db_timestamp(timezone.now())
    codes = []
    for i in range(1, n + 1):
        body = f"{i:08d}"
        first17 = "91320508" + body + org_code_check_char(body)
        codes.append(first17 + credit_code_check_char(first17))
    cids = []
    for i in range(n):
        first17 = f"320508{1960 + (i // 336) % 40:04d}{(i // 28) % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000 // 1:03d}"[:17]
        cids.append(first17 + citizen_id_check_char(first17))
    with acting_as(None, username="bench"), transaction.atomic():
        copy_rows("registry_employer", ("id", "credit_code", "name", "type", "industry", "size", "status",
                                        "created_at", "updated_at"),
                  ((i + 1, c, f"单位{i}", "private", "C", "small", "active", now, now) for i, c in enumerate(codes)),
                  progress=None)
        copy_rows("registry_person", ("id", "citizen_id", "legacy_id15", "name", "sex", "birth_date", "hukou_type",
                                      "hukou_region_code", "mobile", "created_at", "updated_at"),
                  ((i + 1, c, "", "张伟", "m", "1980-01-01", "urban", "320508", "", now, now)
                   for i, c in enumerate(dict.fromkeys(cids))), progress=None)
        persons = len(dict.fromkeys(cids))
        due = "2024-06-30"
        copy_rows("insurance_bill", ("id", "employer_id", "month", "due_date", "issued_at", "run", "due_fen", "lines"),
                  ((i, i, MONTH.isoformat(), due, now, "bench", 33000, 1) for i in range(1, n + 1)), progress=None)
        copy_rows("insurance_billitem", ("id", "bill_id", "insurance", "month", "employer_fen", "employee_fen",
                                         "account_fen", "due_fen"),
                  (row for i in range(1, n + 1) for row in ((2 * i - 1, i, "pension", MONTH.isoformat(), 16000, 8000,
                                                             8000, 24000),
                                                            (2 * i, i, "medical", MONTH.isoformat(), 7000, 2000, 0,
                                                             9000))), progress=None)
        copy_rows("insurance_contribution", ("bill_id", "person_id", "month", "adjustment", "flags", "wage_fen",
                                             "pension_base", "pension_employer", "pension_employee", "account",
                                             "medical_base", "medical_employer", "medical_employee"),
                  ((i, (i - 1) % persons + 1, MONTH.isoformat(), False, 0, 500000, 500000, 16000, 8000, 8000, 500000,
                    7000, 2000) for i in range(1, n + 1)), progress=None)
        reset_sequences(Employer, Person, Bill, BillItem)
        post_batch(kind="assessment", entries=[
            Entry(f"bill:{i}", "bench bill", MONTH, [(f"receivable:employer:{i}", 33000, 0), ("fund:pension", 0, 24000),
                                                       ("fund:medical", 0, 9000)]) for i in range(1, n + 1)],
                   progress=None)
    from insurance_interest import vacuum_analyze

    vacuum_analyze("insurance_billitem", "insurance_bill", "insurance_contribution", "ledger_journalline",
                   "ledger_journalentry", "ledger_account", "registry_employer", "registry_person")
    rng = random.Random(4)
    lines = ["bank_ref,channel,payer_code,amount,paid_on"]
    for i, code in enumerate(codes):
        r = rng.random()
        amount, day = 33000, "2024-06-25"
        if r < 0.10:
            amount = rng.randint(100, 32999)
        elif r < 0.15:
            amount = 33000 + rng.randint(1, 50000)
        elif r < 0.20:
            day = "2024-07-20"
        lines.append(f"BR{i:08d},bank,{code},{amount // 100}.{amount % 100:02d},{day}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return round(time.perf_counter() - started, 1)


def _server_cpu() -> float | None:
    """PostgreSQL on this machine: CPU seconds of the server (postmaster, its live children and the children it has
    reaped — each finished backend), read from /proc; None when not readable (another host, SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        master = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
        tick = os.sysconf("SC_CLK_TCK")
        fields = Path(f"/proc/{master}/stat").read_text().rsplit(")", 1)[1].split()
        total = sum(int(x) for x in fields[11:15])
        for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
            f = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])
        return total / tick
    except (OSError, ValueError, IndexError):
        return None


def run_cli(*args, profile: str | None = None) -> tuple[float, str]:
    """Wall seconds and stdout of ``laobao *args``; the client's and the server's CPU go to ``LAST_CPU``."""
    started = time.perf_counter()
    before, server = resource.getrusage(resource.RUSAGE_CHILDREN), _server_cpu()
    prof = ["-m", "cProfile", "-o", profile] if profile else []
    proc = subprocess.run([sys.executable, *prof, "-m", "laobao.cli", *args], capture_output=True, text=True,
                          env=os.environ)
    wall = round(time.perf_counter() - started, 2)
    after, server_after = resource.getrusage(resource.RUSAGE_CHILDREN), _server_cpu()
    LAST_CPU["client_cpu_s"] = round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 2)
    LAST_CPU["server_cpu_s"] = round(server_after - server, 2) if server is not None and server_after else None
    if proc.returncode:
        sys.exit(proc.stderr[-3000:])
    if os.environ.get("BENCH_VERBOSE"):
        sys.stderr.write(proc.stderr[-6000:])
    return wall, proc.stdout.strip()


LAST_CPU: dict = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default=None)
    args = parser.parse_args()
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    sys.path.insert(0, str(HERE))
    from insurance_interest import prepare

    prepare(db, args.payments, "payments")
    os.environ["DJANGO_SETTINGS_MODULE"] = "laobao.settings"
    import django

    django.setup()
    import machine

    file = OUT / f"payments-{args.payments}.csv"
    result = {"db": db, "payments": args.payments, "setup_s": setup(args.payments, file)}
    result["run_s"], result["run_out"] = run_cli("payments", "import", str(file),
                                                profile=os.environ.get("BENCH_PROFILE"))
    result.update(LAST_CPU)
    result["load_avg"] = round(os.getloadavg()[0], 1)
    result["rerun_s"], result["rerun_out"] = run_cli("payments", "import", str(file))
    result["reconcile_s"], _ = run_cli("reconcile")
    result["machine"] = machine.describe()
    verdict = "ok" if result["run_s"] <= TARGET_S else "MISSED"
    print(f"payments {db} {args.payments:,} lines: {result['run_s']} s (target ≤ {TARGET_S} s) {verdict}; CPU client "
          f"{result['client_cpu_s']} s, server {result['server_cpu_s']} s, load {result['load_avg']}; "
          f"again {result['rerun_s']} s; reconcile {result['reconcile_s']} s\n  {result['run_out']}\n"
          f"  {result['rerun_out']}")
    path = OUT / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[f"payments-{db}-{args.payments}"] = result
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
