"""What each benefit is owed in a run: set-based, SQL reads into NumPy columns, no Python object per benefit.

Months are integers ``year * 12 + month - 1``. due(m) = the latest rate (by from_month, then id) with
from_month ≤ m, for m in [start_month, min(end_month, run month)], except suspended months (from a suspend
event's month up to the next resume event's month; a resumption with back pay names the suspension month,
so nothing stays suspended). paid(m) = Σ PaidMonth (the view: PaymentMonth rows and single-month lines, ADR
0018) of lines not rejected. owed(m) = max(due − paid, 0).

Fast path (nearly every benefit): no suspension events and Σ due = Σ paid over the months before the run
month → the line is the run month alone. Every other benefit (late approval, resumed suspension, a rejected
line, a back-dated rate) gets its whole month grid expanded and pays every owed month in ONE line.
The account part of a pension month is the rate's ``account`` component (个人账户养老金), at most what is paid.

Σ paid before the run (``paid_totals``) is read without the whole history: each line stores ``paid_cum_fen`` =
Σ of the benefit's lines not rejected when it was written, itself included. A benefit with a line in the latest
earlier monthly run P and no rejected line at all has paid exactly P's line's ``paid_cum_fen`` in other runs:
no run of a month between P and this one exists (runs go forward), a reissue line needs a rejected line, and
without a rejection no earlier line stopped counting since. Every other benefit (no line in P, a rejected line,
a line from before migration 0011) is summed over its lines as before — the same figure either way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import connection

SHIFT = 20  # key = benefit id << SHIFT | month index (month indexes stay below 2**15)
NEVER = 10**6


def mi(d) -> int:
    return d.year * 12 + d.month - 1


def month_text(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def month_iso(m: int) -> str:
    return month_text(m) + "-01"


def month_date(m: int) -> date:
    return date(m // 12, m % 12 + 1, 1)


def _mi_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"(EXTRACT(YEAR FROM {column})::int * 12 + EXTRACT(MONTH FROM {column})::int - 1)"
    # SQLite stores a DateField as 'YYYY-MM-DD' text: the digits cut out cost ~40 % less than strftime's parse
    return f"(CAST(substr({column}, 1, 4) AS INTEGER) * 12 + CAST(substr({column}, 6, 2) AS INTEGER) - 1)"


def _account_sql() -> str:
    if connection.vendor == "postgresql":
        return ("COALESCE((SELECT SUM((c->>'amount_fen')::bigint) FROM jsonb_array_elements(r.components) c "
                "WHERE c->>'code' = 'account'), 0)")
    return ("COALESCE((SELECT SUM(json_extract(c.value, '$.amount_fen')) FROM json_each(r.components) c "
            "WHERE json_extract(c.value, '$.code') = 'account'), 0)")


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _cols(rows: list[tuple], n: int) -> list[np.ndarray]:
    """Integer result columns, converted in one NumPy call."""
    if not rows:
        return [np.zeros(0, dtype=np.int64) for _ in range(n)]
    return list(np.array(rows, dtype=np.int64).T.copy())


def _ids_param(ids: np.ndarray):
    """One parameter carrying many ids: an array (PostgreSQL) or a JSON list (SQLite's json_each)."""
    return ids.tolist() if connection.vendor == "postgresql" else json.dumps(ids.tolist())


def _in_ids(column: str) -> str:
    if connection.vendor == "postgresql":
        return column + " = ANY(%s)"
    return column + " IN (SELECT value FROM json_each(%s))"


@dataclass
class Owed:
    """The lines to pay: per line (benefit, person, fund index, amount, account part) and its months."""

    benefit: np.ndarray
    person: np.ndarray
    fund: np.ndarray  # index into ``funds``
    amount: np.ndarray
    account_part: np.ndarray
    funds: list[str]
    month_line: np.ndarray  # month rows: line index, month index, amount
    month: np.ndarray
    month_amount: np.ndarray
    slow: int  # benefits whose whole month grid was expanded
    paid_before: np.ndarray  # per line: Σ the benefit's lines of other runs not rejected (→ paid_cum_fen)


def load_benefits(run_month: int, run_id: int, only: np.ndarray | None = None):
    """Every benefit paid from a fund that started by the run month and has no line in this run (``only``:
    these benefit ids alone, for a reissue)."""
    sql = ("SELECT b.id, b.person_id, b.fund, " + _mi_sql("b.start_month") + ", COALESCE(" + _mi_sql("b.end_month")
           + ", %s) FROM benefits_benefit b WHERE b.fund LIKE 'fund:%%' AND b.start_month <= %s "
           "AND NOT EXISTS (SELECT 1 FROM benefits_paymentline l WHERE l.run_id = %s AND l.benefit_id = b.id) "
           + ("AND " + _in_ids("b.id") + " " if only is not None else "") + "ORDER BY b.id")
    params = [NEVER, month_date(run_month), run_id] + ([_ids_param(only)] if only is not None else [])
    rows = _rows(sql, params)
    names = [r[2] for r in rows]
    funds = sorted(set(names))
    index = {f: i for i, f in enumerate(funds)}
    ids, person, start, end = _cols([(r[0], r[1], r[3], r[4]) for r in rows], 4)
    fund = np.fromiter(map(index.__getitem__, names), dtype=np.int64, count=len(names))
    return ids, person, fund, start, end, funds


def load_rates(run_month: int):
    """(benefit, from month, monthly fen, rate id) of every rate from before the run month, in force order."""
    sql = ("SELECT r.benefit_id, " + _mi_sql("r.from_month") + " AS fm, r.monthly_fen, r.id "
           "FROM benefits_benefitrate r WHERE r.from_month <= %s ORDER BY r.benefit_id, r.from_month, r.id")
    return _cols(_rows(sql, [month_date(run_month)]), 4)


def account_parts(rate_ids: np.ndarray, benefit_ids: np.ndarray) -> np.ndarray:
    """The ``account`` component (个人账户养老金) of each rate, read (JSON) only for ``benefit_ids``: the
    pensions whose person still has an annuity balance. Elsewhere the account part is paid by the fund anyway."""
    out = np.zeros(rate_ids.size, dtype=np.int64)
    if not benefit_ids.size or not rate_ids.size:
        return out
    r_id, part = _cols(_rows("SELECT r.id, " + _account_sql() + " FROM benefits_benefitrate r WHERE "
                             + _in_ids("r.benefit_id"), [_ids_param(benefit_ids)]), 2)
    order = np.argsort(rate_ids)
    at = np.searchsorted(rate_ids[order], r_id)
    ok = at < rate_ids.size
    ok[ok] = rate_ids[order][at[ok]] == r_id[ok]
    out[order[at[ok]]] = part[ok]
    return out


def load_suspensions() -> dict[int, list[tuple[int, int]]]:
    """benefit id → [(first suspended month, first month due again)] from its suspend/resume events."""
    rows = _rows("SELECT benefit_id, kind, " + _mi_sql("month") + " FROM benefits_benefitevent "
                 "WHERE kind IN ('suspend', 'resume') ORDER BY benefit_id, id", [])
    out: dict[int, list[tuple[int, int]]] = {}
    for bid, kind, m in rows:  # few rows: only suspended benefits have them
        spans = out.setdefault(bid, [])
        if kind == "suspend":
            spans.append((m, NEVER))
        elif spans and spans[-1][1] == NEVER:
            spans[-1] = (spans[-1][0], m)
    return out


def paid_totals_full(run_id: int, ids: np.ndarray | None = None):
    """Σ amounts of the lines of other runs not rejected, per benefit (of ``ids`` only, when given)."""
    sql = ("SELECT l.benefit_id, SUM(l.amount_fen) FROM benefits_paymentline l LEFT JOIN benefits_paymentreturn x "
           "ON x.line_id = l.id WHERE l.run_id <> %s AND (x.outcome IS NULL OR x.outcome = 'paid') "
           + ("AND " + _in_ids("l.benefit_id") + " " if ids is not None else "") + "GROUP BY l.benefit_id ORDER BY l.benefit_id")
    return _cols(_rows(sql, [run_id] + ([_ids_param(ids)] if ids is not None else [])), 2)


def rejected_benefits() -> np.ndarray:
    """Benefits with a rejected line (sorted; partial index benefits_return_rejected, migration 0011)."""
    rows = _rows("SELECT DISTINCT l.benefit_id FROM benefits_paymentreturn x JOIN benefits_paymentline l "
                 "ON l.id = x.line_id WHERE x.outcome = 'rejected' ORDER BY l.benefit_id", [])
    return np.array([r[0] for r in rows], dtype=np.int64)


def _previous_cums(run_month: int):
    """(benefit, paid_cum_fen) of the lines of the latest monthly run before the run month."""
    prev = _rows("SELECT id FROM benefits_payrollrun WHERE sequence = 0 AND month < %s ORDER BY month DESC LIMIT 1",
                 [month_date(run_month)])
    if not prev:
        return _cols([], 2)
    return _cols(_rows("SELECT benefit_id, paid_cum_fen FROM benefits_paymentline WHERE run_id = %s "
                       "AND paid_cum_fen IS NOT NULL ORDER BY benefit_id", [prev[0][0]]), 2)


def _place(ids: np.ndarray, keys: np.ndarray, values: np.ndarray, out: np.ndarray, known: np.ndarray) -> None:
    if not keys.size:
        return
    pos = np.searchsorted(ids, keys)
    ok = pos < ids.size
    ok[ok] = ids[pos[ok]] == keys[ok]
    out[pos[ok]] = values[ok]
    known[pos[ok]] = True


def paid_totals(run_id: int, run_month: int, ids: np.ndarray, bounded: bool = True) -> np.ndarray:
    """Σ amounts of the lines of other runs not rejected, per benefit of ``ids`` (sorted). ``bounded``: from the
    previous monthly run's ``paid_cum_fen`` where that is exact (module docstring), summed elsewhere."""
    paid = np.zeros(ids.size, dtype=np.int64)
    known = np.zeros(ids.size, dtype=bool)
    if bounded:
        c_bid, c_cum = _previous_cums(run_month)
        ok = ~np.isin(c_bid, rejected_benefits())
        _place(ids, c_bid[ok], c_cum[ok], paid, known)
    rest = ids[~known]
    if rest.size:  # new benefits, back pay, rejections, lines from before 0011: their lines summed
        f_bid, f_sum = paid_totals_full(run_id, rest if rest.size * 4 < ids.size else None)
        _place(ids, f_bid, f_sum, paid, np.zeros(ids.size, dtype=bool))
    return paid


def paid_months(benefit_ids: np.ndarray):
    if not benefit_ids.size:
        return _cols([], 3)
    sql = ("SELECT m.benefit_id, " + _mi_sql("m.month") + " AS mm, SUM(m.amount_fen) FROM benefits_paidmonth m "
           "JOIN benefits_paymentline l ON l.id = m.line_id LEFT JOIN benefits_paymentreturn x ON x.line_id = l.id "
           "WHERE (x.outcome IS NULL OR x.outcome = 'paid') AND " + _in_ids("m.benefit_id")
           + " GROUP BY m.benefit_id, mm ORDER BY m.benefit_id, mm")
    return _cols(_rows(sql, [_ids_param(benefit_ids)]), 3)


def _rate_at(rkeys, r_bid, monthly, account, bid, month):
    """(due, account part) of each (benefit, month) from the rates (sorted by benefit, from_month, id)."""
    keys = (bid << SHIFT) | month
    idx = np.searchsorted(rkeys, keys, side="right") - 1
    ok = idx >= 0
    ok[ok] = r_bid[idx[ok]] == bid[ok]
    safe = np.where(ok, idx, 0)
    return (np.where(ok, monthly[safe] if monthly.size else 0, 0), np.where(ok, account[safe] if account.size else 0, 0))


def _due_before(ids, start, end, r_bid, r_from, monthly, run_month):
    """Σ due over [start, min(end, run month − 1)] per benefit, ignoring suspensions (vectorized over rates)."""
    out = np.zeros(ids.size, dtype=np.int64)
    if not r_bid.size or not ids.size:
        return out
    pos = np.searchsorted(ids, r_bid)
    member = pos < ids.size
    member[member] = ids[pos[member]] == r_bid[member]
    nxt = np.full(r_bid.size, NEVER, dtype=np.int64)
    same = r_bid[1:] == r_bid[:-1]
    nxt[:-1][same] = r_from[1:][same]
    p = np.where(member, pos, 0)
    lo = np.maximum(r_from, start[p])
    hi = np.minimum(np.minimum(nxt - 1, end[p]), run_month - 1)
    n = np.where(member, np.maximum(hi - lo + 1, 0), 0)
    np.add.at(out, p, n * monthly)
    return out


def owed(run_month: int, run_id: int, annuitants: np.ndarray | None = None, only: np.ndarray | None = None) -> Owed:
    """``annuitants``: person ids with an annuity balance (their pensions' account parts are read); ``only``:
    just these benefits, every one checked month by month (a reissue)."""
    ids, person, fund, start, end, funds = load_benefits(run_month, run_id, only)
    if not ids.size:  # every benefit already has its line in this run (a re-run)
        e = np.zeros(0, dtype=np.int64)
        return Owed(e, e, e, e, e, funds, e, e, e, 0, e)
    r_bid, r_from, monthly, r_id = load_rates(run_month)
    wanted = ids[np.isin(person, annuitants)] if annuitants is not None and annuitants.size else ids[:0]
    account = account_parts(r_id, wanted)
    rkeys = (r_bid << SHIFT) | r_from
    spans = load_suspensions()
    paid = paid_totals(run_id, run_month, ids, bounded=only is None)
    due_before = _due_before(ids, start, end, r_bid, r_from, monthly, run_month)
    suspended = np.isin(ids, np.fromiter(spans.keys(), dtype=np.int64, count=len(spans)))
    slow = suspended | (due_before != paid) | (only is not None)
    # fast path: the run month alone
    fast = np.flatnonzero(~slow & (start <= run_month) & (end >= run_month))
    f_due, f_acct = _rate_at(rkeys, r_bid, monthly, account, ids[fast], np.full(fast.size, run_month, dtype=np.int64))
    keep = f_due > 0
    fast, f_due, f_acct = fast[keep], f_due[keep], f_acct[keep]
    s_pos, s_month, s_owed, s_acct = _slow_grid(np.flatnonzero(slow), ids, start, end, run_month, rkeys, r_bid,
                                                monthly, account, spans)
    return _assemble(ids, person, fund, funds, fast, f_due, f_acct, run_month, s_pos, s_month, s_owed, s_acct,
                     int(slow.sum()), paid)


def _slow_grid(slow, ids, start, end, run_month, rkeys, r_bid, monthly, account, spans):
    """Every month of the slow benefits: owed(m) and its account part, only months with something owed."""
    empty = np.zeros(0, dtype=np.int64)
    if not slow.size:
        return empty, empty, empty, empty
    lo, hi = start[slow], np.minimum(end[slow], run_month)
    counts = np.maximum(hi - lo + 1, 0)
    which = np.repeat(np.arange(slow.size), counts)
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    month = lo[which] + (np.arange(int(counts.sum())) - offsets[which])
    pos, bid = slow[which], ids[slow[which]]
    due, acct = _rate_at(rkeys, r_bid, monthly, account, bid, month)
    for b in np.intersect1d(ids[slow], np.fromiter(spans.keys(), dtype=np.int64, count=len(spans))).tolist():
        for s_lo, s_hi in spans[b]:  # a handful of suspended benefits
            due[(bid == b) & (month >= s_lo) & (month < s_hi)] = 0
    pm_bid, pm_month, pm_sum = paid_months(ids[slow])
    paid = np.zeros(month.size, dtype=np.int64)
    if pm_bid.size:
        pk, gk = (pm_bid << SHIFT) | pm_month, (bid << SHIFT) | month
        at = np.searchsorted(pk, gk)
        hit = at < pk.size
        hit[hit] = pk[at[hit]] == gk[hit]
        paid[hit] = pm_sum[at[hit]]
    owe = np.maximum(due - paid, 0)
    nz = owe > 0
    return pos[nz], month[nz], owe[nz], np.minimum(acct[nz], owe[nz])


def _assemble(ids, person, fund, funds, fast, f_due, f_acct, run_month, s_pos, s_month, s_owed, s_acct, slow,
              paid) -> Owed:
    s_lines, s_first = np.unique(s_pos, return_index=True)  # s_pos is grouped (benefits in id order)
    s_amount = np.add.reduceat(s_owed, s_first) if s_first.size else s_owed[:0]
    s_account = np.add.reduceat(s_acct, s_first) if s_first.size else s_acct[:0]
    order_pos = np.concatenate((fast, s_lines))
    amount = np.concatenate((f_due, s_amount))
    account_part = np.concatenate((f_acct, s_account))
    sort = np.argsort(ids[order_pos], kind="stable")
    order_pos, amount, account_part = order_pos[sort], amount[sort], account_part[sort]
    line_of = np.empty(sort.size, dtype=np.int64)
    line_of[sort] = np.arange(sort.size)  # the new line index of each unsorted line
    s_line_index = np.repeat(np.arange(s_lines.size), np.diff(np.append(s_first, s_pos.size))) + fast.size
    month_line = np.concatenate((line_of[np.arange(fast.size)], line_of[s_line_index]))
    month = np.concatenate((np.full(fast.size, run_month, dtype=np.int64), s_month))
    month_amount = np.concatenate((f_due, s_owed))
    order = np.lexsort((month, month_line))
    return Owed(ids[order_pos], person[order_pos], fund[order_pos], amount, account_part, funds,
                month_line[order], month[order], month_amount[order], slow, paid[order_pos])
