"""Ledger identities of the employment fund's subsidies and their bank payment (registered through
``employment/reconcile.py``, discovered by ``laobao reconcile``):

- ``employment.subsidy_payables_match``: for every ``payable:welfare_post:<id>``, ``payable:employer_subsidy:<id>``
  and ``payable:institution:<id>`` account, balance (credit − debit) = Σ what its sources owe (welfare subsidies,
  approved employer subsidies, training subsidies) − Σ its subsidy lines that are live (in a file, or paid);
- ``employment.subsidy_bank_pending``: per bank, Σ lines without a return = balance of ``payable:subsidy_bank:<bank>``;
- ``employment.subsidy_paid_out``: Σ lines returned paid = what left ``bank:employment``.
"""

from __future__ import annotations

from django.db.models import Q, Sum

from laobao.ledger.models import JournalLine
from laobao.ledger.reconcile import MAX_SHOWN, Result, check
from laobao.training.models import TrainingSubsidy

from ..models import ApplicationStatus, SupportApplication, SupportKind
from .models import SubsidyLine, WelfareSubsidy

PREFIXES = ("payable:welfare_post:", "payable:employer_subsidy:", "payable:institution:")


def balances(prefix: str) -> dict[str, int]:
    got = (JournalLine.objects.filter(account__code__startswith=prefix).values("account__code")
           .annotate(c=Sum("credit_fen"), d=Sum("debit_fen")).order_by())
    return {r["account__code"]: int(r["c"] or 0) - int(r["d"] or 0) for r in got}


def owed() -> dict[str, int]:
    out: dict[str, int] = {}
    sources = [
        ("payable:welfare_post:", WelfareSubsidy.objects.values_list("employer_id").annotate(s=Sum("total_fen"))),
        ("payable:employer_subsidy:", SupportApplication.objects.filter(
            kind=SupportKind.EMPLOYER_SUBSIDY, status=ApplicationStatus.APPROVED).exclude(posting_key="")
         .values_list("employer_id").annotate(s=Sum("amount_fen"))),
        ("payable:institution:", TrainingSubsidy.objects.values_list("institution_id").annotate(s=Sum("amount_fen"))),
    ]
    for prefix, qs in sources:
        for who, fen in qs.order_by():
            out[f"{prefix}{who}"] = out.get(f"{prefix}{who}", 0) + int(fen or 0)
    live = (SubsidyLine.objects.filter(Q(subsidy_return__isnull=True) | Q(subsidy_return__outcome="paid"))
            .values_list("payable_code").annotate(s=Sum("amount_fen")).order_by())
    for code, fen in live:
        out[code] = out.get(code, 0) - int(fen or 0)
    return out


def _compare(expected: dict[str, int], posted: dict[str, int], what: str) -> Result:
    keys = sorted(k for k in set(expected) | set(posted) if expected.get(k, 0) or posted.get(k, 0))
    bad = [f"{k}: {what} {expected.get(k, 0)} != ledger {posted.get(k, 0)} fen" for k in keys
           if expected.get(k, 0) != posted.get(k, 0)]
    return Result(len(keys), bad[:MAX_SHOWN], found=len(bad))


@check("employment.subsidy_payables_match")
def subsidy_payables_match() -> Result:
    posted: dict[str, int] = {}
    for prefix in PREFIXES:
        posted |= balances(prefix)
    return _compare(owed(), posted, "owed − live lines")


@check("employment.subsidy_bank_pending")
def subsidy_bank_pending() -> Result:
    pending = {f"payable:subsidy_bank:{b}": int(s) for b, s in SubsidyLine.objects.filter(
        subsidy_return__isnull=True).values_list("bank_code").annotate(s=Sum("amount_fen")).order_by()}
    return _compare(pending, balances("payable:subsidy_bank:"), "lines without return")


@check("employment.subsidy_paid_out")
def subsidy_paid_out() -> Result:
    paid = SubsidyLine.objects.filter(subsidy_return__outcome="paid").aggregate(s=Sum("amount_fen"))["s"] or 0
    out = balances("bank:employment").get("bank:employment", 0)  # credit − debit: what left the bank account
    return Result(1, [] if int(paid) == out else [f"paid lines {paid} != bank:employment outflow {out} fen"])
