"""Ledger identities of community management (registered through benefits/reconcile.py).

- every ``Overpayment`` has its entry ``overpayment:<benefit>`` debiting receivable:person:<pid> exactly its
  amount and crediting the annuity exactly its annuity part, and no such entry exists without one;
- no month after a recorded death is paid unless it is inside an overpayment being recovered (a payroll
  after the death pays nothing).
"""

from __future__ import annotations

from django.db import connection

from laobao.ledger.reconcile import MAX_SHOWN, Result, check


def _rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


@check("benefits.overpayment_posted")
def overpayment_posted() -> Result:
    expected = {f"overpayment:{b}": (int(a), int(n)) for b, a, n in _rows(
        "SELECT benefit_id, amount_fen, annuity_fen FROM benefits_overpayment")}
    posted: dict[str, list[int]] = {}
    for key, code, debit, credit in _rows(
            "SELECT e.idempotency_key, a.code, l.debit_fen, l.credit_fen FROM ledger_journalentry e "
            "JOIN ledger_journalline l ON l.entry_id = e.id JOIN ledger_account a ON a.id = l.account_id "
            "WHERE e.idempotency_key LIKE %s", ["overpayment:%"]):
        got = posted.setdefault(key, [0, 0])
        if code.startswith("receivable:person:"):
            got[0] += int(debit)
        elif code.endswith(":annuity"):
            got[1] += int(credit)
    keys = sorted(set(expected) | set(posted))
    bad = [f"{k}: expected {expected.get(k)} posted {posted.get(k)} (receivable, annuity) fen" for k in keys
           if tuple(posted.get(k, ())) != expected.get(k)]
    return Result(len(keys), bad[:MAX_SHOWN], found=len(bad))


@check("benefits.nothing_paid_after_death")
def nothing_paid_after_death() -> Result:
    bad = _rows(
        "SELECT m.benefit_id, m.month FROM benefits_paidmonth m JOIN benefits_benefit b ON b.id = m.benefit_id "
        "JOIN benefits_death d ON d.person_id = b.person_id JOIN benefits_paymentline l ON l.id = m.line_id "
        "LEFT JOIN benefits_paymentreturn x ON x.line_id = l.id WHERE (x.outcome IS NULL OR x.outcome = 'paid') "
        "AND m.month > d.died_on AND NOT EXISTS (SELECT 1 FROM benefits_overpayment o WHERE o.benefit_id = m.benefit_id "
        "AND m.month BETWEEN o.first_month AND o.last_month)")
    n = _rows("SELECT COUNT(*) FROM benefits_death")[0][0]
    return Result(n, [f"benefit #{b}: {m} paid after death" for b, m in bad[:MAX_SHOWN]], found=len(bad))
