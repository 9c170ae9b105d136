"""Ledger identities of benefits, run by ``laobao reconcile`` (autodiscovered).

- payroll (below): pending lines (payroll and one-time payouts) = payable:bank balances, paid lines = bank:benefits outflow, each line = Σ
  its months, no month paid outside the entitlement (start, end/death, run month, suspensions) or beyond
  its due, no annuity account below zero.
- every approved pension claim has its annuitization entry ``annuity:<claim_no>`` moving exactly the
  account balance its calculation used (none when that balance was zero), and no other such entry exists.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Sum

from laobao.ledger.models import JournalLine
from laobao.ledger.reconcile import MAX_SHOWN, Result, check

from .models import ClaimStatus, PensionClaim
from .payroll.due import load_suspensions, mi


@check("benefits.annuity_equals_awards")
def annuity_equals_awards() -> Result:
    expected = {}
    for no, calc in PensionClaim.objects.filter(status=ClaimStatus.APPROVED).values_list("claim_no", "calculation"):
        fen = (calc or {}).get("inputs", {}).get("account_balance_fen", 0)
        if fen > 0:
            expected[no] = fen
    posted = {}
    for key, c in (JournalLine.objects.filter(entry__idempotency_key__startswith="annuity:",
                                              account__code__endswith=":annuity")
                   .values("entry__idempotency_key").annotate(c=Sum("credit_fen"))
                   .values_list("entry__idempotency_key", "c")):
        posted[key.split(":", 1)[1]] = c
    keys = sorted(set(expected) | set(posted))
    bad = [f"claim {k}: annuitized {posted.get(k, 0)} != account {expected.get(k, 0)} fen" for k in keys
           if posted.get(k, 0) != expected.get(k, 0)]
    return Result(len(keys), bad[:MAX_SHOWN], found=len(bad))


# -- payroll ---------------------------------------------------------------------------------------------------
# A line's status is derived (pending until a PaymentReturn names it): these identities prove the ledger and
# the payment tables say the same thing.

def _rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _ledger_by_account(prefix: str) -> dict[str, int]:
    """credit − debit per account whose code starts with ``prefix``."""
    rows = _rows("SELECT a.code, SUM(l.credit_fen) - SUM(l.debit_fen) FROM ledger_account a JOIN ledger_journalline l "
                 "ON l.account_id = a.id WHERE a.code LIKE %s GROUP BY a.code", [prefix + "%"])
    return {code: int(v) for code, v in rows}


PAYOUTS_PENDING = ("SELECT l.bank_code, SUM(l.amount_fen) FROM benefits_payoutline l LEFT JOIN benefits_payoutreturn x "
                   "ON x.line_id = l.id WHERE x.id IS NULL GROUP BY l.bank_code")


@check("benefits.pending_equals_payable")
def pending_equals_payable() -> Result:
    """Σ lines without a return (payroll lines and one-time payout lines), per bank = payable:bank:<bank>."""
    pending = {f"payable:bank:{b}": int(v) for b, v in _rows(
        "SELECT l.bank_code, SUM(l.amount_fen) FROM benefits_paymentline l LEFT JOIN benefits_paymentreturn x "
        "ON x.line_id = l.id WHERE x.id IS NULL GROUP BY l.bank_code")}
    for b, v in _rows(PAYOUTS_PENDING):  # one-time payments in a bank file, no return yet (benefits/payouts/)
        pending[f"payable:bank:{b}"] = pending.get(f"payable:bank:{b}", 0) + int(v)
    posted = {k: v for k, v in _ledger_by_account("payable:bank:").items() if v}
    keys = sorted(set(pending) | set(posted))
    bad = [f"{k}: pending lines {pending.get(k, 0)} != ledger {posted.get(k, 0)} fen" for k in keys
           if pending.get(k, 0) != posted.get(k, 0)]
    return Result(len(keys), bad[:MAX_SHOWN], found=len(bad))


@check("benefits.paid_equals_bank_outflow")
def paid_equals_bank_outflow() -> Result:
    """Σ lines returned paid (payroll and one-time payout lines) = what left bank:benefits."""
    paid = _rows("SELECT COALESCE(SUM(l.amount_fen), 0) FROM benefits_paymentline l JOIN benefits_paymentreturn x "
                 "ON x.line_id = l.id WHERE x.outcome = 'paid'")[0][0]
    paid += _rows("SELECT COALESCE(SUM(l.amount_fen), 0) FROM benefits_payoutline l JOIN benefits_payoutreturn x "
                  "ON x.line_id = l.id WHERE x.outcome = 'paid'")[0][0]
    out = _ledger_by_account("bank:benefits").get("bank:benefits", 0)
    return Result(1, [] if int(paid) == out else [f"paid lines {paid} != bank:benefits outflow {out} fen"])


@check("benefits.line_equals_its_months")
def line_equals_its_months() -> Result:
    """Every line = Σ its paid months (the view: PaymentMonth rows or its single_month) in fen and count."""
    bad = _rows("SELECT l.id, l.amount_fen, COALESCE(SUM(m.amount_fen), 0), l.month_count, COUNT(m.id) "
                "FROM benefits_paymentline l LEFT JOIN benefits_paidmonth m ON m.line_id = l.id "
                "GROUP BY l.id, l.amount_fen, l.month_count "
                "HAVING l.amount_fen <> COALESCE(SUM(m.amount_fen), 0) OR l.month_count <> COUNT(m.id)")
    n = _rows("SELECT COUNT(*) FROM benefits_paymentline")[0][0]
    return Result(n, [f"line #{i}: {a} fen / {c} months != Σ months {s} fen / {k}" for i, a, s, c, k in bad[:MAX_SHOWN]],
                  found=len(bad))


@check("benefits.months_within_entitlement")
def months_within_entitlement() -> Result:
    """No month paid (line not rejected) before a benefit's start, after its end (stop, death) or after the
    run month of its line, or inside a suspension."""
    live = ("FROM benefits_paidmonth m JOIN benefits_paymentline l ON l.id = m.line_id JOIN benefits_payrollrun r "
            "ON r.id = l.run_id JOIN benefits_benefit b ON b.id = m.benefit_id LEFT JOIN benefits_paymentreturn x "
            "ON x.line_id = l.id WHERE (x.outcome IS NULL OR x.outcome = 'paid') ")
    bad = [f"benefit #{b}: {m} paid outside {s}…{e or ''}" for b, m, s, e in _rows(
        "SELECT b.id, m.month, b.start_month, b.end_month " + live +
        "AND (m.month < b.start_month OR m.month > r.month OR (b.end_month IS NOT NULL AND m.month > b.end_month "
        "AND NOT EXISTS (SELECT 1 FROM benefits_overpayment o WHERE o.benefit_id = m.benefit_id "  # recovered (death)
        "AND m.month BETWEEN o.first_month AND o.last_month)))")]
    spans = load_suspensions()
    if spans:
        paid = _rows("SELECT m.benefit_id, m.month " + live + "AND m.benefit_id IN (SELECT benefit_id FROM "
                     "benefits_benefitevent WHERE kind = 'suspend')")
        for bid, month in paid:
            m = mi(month if isinstance(month, date) else date.fromisoformat(str(month)))
            if any(lo <= m < hi for lo, hi in spans.get(bid, ())):
                bad.append(f"benefit #{bid}: {month} paid while suspended")
    n = _rows("SELECT COUNT(*) FROM benefits_paidmonth")[0][0]
    return Result(n, bad[:MAX_SHOWN], found=len(bad))


@check("benefits.single_month_or_month_rows")
def single_month_or_month_rows() -> Result:
    """ADR 0018: a line names its one month in ``single_month`` (and then month_count = 1, first = last = that
    month) or has PaymentMonth rows — never both, so the view benefits_paidmonth counts no month twice."""
    bad = _rows("SELECT l.id, l.single_month FROM benefits_paymentline l WHERE l.single_month IS NOT NULL AND "
                "(l.month_count <> 1 OR l.first_month <> l.single_month OR l.last_month <> l.single_month "
                "OR EXISTS (SELECT 1 FROM benefits_paymentmonth m WHERE m.line_id = l.id))")
    n = _rows("SELECT COUNT(*) FROM benefits_paymentline WHERE single_month IS NOT NULL")[0][0]
    return Result(n, [f"line #{i}: single_month {m} with PaymentMonth rows or another month count/range"
                      for i, m in bad[:MAX_SHOWN]], found=len(bad))


@check("benefits.no_month_paid_beyond_due")
def no_month_paid_beyond_due() -> Result:
    """Per benefit and month, Σ paid (lines not rejected) ≤ due (the latest rate with from_month ≤ month)."""
    bad = _rows(
        "SELECT p.benefit_id, p.month, p.paid, (SELECT r.monthly_fen FROM benefits_benefitrate r WHERE "
        "r.benefit_id = p.benefit_id AND r.from_month <= p.month ORDER BY r.from_month DESC, r.id DESC LIMIT 1) AS due "
        "FROM (SELECT m.benefit_id, m.month, SUM(m.amount_fen) AS paid FROM benefits_paidmonth m "
        "JOIN benefits_paymentline l ON l.id = m.line_id LEFT JOIN benefits_paymentreturn x ON x.line_id = l.id "
        "WHERE x.outcome IS NULL OR x.outcome = 'paid' GROUP BY m.benefit_id, m.month) p")
    over = [f"benefit #{b}: {m} paid {p} > due {d} fen" for b, m, p, d in bad if d is None or p > d]
    return Result(len(bad), over[:MAX_SHOWN], found=len(over))


@check("benefits.annuity_not_negative")
def annuity_not_negative() -> Result:
    balances = {k: v for k, v in _ledger_by_account("personal:").items() if k.endswith(":annuity")}
    bad = [f"{k}: balance {v} fen" for k, v in sorted(balances.items()) if v < 0]
    return Result(len(balances), bad[:MAX_SHOWN], found=len(bad))


from .community import reconcile as _community  # noqa: E402,F401  (death and overpayment checks)
from .payouts import reconcile as _payouts  # noqa: E402,F401  (one-time payments: payable = unpaid orders)
from .payroll import checks as _payroll_checks  # noqa: E402,F401  (medical contributions, references)
from .indexation import checks as _indexation_checks  # noqa: E402,F401  (compact indexation rates add up)
