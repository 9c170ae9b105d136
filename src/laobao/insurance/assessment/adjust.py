"""Adjustments (补差): unresolved ``Recheck`` rows turn into difference lines on the payer's current bill.

For each rechecked (person, payer), the months ``from_month`` .. M−1 are assessed again with the same rule
(``compute``) and compared with what every existing ``Contribution`` row of that person, payer and month
already carries (regular lines and earlier adjustments alike). The non-zero differences become
``adjustment=True`` lines dated with the corrected month. Nothing already written is edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import connection

from laobao.insurance import bases

from .compute import Lines, compute
from .gather import gather, region_codes, risk_classes
from .rates import RateTable


@dataclass(frozen=True)
class Recheck:
    id: int
    person: int
    payer: int          # employer id, or −person id
    from_month: date


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def pending(employer_id: int = 0) -> list[Recheck]:
    """Unresolved rechecks (of one employer when ``employer_id`` is given)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, person_id, employer_id, from_month FROM insurance_recheck "
                       "WHERE done_bill_id IS NULL AND (%s = 0 OR employer_id = %s) ORDER BY id",
                       [employer_id, employer_id])
        rows = cursor.fetchall()
    return [Recheck(i, p, e if e is not None else -p, _as_date(m).replace(day=1)) for i, p, e, m in rows]


def _months(first: date, before: date) -> list[date]:
    out, m = [], first
    while m < before:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def _recomputed(month: date, starts: dict[tuple[int, int], date], codes, rule_of) -> Lines:
    year = bases.contribution_year(month)
    table = RateTable(month, bases.limits(year))
    risk = risk_classes(month)
    parts = [compute(gather(month, year, personal=personal, adjusting=True), month, table, codes, risk,
                     rule_of(month)) for personal in (False, True)]
    lines = Lines.concat(parts)
    keep = np.array([starts.get((int(p), int(q)), date.max) <= month for p, q in zip(lines.person, lines.payer)],
                    dtype=bool)
    return lines.take(keep)


_BILLED = """
    SELECT c.person_id, COALESCE(b.employer_id, 0), c.month,
           COALESCE(SUM(c.pension_base), 0), COALESCE(SUM(c.medical_base), 0), COALESCE(SUM(c.unemployment_base), 0),
           COALESCE(SUM(c.injury_base), 0), COALESCE(SUM(c.maternity_base), 0),
           COALESCE(SUM(c.pension_employer), 0), COALESCE(SUM(c.medical_employer), 0),
           COALESCE(SUM(c.unemployment_employer), 0), COALESCE(SUM(c.injury_employer), 0),
           COALESCE(SUM(c.maternity_employer), 0),
           COALESCE(SUM(c.pension_employee), 0), COALESCE(SUM(c.medical_employee), 0),
           COALESCE(SUM(c.unemployment_employee), 0), COALESCE(SUM(c.account), 0),
           COUNT(c.pension_base), COUNT(c.medical_base), COUNT(c.unemployment_base), COUNT(c.injury_base),
           COUNT(c.maternity_base)
      FROM insurance_contribution c JOIN insurance_bill b ON b.id = c.bill_id
     WHERE c.person_id IN (SELECT r.person_id FROM insurance_recheck r WHERE r.done_bill_id IS NULL)
       AND c.month < %s
     GROUP BY c.person_id, COALESCE(b.employer_id, 0), c.month"""


def billed(before: date, starts: dict[tuple[int, int], date]) -> Lines:
    """What existing lines of the rechecked persons carry, summed per (person, payer, month)."""
    with connection.cursor() as cursor:
        cursor.execute(_BILLED, [before])
        rows = [r for r in cursor.fetchall()
                if starts.get((r[0], r[1] or -r[0]), date.max) <= _as_date(r[2])]
    n = len(rows)
    if not n:
        return Lines.empty()
    person = np.array([r[0] for r in rows], dtype=np.int64)
    employer = np.array([r[1] for r in rows], dtype=np.int64)
    values = np.array([r[3:] for r in rows], dtype=np.int64)
    zero = np.zeros(n, dtype=np.int64)
    employee = np.zeros((n, 5), dtype=np.int64)
    employee[:, :3] = values[:, 10:13]
    return Lines(payer=np.where(employer > 0, employer, -person), person=person, region=zero,
                 month=np.array([_as_date(r[2]).toordinal() for r in rows], dtype=np.int64),
                 adjustment=np.ones(n, dtype=bool), flags=zero, wage=zero, present=values[:, 14:19] > 0,
                 base=values[:, 0:5], employer=values[:, 5:10], employee=employee, account=values[:, 13])


def difference(new: Lines, old: Lines) -> Lines:
    """new − old per (person, payer, month); rows whose every amount is unchanged are dropped."""
    keys = np.concatenate([np.stack([x.person, x.payer, x.month], axis=1) for x in (new, old)])
    if not len(keys):
        return Lines.empty()
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    at_new, at_old = inverse[:len(new)], inverse[len(new):]
    n = len(uniq)
    out = Lines(payer=uniq[:, 1].copy(), person=uniq[:, 0].copy(), region=np.zeros(n, dtype=np.int64),
                month=uniq[:, 2].copy(), adjustment=np.ones(n, dtype=bool), flags=np.zeros(n, dtype=np.int64),
                wage=np.zeros(n, dtype=np.int64), present=np.zeros((n, 5), dtype=bool),
                base=np.zeros((n, 5), dtype=np.int64), employer=np.zeros((n, 5), dtype=np.int64),
                employee=np.zeros((n, 5), dtype=np.int64), account=np.zeros(n, dtype=np.int64))
    out.region[at_new], out.flags[at_new], out.wage[at_new] = new.region, new.flags, new.wage
    for name in ("present",):
        out.present[at_new] |= new.present
        out.present[at_old] |= old.present
    for name in ("base", "employer", "employee", "account"):
        col = getattr(out, name)
        np.add.at(col, at_new, getattr(new, name))
        np.subtract.at(col, at_old, getattr(old, name))
    changed = (out.base != 0).any(axis=1) | (out.employer != 0).any(axis=1) | (out.employee != 0).any(axis=1) \
        | (out.account != 0)
    return out.take(changed)


def adjustments(month: date, rechecks: list[Recheck], rule_of) -> Lines:
    """Difference lines of every pending recheck for the months before ``month``."""
    starts: dict[tuple[int, int], date] = {}
    for r in rechecks:
        key = (r.person, r.payer)
        starts[key] = min(starts.get(key, date.max), r.from_month)
    if not starts:
        return Lines.empty()
    codes = region_codes()
    months = _months(min(starts.values()), month)
    new = Lines.concat([Lines.empty()] + [_recomputed(m, starts, codes, rule_of) for m in months])
    return difference(new, billed(month, starts))
