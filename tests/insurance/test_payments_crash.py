"""The payment import under SIGKILL at random points and under concurrent runs, on a real database.

A throwaway database (SQLite file, or a new database on the test PostgreSQL) is migrated and seeded by
subprocesses; ``laobao payments import`` runs as a subprocess and is killed with SIGKILL at ≥ 20 random
moments. After every kill the files are imported whole or not at all (one transaction); after the final
runs the state equals an expectation computed here independently (per payer: paid = min(due, money),
credit = the rest; unknown payers in suspense): nothing lost, nothing doubled.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from collection_support import write_csv
from conftest import make_credit_code
from throwaway_db import ThrowawayDatabase

HERE = Path(__file__).resolve().parent
EMPLOYERS = 6
DUE = 33000


class Db(ThrowawayDatabase):
    def __init__(self, tmp: Path):
        super().__init__(tmp, "laobao_crash_")
        self.env = {**os.environ, "LAOBAO_ENV": "test", "LAOBAO_VAR": str(tmp), "DATABASE_URL": self.url}

    def laobao(self, *args, check=True) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "laobao.cli", *args], env=self.env, capture_output=True,
                              text=True, timeout=300, check=check)

    def start(self, *args) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "laobao.cli", *args], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crash")
    d = Db(tmp)
    d.laobao("migrate")
    subprocess.run([sys.executable, str(HERE / "crash_seed.py"), str(EMPLOYERS)], env=d.env, check=True,
                   capture_output=True, text=True, timeout=300)
    d.tmp = tmp
    yield d
    d.drop()


def _files(tmp: Path, rng: random.Random) -> tuple[list[str], dict]:
    """Four files of payments (on time: no late fees), some refs repeated across files, one unknown payer."""
    money: dict[str, int] = {}
    files, ref = [], 0
    for n in range(4):
        rows = []
        for _ in range(rng.randint(3, 8)):
            ref += 1
            emp = rng.randint(1, EMPLOYERS + 1)  # EMPLOYERS + 1 is not registered: suspense
            fen = rng.randint(1, 30000)
            rows.append((f"K{ref}", "bank", make_credit_code(emp), f"{fen // 100}.{fen % 100:02d}", "2024-01-20"))
            money[f"K{ref}"] = (emp, fen)
        if n:  # repeat a row of the previous file: posted once
            rows.append(prev[0])
        prev = rows
        files.append(write_csv(tmp / f"pay{n}.csv", rows))
    return files, money


def _expected(money: dict) -> dict:
    total: dict[int, int] = {}
    for emp, fen in money.values():
        total[emp] = total.get(emp, 0) + fen
    return {"paid": {e: min(DUE, t) for e, t in total.items() if e <= EMPLOYERS},
            "credit": {e: t - DUE for e, t in total.items() if e <= EMPLOYERS and t > DUE},
            "suspense": total.get(EMPLOYERS + 1, 0), "bank": sum(total.values()), "payments": len(money)}


def _state(db: Db) -> dict:
    rows = db.all("SELECT a.code, SUM(l.debit_fen) - SUM(l.credit_fen) FROM ledger_journalline l "
                  "JOIN ledger_account a ON a.id = l.account_id GROUP BY a.code")
    bal = dict(rows)
    ids = dict(db.all("SELECT credit_code, id FROM registry_employer"))
    paid, credit = {}, {}
    for n in range(1, EMPLOYERS + 1):
        eid = ids[make_credit_code(n)]
        left = bal.get(f"receivable:employer:{eid}", 0)
        if DUE - left:
            paid[n] = DUE - left
        if -bal.get(f"credit:employer:{eid}", 0):
            credit[n] = -bal.get(f"credit:employer:{eid}", 0)
    entries = db.all("SELECT COUNT(*) FROM ledger_journalentry WHERE idempotency_key LIKE 'payment:%'")[0][0]
    return {"paid": paid, "credit": credit, "suspense": -bal.get("suspense:unmatched", 0),
            "bank": bal.get("bank:collection", 0), "payments": db.all("SELECT COUNT(*) FROM insurance_payment")[0][0],
            "entries": entries}


def test_sigkill_at_random_points_loses_and_doubles_nothing(db):
    rng = random.Random(20261127)
    files, money = _files(db.tmp, rng)
    started = time.perf_counter()
    db.laobao("payments", "import", files[0])
    full = time.perf_counter() - started
    done = {0}
    kills = 0
    while kills < 20:
        n = rng.randrange(1, len(files))
        proc = db.start("payments", "import", files[n])
        time.sleep(rng.uniform(0.05, full * 1.2))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.communicate()
        present = {r[0] for r in db.all("SELECT bank_ref FROM insurance_payment")}
        if proc.returncode == 0 or _refs(files[n]) <= present:  # killed after its commit: complete, fine
            done.add(n)
        expected_refs = {r for i in done for r in _refs(files[i])}
        assert present == expected_refs, "a killed import left part of a file, or lost a finished one"
    for f in files:
        db.laobao("payments", "import", f)
    state = _state(db)
    expected = _expected(money)
    assert state.pop("entries") == expected["payments"]
    assert state == expected
    db.laobao("reconcile")


def _refs(path: str) -> set[str]:
    return {line.split(",")[0] for line in Path(path).read_text().splitlines()[1:]}


def test_concurrent_imports_of_the_same_file_post_once(db):
    f = write_csv(db.tmp / "same.csv", [(f"CC{i}", "bank", make_credit_code(1), "1.00", "2024-01-21")
                                        for i in range(50)])
    procs = [db.start("payments", "import", f) for _ in range(3)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    assert db.all("SELECT COUNT(*) FROM insurance_payment WHERE bank_ref LIKE 'CC%'")[0][0] == 50
    assert db.all("SELECT COUNT(*) FROM ledger_journalentry WHERE idempotency_key LIKE 'payment:CC%'")[0][0] == 50
    imported = sorted(int(o.split(" imported")[0].rsplit(" ", 1)[1]) for o, _ in outs)
    assert imported == [0, 0, 50]
