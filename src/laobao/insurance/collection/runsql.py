"""Set-based reads of a payment run: joins against a temporary table of the run's keys, never long IN lists.

``run_table(values)`` loads the run's keys (payer codes, bank refs, payer ids) into the temporary table
``collection_run`` (``k`` text, ``n`` id; no key, the rows are distinct) with ``write_columns``; the
queries below join it. SQL text is constant; values are parameters.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from laobao.core.bulk import analyze
from laobao.ledger.batch import write_columns

USED_SQL = "('principal', 'credit_used')"


def run_table(values: Iterable) -> None:
    """(Re)fill the temporary table ``collection_run(k, n)`` with ``values``: text keys (codes, refs; n = 0)
    or payer keys ("employer", id) / ("person", id). Dropped at the end of the session."""
    with connection.cursor() as cursor:
        # no key: the rows are distinct already, and the joins are driven from this table into indexes
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS collection_run "
                       "(k varchar(120) NOT NULL, n bigint NOT NULL)")
        cursor.execute("DELETE FROM collection_run")
    keys = list({v if isinstance(v, tuple) else (v, 0) for v in values})
    write_columns("collection_run", ("k", "n"), [[k for k, _ in keys], [n for _, n in keys]])
    analyze("collection_run")  # PostgreSQL plans the joins with the run's real size


def rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


EMPLOYERS_BY_CODE = "SELECT e.credit_code, e.id FROM collection_run r JOIN registry_employer e ON e.credit_code = r.k"
PERSONS_BY_CODE = "SELECT p.citizen_id, p.id FROM collection_run r JOIN registry_person p ON p.citizen_id = r.k"
PAYMENTS_BY_REF = ("SELECT p.bank_ref, p.channel, p.payer_code, p.amount_fen, p.paid_on "
                   "FROM collection_run r JOIN insurance_payment p ON p.bank_ref = r.k")

# The run's payers are rows ("employer", id) / ("person", id) in collection_run. What an item still owes is
# due − paid_fen (kept by the database from the allocations, insurance migration 0007): no join over allocations.
_OUTSTANDING = """
    SELECT i.id, b.{col}, i.month, i.insurance, i.due_fen - i.paid_fen
      FROM collection_run r
      JOIN insurance_bill b ON r.k = '{kind}' AND b.{col} = r.n
      JOIN insurance_billitem i ON i.bill_id = b.id AND i.due_fen > 0 AND i.paid_fen < i.due_fen"""
OUTSTANDING_EMPLOYER = _OUTSTANDING.format(col="employer_id", kind="employer")
OUTSTANDING_PERSON = _OUTSTANDING.format(col="person_id", kind="person")

LATE_PIECES = """
    SELECT a.item_id, b.employer_id, i.month, i.insurance, a.amount_fen, a.allocated_on
      FROM collection_run r
      JOIN insurance_bill b ON r.k = 'employer' AND b.employer_id = r.n
      JOIN insurance_billitem i ON i.bill_id = b.id
      JOIN insurance_allocation a ON a.item_id = i.id AND a.kind IN """ + USED_SQL + """
     WHERE a.allocated_on > b.due_date OR i.month < b.month"""
FEES_PAID = """
    SELECT a.item_id, SUM(a.amount_fen)
      FROM collection_run r
      JOIN insurance_bill b ON r.k = 'employer' AND b.employer_id = r.n
      JOIN insurance_billitem i ON i.bill_id = b.id
      JOIN insurance_allocation a ON a.item_id = i.id AND a.kind = 'late_fee'
     GROUP BY a.item_id"""
CREDITS = """
    SELECT a.code, SUM(l.credit_fen) - SUM(l.debit_fen)
      FROM collection_run r JOIN ledger_account a ON a.code = 'credit:' || r.k || ':' || CAST(r.n AS varchar(20))
      JOIN ledger_journalline l ON l.account_id = a.id
     GROUP BY a.code"""

# The contribution lines (item, person, account) of the pension items the settlement made fully paid, loaded in
# the run table as rows ("item", id): driven from those items (their key, then the bill's contribution lines), never
# a scan of the items or the allocations; the paid and pension conditions are checked again (free on fetched rows).
ACCOUNT_LINES = """
    SELECT f.id, c.person_id, c.account
      FROM collection_run r
      JOIN insurance_billitem f ON r.k = 'item' AND f.id = r.n
      JOIN insurance_contribution c ON c.bill_id = f.bill_id AND c.month = f.month
     WHERE f.insurance = 'pension' AND f.paid_fen = f.due_fen
       AND c.account IS NOT NULL AND c.account <> 0
     ORDER BY f.id, c.id"""
