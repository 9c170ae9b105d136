"""公益性岗位: the monthly subsidy batch and the subsidy bank payment at city scale (issue 6, Must have 4; the issue
sets no figure — this bench shows that the batch is set-based and how it grows).

    LAOBAO_ENV=test .venv/bin/python bench/employment_welfare.py [--placements 20000]                # SQLite
    bash scripts/with-postgres.sh env LAOBAO_ENV=test .venv/bin/python bench/employment_welfare.py --db postgres

Loads with ``copy_rows`` (not timed): ``--placements`` persons (men born 1970: 4050), one sponsoring unit per 50
placements (a community office in each community, round robin) with one post of 50 places, half stating their post
subsidy, half of the kind ``security`` whose standard comes from a bench copy of the parameter tree (not a Suzhou
figure); each placement's employment relation; a bill per unit and a contribution line per person for the month
(employer shares 16,000 + 7,000 + 500 fen). Then times: the month's batch (``subsidies.run``), its idempotent re-run,
the payment run (collect the orders, lines, ledger, one file per bank) after an account is registered for every unit,
and the import of a return file that pays every line. Results: bench/out/employment_welfare.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
DB_NAME = "laobao_bench_employment_welfare"
MONTH = date(2026, 10, 1)
PER_POST = 50


def parse_args(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--placements", type=int, default=20_000)
    ap.add_argument("--db", choices=["sqlite", "postgres"])
    return ap.parse_args(argv)


def prepare(db: str, n: int) -> str:
    os.environ.setdefault("LAOBAO_ENV", "test")
    if db == "sqlite":
        work = OUT / f"employment-welfare-sqlite-{n}"
        shutil.rmtree(work, ignore_errors=True)
        (work / "static").mkdir(parents=True)
        os.environ["LAOBAO_VAR"] = str(work)
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'laobao.sqlite3'}"
        return str(work / "laobao.sqlite3")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench: --db postgres needs DATABASE_URL; run it under scripts/with-postgres.sh")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS " + DB_NAME + " WITH (FORCE)")
        conn.execute("CREATE DATABASE " + DB_NAME)
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{DB_NAME}"))
    (OUT / "static").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LAOBAO_VAR", str(OUT))
    return DB_NAME


def _parameter_copy() -> None:
    from laobao.policy import params

    root = Path(tempfile.mkdtemp()) / "parameters"
    shutil.copytree(params.SHIPPED, root)
    (root / "employment" / "welfare_post_subsidy.yaml").write_text(
        "description: bench copy\nlabel: {zh: bench, en: bench}\nunit: table\ntable_unit: fen\nvalues:\n"
        "  2026-01-01:\n    value: {security: 40000}\n    reference: bench fixture (not a Suzhou figure)\n"
        "    status: unverified\n", encoding="utf-8")
    params.ROOT = root


def load(n: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from laobao.core.bulk import copy_rows, db_timestamp, reset_sequences
    from laobao.core.models import Region
    from laobao.employment.welfare.models import PayeeAccount, WelfarePlacement, WelfarePost
    from laobao.insurance.models import Bill, Contribution
    from laobao.registry.models import Employer, EmploymentRelation, Person

    started = time.perf_counter()
    places = list(Region.objects.filter(code__startswith="3205", level="community", valid_to__isnull=True)
                  .values_list("id", flat=True))
    units = (n + PER_POST - 1) // PER_POST
    now = db_timestamp(timezone.now())
    m = MONTH.isoformat()
    with transaction.atomic():
        copy_rows("registry_employer", ("id", "credit_code", "name", "type", "industry", "size", "region_id", "status",
                                        "created_at", "updated_at"),
                  ((u + 1, f"51320500{u:010d}", f"社区居委会{u}", "other", "S", "small", places[u % len(places)],
                    "active", now, now) for u in range(units)), label="units")
        copy_rows("registry_person", ("id", "citizen_id", "legacy_id15", "name", "sex", "birth_date", "hukou_type",
                                      "hukou_region_code", "residence_region_id", "mobile", "created_at", "updated_at"),
                  ((i + 1, f"3205{i:013d}X", "", f"困难{i}", "M", "1970-03-01", "urban", "320508",
                    places[(i // PER_POST) % len(places)], "", now, now) for i in range(n)), label="persons")
        copy_rows("employment_welfarepost", ("id", "region_id", "employer_id", "name", "kind", "count",
                                             "post_subsidy_fen", "si_subsidy", "start_date", "end_date", "created_by_id",
                                             "created_at"),
                  ((u + 1, places[u % len(places)], u + 1, f"岗位{u}", "cleaning" if u % 2 else "security", PER_POST,
                    30_000 if u % 2 else None, True, "2026-01-01", None, None, now) for u in range(units)),
                  label="posts")
        copy_rows("registry_employmentrelation", ("id", "person_id", "employer_id", "start_date", "end_date",
                                                  "created_at", "updated_at"),
                  ((i + 1, i + 1, i // PER_POST + 1, "2026-09-01", None, now, now) for i in range(n)), label="relations")
        copy_rows("employment_welfareplacement", ("post_id", "person_id", "relation_id", "basis", "checks",
                                                  "start_date", "end_date", "end_reason", "placed_by_id", "created_at"),
                  ((i // PER_POST + 1, i + 1, i + 1, "hardship", "[]", "2026-09-01", None, "", None, now)
                   for i in range(n)), label="placements")
        copy_rows("insurance_bill", ("id", "employer_id", "person_id", "month", "region_id", "due_date", "issued_at",
                                     "run", "due_fen", "lines"),
                  ((u + 1, u + 1, None, m, places[u % len(places)], "2026-10-15", now, "bench", 0, PER_POST)
                   for u in range(units)), label="bills")
        copy_rows("insurance_contribution", ("bill_id", "person_id", "month", "adjustment", "flags", "wage_fen",
                                             "pension_employer", "medical_employer", "unemployment_employer"),
                  ((i // PER_POST + 1, i + 1, m, False, 0, 300_000, 16_000, 7_000, 500) for i in range(n)),
                  label="contributions")
        copy_rows("employment_payeeaccount", ("employer_id", "institution_id", "bank_code", "bank_name", "account_no",
                                              "account_name", "opened_on", "closed_on"),
                  ((u + 1, None, ("102", "103", "105")[u % 3], "银行", f"62220200{u:010d}", f"社区居委会{u}",
                    "2026-01-01", None) for u in range(units)), label="accounts")
    reset_sequences(Person, Employer, EmploymentRelation, WelfarePost, WelfarePlacement, Bill, Contribution,
                    PayeeAccount)
    return {"seconds": round(time.perf_counter() - started, 1), "placements": n, "units": units}


def _timed(fn):
    started, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, {"wall_s": round(time.perf_counter() - started, 2), "cpu_s": round(time.process_time() - cpu, 2)}


def measure(n: int, work: Path) -> dict:
    from laobao.core.context import acting_as
    from laobao.employment.welfare import payments, returns, subsidies
    from laobao.employment.welfare.models import SubsidyLine
    from laobao.ledger.reconcile import CHECKS, run_all

    r = {}
    with acting_as(None, username="bench"):
        res, r["batch"] = _timed(lambda: subsidies.run(MONTH, progress=sys.stderr))
        r["batch"] |= {"placements": res.count, "total_fen": res.total_fen}
        res, r["batch_rerun"] = _timed(lambda: subsidies.run(MONTH, progress=None))
        r["batch_rerun"]["placements"] = res.count
        res, r["payment_run"] = _timed(lambda: payments.run_payments(date(2026, 11, 27), work / "files",
                                                                     progress=sys.stderr))
        r["payment_run"] |= {"lines": res["lines"], "files": len(res["files"])}
        path = work / "return.csv"
        ids = SubsidyLine.objects.order_by("id").values_list("id", flat=True)
        path.write_text("line_id,outcome,reason,settled_on\n" + "".join(f"S{i},paid,,2026-11-30\n" for i in ids))
        res, r["returns"] = _timed(lambda: returns.import_returns(path))
        r["returns"]["paid"] = res["paid"]
    run_all()
    bad = {name: CHECKS[name]().differences for name in CHECKS if name.startswith("employment.subsidy")}
    r["reconcile"] = {k: v for k, v in bad.items() if v} or "ok"
    return r


def main(argv=None) -> int:
    args = parse_args(argv)
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    where = prepare(db, args.placements)
    os.environ["DJANGO_SETTINGS_MODULE"] = "laobao.settings"
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    import machine

    call_command("lb_migrate", verbosity=0)
    from laobao.core import services as core_services
    from laobao.core.context import acting_as

    with acting_as(None, username="bench"):
        core_services.regions_sync()
    _parameter_copy()
    work = Path(tempfile.mkdtemp())
    print(f"bench: {db} at {where}, {args.placements:,} placements", file=sys.stderr)
    result = {"db": db, "placements": args.placements, "month": MONTH.isoformat(),
              "machine": machine.describe(connection), "load": load(args.placements)}
    result["measure"] = measure(args.placements, work)
    print(json.dumps(result["measure"], indent=2, ensure_ascii=False))
    OUT.mkdir(exist_ok=True)
    saved = OUT / "employment_welfare.json"
    data = json.loads(saved.read_text()) if saved.exists() else {}
    data[f"{db}-{args.placements}"] = result
    saved.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
