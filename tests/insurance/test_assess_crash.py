"""SIGKILL harness: ``laobao assess`` killed at random points, run again, compared with an independent result.

A fresh database (a temporary SQLite file, or a new PostgreSQL database when DATABASE_URL points at one) is
migrated and loaded with a small deterministic city (assess_world.py). For each of four months the command is
started and killed with SIGKILL after a random delay (tiny transactions — LAOBAO_ASSESS_CHUNK_ROWS=8 — so
kills land between and inside chunk writes), several times, then run to completion. The database must then
hold exactly the bills, lines and amounts that the single-person rule ``policy.rules.contribution.assess``
gives person by person, with every bill posted once and the ledger balanced.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from assess_fixtures import expected_line
from assess_world import LIMITS, world
from throwaway_db import ThrowawayDatabase

pytestmark = pytest.mark.django_db(transaction=False)
HERE = Path(__file__).resolve().parent
SEED = 404
MONTHS = [date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1), date(2024, 10, 1)]
KILLS_PER_MONTH = 6


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _expected(db: ThrowawayDatabase) -> dict:
    """(payer, month) → {"due": fen, "lines": n, "persons": set} from the single-person rule."""
    spec = world(SEED)
    person_ids = [r[0] for r in db.all("SELECT id FROM registry_person ORDER BY id")]
    firms = db.all("SELECT e.id, r.code FROM registry_employer e JOIN core_region r ON r.id = e.region_id ORDER BY e.id")
    out: dict = defaultdict(lambda: {"due": 0, "lines": 0, "persons": set()})
    for month in MONTHS:
        for pid, p in zip(person_ids, spec["people"]):
            if p["start"] > month:
                continue
            wage = p["wage"] if p["declared"] else LIMITS[0]  # no declaration, no earlier one: the floor
            if p["employer"] is None:
                lines, payer = expected_line(month, wage, LIMITS, "320508", injury_class=None, personal=True), -pid
            else:
                eid, code = firms[p["employer"]]
                cls = spec["firms"][p["employer"]]["cls"] or 1
                lines = expected_line(month, wage, LIMITS, code, injury_class=cls, insurances=p["insurances"])
                payer = eid
            bill = out[(payer, month)]
            bill["due"] += sum(er + ee for _, er, ee, _ in lines.values())
            bill["lines"] += len(lines)
            bill["persons"].add(pid)
    return dict(out)


def _actual(db: ThrowawayDatabase) -> dict:
    bills = db.all("SELECT id, employer_id, person_id, month, due_fen, lines FROM insurance_bill")
    persons = defaultdict(list)
    for bill_id, person in db.all("SELECT bill_id, person_id FROM insurance_contribution"):
        persons[bill_id].append(person)
    out = {}
    for bill_id, employer, person, month, due, lines in bills:
        key = (employer if employer else -person, _date(month))
        assert key not in out, f"two bills for {key}"
        assert len(persons[bill_id]) == len(set(persons[bill_id])), "a person twice on one bill"
        out[key] = {"due": due, "lines": lines, "persons": set(persons[bill_id])}
    return out


def _check_ledger(db: ThrowawayDatabase) -> None:
    bills = {f"bill:{i}": due for i, due in db.all("SELECT id, due_fen FROM insurance_bill")}
    entries = db.all("SELECT e.idempotency_key, SUM(l.debit_fen), SUM(l.credit_fen) FROM ledger_journalentry e "
                     "JOIN ledger_journalline l ON l.entry_id = e.id WHERE e.kind = 'assessment' "
                     "GROUP BY e.idempotency_key")
    assert {k for k, _, _ in entries} == set(bills)
    assert all(d == c == bills[k] for k, d, c in entries)
    items = dict(db.all("SELECT bill_id, SUM(due_fen) FROM insurance_billitem GROUP BY bill_id"))
    assert all(items[int(k.split(":")[1])] == due for k, due in bills.items())


@pytest.fixture
def database(tmp_path):
    db = ThrowawayDatabase(tmp_path, "laobao_crash_")
    env = {**os.environ, "LAOBAO_ENV": "test", "LAOBAO_VAR": str(tmp_path), "DATABASE_URL": db.url,
           "LAOBAO_ASSESS_CHUNK_ROWS": "8", "LAOBAO_ASSESS_CHUNK_PAUSE_MS": "350", "PYTHONPATH": str(HERE)}
    subprocess.run([sys.executable, "-m", "laobao.cli", "migrate"], env=env, check=True, capture_output=True,
                   timeout=300)
    subprocess.run([sys.executable, str(HERE / "assess_world.py"), str(SEED)],
                   env={**env, "DJANGO_SETTINGS_MODULE": "laobao.settings"}, check=True, capture_output=True, timeout=120)
    try:
        yield db, env
    finally:
        db.drop()


def test_sigkill_at_random_points_loses_and_doubles_nothing(database):
    db, env = database
    rng = random.Random(SEED)
    command = [sys.executable, "-m", "laobao.cli", "assess"]
    expected = _expected(db)
    killed, partial = 0, 0
    for month in MONTHS:
        total = sum(1 for _, m in expected if m == month)
        args = [*command, "--month", f"{month:%Y-%m}"]
        started = time.perf_counter()
        for _ in range(KILLS_PER_MONTH):
            proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if rng.random() < 0.5:  # at a random moment: start-up, gathering, writing
                time.sleep(rng.uniform(0.2, 1.5))
            else:  # right after the k-th committed chunk (progress line), k random
                for _ in range(rng.randrange(1, 12)):
                    if not proc.stderr.readline():
                        break
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            proc.communicate(timeout=60)
            bills = db.all(f"SELECT COUNT(*) FROM insurance_bill WHERE month = '{month.isoformat()}'")[0][0]
            partial += 0 < bills < total  # killed between two committed chunks
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"assessed {month:%Y-%m}: "), done.stdout
        assert time.perf_counter() - started < 60
    print(f"killed {killed} runs, {partial} between committed chunks")
    assert killed >= 20, f"only {killed} runs were killed before they finished"
    assert partial >= 5, f"only {partial} kills landed between committed chunks"
    actual = _actual(db)
    assert set(actual) == set(expected)
    for key, want in expected.items():
        assert actual[key] == want, key
    rerun = subprocess.run([*command, "--month", "2024-10"], env=env, capture_output=True, text=True, timeout=120)
    assert rerun.stdout.startswith("assessed 2024-10: 0 employers, 0 lines, due 0.00 yuan (already assessed: ")
    _check_ledger(db)
    total_items = db.all("SELECT SUM(due_fen) FROM insurance_billitem")[0][0]
    assert total_items == sum(v["due"] for v in expected.values())
