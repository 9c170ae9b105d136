"""Monthly assessment speed (issue 4, "Speed and memory"): N insured persons, all five insurances, ~N/20 employers.

    LAOBAO_ENV=test .venv/bin/python bench/insurance_assess.py [--persons 2000000]              # SQLite
    bash scripts/with-postgres.sh .venv/bin/python bench/insurance_assess.py --persons 2000000  # PostgreSQL

Loads persons, employers, five enrollments per person, declarations and risk classes with ``copy_rows``
(not timed as part of the assessment), then runs ``laobao assess --month 2024-07`` as a subprocess: wall-clock
end to end (start-up to commit) and its peak RSS. Then the same contribution lines are COPY-loaded into an
empty table of the same shape (the "within 3× of COPY" yardstick) and into a long table (one row per person ×
insurance, for ADR 0008), and the storage each takes is measured. Results: printed, and merged into
bench/out/results.json under ``assess-<db>-<persons>``. A benchmark, not a test: it never fails on a missed target.

On a shared machine, compare CPU time in process instead (``bench/insurance_assess_inprocess.py``):

    LAOBAO_ENV=test .venv/bin/python bench/insurance_assess.py --persons 500000 --in-process 2 \
        --baseline /tmp/old --drop-index insurance_enrollment_assess_cover   # /tmp/old/assess_base: old package

runs the assessment N times per variant on fresh copies of the loaded database, alternating the current code
with a copy of the old package, and prints wall, client CPU and PostgreSQL backend CPU per phase
(``ASSESS_PROFILE=1`` adds a cProfile). ``--reuse`` times the database an earlier run of the same size loaded
(SQLite file / PostgreSQL database still there) instead of loading it again. On PostgreSQL the loaded tables are VACUUMed, as autovacuum would.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGETS = {"postgres": 20.0, "sqlite": 30.0, "copy_ratio": 3.0, "peak_mb": 2048}
MONTH = date(2024, 7, 1)
FIVE = ("pension", "medical", "unemployment", "injury", "maternity")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=2006)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default=None)
    parser.add_argument("--in-process", type=int, default=0, metavar="N",
                        help="instead of the subprocess run: N in-process runs per variant on fresh copies of the "
                             "loaded database, with wall, CPU (client and PostgreSQL backend) and phase times")
    parser.add_argument("--baseline", default="", metavar="DIR",
                        help="with --in-process: a directory holding a copy of the assessment package as "
                             "'assess_base', run alternately with the current one (A/B in the same minute)")
    parser.add_argument("--drop-index", default="", metavar="NAME",
                        help="with --baseline: drop this index in the baseline's copies (to A/B a new index)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --in-process: time the database loaded by an earlier run (same --persons)")
    return parser.parse_args(argv)


def prepare(db: str, persons: int, reuse: bool = False) -> str:
    os.environ.setdefault("LAOBAO_ENV", "test")
    if db == "sqlite":
        work = OUT / f"assess-sqlite-{persons}"
        if reuse and (work / "laobao.sqlite3").exists():
            os.environ["LAOBAO_VAR"] = str(work)
            os.environ["DATABASE_URL"] = f"sqlite:///{work / 'laobao.sqlite3'}"
            return str(work / "laobao.sqlite3")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        os.environ["LAOBAO_VAR"] = str(work)
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'laobao.sqlite3'}"
        return str(work / "laobao.sqlite3")
    import psycopg

    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'laobao_bench_assess'").fetchone()
        if not (reuse and exists):
            conn.execute("DROP DATABASE IF EXISTS laobao_bench_assess WITH (FORCE)")
            conn.execute("CREATE DATABASE laobao_bench_assess")
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path="/laobao_bench_assess"))
    return "laobao_bench_assess"


def load(persons: int, seed: int) -> dict:
    """Persons, employers, enrollments, declarations, risk classes, limits: one transaction of copy_rows."""
    from django.db import transaction
    from django.utils import timezone

    from laobao.core.bulk import analyze, copy_rows, db_timestamp, indexes_deferred, reset_sequences
    from laobao.core.models import Region
    from laobao.insurance.models import BaseLimit, Enrollment
    from laobao.registry.models import Employer, Person

    rng = np.random.default_rng(seed)
    employers = max(persons // 20, 1)
    regions = list(Region.objects.filter(code__startswith="3205", level="street").values_list("id", flat=True))
    now = db_timestamp(timezone.now())
    emp_region = rng.choice(regions, size=employers).tolist()
    person_emp = (rng.integers(0, employers, size=persons) + 1).tolist()
    wages = rng.integers(200_000, 4_000_000, size=persons).tolist()
    started = time.perf_counter()
    tables = ("registry_person", "registry_employer", "insurance_enrollment", "insurance_basedeclaration")
    with transaction.atomic(), indexes_deferred(*tables):
        BaseLimit.objects.create(year=2024, floor_fen=487_900, cap_fen=2_439_600, reference="江苏 2024 (bench)")
        copy_rows("registry_employer", ("id", "credit_code", "name", "type", "industry", "size", "region_id", "status",
                                        "created_at", "updated_at"),
                  ((i + 1, f"91320500{i:010d}", f"单位{i}", "private", "C", "small", emp_region[i], "active", now, now)
                   for i in range(employers)), label="employers")
        copy_rows("insurance_employerriskclass", ("employer_id", "from_month", "risk_class"),
                  ((i + 1, "2015-10-01", 1 + i % 8) for i in range(employers)), label="risk classes")
        copy_rows("registry_person", ("id", "citizen_id", "legacy_id15", "name", "sex", "birth_date", "hukou_type",
                                      "hukou_region_code", "residence_region_id", "mobile", "created_at", "updated_at"),
                  ((i + 1, f"3205{i:013d}X", "", f"参保人{i}", "1", "1980-01-01", "urban", "320508",
                    regions[i % len(regions)], "", now, now) for i in range(persons)), label="persons")
        copy_rows("insurance_enrollment", ("person_id", "insurance", "employer_id", "start_month", "start_reason",
                                           "end_reason", "created_at", "updated_at"),
                  ((p + 1, ins, person_emp[p], "2024-01-01", "hire", "", now, now)
                   for p in range(persons) for ins in FIVE), total=persons * 5, label="enrollments")
        copy_rows("insurance_basedeclaration", ("person_id", "employer_id", "year", "wage_fen", "kind", "created_at",
                                                "updated_at"),
                  ((p + 1, person_emp[p], 2024, wages[p], "declared", now, now) for p in range(persons)
                   if p % 50), label="declarations")  # 2% declared nothing: the missing rule
    reset_sequences(Person, Employer, Enrollment)
    analyze(*tables, "insurance_employerriskclass")
    vacuum_like_autovacuum(*tables)
    return {"seconds": round(time.perf_counter() - started, 1), "employers": employers}


def vacuum_like_autovacuum(*tables: str) -> None:
    """PostgreSQL: what autovacuum does to a freshly loaded table within a minute (insert threshold): VACUUM
    sets the visibility map, so an index-only scan need not visit the heap. A city's enrollments are old,
    vacuumed rows; a benchmark that assesses seconds after the bulk load would otherwise measure a state the
    product never sees."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("VACUUM " + connection.ops.quote_name(table))


def storage_bytes(tables: list[str], path: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")
            return sum(_pg_size(cursor, t) for t in tables)
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(path).stat().st_size


def _pg_size(cursor, table: str) -> int:
    cursor.execute("SELECT pg_total_relation_size(%s::regclass)", [table])
    return int(cursor.fetchone()[0])


def assess_subprocess() -> dict:
    env = {**os.environ}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "laobao.cli", "assess", "--month", f"{MONTH:%Y-%m}"], env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(done.stderr)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": round(seconds, 1), "peak_mb": round(peak_kib / 1024), "line": done.stdout.strip()}


WIDE_COPY = "bench_wide_copy"
LONG_COPY = "bench_long_copy"


def copy_yardstick(path: str) -> dict:
    """COPY the month's contribution rows into an empty wide table, then as long rows into a long table."""
    from django.db import connection, transaction

    from laobao.core.bulk import copy_rows
    from laobao.insurance.assessment.write import CONTRIBUTION_COLUMNS

    cols = ", ".join(CONTRIBUTION_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + cols + " FROM insurance_contribution")
        rows = cursor.fetchall()
        for table in (WIDE_COPY, LONG_COPY):
            cursor.execute("DROP TABLE IF EXISTS " + connection.ops.quote_name(table))
        cursor.execute("CREATE TABLE bench_wide_copy AS SELECT * FROM insurance_contribution WHERE 1 = 0")
        cursor.execute("CREATE INDEX bench_wide_pm ON bench_wide_copy (person_id, month)")
        cursor.execute("CREATE INDEX bench_wide_b ON bench_wide_copy (bill_id)")
        cursor.execute("CREATE TABLE bench_long_copy (id bigint, bill_id bigint, person_id bigint, month date, "
                       "insurance varchar(16), adjustment boolean, flags smallint, base bigint, employer bigint, "
                       "employee bigint, account bigint)")
        cursor.execute("CREATE INDEX bench_long_pm ON bench_long_copy (person_id, month)")
        cursor.execute("CREATE INDEX bench_long_b ON bench_long_copy (bill_id)")
    before = storage_bytes([], path) if connection.vendor != "postgresql" else 0
    started = time.perf_counter()
    with transaction.atomic():
        copy_rows(WIDE_COPY, CONTRIBUTION_COLUMNS, rows, label="COPY wide")
    copy_s = time.perf_counter() - started
    mid = storage_bytes([WIDE_COPY], path)
    idx = {c: i for i, c in enumerate(CONTRIBUTION_COLUMNS)}
    slots = [("pension", "pension_base", "pension_employer", "pension_employee", "account"),
             ("medical", "medical_base", "medical_employer", "medical_employee", None),
             ("unemployment", "unemployment_base", "unemployment_employer", "unemployment_employee", None),
             ("injury", "injury_base", "injury_employer", None, None),
             ("maternity", "maternity_base", "maternity_employer", None, None)]
    long_rows = ((n, r[0], r[1], r[2], ins, r[3], r[4], r[idx[b]], r[idx[er]], r[idx[ee]] if ee else 0,
                  r[idx[ac]] if ac else 0)
                 for n, (r, (ins, b, er, ee, ac)) in enumerate(((r, s) for r in rows for s in slots)) if r[idx[b]] is not None)
    started = time.perf_counter()
    with transaction.atomic():
        n_long = copy_rows(LONG_COPY, ("id", "bill_id", "person_id", "month", "insurance", "adjustment", "flags",
                                      "base", "employer", "employee", "account"), long_rows, label="COPY long")
    long_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        wide_b, long_b = storage_bytes([WIDE_COPY], path), storage_bytes([LONG_COPY], path)
    else:
        wide_b, long_b = mid - before, storage_bytes([], path) - mid
    out = {"copy_s": round(copy_s, 1), "rows": len(rows), "wide_mb": round(wide_b / 2**20),
           "long_rows": n_long, "long_copy_s": round(long_s, 1), "long_mb": round(long_b / 2**20)}
    if connection.vendor == "postgresql":
        out["copy_fk_s"] = copy_with_foreign_keys(rows)
    return out


FK_COPY = "bench_wide_fk"


def copy_with_foreign_keys(rows) -> float:
    """PostgreSQL: the same COPY into a table that also has the real table's two deferred foreign keys
    (bill, person), timed to the commit that checks them: what the row-by-row FK checks cost."""
    from django.db import connection, transaction

    from laobao.core.bulk import copy_rows
    from laobao.insurance.assessment.write import CONTRIBUTION_COLUMNS

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_wide_fk")
        cursor.execute("CREATE TABLE bench_wide_fk (LIKE insurance_contribution INCLUDING DEFAULTS "
                       "INCLUDING INDEXES INCLUDING IDENTITY)")
        for column, target in (("bill_id", "insurance_bill"), ("person_id", "registry_person")):
            cursor.execute("ALTER TABLE bench_wide_fk ADD FOREIGN KEY (" + column + ") REFERENCES " + target +
                           " (id) DEFERRABLE INITIALLY DEFERRED")
    started = time.perf_counter()
    with transaction.atomic():
        copy_rows(FK_COPY, CONTRIBUTION_COLUMNS, rows, label="COPY wide + FK")
    seconds = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_wide_fk")
    return seconds


def main(argv=None) -> int:
    args = parse_args(argv)
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    reuse = args.reuse and args.in_process
    path = prepare(db, args.persons, reuse)
    os.environ["DJANGO_SETTINGS_MODULE"] = "laobao.settings"
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    from django.core.management import call_command

    import machine

    from django.db import connection

    call_command("lb_migrate", verbosity=0)
    result = {"db": db, "persons": args.persons, "machine": machine.describe(connection)}
    if args.in_process and reuse:
        import insurance_assess_inprocess as inprocess

        return inprocess.main(args, path)
    result["load"] = load(args.persons, args.seed)
    if args.in_process:
        import insurance_assess_inprocess as inprocess

        return inprocess.main(args, path)
    money = ["insurance_bill", "insurance_billitem", "insurance_contribution", "ledger_journalentry",
             "ledger_journalline"]
    before = storage_bytes(money, path)
    result["assess"] = assess_subprocess()
    result["month_mb"] = round((storage_bytes(money, path) - before) / 2**20)
    result["copy"] = copy_yardstick(path)
    result["copy_ratio"] = round(result["assess"]["seconds"] / max(result["copy"]["copy_s"], 0.1), 1)
    report(result)
    OUT.mkdir(exist_ok=True)
    saved = OUT / "results.json"
    data = json.loads(saved.read_text()) if saved.exists() else {}
    data[f"assess-{db}-{args.persons}"] = result
    saved.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


def report(r: dict) -> None:
    a, c = r["assess"], r["copy"]
    target = TARGETS[r["db"]]
    print(f"\nmonthly assessment: {r['db']}, {r['persons']:,} persons, {r['load']['employers']:,} employers")
    print(f"  {a['line']}")
    print(f"  assess end to end  {a['seconds']:.1f} s   target ≤ {target:.0f} s   {'ok' if a['seconds'] <= target else 'MISSED'}")
    print(f"  COPY same lines    {c['copy_s']:.1f} s   ratio {r['copy_ratio']}×   target ≤ 3×   "
          f"{'ok' if r['copy_ratio'] <= 3 else 'MISSED'}")
    if "copy_fk_s" in c:
        print(f"  COPY same lines into a table with the two deferred FKs  {c['copy_fk_s']:.1f} s")
    print(f"  peak RSS           {a['peak_mb']} MB   target < 2048 MB")
    print(f"  storage per month  {r['month_mb']} MB (bills, items, lines, journal)")
    print(f"  lines wide {c['rows']:,} rows {c['wide_mb']} MB; long {c['long_rows']:,} rows {c['long_mb']} MB "
          f"(COPY {c['long_copy_s']:.1f} s)")
    print(f"  (load {r['load']['seconds']:.1f} s)")


if __name__ == "__main__":
    sys.exit(main())
