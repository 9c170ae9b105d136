"""充分就业社区: the community table of one district (issue 6 Must have 7: "a community list for a district in well
under a second" at 2,000,000 persons).

    LAOBAO_ENV=test .venv/bin/python bench/employment_communities.py [--persons 200000]              # SQLite
    bash scripts/with-postgres.sh env LAOBAO_ENV=test .venv/bin/python bench/employment_communities.py --db postgres

Loads the city of bench/employment_indicators.py (same generator, same seed: persons in every community of the
seeded tree, relations, enrollments, registrations, hardship flags, training enrolments) and times
``communities.selectors.table(None, district, 2024)`` — the figures and assessment of every community of the
district, what the page and the CLI compute — for every district (first run cold, then ``--repeat`` warm runs of the
largest). The criteria are given values from a test copy of the parameter tree so that the zero-employment-family
query (the one that needs a value) runs too. Results: bench/out/employment_communities.json.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import employment_indicators as city  # noqa: E402  the same generated city

YEAR = 2024


def _criteria_tree() -> None:
    """A copy of the parameter tree with a value for every criterion (bench only, not a Suzhou figure)."""
    import shutil

    from laobao.policy import params

    root = Path(tempfile.mkdtemp()) / "parameters"
    shutil.copytree(params.SHIPPED, root)
    for name, value, unit in (("max_unemployment_rate", '"0.05"', "ratio"), ("min_reemployment_share", '"0.5"', "ratio"),
                              ("zero_family_days", "30", "days"), ("min_hard_placed_share", '"0.5"', "ratio")):
        (root / "employment" / f"full_employment_{name}.yaml").write_text(
            f"description: bench copy\nlabel: {{zh: bench, en: bench}}\nunit: {unit}\nvalues:\n  2006-01-01:\n"
            f"    value: {value}\n    reference: bench fixture (not a Suzhou figure)\n    status: unverified\n")
    params.ROOT = root


def measure(repeat: int) -> dict:
    from laobao.core.models import Region, RegionLevel
    from laobao.employment.communities import selectors

    districts = list(Region.objects.filter(level=RegionLevel.DISTRICT, valid_to__isnull=True).order_by("code"))
    per = {}
    for d in districts:
        started, cpu = time.perf_counter(), time.process_time()
        rows = selectors.table(None, d, YEAR)
        per[d.code] = {"communities": len(rows), "wall_s": round(time.perf_counter() - started, 3),
                       "client_cpu_s": round(time.process_time() - cpu, 3),
                       "persons": sum(r.figures.unemployed + r.figures.employed for r in rows)}
    largest = max(districts, key=lambda d: per[d.code]["communities"])
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        selectors.table(None, largest, YEAR)
        warm.append(round(time.perf_counter() - started, 3))
    return {"districts": per, "largest": largest.code, "warm_s": warm, "median_s": round(statistics.median(warm), 3)}


def main(argv=None) -> int:
    args = city.parse_args(argv)
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    city.DB_NAME = "laobao_bench_employment_comm"
    city.OUT = HERE / "out" / "communities-work"  # never the indicators bench's own database
    city.OUT.mkdir(parents=True, exist_ok=True)
    where = city.prepare(db, args.persons)
    os.environ["DJANGO_SETTINGS_MODULE"] = "laobao.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("lb_migrate", verbosity=0)
    print(f"bench: {db} at {where}, {args.persons:,} persons", file=sys.stderr)
    load = city.load(args.persons, args.seed)
    _criteria_tree()
    result = {"db": db, "persons": args.persons, "year": YEAR, "load_s": load["seconds"], "measure": measure(args.repeat)}
    m = result["measure"]
    for code, r in sorted(m["districts"].items(), key=lambda kv: -kv[1]["wall_s"]):
        print(f"  {code} {r['communities']:>5} communities {r['persons']:>9,} labor force  {r['wall_s']:>7} s wall "
              f"{r['client_cpu_s']} s client CPU", file=sys.stderr)
    print(f"  largest {m['largest']} warm median {m['median_s']} s", file=sys.stderr)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    saved = out / "employment_communities.json"
    data = json.loads(saved.read_text()) if saved.exists() else {}
    data[f"{db}-{args.persons}"] = result
    saved.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
