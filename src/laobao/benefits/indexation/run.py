"""``laobao benefits index --year YYYY``: the year's indexation (调待) of every pension in payment, set-based.

1. The scheme of the year from the parameter ``pension.indexation`` (policy/rules/pension/indexation.py;
   refused while the local split is not entered).
2. One SQL read of every pension in payment at the effective month (start ≤ effective month, not ended
   before it; suspended pensions too) that has no rate ``index:<year>:<benefit>`` yet, with the person's
   birth date and the contribution months of its claim (0 without a claim: stated in the line).
3. The rate in force at the effective month (latest from_month ≤ effective, then id) is the base; NumPy
   computes the four lines exactly (int64, the rule's column form); each benefit gets a new
   ``BenefitRate`` (reason indexation, from the effective month) in the compact form (ADR 0019-D,
   ``explain.py``): the year's texts are one ``IndexationScheme`` row, the rate carries the base rate's id,
   the person's figures and the base's account part — about 110 bytes instead of ~800 of repeated JSON —,
   written with ``core.bulk.copy_rows``. No ``BenefitEvent`` row: the person page shows the event the rate
   stands for ("<year>年调待（<month> 起） +X 元", ``explain.history``); no other reader of events looks at
   kind rate (the payroll, verification, death and reconcile read suspend/resume/stop only).
Chunks of ``CHUNK`` benefits, each one transaction with its audit event: a re-run writes only the
benefits that have no rate of the year yet (idempotent; unique key). Back pay needs nothing here: the
payroll (payroll/due.py) pays due − paid for every month, so months already paid at the old rate are
paid the difference in the next run.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from datetime import date

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.bulk import copy_rows, db_timestamp
from laobao.policy.rules.pension import indexation as rule

from ..payroll.due import _account_sql, _cols, _in_ids, _ids_param, _rows

CHUNK = 50_000
COLUMNS = ("benefit_id", "from_month", "monthly_fen", "components", "reason", "key", "created_at")


def _ymd(column: str) -> str:
    if connection.vendor == "postgresql":
        return (f"(EXTRACT(YEAR FROM {column})::int * 10000 + EXTRACT(MONTH FROM {column})::int * 100 "
                f"+ EXTRACT(DAY FROM {column})::int)")
    return f"CAST(strftime('%Y%m%d', {column}) AS INTEGER)"


def _months_sql() -> str:
    if connection.vendor == "postgresql":
        return "COALESCE((c.calculation->'inputs'->>'contribution_months')::int, 0)"
    return "COALESCE(json_extract(c.calculation, '$.inputs.contribution_months'), 0)"


def candidates(year: int, effective: date):
    """(benefit id, birth yyyymmdd, contribution months) of every pension to index, by id."""
    sql = ("SELECT b.id, " + _ymd("p.birth_date") + ", " + _months_sql() + " FROM benefits_benefit b "
           "JOIN registry_person p ON p.id = b.person_id "
           "LEFT JOIN benefits_pensionclaim c ON c.benefit_id = b.id "
           "WHERE b.kind = 'pension' AND b.start_month <= %s AND (b.end_month IS NULL OR b.end_month >= %s) "
           "AND NOT EXISTS (SELECT 1 FROM benefits_benefitrate r WHERE r.benefit_id = b.id AND r.key = %s "
           "|| CAST(b.id AS TEXT)) ORDER BY b.id")
    return _cols(_rows(sql, [effective, effective, f"index:{year}:"]), 3)


def base_rates(ids: np.ndarray, effective: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rate in force at the effective month per benefit, in ``ids`` order: (monthly fen, rate id — 0 when
    none —, its account part as the payroll reads it). Integer columns only: no explanation text is read."""
    b, fen, rid, acct = _cols(_rows("SELECT r.benefit_id, r.monthly_fen, r.id, " + _account_sql() + " FROM "
                                    "benefits_benefitrate r WHERE " + _in_ids("r.benefit_id") + " AND r.from_month <= %s "
                                    "ORDER BY r.benefit_id, r.from_month, r.id", [_ids_param(ids), effective]), 4)
    last = np.ones(b.size, dtype=bool)
    last[:-1] = b[1:] != b[:-1]  # ordered: the last row of each benefit is in force
    b, fen, rid, acct = b[last], fen[last], rid[last], acct[last]
    at = np.searchsorted(b, ids)
    found = at < b.size
    found[found] = b[at[found]] == ids[found]
    out = [np.zeros(ids.size, dtype=np.int64) for _ in range(3)]
    for o, col in zip(out, (fen, rid, acct)):
        o[found] = col[at[found]]
    return out[0], out[1], out[2]


def scheme_row(s: rule.Scheme) -> int:
    """The id of the year's ``IndexationScheme`` (its texts stored once), created on the first run."""
    from ..models import IndexationScheme

    texts = rule.texts(s)
    key = f"{s.year}:" + hashlib.sha256(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
    found = IndexationScheme.objects.filter(key=key).values_list("id", flat=True).first()
    if found is None:
        with transaction.atomic():
            found = IndexationScheme.objects.create(key=key, year=s.year, effective=s.effective, texts=texts).pk
            audit.record("benefit.indexation_scheme", object_type="indexation", object_id=s.year,
                         after={"year": s.year, "scheme": found, "key": key})
    return found


def components(scheme_id: int, base_id, account, figures):
    """Per benefit the compact components as JSON text (see ``explain.py``): the base's account part (when
    any) and the index element. A generator: on PostgreSQL the COPY sends rows while the next are built."""
    head = '{"code": "index", "scheme": %d, "base": ' % scheme_id
    for r, a, (p, sh, m, age, ex) in zip(base_id, account, zip(*figures)):
        acct = f'{{"code": "account", "amount_fen": {a}}}, ' if a else ""
        yield f'[{acct}{head}{r}, "f": [{p}, {sh}, {m}, {age}, {ex}]}}]'


def _chunk(s: rule.Scheme, scheme_id: int, ids, birth, months, now: str) -> tuple[int, int]:
    base, base_id, account = base_rates(ids, s.effective)
    day = s.age_day.year * 10000 + s.age_day.month * 100 + s.age_day.day
    age = np.maximum((day - birth) // 10000, 0)
    cols = rule.increase_columns(s, base, months, age)
    new = base + cols["total"]
    eff = s.effective.isoformat()
    figures = [c.tolist() for c in (base, cols["share"], months, age, cols["age"])]
    text = components(scheme_id, base_id.tolist(), account.tolist(), figures)
    rows = ((b, eff, n, t, "indexation", f"index:{s.year}:{b}", now)
            for b, n, t in zip(ids.tolist(), new.tolist(), text))
    with transaction.atomic():  # no BenefitEvent row: the compact rate is the event (explain.history)
        n = copy_rows("benefits_benefitrate", COLUMNS, rows, progress=None)
        audit.record("benefit.indexation", object_type="indexation", object_id=s.year,
                     after={"year": s.year, "benefits": n, "first": int(ids[0]), "last": int(ids[-1]),
                            "increase_fen": int(cols["total"].sum()), "scheme": scheme_id})
    return n, int(cols["total"].sum())


def run_indexation(year: int, *, scheme: rule.Scheme | None = None, chunk: int = CHUNK, progress=sys.stderr) -> dict:
    """Index every pension in payment for ``year``. Returns {benefits, increase_fen, effective, skipped}."""
    s = scheme or rule.scheme(year)
    ids, birth, months = candidates(year, s.effective)
    started, done, total_fen = time.perf_counter(), 0, 0
    now = db_timestamp(timezone.now())
    scheme_id = scheme_row(s) if ids.size else 0
    for lo in range(0, ids.size, chunk):
        n, fen = _chunk(s, scheme_id, ids[lo:lo + chunk], birth[lo:lo + chunk], months[lo:lo + chunk], now)
        done, total_fen = done + n, total_fen + fen
        _progress(progress, done, ids.size, started)
    return {"year": year, "effective": s.effective, "benefits": done, "increase_fen": total_fen}


def _progress(out, done: int, total: int, started: float) -> None:
    if out is None:
        return
    elapsed = time.perf_counter() - started
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate else 0.0
    out.write(f"indexation {done}/{total} ({elapsed:.1f} s, {rate:,.0f} rows/s, {left:.0f} s left)\n")
    out.flush()
