"""Reconcile checks of the payroll tables added by the third slice (imported by benefits/reconcile.py):

- ``benefits.unemployment_medical_posted``: Σ UnemploymentMedical = Σ the ``payroll-medical:`` postings;
- ``benefits.payroll_rows_name_their_parents``: the payroll tables carry no row foreign keys on PostgreSQL
  (ADR 0010, migration 0007), so an anti-join proves every line names its run, benefit, person and account,
  every month its line and benefit, every medical row its benefit, person and line — and, since migration 0010,
  every rate and event of a benefit its benefit (the yearly indexation writes one of each per pension).
"""

from __future__ import annotations

from laobao.ledger.reconcile import MAX_SHOWN, Result, check

from .due import _rows

REFS = (  # (table, column, parent table): identifiers from code
    ("benefits_paymentline", "run_id", "benefits_payrollrun"),
    ("benefits_paymentline", "benefit_id", "benefits_benefit"),
    ("benefits_paymentline", "person_id", "registry_person"),
    ("benefits_paymentline", "bank_account_id", "benefits_bankaccount"),
    ("benefits_paymentmonth", "line_id", "benefits_paymentline"),
    ("benefits_paymentmonth", "benefit_id", "benefits_benefit"),
    ("benefits_unemploymentmedical", "benefit_id", "benefits_benefit"),
    ("benefits_unemploymentmedical", "person_id", "registry_person"),
    ("benefits_unemploymentmedical", "line_id", "benefits_paymentline"),
    ("benefits_benefitrate", "benefit_id", "benefits_benefit"),  # migration 0010
    ("benefits_benefitevent", "benefit_id", "benefits_benefit"),
)


@check("benefits.unemployment_medical_posted")
def unemployment_medical_posted() -> Result:
    """Σ UnemploymentMedical rows = Σ the payroll-medical postings (Dr fund:unemployment / Cr fund:medical)."""
    rows = _rows("SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM benefits_unemploymentmedical", [])[0]
    posted = _rows("SELECT COALESCE(SUM(l.debit_fen), 0), COALESCE(SUM(l.credit_fen), 0) FROM ledger_journalline l "
                   "JOIN ledger_journalentry e ON e.id = l.entry_id JOIN ledger_account a ON a.id = l.account_id "
                   "WHERE e.idempotency_key LIKE %s AND a.code IN ('fund:unemployment', 'fund:medical')",
                   ["payroll-medical:%"])[0]
    bad = []
    if not (int(rows[1]) == int(posted[0]) == int(posted[1])):
        bad.append(f"medical contribution rows {rows[1]} fen != posted Dr {posted[0]} / Cr {posted[1]} fen")
    return Result(int(rows[0]), bad[:MAX_SHOWN])


@check("benefits.payroll_rows_name_their_parents")
def payroll_rows_name_their_parents() -> Result:
    bad, checked = [], 0
    for table, column, parent in REFS:
        rows = _rows(f"SELECT t.id, t.{column} FROM {table} t LEFT JOIN {parent} p ON p.id = t.{column} "
                     f"WHERE p.id IS NULL", [])
        bad += [f"{table} #{i}: {column} {ref} names no {parent} row" for i, ref in rows]
        checked += 1
    return Result(checked, bad[:MAX_SHOWN], found=len(bad))
