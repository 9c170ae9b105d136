"""``laobao benefits index --year YYYY``: the year's indexation (调待) of every pension in payment, set-based.

1. The scheme of the year from the parameter ``pension.indexation`` (policy/rules/pension/indexation.py;
   refused while the local split is not entered).
2. One SQL read of every pension in payment at the effective month (start ≤ effective month, not ended
   before it; suspended pensions too) that has no rate ``index:<year>:<benefit>`` yet, with the person's
   birth date and the contribution months of its claim (0 without a claim: stated in the line).
3. The rate in force at the effective month (latest from_month ≤ effective, then id) is the base; NumPy
   computes the four lines exactly (int64, the rule's column form); each benefit gets a new
   ``BenefitRate`` (reason indexation, from the effective month, components = the base's components plus
   the four lines), and a ``BenefitEvent`` (kind rate, reason indexation) saying what rose, both written
   with ``core.bulk.copy_rows``.
Chunks of ``CHUNK`` benefits, each one transaction with its audit event: a re-run writes only the
benefits that have no rate of the year yet (idempotent; unique key). Back pay needs nothing here: the
payroll (payroll/due.py) pays due − paid for every month, so months already paid at the old rate are
paid the difference in the next run.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.bulk import copy_rows, db_timestamp
from laobao.policy.rules.checks import yuan
from laobao.policy.rules.pension import indexation as rule

from ..payroll.due import _cols, _in_ids, _ids_param, _rows

CHUNK = 50_000
COLUMNS = ("benefit_id", "from_month", "monthly_fen", "components", "reason", "key", "created_at")
EVENT_COLUMNS = ("benefit_id", "kind", "month", "reason", "note", "actor_id", "at")


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


def base_rates(ids: np.ndarray, effective: date) -> tuple[np.ndarray, list[str]]:
    """The rate in force at the effective month per benefit: (monthly fen, components as JSON text) in ``ids``
    order. The components stay text: the new rate's are the base's with the four lines spliced in."""
    text = "r.components::text" if connection.vendor == "postgresql" else "r.components"
    rows = _rows("SELECT r.benefit_id, r.monthly_fen, " + text + " FROM benefits_benefitrate r WHERE "
                 + _in_ids("r.benefit_id") + " AND r.from_month <= %s ORDER BY r.benefit_id, r.from_month, r.id",
                 [_ids_param(ids), effective])
    last: dict[int, tuple[int, str]] = {}
    for bid, fen, comp in rows:  # ordered: the last row of each benefit wins
        last[bid] = (fen, comp)
    monthly = np.fromiter((last.get(b, (0, None))[0] for b in ids.tolist()), dtype=np.int64, count=ids.size)
    return monthly, [last.get(b, (0, "[]"))[1] or "[]" for b in ids.tolist()]


def _dump(line: dict) -> str:
    return json.dumps(line, ensure_ascii=False)


# Sentinel amounts whose texts occur nowhere else in a share line: the line is dumped once with them and each
# person's line is the template with the person's texts put in their places.
_PENSION, _SHARE = 987_654_321_987, 123_456_789_123


def _share_template(s: rule.Scheme) -> tuple[list[str], list[int]]:
    """The share line's JSON text split around its three person-specific texts: (literal parts, and for each
    gap which text goes there — 0 the pension in yuan, 1 the share in fen, 2 the share in yuan)."""
    text = _dump(rule.share_line(s, _PENSION, _SHARE))
    tokens = (yuan(_PENSION), str(_SHARE), yuan(_SHARE))
    assert all(text.count(t) == 1 for t in tokens), "a sentinel of the share line template is ambiguous"
    order = sorted(range(3), key=lambda k: text.index(tokens[k]))
    parts = []
    for k in order:
        head, _, text = text.partition(tokens[k])
        parts.append(head)
    return parts + [text], order


def components(s: rule.Scheme, base: np.ndarray, months: np.ndarray, age: np.ndarray, cols: dict,
               comps: list[str]):
    """Per benefit the base's components (JSON text) followed by the four lines of ``rule.lines``, exactly as
    ``json.dumps`` writes them (a test compares). The flat, per-year and age lines repeat across persons: each
    distinct one is dumped once; the share line is a template filled with the person's pension and share.
    A generator: on PostgreSQL the COPY sends rows while the next ones are built."""
    flat = _dump(rule.lines(s, 0, 0, 0, 0, 0)[0])
    years: dict[int, str] = {}
    ages: dict[tuple[int, int], str] = {}
    (t0, t1, t2, t3), order = _share_template(s)
    for comp, b, m, a, sh, ex in zip(comps, base.tolist(), months.tolist(), age.tolist(), cols["share"].tolist(),
                                     cols["age"].tolist()):
        y = years.get(m)
        if y is None:
            y = years[m] = _dump(rule.lines(s, 0, m, 0, 0, 0)[2])
        g = ages.get((a, ex))
        if g is None:
            g = ages[(a, ex)] = _dump(rule.lines(s, 0, 0, a, 0, ex)[3])
        head = comp.rstrip()[:-1].rstrip()  # the base's array without its closing bracket
        sep = "" if head.endswith("[") else ", "
        v = (f"{b // 100}.{b % 100:02d}", str(sh), f"{sh // 100}.{sh % 100:02d}")  # = yuan(): both ≥ 0
        yield f"{head}{sep}{flat}, {t0}{v[order[0]]}{t1}{v[order[1]]}{t2}{v[order[2]]}{t3}, {y}, {g}]"


def _chunk(s: rule.Scheme, ids, birth, months, now: str) -> tuple[int, int]:
    base, comps = base_rates(ids, s.effective)
    day = s.age_day.year * 10000 + s.age_day.month * 100 + s.age_day.day
    age = np.maximum((day - birth) // 10000, 0)
    cols = rule.increase_columns(s, base, months, age)
    new = base + cols["total"]
    eff = s.effective.isoformat()
    text = components(s, base, months, age, cols, comps)
    rows = ((b, eff, n, t, "indexation", f"index:{s.year}:{b}", now)
            for b, n, t in zip(ids.tolist(), new.tolist(), text))
    note = f"{s.year}年调待（{s.effective:%Y-%m} 起）"
    events = ((b, "rate", eff, "indexation", f"{note} +{t // 100}.{t % 100:02d} 元", None, now)  # t ≥ 0
              for b, t in zip(ids.tolist(), cols["total"].tolist()))
    with transaction.atomic():
        n = copy_rows("benefits_benefitrate", COLUMNS, rows, progress=None)
        copy_rows("benefits_benefitevent", EVENT_COLUMNS, events, progress=None)
        audit.record("benefit.indexation", object_type="indexation", object_id=s.year,
                     after={"year": s.year, "benefits": n, "first": int(ids[0]), "last": int(ids[-1]),
                            "increase_fen": int(cols["total"].sum())})
    return n, int(cols["total"].sum())


def run_indexation(year: int, *, scheme: rule.Scheme | None = None, chunk: int = CHUNK, progress=sys.stderr) -> dict:
    """Index every pension in payment for ``year``. Returns {benefits, increase_fen, effective, skipped}."""
    s = scheme or rule.scheme(year)
    ids, birth, months = candidates(year, s.effective)
    started, done, total_fen = time.perf_counter(), 0, 0
    now = db_timestamp(timezone.now())
    for lo in range(0, ids.size, chunk):
        n, fen = _chunk(s, ids[lo:lo + chunk], birth[lo:lo + chunk], months[lo:lo + chunk], now)
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
