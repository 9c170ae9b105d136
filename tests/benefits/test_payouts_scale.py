"""The payout run and the return import are set-based: the number of queries does not grow with the number of
orders (one SQL read, bulk inserts, one ledger batch), and a run of a few thousand orders stays well under a
second of work per thousand. Orders are fixtures written in bulk (as many benefit services would leave them)."""

from __future__ import annotations

import time
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from laobao.benefits.payouts.models import Payout, PayoutLine
from laobao.benefits.payouts.returns import import_returns
from laobao.benefits.payouts.run import run_payouts
from laobao.core.context import acting_as
from laobao.ledger.batch import Entry, post_batch
from laobao.ledger.reconcile import run_all

from payout_fixtures import return_file
from payroll_fixtures import bank_account

DAY = date(2026, 11, 27)


def _orders(persons, n: int, start: int) -> None:
    rows, entries = [], []
    for i in range(start, start + n):
        p = persons[i % len(persons)]
        code, fen = f"payable:person:{p.pk}", 10_000 + i
        rows.append(Payout(key=f"scale:{i}", source="test", person=p, payee_name=p.name, subject=p,
                           region_id=p.residence_region_id, payable_code=code, amount_fen=fen, memo=f"测试 {i}"))
        entries.append(Entry(f"scale:{i}", "test", DAY, [("fund:injury", fen, 0), (code, 0, fen)]))
    with acting_as(None, username="test"):
        Payout.objects.bulk_create(rows, batch_size=2000)
        post_batch(kind="test", entries=entries, progress=None)


def _run(tmp_path) -> tuple[int, float, dict]:
    with acting_as(None, username="test"), CaptureQueriesContext(connection) as q:
        t = time.process_time()
        result = run_payouts(DAY, tmp_path, progress=None)
        return len(q), time.process_time() - t, result


def test_queries_do_not_grow_with_the_orders(city, make_person, tmp_path):
    persons = [make_person(city["c11"], name="蔺" + "甲乙丙丁戊己庚辛壬癸"[i]) for i in range(10)]
    for p in persons:
        bank_account(p)
    _orders(persons, 100, 0)
    small, _, r1 = _run(tmp_path / "a")
    _orders(persons, 3000, 100)
    large, cpu, r2 = _run(tmp_path / "b")
    assert (r1["lines"], r2["lines"]) == (100, 3000)
    assert large <= small + 2, (small, large)  # bulk inserts in batches of 5,000: the same statements
    print(f"\npayouts run: 3000 lines, {large} queries, {cpu:.2f} s CPU ({connection.vendor})")
    ids = PayoutLine.objects.filter(run=r2["run"]).values_list("id", flat=True)
    path = return_file(tmp_path, [(f"P{i}", "paid", "", "2026-11-30") for i in ids])
    with acting_as(None, username="test"), CaptureQueriesContext(connection) as q:
        t = time.process_time()
        s = import_returns(path)
        cpu = time.process_time() - t
    assert s["paid"] == 3000
    print(f"payouts returns: 3000 rows, {len(q)} queries, {cpu:.2f} s CPU")
    assert {n: r.differences for n, r in run_all() if r.count and n.startswith("benefits.")} == {}
