"""Ledger identity of one-time payments (imported by ``benefits/reconcile.py``).

``benefits.payout_payables_match``: the balance (credit − debit) of every ``payable:person:``,
``payable:heir:`` and ``payable:employer:`` account = Σ its unpaid orders (payouts without a live line:
never in a file, or whose last line was rejected). An amount credited to such an account without an order,
or an order without its credit, shows here.
"""

from __future__ import annotations

from laobao.ledger.reconcile import MAX_SHOWN, Result, check

from .run import LIVE, _rows

UNPAID = (f"SELECT p.payable_code, SUM(p.amount_fen) FROM benefits_payout p WHERE NOT EXISTS ({LIVE}) "
          "GROUP BY p.payable_code")
BALANCES = ("SELECT a.code, SUM(l.credit_fen) - SUM(l.debit_fen) FROM ledger_account a JOIN ledger_journalline l "
            "ON l.account_id = a.id WHERE a.code LIKE %s OR a.code LIKE %s OR a.code LIKE %s GROUP BY a.code")
KINDS = ["payable:person:%", "payable:heir:%", "payable:employer:%"]


@check("benefits.payout_payables_match")
def payout_payables_match() -> Result:
    unpaid = {code: int(v) for code, v in _rows(UNPAID)}
    posted = {code: int(v) for code, v in _rows(BALANCES, KINDS) if v}
    keys = sorted(set(unpaid) | set(posted))
    bad = [f"{k}: unpaid orders {unpaid.get(k, 0)} != ledger {posted.get(k, 0)} fen" for k in keys
           if unpaid.get(k, 0) != posted.get(k, 0)]
    return Result(len(keys), bad[:MAX_SHOWN], found=len(bad))
