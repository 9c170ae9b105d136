"""The registry of named reconciliation checks run by ``laobao reconcile``.

A check is a function returning ``Result(checked, differences)``; register it with ``@check("name")``.
Other apps add their identities (bills − payments = arrears, …) in their own ``reconcile.py`` module,
which ``run_all`` discovers (``autodiscover_modules("reconcile")``). Checks are set-based queries:
they aggregate in the database and only the differences come back to Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Sum
from django.utils.module_loading import autodiscover_modules

from . import selectors
from .models import Account, JournalEntry, JournalLine

MAX_SHOWN = 20


@dataclass
class Result:
    """How many things a check looked at, and the differences it found (at most MAX_SHOWN listed)."""

    checked: int
    differences: list[str] = field(default_factory=list)
    found: int | None = None  # the total when more than the listed differences were found

    @property
    def count(self) -> int:
        return len(self.differences) if self.found is None else self.found


CHECKS: dict[str, Callable[[], Result]] = {}


def check(name: str):
    def register(fn: Callable[[], Result]) -> Callable[[], Result]:
        CHECKS[name] = fn
        return fn
    return register


def run_all() -> list[tuple[str, Result]]:
    autodiscover_modules("reconcile")
    return [(name, fn()) for name, fn in CHECKS.items()]


@check("ledger.entries_balance")
def entries_balance() -> Result:
    bad = (JournalLine.objects.values("entry_id").annotate(d=Sum("debit_fen"), c=Sum("credit_fen"))
           .exclude(d=F("c")).order_by("entry_id"))
    return Result(JournalEntry.objects.count(),
                  [f"entry #{r['entry_id']}: debit {r['d']} != credit {r['c']} fen" for r in bad[:MAX_SHOWN]],
                  found=bad.count())


@check("ledger.entries_have_lines")
def entries_have_lines() -> Result:
    empty = JournalEntry.objects.annotate(n=Count("lines")).filter(n=0).values_list("pk", flat=True)
    return Result(JournalEntry.objects.count(), [f"entry #{pk} has no lines" for pk in empty[:MAX_SHOWN]],
                  found=empty.count())


@check("ledger.lines_well_formed")
def lines_well_formed() -> Result:
    bad = selectors.malformed_lines().values_list("pk", "debit_fen", "credit_fen")
    return Result(JournalLine.objects.count(),
                  [f"line #{pk}: debit {d}, credit {c} (exactly one must be above zero)" for pk, d, c in bad[:MAX_SHOWN]],
                  found=bad.count())


@check("ledger.total_debits_equal_credits")
def total_debits_equal_credits() -> Result:
    debits, credits = selectors.totals()
    return Result(1, [] if debits == credits else [f"Σdebit {debits} != Σcredit {credits} fen"])


def _net_by(lines, key: str) -> dict[tuple[int, int], int]:
    rows = lines.values(key, "account_id").annotate(d=Sum("debit_fen"), c=Sum("credit_fen"))
    return {(r[key], r["account_id"]): r["d"] - r["c"] for r in rows}


@check("ledger.reversals_mirror")
def reversals_mirror() -> Result:
    """Per reversed entry and account, the reversal's net equals minus the original's net."""
    reversal = _net_by(JournalLine.objects.filter(entry__reverses__isnull=False), "entry__reverses_id")
    original = _net_by(JournalLine.objects.filter(entry__reversed_by__isnull=False), "entry_id")
    accounts_off: dict[int, int] = defaultdict(int)
    for key in set(reversal) | set(original):
        if reversal.get(key, 0) + original.get(key, 0) != 0:
            accounts_off[key[0]] += 1
    bad = sorted(accounts_off)
    return Result(JournalEntry.objects.filter(reverses__isnull=False).count(),
                  [f"entry #{e}: its reversal does not mirror it on {accounts_off[e]} account(s)" for e in bad[:MAX_SHOWN]],
                  found=len(bad))


def orphans(model, field: str, parent) -> Result:
    """Rows of ``model`` whose ``field`` names no ``parent`` row (the foreign keys ADR 0010 leaves to reconcile)."""
    column = model._meta.get_field(field).attname
    missing = (model.objects.exclude(**{f"{column}__isnull": True})
               .filter(~Exists(parent.objects.filter(pk=OuterRef(column)))).values_list("pk", column))
    return Result(model.objects.count(),
                  [f"{model._meta.db_table} #{pk}: {column} {ref} does not exist" for pk, ref in missing[:MAX_SHOWN]],
                  found=missing.count())


@check("ledger.lines_name_entries_and_accounts")
def lines_reference() -> Result:
    entries, accounts = orphans(JournalLine, "entry", JournalEntry), orphans(JournalLine, "account", Account)
    return Result(entries.checked, entries.differences + accounts.differences, found=entries.count + accounts.count)
