"""The SQL side of the assessment: one row per (person, payer) with its insurances pivoted into columns.

Enrollments active in the month (``selectors.active_on``: start ≤ M ≤ end or open) are grouped by person and
payer with conditional aggregation, joined to the payer's region and to the ``BaseDeclaration`` of the
contribution year; when that is missing, the latest earlier declaration comes along (the ``previous`` rule).
Every column is a bigint (-1 = none) so the result streams straight into one int64 NumPy array
(``stream.int_columns``: binary COPY on PostgreSQL).
"""

from __future__ import annotations

from datetime import date

import numpy as np
from django.db import connection, transaction

from .stream import int_columns

# Column order of a gathered row (and of the array).
FIELDS = ("person", "employer", "region", "pension", "medical", "unemployment", "injury", "maternity",
          "wage", "new_hire", "previous")

_ACTIVE = """
    SELECT e.person_id, e.employer_id,
           MAX(CASE WHEN e.insurance = 'pension' THEN 1 ELSE 0 END) AS pension,
           MAX(CASE WHEN e.insurance = 'medical' THEN 1 ELSE 0 END) AS medical,
           MAX(CASE WHEN e.insurance = 'unemployment' THEN 1 ELSE 0 END) AS unemployment,
           MAX(CASE WHEN e.insurance = 'injury' THEN 1 ELSE 0 END) AS injury,
           MAX(CASE WHEN e.insurance = 'maternity' THEN 1 ELSE 0 END) AS maternity
      FROM insurance_enrollment e
     WHERE e.start_month <= %s AND (e.end_month IS NULL OR e.end_month >= %s) AND {payer_is}
           AND (%s = 0 OR e.employer_id = %s) {only_rechecked}
     GROUP BY e.person_id, e.employer_id"""

_SELECT = """
    SELECT CAST(a.person_id AS bigint), CAST({employer} AS bigint), CAST({region} AS bigint),
           CAST(a.pension AS bigint), CAST(a.medical AS bigint), CAST(a.unemployment AS bigint),
           CAST(a.injury AS bigint), CAST(a.maternity AS bigint),
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
    "payer_is": "e.employer_id IS NOT NULL", "employer": "a.employer_id", "region": "COALESCE(em.region_id, 0)",
    "join": "JOIN registry_employer em ON em.id = a.employer_id",
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


def _sql(parts: dict, adjusting: bool) -> str:
    """Compose the statement from the constant fragments above (identifiers and SQL from code, never values)."""
    active = _ACTIVE.format(payer_is=parts["payer_is"], only_rechecked=_RECHECKED if adjusting else "")
    fields = {k: v for k, v in parts.items() if k not in ("payer_is", "not_billed")}
    return _SELECT.format(active=active, not_billed="" if adjusting else parts["not_billed"], **fields)


SQL = {(personal, adjusting): _sql(_PERSONAL if personal else _EMPLOYER, adjusting)
       for personal in (False, True) for adjusting in (False, True)}


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
        return int_columns(SQL[(personal, adjusting)], params, len(FIELDS))


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
