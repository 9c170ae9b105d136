"""Pension indexation speed (issue 5): the year's 调待 of N pensions (default 500,000) with explanation lines.

    LAOBAO_ENV=test .venv/bin/python bench/benefits_indexation.py [--pensions 500000]              # SQLite
    bash scripts/with-postgres.sh .venv/bin/python bench/benefits_indexation.py --pensions 500000  # PostgreSQL

Jiangsu's split of the national level is not entered in ``pension.indexation`` (the rule refuses), so the bench
enters a test scheme the way tests/benefits/test_indexation.py does — a flat amount, a share of the pension, an
amount per contribution year and three age bands (test figures, not Jiangsu's) — and times
``benefits.indexation.run.run_indexation(2026, scheme=S)`` in-process (the same code as ``laobao benefits index
--year``, which reads the scheme from the parameter). Setup (not timed), with ``core.bulk.copy_rows``: N persons
born 1936–1966, each with a pension started 2020-01 or later and an award rate (basic + account components);
60 % have their approved claim with the contribution months in its calculation (the other 40 % are stated as
0 years); 5 % have a later rate (a correction) so the base is the rate in force at the effective month.
Timed: wall and CPU time of the process (on PostgreSQL the server's work is not in the CPU figure: the CPU
time of the connection's backend is reported beside it, read from /proc for a local server), then a second
run that must write nothing. Results merged into bench/out/results.json under
``indexation-<db>-<pensions>``. A benchmark, not a test. Target (issue 5): 500,000 pensions under 15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGET_S = 15.0
YEAR = 2026
COMPONENTS = ('[{"code": "basic", "zh": "基础养老金", "en": "basic pension", "amount_fen": %d, "formula": "bench"}, '
              '{"code": "account", "zh": "个人账户养老金", "en": "account pension", "amount_fen": %d, "formula": "bench"}]')


def scheme():
    from laobao.policy.rules.pension import indexation as rule

    return rule.Scheme(year=YEAR, effective=date(YEAR, 1, 1), flat_fen=5_000, share=Decimal("0.012"),
                       per_year_fen=100, bands=((70, 2_000), (75, 3_000), (80, 5_000)), age_on=date(YEAR, 12, 31))


def setup(n: int) -> float:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from laobao.benefits.models import Benefit, BenefitEvent, BenefitRate, PensionClaim
    from laobao.core.bulk import analyze, copy_rows, db_timestamp, reset_sequences
    from laobao.core.context import acting_as
    from laobao.core.identifiers import citizen_id_check_char
    from laobao.core.models import User
    from laobao.registry.models import Person

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    now = db_timestamp(timezone.now())

    def birth(i: int) -> date:
        return date(1936 + i % 31, i % 12 + 1, i % 28 + 1)

    def cid(i: int) -> str:
        b = birth(i)
        first17 = f"320508{b:%Y%m%d}{i // 2604 % 1000:03d}"  # (birth, sequence) unique up to 2.6 million
        return first17 + citizen_id_check_char(first17)

    def start(i: int) -> str:
        return f"{2020 + i % 6}-{i % 12 + 1:02d}-01"

    def basic(i: int) -> int:
        return 250_000 + i % 1000 * 100

    with acting_as(None, username="bench"), transaction.atomic():
        maker = User.objects.create(username="bench_maker", role="city_officer")
        copy_rows("registry_person", ("id", "citizen_id", "legacy_id15", "name", "sex", "birth_date", "hukou_type",
                                      "hukou_region_code", "mobile", "created_at", "updated_at"),
                  ((i, cid(i), "", "张伟", "M", birth(i).isoformat(), "urban", "320508", "", now, now)
                   for i in range(1, n + 1)), total=n, label="persons")
        copy_rows("benefits_benefit", ("id", "person_id", "kind", "fund", "start_month", "end_month", "status", "source",
                                       "created_at"),
                  ((i, i, "pension", "fund:pension", start(i), None, "active", f"bench:{i}", now)
                   for i in range(1, n + 1)), total=n, label="pensions")
        copy_rows("benefits_benefitevent", ("id", "benefit_id", "kind", "month", "reason", "note", "at"),
                  ((i, i, "start", start(i), "bench", "", now) for i in range(1, n + 1)), total=n, label="events")
        copy_rows("benefits_benefitrate", ("benefit_id", "from_month", "monthly_fen", "components", "reason", "key",
                                           "created_at"),
                  ((i, start(i), basic(i) + 40_000 + i % 97, COMPONENTS % (basic(i), 40_000 + i % 97), "award",
                    f"award:bench:{i}", now) for i in range(1, n + 1)), total=n, label="rates")
        copy_rows("benefits_benefitrate", ("benefit_id", "from_month", "monthly_fen", "components", "reason", "key",
                                           "created_at"),
                  ((i, "2025-07-01", basic(i) + 50_000, COMPONENTS % (basic(i), 50_000), "correction",
                    f"correction:bench:{i}", now) for i in range(20, n + 1, 20) if start(i) < "2025-07-01"),
                  label="corrections")
        copy_rows("benefits_pensionclaim", (
            "claim_no", "person_id", "received_on", "category", "option", "shift_months", "retire_month",
            "deemed_months", "reference_wages", "note", "status", "checks", "calculation", "maker_id",
            "rejection_zh", "rejection_en", "benefit_id", "created_at", "updated_at"),
                  ((f"YLB{i:09d}", i, start(i), 60, "normal", 0, start(i), 0, "{}", "", "approved", "[]",
                    json.dumps({"inputs": {"contribution_months": 180 + i % 300}}), maker.pk, "", "", i, now, now)
                   for i in range(1, n + 1) if i % 5 < 3), label="claims")
        reset_sequences(Person, Benefit, BenefitEvent, BenefitRate, PensionClaim)
    analyze("registry_person", "benefits_benefit", "benefits_benefitrate", "benefits_pensionclaim")
    return round(time.perf_counter() - started, 1)


def timed(fn) -> tuple[float, float, dict]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return round(time.perf_counter() - wall, 2), round(time.process_time() - cpu, 2), result


def server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far (local server, /proc), None elsewhere: on a
    shared machine CPU time is steadier than wall time, and the client's CPU leaves out the server's work."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pensions", type=int, default=500_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default=None)
    args = parser.parse_args()
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
    sys.path.insert(0, str(HERE))
    from insurance_interest import prepare

    prepare(db, args.pensions, "indexation")
    os.environ["DJANGO_SETTINGS_MODULE"] = "laobao.settings"
    import django

    django.setup()
    import machine
    from laobao.benefits.indexation.run import run_indexation
    from laobao.core.context import acting_as

    def run():
        with acting_as(None, username="bench"):
            return run_indexation(YEAR, scheme=scheme(), progress=sys.stderr if os.environ.get("BENCH_VERBOSE") else None)

    result = {"db": db, "pensions": args.pensions, "setup_s": setup(args.pensions)}
    if os.environ.get("BENCH_PROFILE"):  # where the time goes: a cProfile of the first run, top 25 by own time
        import cProfile
        import pstats

        profile = cProfile.Profile()
        first = profile.runcall(run)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        return
    before = server_cpu()
    result["run_s"], result["run_cpu_s"], first = timed(run)
    if before is not None:
        result["run_server_cpu_s"] = round(server_cpu() - before, 2)
    result["rerun_s"], result["rerun_cpu_s"], second = timed(run)
    result["indexed"], result["increase_fen"], result["reindexed"] = first["benefits"], first["increase_fen"], second["benefits"]
    result["machine"] = machine.describe()
    verdict = ("ok" if result["run_s"] <= TARGET_S else "MISSED") if args.pensions >= 500_000 else "below target scale"
    print(f"indexation {db} {args.pensions:,} pensions: {result['run_s']} s wall, {result['run_cpu_s']} s CPU "
          f"{'' if before is None else '+ ' + str(result['run_server_cpu_s']) + ' s server CPU '}"
          f"(target: 500,000 ≤ {TARGET_S} s) {verdict}; {first['benefits']:,} indexed; second run "
          f"{result['rerun_s']} s, {second['benefits']} indexed")
    OUT.mkdir(exist_ok=True)
    path = OUT / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[f"indexation-{db}-{args.pensions}"] = result
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
