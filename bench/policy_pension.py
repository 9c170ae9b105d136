"""Pension speed (issue 3, "Speed"): the monthly pension of 1,000,000 retirees from in-memory columns, under 1 s.

    .venv/bin/python bench/policy_pension.py [--retirees 1000000] [--repeats 7] [--seed 2006]

Draws 1,000,000 synthetic retirees (birth 1955–1985, retirement age 45–66 with months, 15–45 years of
contributions, index 0.3–3.0, accounts up to 1,500,000 yuan, deemed months for the older half), reads the
parameters of a 2025-12 retirement in Suzhou through the parameter files (C = 8917, the divisor table, the
Jiangsu transitional formula) and times ``pension_columns`` (validation, divisor interpolation, basic, account
and transitional pension, total) — and ``retirement_columns`` for the same persons. 2,000 random rows are
recomputed with the single-person function and must agree to the fen. Results are printed and written to
bench/out/policy_pension.json. This is a benchmark, not a test: it never fails on a missed target, it says so.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from laobao.policy.rules import pension as P  # noqa: E402
from laobao.policy.rules import retirement as R  # noqa: E402

TARGET_S = 1.0
RETIRE_MONTH = date(2025, 12, 1)
SCALE = 10_000


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retirees", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2006)
    return parser.parse_args(argv)


def retirees(rng, n: int) -> dict[str, np.ndarray]:
    birth = rng.integers(1955 * 12, 1986 * 12, size=n, dtype=np.int64)
    age = rng.integers(45 * 12, 66 * 12 + 1, size=n, dtype=np.int64)
    months = rng.integers(180, 541, size=n, dtype=np.int64)
    deemed = np.where(birth < 1970 * 12, rng.integers(0, 200, size=n), 0).astype(np.int64)
    return {
        "birth": birth, "retire": birth + age, "months": months, "deemed": np.minimum(deemed, months),
        "index": rng.integers(3_000, 30_001, size=n, dtype=np.int64),
        "pre_index": rng.integers(5_000, 20_001, size=n, dtype=np.int64),
        "balance": rng.integers(0, 150_000_000, size=n, dtype=np.int64),
        "original_age": rng.choice(np.array([60, 55, 50], dtype=np.int64), size=n),
    }


def timed(fn, repeats: int) -> dict:
    fn()  # warm-up
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(runs), 4), "best_s": round(min(runs), 4),
            "worst_s": round(max(runs), 4), "runs": len(runs)}


def run_pension(cols, params):
    return P.pension_columns(cols["birth"], cols["retire"], cols["months"], cols["index"], cols["balance"], params,
                             index_scale=SCALE, transitional_index=cols["pre_index"], deemed_months=cols["deemed"])


def check_sample(rng, cols, params, result, size: int = 2_000) -> dict:
    bad = 0
    for i in rng.integers(0, cols["birth"].size, size=size).tolist():
        single = P.pension(P.PensionInputs(
            birth_month=R.month_date(cols["birth"][i]), sex="M", retire_month=R.month_date(cols["retire"][i]),
            contribution_months=int(cols["months"][i]), deemed_months=int(cols["deemed"][i]),
            average_index=Decimal(int(cols["index"][i])).scaleb(-4), account_balance=int(cols["balance"][i]),
            transitional_index=Decimal(int(cols["pre_index"][i])).scaleb(-4)), params)
        got = tuple(int(getattr(result, f)[i]) for f in ("basic", "account", "transitional", "total"))
        bad += got != (single.basic, single.account, single.transitional, single.total)
    return {"rows": size, "mismatches": bad}


def main(argv=None) -> int:
    args = parse_args(argv)
    from machine import describe

    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    cols = retirees(rng, args.retirees)
    draw_s = time.perf_counter() - started
    params = P.params_for(RETIRE_MONTH, "320508")
    rparams = R.params_for(RETIRE_MONTH)
    pension_t = timed(lambda: run_pension(cols, params), args.repeats)
    retire_t = timed(lambda: R.retirement_columns(cols["birth"], cols["original_age"], rparams), args.repeats)
    result = run_pension(cols, params)
    out = {
        "machine": describe(), "retirees": args.retirees, "draw_s": round(draw_s, 3),
        "parameters": {"pension_base": params.pension_base, "transitional": params.transitional_formula,
                       "coefficient": str(params.transitional_coefficient)},
        "pension_columns": {**pension_t, "retirees_per_s": int(args.retirees / pension_t["median_s"])},
        "retirement_columns": {**retire_t, "retirees_per_s": int(args.retirees / retire_t["median_s"])},
        "checked_against_single": check_sample(rng, cols, params, result),
        "mean_total_yuan": str(Decimal(int(result.total.sum())).scaleb(-2) / args.retirees),
    }
    report(out)
    path = HERE / "out" / "policy_pension.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"  results written to {path.relative_to(HERE.parent)}")
    return 0


def report(out: dict) -> None:
    m, p, r = out["machine"], out["pension_columns"], out["retirement_columns"]
    print(f"pension for {out['retirees']:,} retirees on {m['cores']} cores ({m['cpu']}), {m['date']}")
    verdict = "ok" if p["median_s"] < TARGET_S else "MISSED"
    print(f"  pension_columns     median {p['median_s']:.3f} s  best {p['best_s']:.3f} s  "
          f"({p['retirees_per_s']:,}/s)  target < {TARGET_S:.0f} s: {verdict}")
    print(f"  retirement_columns  median {r['median_s']:.3f} s  best {r['best_s']:.3f} s  ({r['retirees_per_s']:,}/s)")
    c = out["checked_against_single"]
    print(f"  {c['rows']:,} random rows recomputed one by one: {c['mismatches']} mismatches; "
          f"mean total {out['mean_total_yuan'][:8]} yuan")


if __name__ == "__main__":
    sys.exit(main())
