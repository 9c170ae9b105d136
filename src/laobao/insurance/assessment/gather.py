"""The SQL side of the assessment: one row per (person, payer) with its insurances as one bit mask.

Enrollments active in the month (``selectors.active_on``: start ≤ M ≤ end or open) are grouped by person and
payer, joined to the payer's region and to the ``BaseDeclaration`` of the
contribution year; when that is missing, the latest earlier declaration comes along (the ``previous`` rule).
Every column is a bigint (-1 = none) so the result streams straight into one int64 NumPy array
(``stream.int_columns``: binary COPY on PostgreSQL).

The insurances of a group come back as ONE bit mask column (``cover``: bit k = ``rates.INSURANCES[k]``), summed
with the group's row count in the bits above (one SUM and one COUNT instead of five conditional MAXes: on
SQLite half the gather). A sum is a bit-or only while no insurance repeats within the group — two active
enrollments of the same insurance, which ``services.enroll`` refuses but the table alone does not forbid — so
:func:`gather` checks ``popcount(mask) == count`` for every row and, if any row fails, gathers again with the
exact conditional MAXes. Migration 0005's covering index ``(person_id, employer_id, insurance, start_month,
end_month)`` lets SQLite aggregate in index order without touching the table, and PostgreSQL by an index-only
scan once the visibility map is set (ADR 0012).
"""

from __future__ import annotations

from datetime import date

import numpy as np
from django.db import connection, transaction

from .stream import int_columns

# Column order of a gathered row (and of the array).
FIELDS = ("person", "employer", "region", "cover", "wage", "new_hire", "previous")
COUNT_SHIFT = 5  # cover = insurance bits (0..4) + row count << COUNT_SHIFT, until gather() strips the count

_BITS = ("CASE e.insurance WHEN 'pension' THEN 1 WHEN 'medical' THEN 2 WHEN 'unemployment' THEN 4 "
         "WHEN 'injury' THEN 8 WHEN 'maternity' THEN 16 ELSE 0 END")
_FAST = "SUM(" + _BITS + ") + 32 * COUNT(*)"
_EXACT = " + ".join(f"{bit} * MAX(CASE WHEN e.insurance = '{name}' THEN 1 ELSE 0 END)"
                    for bit, name in ((33, "pension"), (34, "medical"), (36, "unemployment"), (40, "injury"),
                                      (48, "maternity")))  # bit + 32 per insurance present: passes the check

_ACTIVE = """
    SELECT e.person_id, e.employer_id, {cover} AS cover
      FROM insurance_enrollment e
     WHERE e.start_month <= %s AND (e.end_month IS NULL OR e.end_month >= %s) AND {payer_is}
           AND (%s = 0 OR e.employer_id = %s) {only_rechecked}
     GROUP BY e.person_id, e.employer_id"""

_SELECT = """
    SELECT CAST(a.person_id AS bigint), CAST({employer} AS bigint), CAST({region} AS bigint),
           CAST(a.cover AS bigint),
           CAST(COALESCE(d.wage_fen, -1) AS bigint), CAST(CASE WHEN d.kind = 'new_hire' THEN 1 ELSE 0 END AS bigint),
           CAST(CASE WHEN d.id IS NULL THEN COALESCE(
                (SELECT p.wage_fen FROM insurance_basedeclaration p
                  WHERE p.person_id = a.person_id AND {prev_payer} AND p.year < %s
                  ORDER BY p.year DESC LIMIT 1), -1) ELSE -1 END AS bigint)
      FROM ({active}) a
      {join}
      LEFT JOIN insurance_basedeclaration d ON d.person_id = a.person_id AND {decl_payer} AND d.year = %s
     {not_billed}"""

_EMPLOYER = {
    # the region comes from one read of the employers afterwards (``_employer_regions``): a join probed the
    # employer table once per (person, employer) row — 14 % of the SQLite gather
    "payer_is": "e.employer_id IS NOT NULL", "employer": "a.employer_id", "region": "0", "join": "",
    "prev_payer": "p.employer_id = a.employer_id", "decl_payer": "d.employer_id = a.employer_id",
    "not_billed": "WHERE NOT EXISTS (SELECT 1 FROM insurance_bill b WHERE b.employer_id = a.employer_id "
                  "AND b.month = %s)",
}
_PERSONAL = {
    "payer_is": "e.employer_id IS NULL", "employer": "0", "region": "COALESCE(pe.residence_region_id, 0)",
    "join": "JOIN registry_person pe ON pe.id = a.person_id",
    "prev_payer": "p.employer_id IS NULL", "decl_payer": "d.employer_id IS NULL",
    "not_billed": "WHERE NOT EXISTS (SELECT 1 FROM insurance_bill b WHERE b.person_id = a.person_id "
                  "AND b.month = %s)",
}
_RECHECKED = "AND e.person_id IN (SELECT r.person_id FROM insurance_recheck r WHERE r.done_bill_id IS NULL)"


def _sql(parts: dict, adjusting: bool, cover: str) -> str:
    """Compose the statement from the constant fragments above (identifiers and SQL from code, never values)."""
    active = _ACTIVE.format(cover=cover, payer_is=parts["payer_is"], only_rechecked=_RECHECKED if adjusting else "")
    fields = {k: v for k, v in parts.items() if k not in ("payer_is", "not_billed")}
    return _SELECT.format(active=active, not_billed="" if adjusting else parts["not_billed"], **fields)


SQL = {(personal, adjusting, exact): _sql(_PERSONAL if personal else _EMPLOYER, adjusting, _EXACT if exact else _FAST)
       for personal in (False, True) for adjusting in (False, True) for exact in (False, True)}
_POPCOUNT = np.array([bin(i).count("1") for i in range(32)], dtype=np.int64)


def gather(month: date, year: int, *, employer_id: int = 0, personal: bool, billed_month: date | None = None,
           adjusting: bool = False) -> np.ndarray:
    """Rows of ``month`` as an (n, len(FIELDS)) int64 array; skips payers billed for ``billed_month``."""
    params = [year, month, month, employer_id, employer_id, year]  # in the order of the %s in the text
    if not adjusting:
        params.append(billed_month or month)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # compiling the plan (JIT) costs more than it saves here
                cursor.execute("SET LOCAL jit = off")
                for setting in _PARALLEL:
                    cursor.execute(setting)
        rows = int_columns(SQL[(personal, adjusting, False)], params, len(FIELDS))
        if not _distinct(rows):  # an insurance repeats in some group: the sum is no bit-or there
            rows = int_columns(SQL[(personal, adjusting, True)], params, len(FIELDS))
    rows[:, _COVER] &= (1 << COUNT_SHIFT) - 1
    return rows if personal else _employer_regions(rows)


def _employer_regions(rows: np.ndarray) -> np.ndarray:
    """Fill the region column of employer rows from ONE read of the employers in their id range; a row whose
    employer does not exist is dropped (as the join did; the enrollment's foreign key forbids it anyway)."""
    if not len(rows):
        return rows
    employers = rows[:, _EMPLOYER_COL]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, COALESCE(region_id, 0) FROM registry_employer WHERE id BETWEEN %s AND %s "
                       "ORDER BY id", [int(employers.min()), int(employers.max())])
        known = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
    at = np.minimum(np.searchsorted(known[:, 0], employers), max(len(known) - 1, 0))
    found = known[at, 0] == employers if len(known) else np.zeros(len(rows), dtype=bool)
    rows = rows[found]
    rows[:, _REGION] = known[at[found], 1]
    return rows


_COVER, _EMPLOYER_COL, _REGION = FIELDS.index("cover"), FIELDS.index("employer"), FIELDS.index("region")
# PostgreSQL: let the planner use the parallel workers it is allowed (max_parallel_workers_per_gather) for the
# index-only scan and partial aggregation; at default costs it plans the big GROUP BY serially (ADR 0012).
_PARALLEL = ("SET LOCAL parallel_setup_cost = 0", "SET LOCAL parallel_tuple_cost = 0.001")


def _distinct(rows: np.ndarray) -> bool:
    """Every group's row count equals the number of bits in its mask (no insurance counted twice)."""
    cover = rows[:, _COVER]
    return bool((_POPCOUNT[cover & ((1 << COUNT_SHIFT) - 1)] == cover >> COUNT_SHIFT).all())


def risk_classes(month: date) -> dict[int, int]:
    """employer id → the risk class in force in ``month`` (latest ``from_month`` ≤ month)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT employer_id, risk_class FROM insurance_employerriskclass WHERE from_month <= %s "
                       "ORDER BY employer_id, from_month", [month])
        return dict(cursor.fetchall())


def region_codes() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, code FROM core_region")
        return dict(cursor.fetchall())
