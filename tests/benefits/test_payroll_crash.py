"""SIGKILL harness of the payroll (issue 5: "SIGKILL at random points then re-run, duplicate return files,
rejected payments re-issued — nothing paid twice, nothing lost, totals to the fen against an independent
computation"), the method of the issue-4 harnesses (tests/insurance/test_assess_crash.py).

A throwaway database (SQLite file, or a new database on the test PostgreSQL) is migrated and loaded with a
deterministic world (payroll_crash_world.py: 170 pensions, some with an annuity account or an indexation,
40 unemployment benefits, starts spread over five months, a few persons without a 代发账户). Tiny chunks
(LAOBAO_PAYROLL_CHUNK=16, a pause after each commit) let kills land inside and between chunk transactions.
January, February and March run as subprocesses killed with SIGKILL at random moments (after a random delay,
or right after the k-th committed chunk), then run to completion; after every kill the database is checked
(every line = its months = its ledger credit, no month paid twice). Return files reject some lines; one file
is imported twice and one by three processes at once (each line returned once); accounts are corrected and
`laobao payroll reissue` is killed and re-run; a second reissue adds nothing. At the end every benefit's
months up to March are paid exactly once at the rate in force — computed here in plain Python from the
world's rates, not through payroll/due.py — totals agree to the fen, the annuity accounts hold exactly what
is left, every unemployment month has its medical contribution once, and `laobao reconcile` is clean.
"""

from __future__ import annotations

import csv
import io
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
from payroll_crash_world import world
from throwaway_db import ThrowawayDatabase

pytestmark = pytest.mark.django_db(transaction=False)
HERE = Path(__file__).resolve().parent
SEED = 505
LAST = date(2026, 3, 1)


def _date(v) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


def _months(lo: date, hi: date):
    m = lo
    while m <= hi:
        yield m
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)


def expected(spec: list[dict]) -> dict:
    """(person index, month) → (due fen, account part fen), every month from start to min(end, March)."""
    out = {}
    for i, w in enumerate(spec):
        hi = min(w["end"] or LAST, LAST)
        for m in _months(w["start"], hi):
            _, basic, account = [r for r in w["rates"] if r[0] <= m][-1]  # the latest by (from month, entry)
            out[(i, m)] = (basic + account, account)
    return out


class Harness:
    def __init__(self, db: ThrowawayDatabase, env: dict, out: Path):
        self.db, self.env, self.out = db, env, out
        self.rng = random.Random(SEED)
        self.killed = self.between = 0

    def cmd(self, *args) -> list[str]:
        return [sys.executable, "-m", "laobao.cli", *args]

    def run(self, *args) -> subprocess.CompletedProcess:
        done = subprocess.run(self.cmd(*args), env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        return done

    def world(self, *args) -> None:
        subprocess.run([sys.executable, str(HERE / "payroll_crash_world.py"), str(SEED), *args], check=True,
                       env={**self.env, "DJANGO_SETTINGS_MODULE": "laobao.settings"}, capture_output=True, timeout=120)

    def lines(self, month: date) -> int:
        return self.db.one(f"SELECT COUNT(*) FROM benefits_paymentline l JOIN benefits_payrollrun r ON r.id = l.run_id "
                           f"WHERE r.month = '{month.isoformat()}'")[0]

    def kill(self, args: list[str], times: int, month: date) -> None:
        seen = []
        for _ in range(times):
            proc = subprocess.Popen(self.cmd(*args), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
            # after the k-th progress line (a committed chunk), k random, then a short random delay so the kill
            # lands in the pause after that commit or inside the next chunk's transaction; k = 0: during
            # start-up or the read. Counted by progress, not by the clock, so a faster machine kills as often.
            k = self.rng.randrange(0, 9)
            for _ in range(k):
                if not proc.stderr.readline():
                    break
            time.sleep(self.rng.uniform(0.0, 0.3) if k else self.rng.uniform(0.3, 1.2))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                self.killed += 1
            proc.communicate(timeout=60)
            consistent(self.db)
            seen.append(self.lines(month))
        self.seen = seen

    def count_between(self, month: date) -> None:
        final = self.lines(month)
        self.between += sum(1 for n in self.seen if 0 < n < final)


def consistent(db: ThrowawayDatabase) -> None:
    """What must hold after any kill: each line = Σ its months; the payroll entries credit exactly the lines
    written; no (benefit, month) paid twice by lines not rejected; medical rows = their postings."""
    assert db.all("SELECT l.id FROM benefits_paymentline l LEFT JOIN benefits_paidmonth m ON m.line_id = l.id "
                  "GROUP BY l.id, l.amount_fen HAVING l.amount_fen <> COALESCE(SUM(m.amount_fen), 0)") == []
    lines = db.one("SELECT COALESCE(SUM(amount_fen), 0) FROM benefits_paymentline")[0]
    credited = db.one("SELECT COALESCE(SUM(l.credit_fen), 0) FROM ledger_journalline l JOIN ledger_journalentry e "
                      "ON e.id = l.entry_id WHERE e.idempotency_key LIKE 'payroll:%'")[0]
    assert lines == credited, "a killed run left lines without their ledger entry (or the reverse)"
    assert db.all("SELECT m.benefit_id, m.month FROM benefits_paidmonth m JOIN benefits_paymentline l "
                  "ON l.id = m.line_id LEFT JOIN benefits_paymentreturn x ON x.line_id = l.id "
                  "WHERE x.outcome IS NULL OR x.outcome = 'paid' GROUP BY m.benefit_id, m.month "
                  "HAVING COUNT(*) > 1") == []
    med = db.one("SELECT COALESCE(SUM(amount_fen), 0) FROM benefits_unemploymentmedical")[0]
    posted = db.one("SELECT COALESCE(SUM(l.credit_fen), 0) FROM ledger_journalline l JOIN ledger_journalentry e "
                    "ON e.id = l.entry_id WHERE e.idempotency_key LIKE 'payroll-medical:%'")[0]
    assert med == posted


@pytest.fixture
def harness(tmp_path, parameter_tree):
    from payroll_fixtures import MEDICAL_YAML  # a fixture value: the shipped tree has none yet

    parameter_tree("unemployment/medical_contribution.yaml", MEDICAL_YAML)
    db = ThrowawayDatabase(tmp_path, "laobao_paycrash_")
    env = {**os.environ, "LAOBAO_ENV": "test", "LAOBAO_VAR": str(tmp_path), "DATABASE_URL": db.url,
           "LAOBAO_PAYROLL_CHUNK": "16", "LAOBAO_PAYROLL_CHUNK_PAUSE_MS": "120",
           "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent)])}
    h = Harness(db, env, tmp_path / "files")
    try:
        h.run("migrate")
        h.world("load")
        yield h
    finally:
        db.drop()


def _returns(h: Harness, month: date, name: str, reject: float) -> tuple[Path, list[int]]:
    """A return file for the month's lines without a return: a share rejected (the bank's reason), the rest paid."""
    rows = h.db.all(f"SELECT l.id, p.citizen_id FROM benefits_paymentline l JOIN benefits_payrollrun r ON r.id = l.run_id "
                    f"JOIN registry_person p ON p.id = l.person_id LEFT JOIN benefits_paymentreturn x ON x.line_id = l.id "
                    f"WHERE r.month = '{month.isoformat()}' AND x.id IS NULL ORDER BY l.id")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["line_id", "outcome", "reason", "settled_on"])
    rejected = []
    for line, cid in rows:
        if h.rng.random() < reject:
            w.writerow([line, "rejected", "账号不存在", f"{month:%Y-%m}-20"])
            rejected.append(line)
        else:
            w.writerow([line, "paid", "", f"{month:%Y-%m}-20"])
    path = h.out.parent / name
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path, rejected


def _index_of_lines(h: Harness, lines: list[int]) -> list[int]:
    if not lines:
        return []
    rows = h.db.all("SELECT b.source FROM benefits_paymentline l JOIN benefits_benefit b ON b.id = l.benefit_id "
                    "WHERE l.id IN (" + ",".join(str(int(i)) for i in lines) + ")")
    return sorted({int(s.split(":")[1]) for (s,) in rows})


def _ledger(db: ThrowawayDatabase) -> dict:
    return {code: int(v) for code, v in db.all(
        "SELECT a.code, SUM(l.debit_fen) - SUM(l.credit_fen) FROM ledger_journalline l "
        "JOIN ledger_account a ON a.id = l.account_id GROUP BY a.code")}


def test_sigkill_rerun_returns_and_reissue_pay_every_month_once(harness):
    h = harness
    started = time.perf_counter()  # after migrate and load (the fixture)
    spec = world(SEED)
    out = ["--out", str(h.out)]
    # January: killed at random points, then to completion; a re-run writes nothing
    h.kill(["payroll", "--month", "2026-01", *out], 4, date(2026, 1, 1))
    first = h.run("payroll", "--month", "2026-01", *out)
    h.count_between(date(2026, 1, 1))
    again = h.run("payroll", "--month", "2026-01", *out)
    assert again.stdout == first.stdout and "written now: 0 lines" in again.stderr
    # the bank's returns: some rejected; the first file imported twice, the second by three processes at once
    f1, rej1 = _returns(h, date(2026, 1, 1), "r1.csv", 0.1)
    h.run("payroll", "returns", str(f1))
    dup = h.run("payroll", "returns", str(f1))
    assert dup.stdout.startswith("returns: ") and " 0 paid (0.00 yuan), 0 rejected (0.00 yuan)" in dup.stdout
    # the accounts of half the rejected are corrected; the reissue is killed, re-run, and a second adds nothing
    who = _index_of_lines(h, rej1)
    h.world("account", "1", *map(str, who[: len(who) // 2 + 1]))
    h.kill(["payroll", "reissue", "--month", "2026-01", *out], 2, date(2026, 1, 1))
    h.run("payroll", "reissue", "--month", "2026-01", *out)
    second = h.run("payroll", "reissue", "--month", "2026-01", *out)
    assert second.stdout.startswith("payroll 2026-01 reissue: 0 payments, 0.00 yuan;"), second.stdout
    # February: everyone gets an account (the held and those without one); killed, completed; returns at once
    none = [i for i, w in enumerate(spec) if w["bank"] is None]
    h.world("account", "2", *map(str, sorted(set(who) | set(none))))
    h.kill(["payroll", "--month", "2026-02", *out], 3, date(2026, 2, 1))
    h.run("payroll", "--month", "2026-02", *out)
    h.count_between(date(2026, 2, 1))
    f2, rej2 = _returns(h, date(2026, 2, 1), "r2.csv", 0.08)
    procs = [subprocess.Popen(h.cmd("payroll", "returns", str(f2)), env=h.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    assert sorted(o.count(" 0 paid (0.00 yuan)") for o, _ in outs) == [0, 1, 1]
    h.world("account", "3", *map(str, _index_of_lines(h, rej2)))
    h.kill(["payroll", "reissue", "--month", "2026-02", *out], 2, date(2026, 2, 1))
    h.run("payroll", "reissue", "--month", "2026-02", *out)
    # March
    h.kill(["payroll", "--month", "2026-03", *out], 3, date(2026, 3, 1))
    h.run("payroll", "--month", "2026-03", *out)
    h.count_between(date(2026, 3, 1))
    print(f"killed {h.killed} runs, {h.between} between committed chunks, {time.perf_counter() - started:.1f} s")
    assert h.killed >= 10, f"only {h.killed} runs were killed before they finished"
    assert h.between >= 3, f"only {h.between} kills landed between committed chunks"
    _check_final(h, spec)
    h.run("reconcile")


def _check_final(h: Harness, spec: list[dict]) -> None:
    want = expected(spec)
    index = {bid: int(src.split(":")[1]) for bid, src in h.db.all("SELECT id, source FROM benefits_benefit")}
    person = {i: pid for bid, pid in h.db.all("SELECT id, person_id FROM benefits_benefit")
              for i in [index[bid]]}
    paid = defaultdict(list)
    for bid, month, fen in h.db.all(
            "SELECT m.benefit_id, m.month, m.amount_fen FROM benefits_paidmonth m JOIN benefits_paymentline l "
            "ON l.id = m.line_id LEFT JOIN benefits_paymentreturn x ON x.line_id = l.id "
            "WHERE x.outcome IS NULL OR x.outcome = 'paid'"):
        paid[(index[bid], _date(month))].append(int(fen))
    assert set(paid) == set(want), "months lost or paid beyond the entitlement"
    assert {k: v for k, v in paid.items() if v != [want[k][0]]} == {}, "a month paid twice or at a wrong rate"
    total = h.db.one("SELECT SUM(l.amount_fen) FROM benefits_paymentline l LEFT JOIN benefits_paymentreturn x "
                     "ON x.line_id = l.id WHERE x.outcome IS NULL OR x.outcome = 'paid'")[0]
    assert total == sum(due for due, _ in want.values())
    bal = _ledger(h.db)
    for i, w in enumerate(spec):  # the annuity paid the account part while it lasted, nothing more
        used = sum(acct for (j, _), (_, acct) in want.items() if j == i)
        assert -bal.get(f"personal:{person[i]}:annuity", 0) == max(w["annuity"] - used, 0), i
    from laobao.policy.params import param

    med = {(index[b], _date(m)): int(f) for b, m, f in h.db.all(
        "SELECT benefit_id, month, amount_fen FROM benefits_unemploymentmedical")}
    assert med == {(i, m): int(param("unemployment.medical_contribution", on=m).value)
                   for (i, m) in want if spec[i]["kind"] == "unemployment"}
    assert -bal.get("fund:medical", 0) == sum(med.values())
    pending = defaultdict(int)
    for bank, fen in h.db.all("SELECT l.bank_code, SUM(l.amount_fen) FROM benefits_paymentline l LEFT JOIN "
                              "benefits_paymentreturn x ON x.line_id = l.id WHERE x.id IS NULL GROUP BY l.bank_code"):
        pending[f"payable:bank:{bank}"] = int(fen)
    assert {k: -v for k, v in bal.items() if k.startswith("payable:bank:") and v} == dict(pending)
    returned = h.db.one("SELECT COALESCE(SUM(l.amount_fen), 0) FROM benefits_paymentline l JOIN benefits_paymentreturn x "
                        "ON x.line_id = l.id WHERE x.outcome = 'paid'")[0]
    assert -bal.get("bank:benefits", 0) == returned
    assert h.db.one("SELECT COUNT(*) FROM benefits_paymentreturn")[0] == h.db.one(
        "SELECT COUNT(DISTINCT line_id) FROM benefits_paymentreturn")[0]
    _check_files(h)


def _check_files(h: Harness) -> None:
    """Every run's recorded bank files are on disk and list exactly its lines and totals."""
    import json

    for run_id, files in h.db.all("SELECT id, files FROM benefits_payrollrun"):
        files = files if isinstance(files, list) else json.loads(files)
        got = {}
        for f in files:
            rows = Path(f["file"]).read_text(encoding="utf-8").splitlines()
            for r in rows[1:-1]:
                cells = r.split(",")
                got[int(cells[1])] = round(float(cells[4]) * 100)  # test-side parse of the yuan text
        lines = dict(h.db.all(f"SELECT id, amount_fen FROM benefits_paymentline WHERE run_id = {int(run_id)}"))
        assert got == lines, f"run #{run_id}: files differ from its lines"
