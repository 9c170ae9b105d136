"""Calculator latency (issue 3, "Speed"): one calculation through the CLI (start-up included) and the API.

    LAOBAO_ENV=test .venv/bin/python bench/policy_calc_latency.py [--cli-runs 20] [--requests 500] [--warmup 50]

(a) CLI: ``.venv/bin/laobao calc RULE --json '<input>'`` run as a fresh subprocess ``--cli-runs`` times for
``pension`` (the 淮安洪泽 approval form: 87722.18 / 137.3 = 638.91), ``retirement`` and ``contribution``; the
wall time of each process, interpreter start-up included, min / median / p95. Target: under 1 s.
One untimed run per rule comes first (it fills the page cache; its time is reported separately).

(b) API: Django's test ``Client`` in this process (LAOBAO_ENV=test) against a fresh SQLite database in a
temporary LAOBAO_VAR, migrated with ``laobao migrate``; a ``city_officer`` user and a bearer token are made
with ``core.services.user_add`` / ``token_create``; ``POST /api/v1/calc/pension`` with
``Authorization: Bearer <token>``, ``--warmup`` requests not counted, then ``--requests`` timed: p50 / p95 /
p99. Target: p95 under 20 ms. The engine alone (``laobao.policy.calc.run``) is timed too, for comparison.

Every response is checked (exit code / status and the result fields). Results are printed as a table and
written to bench/out/calc_latency.json. This is a benchmark, not a test: it never fails on a missed target.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
LAOBAO = ROOT / ".venv" / "bin" / "laobao"
TARGET_CLI_S = 1.0
TARGET_API_P95_MS = 20.0

# 江苏正式核定表（淮安洪泽，2025-12 退休）: tests/policy/cases/pension/pension.yaml, first case.
PENSION = {"birth_month": "1965-09", "sex": "M", "retire_month": "2025-12", "contribution_months": 520,
           "deemed_months": 160, "average_index": "0.4787", "account_balance": "87722.18",
           "transitional_formula": "none"}
INPUTS = {
    "pension": (PENSION, {"account_pension": "638.91", "basic_pension": "2856.87", "divisor": "137.3"}),
    "retirement": ({"birth_month": "1975-06", "sex": "M", "original_age": 60},
                   {"retire_month": "2038-02", "retire_age_months": 752}),
    "contribution": ({"wage": "3000.00", "month": "2024-06", "region": "320500", "floor": "4879.00",
                      "cap": "24396.00"}, {"employer_total": "1146.57", "employee_total": "512.30"}),
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli-runs", type=int, default=20)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--laobao", default=str(LAOBAO), help="the laobao executable (default .venv/bin/laobao)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary LAOBAO_VAR")
    return parser.parse_args(argv)


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (as bench/measure.py)."""
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(samples_s: list[float]) -> dict:
    ordered = sorted(s * 1000 for s in samples_s)
    return {"n": len(ordered), "min_ms": round(ordered[0], 2), "p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(percentile(ordered, 95), 2), "p99_ms": round(percentile(ordered, 99), 2),
            "max_ms": round(ordered[-1], 2), "mean_ms": round(statistics.fmean(ordered), 2)}


def check(rule: str, result: dict) -> None:
    expected = INPUTS[rule][1]
    wrong = {k: result.get(k) for k, v in expected.items() if result.get(k) != v}
    if wrong or result.get("rule") != rule:
        raise AssertionError(f"{rule}: unexpected result fields {wrong} (expected {expected})")


# --- (a) the CLI, one process per calculation ----------------------------------------------------

def cli_once(laobao: str, rule: str) -> float:
    payload = json.dumps(INPUTS[rule][0], ensure_ascii=False)
    started = time.perf_counter()
    proc = subprocess.run([laobao, "calc", rule, "--json", payload], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise AssertionError(f"laobao calc {rule} exited {proc.returncode}: {proc.stderr}")
    check(rule, json.loads(proc.stdout))
    return elapsed


def cli(laobao: str, runs: int) -> dict:
    out = {}
    for rule in INPUTS:
        first = cli_once(laobao, rule)
        stats = summary_ms([cli_once(laobao, rule) for _ in range(runs)])
        stats["first_untimed_ms"] = round(first * 1000, 1)
        out[rule] = stats
    return out


# --- (b) the API, Django test Client in this process ---------------------------------------------

def prepare(laobao: str) -> tuple[Path, float]:
    """A fresh SQLite database in a temporary LAOBAO_VAR, migrated by `laobao migrate`."""
    var = Path(tempfile.mkdtemp(prefix="laobao-calc-bench-"))
    (var / "static").mkdir()
    os.environ["LAOBAO_ENV"] = "test"
    os.environ["LAOBAO_VAR"] = str(var)
    os.environ.pop("DATABASE_URL", None)
    started = time.perf_counter()
    proc = subprocess.run([laobao, "migrate", "--verbosity", "0"], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"bench: laobao migrate failed ({proc.returncode}): {proc.stderr}")
    return var, time.perf_counter() - started


def api(requests: int, warmup: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "laobao.settings"
    import django

    django.setup()
    from django.test import Client

    from laobao.core import services
    from laobao.core.context import acting_as
    from laobao.policy import calc

    with acting_as(None, username="bench"):
        user, _ = services.user_add(username="bench_city", role="city_officer", region_code="320500")
        token = services.token_create(user=user, name="bench")
    client = Client()
    body = json.dumps(PENSION)
    headers = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {token}"}
    samples = []
    for i in range(warmup + requests):
        started = time.perf_counter()
        response = client.post("/api/v1/calc/pension", body, **headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise AssertionError(f"POST /api/v1/calc/pension → {response.status_code}: {response.content[:300]!r}")
        check("pension", response.json())
        if i >= warmup:
            samples.append(elapsed)
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 401 below is expected: no log line
    refused = client.post("/api/v1/calc/pension", body, content_type="application/json").status_code
    engine = []
    for i in range(warmup + requests):
        started = time.perf_counter()
        calc.run("pension", dict(PENSION))
        if i >= warmup:
            engine.append(time.perf_counter() - started)
    return {"endpoint": "POST /api/v1/calc/pension", "auth": "bearer token (city_officer)", "warmup": warmup,
            "http": summary_ms(samples), "engine_only": summary_ms(engine), "without_token_status": refused}


def report(result: dict) -> None:
    m = result["machine"]
    print(f"\nlaobao calculator latency ({m['cores']} cores, {m['cpu']}, Python {m['python']}, "
          f"load {m['load_average_at_start']})")
    rows = []
    for rule, s in result["cli"].items():
        ok = s["p95_ms"] / 1000 < TARGET_CLI_S
        rows.append((f"CLI laobao calc {rule} ({s['n']} processes)",
                     f"{s['min_ms']:.0f} / {s['p50_ms']:.0f} / {s['p95_ms']:.0f} ms (min/median/p95)",
                     f"< {TARGET_CLI_S:.0f} s", "ok" if ok else "MISSED"))
    h, e = result["api"]["http"], result["api"]["engine_only"]
    rows.append((f"API POST /api/v1/calc/pension ({h['n']} requests)",
                 f"{h['p50_ms']:.2f} / {h['p95_ms']:.2f} / {h['p99_ms']:.2f} ms (p50/p95/p99)",
                 f"p95 < {TARGET_API_P95_MS:.0f} ms", "ok" if h["p95_ms"] < TARGET_API_P95_MS else "MISSED"))
    rows.append(("engine only calc.run('pension')", f"{e['p50_ms']:.2f} / {e['p95_ms']:.2f} / {e['p99_ms']:.2f} ms",
                 "", ""))
    width = max(len(r[0]) for r in rows)
    for name, value, target, verdict in rows:
        print(f"  {name:<{width}}  {value:<44} {target:<14} {verdict}")
    print("  (first, untimed CLI runs: " + ", ".join(f"{k} {v['first_untimed_ms']:.0f} ms"
                                                     for k, v in result["cli"].items())
          + f"; laobao migrate {result['migrate_s']:.1f} s; no token → HTTP {result['api']['without_token_status']})")


def main(argv=None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(HERE))
    import machine

    result = {"benchmark": "calc_latency", "machine": machine.describe(), "cli_runs": args.cli_runs}
    result["cli"] = cli(args.laobao, args.cli_runs)
    var, result["migrate_s"] = prepare(args.laobao)
    try:
        result["api"] = api(args.requests, args.warmup)
    finally:
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)
    result["targets"] = {"cli_s": TARGET_CLI_S, "api_p95_ms": TARGET_API_P95_MS}
    report(result)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "calc_latency.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"  written to {(OUT / 'calc_latency.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
