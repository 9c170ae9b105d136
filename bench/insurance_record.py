"""Contribution record (issue 4, "Speed"): a person's full record with many insured × months stored.

    LAOBAO_ENV=test .venv/bin/python bench/insurance_record.py [--insured 200000] [--months 24] [--db sqlite]
    bash scripts/with-postgres.sh env LAOBAO_ENV=test .venv/bin/python bench/insurance_record.py --db postgres

Loads the demo city's persons (``laobao.demo.generator``, ``--insured`` persons, ``--employers`` employers),
then ``--months`` monthly bills of every employer with one wide Contribution row per insured person and
month, five items per bill, one payment per bill and a principal allocation per item (all but the last
two months paid), all by ``core.bulk.copy_rows`` in one transaction. One target person also has
``--years`` × 12 months (default 20 years) with their employer, so their record is 240 months × 5
insurances. Then it times (a) ``insurance.selectors.person_record`` for the target (p50/p99; target p99 under
10 ms) and for random persons with ``--months`` months, and (b) the page ``/persons/<id>/record/`` through
Django's test client, logged in as the city officer (target p99 under 100 ms). Results go to
bench/out/insurance_record.json under ``<db>-<insured>x<months>``. A benchmark, not a test: it never fails
on a missed target, it says so.

``--reuse`` keeps the database a previous run loaded at the same ``--insured``/``--months`` (SQLite: the file
under bench/out/record-sqlite-<insured>x<months>/; PostgreSQL: the database laobao_bench_record, which lives
only as long as the server, so within one scripts/with-postgres.sh session), applies pending migrations and
times again: seconds instead of the load's minutes, for before/after comparisons.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGET_SELECTOR_P99_MS, TARGET_PAGE_P99_MS = 10.0, 100.0
BASE = 500_000
# per person and month, fen: (insurance, employer, employee, account)
SHARES = (("pension", 80_000, 40_000, 40_000), ("medical", 45_000, 10_000, 0), ("unemployment", 2_500, 2_500, 0),
          ("injury", 2_500, 0, 0), ("maternity", 4_000, 0, 0))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--insured", type=int, default=200_000)
    parser.add_argument("--employers", type=int, default=None, help="default: insured / 20")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--years", type=int, default=20, help="the target person's years of record")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default=None)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2006)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database a previous run loaded at the same size (skip the load)")
    return parser.parse_args(argv)


def prepare_database(db: str, tag: str, reuse: bool = False) -> str:
    """Point Django at the bench database; a fresh empty one unless ``reuse`` (then the previous run's)."""
    os.environ.setdefault("LAOBAO_ENV", "test")
    if db == "sqlite":
        workdir = OUT / f"record-sqlite-{tag}"
        if not reuse:
            shutil.rmtree(workdir, ignore_errors=True)
        (workdir / "static").mkdir(parents=True, exist_ok=True)
        os.environ["LAOBAO_VAR"] = str(workdir)
        os.environ.pop("DATABASE_URL", None)
        return str(workdir / "laobao.sqlite3")
    (OUT / "static").mkdir(parents=True, exist_ok=True)
    os.environ["LAOBAO_VAR"] = str(OUT)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench: --db postgres needs DATABASE_URL; run it under scripts/with-postgres.sh")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'laobao_bench_record'").fetchone()
        if not (reuse and exists):
            conn.execute("DROP DATABASE IF EXISTS laobao_bench_record WITH (FORCE)")
            conn.execute("CREATE DATABASE laobao_bench_record")
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/laobao_bench_record"))
    return f"{parts.hostname}:{parts.port}/laobao_bench_record"


def month_list(last: date, n: int) -> list[date]:
    out, y, m = [], last.year, last.month
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


class Loader:
    """Writes bills, items, payments, allocations and contribution rows for (employer, month) pairs."""

    def __init__(self, employers: list[tuple[int, int | None]]):
        from laobao.core.bulk import db_timestamp, next_id

        self.employers = employers
        self.bill_id, self.item_id, self.pay_id = (next_id(t) for t in
                                                   ("insurance_bill", "insurance_billitem", "insurance_payment"))
        self.issued = db_timestamp(datetime(2026, 11, 1, tzinfo=timezone.utc))

    def bills(self, months: list[date], employer_rows, headcount, paid_months: set[date]) -> dict:
        """Rows of bills/items/payments/allocations; returns {(employer index, month): bill id}."""
        from laobao.core.bulk import copy_rows

        ids, bills, items, pays, allocs = {}, [], [], [], []
        for month in months:
            for e_index, (employer_id, region_id) in employer_rows:
                n = headcount[e_index]
                bill_id = self.bill_id
                self.bill_id += 1
                ids[(e_index, month)] = bill_id
                due = n * sum(er + ee for _, er, ee, _ in SHARES)
                bills.append((bill_id, employer_id, month.isoformat(), region_id, month.isoformat(), self.issued,
                              "bench", due, n * 5))
                if month in paid_months:
                    pays.append((self.pay_id, f"BENCH-{bill_id}", "bank", "BENCH", employer_id, due,
                                 month.isoformat(), "bench", self.issued))
                for ins, er, ee, acc in SHARES:
                    items.append((self.item_id, bill_id, ins, month.isoformat(), n * er, n * ee, n * acc, n * (er + ee)))
                    if month in paid_months:
                        allocs.append((self.pay_id, self.item_id, "principal", n * (er + ee), month.isoformat()))
                    self.item_id += 1
                if month in paid_months:
                    self.pay_id += 1
        copy_rows("insurance_bill", ("id", "employer_id", "month", "region_id", "due_date", "issued_at", "run",
                                     "due_fen", "lines"), bills, total=len(bills), label="bills")
        copy_rows("insurance_billitem", ("id", "bill_id", "insurance", "month", "employer_fen", "employee_fen",
                                         "account_fen", "due_fen"), items, total=len(items), label="items")
        copy_rows("insurance_payment", ("id", "bank_ref", "channel", "payer_code", "employer_id", "amount_fen",
                                        "paid_on", "source", "received_at"), pays, total=len(pays), label="payments")
        copy_rows("insurance_allocation", ("payment_id", "item_id", "kind", "amount_fen", "allocated_on"), allocs,
                  total=len(allocs), label="allocations")
        return ids


COLUMNS = ("bill_id", "person_id", "month", "adjustment", "flags", "wage_fen", "pension_base", "pension_employer",
           "pension_employee", "account", "medical_base", "medical_employer", "medical_employee", "unemployment_base",
           "unemployment_employer", "unemployment_employee", "injury_base", "injury_employer", "maternity_base",
           "maternity_employer")


def contribution_rows(months, person_ids, n_employers, bill_ids):
    tail = (BASE, 80_000, 40_000, 40_000, BASE, 45_000, 10_000, BASE, 2_500, 2_500, BASE, 2_500, BASE, 4_000)
    for month in months:
        text = month.isoformat()
        for index, pid in enumerate(person_ids):
            yield (bill_ids[(index % n_employers, month)], pid, text, False, 0, BASE) + tail


def load(args) -> dict:
    from django.db import connection, transaction

    from laobao.core.bulk import analyze, copy_rows, indexes_deferred, reset_sequences
    from laobao.core.context import acting_as
    from laobao.demo import generator
    from laobao.insurance.models import Allocation, Bill, BillItem, Contribution, Payment
    from laobao.registry.models import Employer, Person

    started = time.perf_counter()
    employers = args.employers or max(args.insured // 20, 1)
    with acting_as(None, username="cli:bench"):
        generator.generate(seed=args.seed, persons=args.insured, employers=employers, progress=sys.stderr)
    persons_s = time.perf_counter() - started
    person_ids = list(Person.objects.order_by("id").values_list("id", flat=True))
    employer_rows = list(enumerate(Employer.objects.order_by("id").values_list("id", "region_id")))
    n_emp = len(employer_rows)
    headcount = [len(range(i, len(person_ids), n_emp)) for i in range(n_emp)]
    months = month_list(date(2026, 10, 1), args.months)
    history = [m for m in month_list(months[0], args.years * 12 + 1)[:-1]][-(args.years * 12 - args.months):]
    tables = ("insurance_bill", "insurance_billitem", "insurance_payment", "insurance_allocation",
              "insurance_contribution")
    load_started = time.perf_counter()
    with transaction.atomic(), indexes_deferred(*tables):
        loader = Loader(employer_rows)
        bill_ids = loader.bills(months, employer_rows, headcount, set(months[:-2]))
        target = person_ids[0]  # employer index 0; its older months hold this one person
        bill_ids.update(loader.bills(history, employer_rows[:1], [1], set(history)))
        rows = len(months) * len(person_ids)
        copy_rows("insurance_contribution", COLUMNS, contribution_rows(months, person_ids, n_emp, bill_ids),
                  total=rows, label="contributions")
        copy_rows("insurance_contribution", COLUMNS, contribution_rows(history, [target], n_emp, bill_ids),
                  total=len(history), label="target history")
        reset_sequences(Bill, BillItem, Payment, Allocation, Contribution)
    load_s = time.perf_counter() - load_started
    analyze(*tables)
    size = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # as autovacuum leaves an insert-only table in service: the visibility map set, so the record's
            # probes of allocation_item_paid are index-only (a fresh COPY has no visibility map yet)
            for table in ("insurance_allocation", "insurance_billitem"):
                cursor.execute("VACUUM " + table)
            cursor.execute("SELECT pg_total_relation_size('insurance_contribution')")
            size = int(cursor.fetchone()[0])
    return {"persons_s": round(persons_s, 1), "record_load_s": round(load_s, 1), "contribution_rows": rows + len(history),
            "employers": n_emp, "bills": len(bill_ids), "target": target, "target_months": len(history) + len(months),
            "contribution_table_bytes": size, "person_ids": person_ids}


def reloaded(args) -> dict | None:
    """What ``load`` returned, read back from a database a previous run loaded (None when it holds no record)."""
    from django.db.models import Count

    from laobao.insurance.models import Bill, Contribution
    from laobao.registry.models import Person

    person_ids = list(Person.objects.order_by("id").values_list("id", flat=True))
    if not person_ids:
        return None
    target = person_ids[0]
    target_months = Contribution.objects.filter(person_id=target).count()
    if len(person_ids) != args.insured or not target_months:
        sys.exit("bench: --reuse found a database of another size or without the record; run without --reuse")
    rows = Contribution.objects.aggregate(n=Count("id"))["n"]
    return {"persons_s": None, "record_load_s": None, "contribution_rows": rows, "reused": True,
            "employers": Bill.objects.values("employer_id").distinct().count(), "bills": Bill.objects.count(),
            "target": target, "target_months": target_months, "contribution_table_bytes": None,
            "person_ids": person_ids}


def time_each(func, args, *, check, warmup: int) -> dict:
    """Wall-clock p50/p99 of each call, plus this process's CPU time per call (``cpu_*``): the machine may be
    shared, and for SQLite (in-process) the CPU time is the work itself, free of waiting for a core."""
    from measure import summarize

    wall, cpu = [], []
    for i, arg in enumerate(args):
        w, c = time.perf_counter(), time.process_time()
        result = func(arg)
        w, c = (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000
        if not check(result):
            raise AssertionError(f"unexpected result for {arg!r}")
        if i >= warmup:
            wall.append(w)
            cpu.append(c)
    out = summarize(wall)
    out.update({f"cpu_{k}": v for k, v in summarize(cpu).items() if k.endswith("_ms")})
    return out


def measure(args, loaded: dict) -> dict:
    import phases
    from django.test import Client
    from django.urls import reverse

    from laobao.insurance.selectors import person_record
    from laobao.registry.models import Person

    user = phases.officer(args.seed)
    target = Person.objects.get(pk=loaded["target"])
    expected = loaded["target_months"]
    selector = time_each(lambda p: person_record(user, p), [target] * (args.calls + 20),
                         check=lambda r: len(r["months"]) == expected, warmup=20)
    rng = random.Random(args.seed)
    others = list(Person.objects.filter(pk__in=rng.sample(loaded["person_ids"][1:], min(args.calls,
                                                           len(loaded["person_ids"]) - 1))))
    random_sel = time_each(lambda p: person_record(user, p), others, check=lambda r: len(r["months"]) == args.months,
                           warmup=20)
    client = Client()
    client.force_login(user)
    url = reverse("insurance:person_record", kwargs={"pk": target.pk})
    page = time_each(lambda u: client.get(u), [url] * (args.pages + 10),
                     check=lambda r: r.status_code == 200, warmup=10)
    return {"selector_target": selector, "selector_random": random_sel, "page_target": page}


def main(argv=None) -> int:
    args = parse_args(argv)
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    tag = f"{args.insured}x{args.months}"
    where = prepare_database(db, tag, args.reuse)
    os.environ["DJANGO_SETTINGS_MODULE"] = "laobao.settings"
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    from django.db import connection

    import machine
    import phases

    print(f"bench: {db} at {where}, {args.insured:,} insured × {args.months} months"
          f"{' (reusing the loaded database)' if args.reuse else ''}", file=sys.stderr)
    result = {"db": db, "database": where, "insured": args.insured, "months": args.months, "years": args.years,
              "machine": machine.describe(connection), "migrate_s": phases.migrate()}
    loaded = (reloaded(args) if args.reuse else None) or load(args)
    result["load"] = {k: v for k, v in loaded.items() if k != "person_ids"}
    # After the load this process holds far more objects than a web worker does; a full collection in the
    # middle of the timed calls would then cost tens of ms. Freeze what exists now, as a worker that preloads
    # the app would (gc.freeze); the figures are then those of the request, not of the benchmark's own heap.
    gc.collect()
    gc.freeze()
    result["load_average_before"] = round(os.getloadavg()[0], 2)
    result.update(measure(args, loaded))
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    report(result)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "insurance_record.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[f"{db}-{tag}"] = result
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


def report(r: dict) -> None:
    load = r["load"]
    print(f"\ncontribution record: {r['db']}, {r['insured']:,} insured × {r['months']} months "
          f"({load['contribution_rows']:,} contribution rows, {load['bills']:,} bills; "
          + ("database reused)" if load.get("reused") else
             f"persons {load['persons_s']} s, bills+lines load {load['record_load_s']} s)"))
    for name, key, target in (("selector, target (%d months)" % load["target_months"], "selector_target",
                               TARGET_SELECTOR_P99_MS),
                              ("selector, random person (%d months)" % r["months"], "selector_random", None),
                              ("page /persons/<id>/record/, target", "page_target", TARGET_PAGE_P99_MS)):
        s = r[key]
        verdict = "" if target is None else ("ok" if s["p99_ms"] <= target else "MISSED")
        print(f"  {name:<44} p50 {s['p50_ms']:8.2f} ms  p99 {s['p99_ms']:8.2f} ms  "
              f"(CPU p50 {s['cpu_p50_ms']:.2f} p99 {s['cpu_p99_ms']:.2f})  "
              f"{'' if target is None else f'[p99 ≤ {target:.0f} ms]'} {verdict}")
    print(f"  (load average {r['load_average_before']:.1f} before the timed calls, {r['load_average_after']:.1f} "
          f"after, on {os.cpu_count()} cores)")


if __name__ == "__main__":
    sys.exit(main())
