"""laobao speed benchmark (issue 2, "Speed"): generate + load, lookup by ID, the person search page.

    LAOBAO_ENV=test .venv/bin/python bench/run.py [--persons 1000000] [--db sqlite]
    bash scripts/with-postgres.sh .venv/bin/python bench/run.py --persons 1000000   # PostgreSQL

SQLite runs on a fresh database file under bench/out/; PostgreSQL on a fresh database
``laobao_bench`` of the server in DATABASE_URL. Both are migrated first (not timed as part of
the load). Results are printed as a table and merged into bench/out/results.json under the key
``<db>-<persons>``. This is a benchmark, not a test: it never fails on a missed target, it says so.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGETS = {"load_s": {"sqlite": 60.0, "postgres": 90.0}, "lookup_p99_ms": 5.0, "page_p95_ms": 100.0}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--employers", type=int, default=None, help="default: persons / 10")
    parser.add_argument("--seed", type=int, default=2006)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default=None,
                        help="default: postgres when DATABASE_URL names one, else sqlite")
    parser.add_argument("--lookups", type=int, default=2000, help="random existing IDs looked up")
    parser.add_argument("--pages", type=int, default=300, help="page requests per kind (name, ID)")
    return parser.parse_args(argv)


def prepare_database(db: str, persons: int) -> str:
    """Point Django at a fresh, empty database; return a description of it."""
    os.environ.setdefault("LAOBAO_ENV", "test")
    if db == "sqlite":
        workdir = OUT / f"sqlite-{persons}"
        shutil.rmtree(workdir, ignore_errors=True)
        (workdir / "static").mkdir(parents=True)
        os.environ["LAOBAO_VAR"] = str(workdir)
        os.environ.pop("DATABASE_URL", None)
        return str((workdir / "laobao.sqlite3").relative_to(HERE.parent))
    (OUT / "static").mkdir(parents=True, exist_ok=True)
    os.environ["LAOBAO_VAR"] = str(OUT)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench: --db postgres needs DATABASE_URL; run it under scripts/with-postgres.sh")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS laobao_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE laobao_bench")
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/laobao_bench"))
    return f"{parts.hostname}:{parts.port}/laobao_bench"


def database_bytes(connection, path: str) -> int | None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    files = [HERE.parent / path, HERE.parent / (path + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists())


def main(argv=None) -> int:
    args = parse_args(argv)
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    where = prepare_database(db, args.persons)
    os.environ["DJANGO_SETTINGS_MODULE"] = "laobao.settings"
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    from django.db import connection

    import machine
    import phases

    result = {"db": db, "database": where, "persons": args.persons,
              "employers": args.employers or max(args.persons // 10, 1), "seed": args.seed,
              "machine": machine.describe(connection)}
    print(f"bench: {db} at {where}, {args.persons:,} persons", file=sys.stderr)
    result["migrate_s"] = phases.migrate()
    result["load"] = phases.load(args.seed, args.persons, args.employers)
    result["database_bytes"] = database_bytes(connection, where)
    user = phases.officer(args.seed)
    sample = phases.sample_persons(args.seed, args.lookups + 100)
    result["lookup_by_id"] = phases.lookups(user, [cid for cid, _ in sample])
    result["search_selector_by_name"] = phases.name_searches(user, [name for _, name in sample[:500]])
    result["page"] = phases.pages(user, sample[: args.pages + 20])
    report(result)
    save(result)
    return 0


def report(r: dict) -> None:
    load_target = TARGETS["load_s"][r["db"]]
    rows = [("generate + load", f"{r['load']['seconds']:.1f} s", f"≤ {load_target:.0f} s",
             r["load"]["seconds"] <= load_target)]
    lk = r["lookup_by_id"]
    rows.append(("lookup by ID, selector (p50/p95/p99)",
                 f"{lk['p50_ms']:.2f} / {lk['p95_ms']:.2f} / {lk['p99_ms']:.2f} ms",
                 f"p99 ≤ {TARGETS['lookup_p99_ms']:.0f} ms", lk["p99_ms"] <= TARGETS["lookup_p99_ms"]))
    ns = r["search_selector_by_name"]
    rows.append(("name search, selector (p50/p95)", f"{ns['p50_ms']:.2f} / {ns['p95_ms']:.2f} ms", "", None))
    for kind in ("by_name", "by_id"):
        page = r["page"].get(kind)
        if page is None:
            rows.append((f"search page {kind}", "skipped: " + r["page"].get("note", ""), "", None))
            continue
        label = "search page by name" if kind == "by_name" else "search by ID → person page"
        rows.append((f"{label} (p50/p95)", f"{page['p50_ms']:.1f} / {page['p95_ms']:.1f} ms",
                     f"p95 ≤ {TARGETS['page_p95_ms']:.0f} ms", page["p95_ms"] <= TARGETS["page_p95_ms"]))
    print(f"\nlaobao benchmark: {r['db']}, {r['persons']:,} persons, {r['employers']:,} employers, "
          f"{r['load']['relations']:,} relations ({r['machine']['cores']} cores, {r['machine']['cpu']})")
    width = max(len(row[0]) for row in rows)
    for name, value, target, ok in rows:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"  {name:<{width}}  {value:<28} {target:<16} {verdict}")
    print(f"  (migrate {r['migrate_s']:.1f} s; database {r['database_bytes'] / 2**20:,.0f} MiB)")


def save(result: dict) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[f"{result['db']}-{result['persons']}"] = result
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"  results written to {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    random.seed(0)
    started = time.perf_counter()
    code = main()
    print(f"bench: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    sys.exit(code)
