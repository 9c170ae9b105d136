"""Contribution assessment speed (issue 3, "Speed"): 10,000,000 person-insurance rows from in-memory columns,
and the same formula in OpenFisca-core over 1,000,000 persons, timed in the same run.

    .venv/bin/python bench/policy_contribution.py [--rows 10000000] [--persons 1000000]
                                                  [--openfisca-python /tmp/ofvenv/bin/python]

OpenFisca-core is not a dependency of laobao: install it into a throwaway virtualenv
(``python3 -m venv /tmp/ofvenv && /tmp/ofvenv/bin/pip install openfisca-core``); the comparison runs it
in a subprocess on the same persons (handed over as a .npy file) and is skipped, saying so, when that
interpreter is missing. Results are printed and written to bench/out/policy_contribution.json. This is
a benchmark, not a test: it never fails on a missed target, it says so.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from laobao.policy.rules.contribution import COLUMNS, assess, assess_columns, params_for  # noqa: E402

TARGET_ROWS_PER_S = 20_000_000
MONTH = date(2019, 6, 1)            # five insurances in force (maternity merged into medical from 2020)
FLOOR, CAP = 487_900, 2_439_600     # Jiangsu's published 2024 limits (law.md §2.2): stand-ins, no wage on file


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--persons", type=int, default=1_000_000, help="persons in the OpenFisca comparison")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2006)
    parser.add_argument("--openfisca-python", default="/tmp/ofvenv/bin/python")
    return parser.parse_args(argv)


def wages(rng, n: int) -> np.ndarray:
    """Declared monthly wages in fen: 70% between 4,879 and 24,396 yuan, 15% below the floor, 15% above the cap."""
    band = rng.integers(0, 100, size=n)
    low = rng.integers(100_000, FLOOR, size=n)
    mid = rng.integers(FLOOR, CAP, size=n)
    high = rng.integers(CAP, 8_000_000, size=n)
    return np.where(band < 15, low, np.where(band < 85, mid, high)).astype(np.int64)


def timed(fn, repeats: int) -> dict:
    fn()  # warm-up
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(runs), 4), "best_s": round(min(runs), 4), "runs": len(runs)}


def bench_columns(args, params) -> dict:
    rng = np.random.default_rng(args.seed)
    per = len(params.insurances)
    persons = args.rows // per
    base = np.repeat(wages(rng, persons), per)
    index = np.tile(np.arange(per, dtype=np.int8), persons)
    rows = base.size
    out = {name: np.zeros(rows, dtype=np.int64) for name in COLUMNS}
    result = {"rows": rows, "insurances": [r.insurance for r in params.insurances]}
    for label, threads, reuse in (("1 thread, fresh output", 1, False), ("2 threads, fresh output", 2, False),
                                  ("1 thread, reused output", 1, True), ("2 threads, reused output", 2, True)):
        t = timed(lambda: assess_columns(base, index, params, threads=threads, out=out if reuse else None),
                  args.repeats)
        t["rows_per_s"] = int(rows / t["median_s"])
        result[label] = t
    cols = assess_columns(base, index, params)
    sample = rng.integers(0, rows, size=2_000)
    bad = sum(1 for i in sample
              if (lambda ln: (ln.base, ln.employer, ln.employee, ln.account))(assess(int(base[i]), params).lines[index[i]])
              != tuple(int(cols[c][i]) for c in COLUMNS))
    result["checked_against_single"] = {"rows": len(sample), "mismatches": bad}
    return result


OPENFISCA = r'''
import json, sys, time
import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

spec = json.loads(sys.argv[1]); wages_fen = np.load(sys.argv[2])
Person = build_entity(key="person", plural="persons", label="person", is_person=True)
tbs = TaxBenefitSystem([Person])

class wage(Variable):
    value_type = float; entity = Person; definition_period = DateUnit.MONTH; label = "declared wage (yuan)"

class contribution_base(Variable):
    value_type = float; entity = Person; definition_period = DateUnit.MONTH; label = "base (yuan)"
    def formula(person, period, parameters):
        p = parameters(period).contribution
        return np.minimum(np.maximum(person("wage", period), p.floor), p.cap)

def line(insurance, side):
    def formula(person, period, parameters):
        rate = parameters(period).contribution[insurance][side]
        return np.floor(person("contribution_base", period) * rate * 100 + 0.5) / 100   # half-up to the cent
    return type(f"{insurance}_{side}", (Variable,), {"value_type": float, "entity": Person, "label": side,
                "definition_period": DateUnit.MONTH, "formula": formula})

names = []
tbs.add_variables(wage, contribution_base)
for ins in spec["insurances"]:
    for side in ("employer", "employee", "account"):
        tbs.add_variable(line(ins["insurance"], side)); names.append(f'{ins["insurance"]}_{side}')
data = {"floor": {"values": {spec["since"]: spec["floor"]}}, "cap": {"values": {spec["since"]: spec["cap"]}}}
for ins in spec["insurances"]:
    data[ins["insurance"]] = {side: {"values": {spec["since"]: ins[side]}} for side in ("employer", "employee", "account")}
tbs.parameters = ParameterNode("", data={"contribution": data})

def run():
    sim = SimulationBuilder().build_default_simulation(tbs, count=len(wages_fen))
    sim.set_input("wage", spec["period"], wages_fen / 100)
    return {n: sim.calculate(n, spec["period"]) for n in names}

run()
times = []
for _ in range(spec["repeats"]):
    t = time.perf_counter(); out = run(); times.append(time.perf_counter() - t)
np.savez(sys.argv[3], **{n: np.rint(v.astype(np.float64) * 100).astype(np.int64) for n, v in out.items()})
import openfisca_core, importlib.metadata as md
print(json.dumps({"times": times, "version": md.version("openfisca-core"), "numpy": np.__version__,
                  "python": sys.version.split()[0]}))
'''


def bench_openfisca(args, params) -> dict:
    python = Path(args.openfisca_python)
    if not python.exists():
        return {"skipped": f"no OpenFisca interpreter at {python}"}
    rng = np.random.default_rng(args.seed + 1)
    persons = wages(rng, args.persons)
    per = len(params.insurances)

    def ours():
        return assess_columns(np.repeat(persons, per), np.tile(np.arange(per, dtype=np.int8), persons.size), params)

    mine = timed(ours, 3)
    spec = {"period": MONTH.strftime("%Y-%m"), "since": "2000-01-01", "floor": FLOOR / 100, "cap": CAP / 100,
            "repeats": 3, "insurances": [{"insurance": r.insurance, "employer": str(r.employer_rate),
                                          "employee": str(r.employee_rate), "account": str(r.account_share)}
                                         for r in params.insurances]}
    for ins in spec["insurances"]:      # OpenFisca parameters are numbers (floats) in its own process
        for side in ("employer", "employee", "account"):
            ins[side] = json.loads(ins[side])
    with tempfile.TemporaryDirectory() as tmp:
        np.save(f"{tmp}/wages.npy", persons)
        done = subprocess.run([str(python), "-c", OPENFISCA, json.dumps(spec), f"{tmp}/wages.npy", f"{tmp}/out.npz"],
                              capture_output=True, text=True, check=False)
        if done.returncode:
            return {"skipped": f"OpenFisca run failed: {done.stderr[-800:]}"}
        report = json.loads(done.stdout.strip().splitlines()[-1])
        theirs = np.load(f"{tmp}/out.npz")
        cols = ours()
        differ = worst = 0
        for k, rates in enumerate(params.insurances):
            for side in ("employer", "employee", "account"):
                gap = np.abs(theirs[f"{rates.insurance}_{side}"] - cols[side][k::per])
                differ, worst = differ + int(np.count_nonzero(gap)), max(worst, int(gap.max()))
    of_median = statistics.median(report["times"])
    return {"persons": int(persons.size), "lines_per_person": per, "laobao": mine,
            "openfisca": {"median_s": round(of_median, 4), "best_s": round(min(report["times"]), 4),
                          "runs": len(report["times"]), "openfisca_core": report["version"],
                          "numpy": report["numpy"], "python": report["python"]},
            "ratio_openfisca_over_laobao": round(of_median / mine["median_s"], 1),
            "amounts_differing_from_exact_fen": differ, "largest_difference_fen": worst,
            "amounts_compared": int(persons.size) * per * 3}


def main(argv=None) -> int:
    args = parse_args(argv)
    from machine import describe

    params = params_for(MONTH, "320500", floor_fen=FLOOR, cap_fen=CAP, injury_class=1)
    report = {"machine": describe(), "month": MONTH.isoformat(), "threads_available": os.cpu_count(),
              "columns": bench_columns(args, params), "openfisca": bench_openfisca(args, params)}
    cols = report["columns"]
    print(f"contribution assessment, {cols['rows']:,} rows ({', '.join(cols['insurances'])}):")
    for label in ("1 thread, fresh output", "2 threads, fresh output", "1 thread, reused output",
                  "2 threads, reused output"):
        t = cols[label]
        verdict = "met" if t["rows_per_s"] >= TARGET_ROWS_PER_S else "MISSED"
        print(f"  {label:26s} median {t['median_s']:.3f} s  best {t['best_s']:.3f} s  "
              f"{t['rows_per_s'] / 1e6:6.1f} M rows/s  (target 20 M: {verdict})")
    print(f"  checked against the single-person path: {cols['checked_against_single']}")
    of = report["openfisca"]
    if "skipped" in of:
        print(f"OpenFisca comparison skipped: {of['skipped']}")
    else:
        print(f"OpenFisca-core {of['openfisca']['openfisca_core']}, {of['persons']:,} persons × {of['lines_per_person']}"
              f" insurances: {of['openfisca']['median_s']:.3f} s; laobao {of['laobao']['median_s']:.3f} s; "
              f"ratio {of['ratio_openfisca_over_laobao']}×; amounts differing from exact fen: "
              f"{of['amounts_differing_from_exact_fen']:,} of {of['amounts_compared']:,} "
              f"(largest {of['largest_difference_fen']} fen)")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "policy_contribution.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
