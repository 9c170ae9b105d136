"""Reads of the journal. A balance is the sum of the account's journal lines, never a stored number.

Sign convention: ``balance`` is positive on the account kind's normal side (``models.KINDS``):
Σdebit − Σcredit for debit-normal kinds (receivable, bank), Σcredit − Σdebit for credit-normal kinds
(fund, personal, credit, suspense). ``net`` is always Σdebit − Σcredit.

These selectors are internal to the money capabilities: they are not scoped by jurisdiction. The
capability that shows a balance (an employer's arrears, a person's account) reads it through its own
scoped selector, which resolves the person or employer first and only then asks for the balance.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from .models import CREDIT, KINDS, JournalLine


def _sign(code: str) -> int:
    return -1 if KINDS.get(code.split(":")[0], ("debit",))[0] == CREDIT else 1


def _sums(lines: QuerySet) -> dict:
    return lines.aggregate(d=Coalesce(Sum("debit_fen"), 0), c=Coalesce(Sum("credit_fen"), 0))


def net(account_code: str) -> int:
    """Σdebit − Σcredit of the account's lines, in fen (0 for an account never posted to)."""
    s = _sums(JournalLine.objects.filter(account__code=account_code))
    return s["d"] - s["c"]


def balance(account_code: str) -> int:
    """The account's balance in fen, positive on its kind's normal side."""
    return _sign(account_code) * net(account_code)


def balances(prefix: str) -> dict[str, int]:
    """Balances (normal side, fen) of every account whose code starts with ``prefix``, by code."""
    rows = (JournalLine.objects.filter(account__code__startswith=prefix).values("account__code")
            .annotate(d=Sum("debit_fen"), c=Sum("credit_fen")).order_by("account__code"))
    return {r["account__code"]: _sign(r["account__code"]) * (r["d"] - r["c"]) for r in rows}


def journal(account_code: str) -> list[dict]:
    """The account's lines in value-date order, with the entry and the running balance (normal side, fen)."""
    sign, running, out = _sign(account_code), 0, []
    rows = (JournalLine.objects.filter(account__code=account_code)
            .order_by("value_date", "entry_id", "id")
            .values("entry_id", "entry__idempotency_key", "entry__posted_at", "entry__kind", "entry__memo",
                    "entry__reverses_id", "debit_fen", "credit_fen", "value_date"))
    for r in rows:
        running += sign * (r["debit_fen"] - r["credit_fen"])
        out.append({"entry": r["entry_id"], "key": r["entry__idempotency_key"], "posted_at": r["entry__posted_at"],
                    "kind": r["entry__kind"], "memo": r["entry__memo"], "reverses": r["entry__reverses_id"], "value_date": r["value_date"],
                    "debit_fen": r["debit_fen"], "credit_fen": r["credit_fen"], "balance_fen": running})
    return out


def totals() -> tuple[int, int]:
    """Σ all debits and Σ all credits of the whole journal (equal when every entry balances)."""
    s = _sums(JournalLine.objects.all())
    return s["d"], s["c"]


def malformed_lines() -> QuerySet:
    """Lines that break the one-side-positive rule (the CHECK constraint makes this empty unless tampered)."""
    return JournalLine.objects.exclude(Q(debit_fen__gt=0, credit_fen=0) | Q(debit_fen=0, credit_fen__gt=0))
