"""Ledger identities of assessment and collection, run by ``laobao reconcile`` (autodiscovered).

Each check aggregates in the database (GROUP BY) and compares the two sides per key in Python; only
differences are listed. Payers are keyed ``employer:<id>`` / ``person:<id>`` as in the ledger codes.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, Q, Sum

from laobao.ledger.models import JournalEntry, JournalLine
from laobao.ledger.reconcile import MAX_SHOWN, Result, check, orphans
from laobao.ledger.selectors import balances

from laobao.registry.models import Person

from .collection import paid as _paid  # noqa: F401 — registers insurance.paid_equals_allocations (ADR 0015)
from .models import (Allocation, AllocationKind, Bill, BillItem, Contribution, CreditRefund, Payment, PaymentClaim,
                     PaymentReversal)

USED = (AllocationKind.PRINCIPAL, AllocationKind.CREDIT_USED)
COLUMNS = {"pension": ("pension_employer", "pension_employee"), "medical": ("medical_employer", "medical_employee"),
           "unemployment": ("unemployment_employer", "unemployment_employee"), "injury": ("injury_employer", None),
           "maternity": ("maternity_employer", None)}


def _by_payer(qs, emp: str, per: str) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for e, p, s in qs.values(emp, per).annotate(s=Sum("amount")).values_list(emp, per, "s"):
        out[f"employer:{e}" if e else f"person:{p}"] += s or 0
    return out


def _compare(name: str, left: dict, right: dict, what: str) -> Result:
    keys = sorted(set(left) | set(right))
    bad = [k for k in keys if left.get(k, 0) != right.get(k, 0)]
    return Result(len(keys), [f"{k}: {what} {left.get(k, 0)} != {right.get(k, 0)} fen" for k in bad[:MAX_SHOWN]],
                  found=len(bad))


@check("insurance.receivable_equals_items_less_paid")
def receivable_by_payer() -> Result:
    """receivable:<payer> = Σ positive items due − Σ principal and credit_used allocated."""
    due = _by_payer(BillItem.objects.filter(due_fen__gt=0).annotate(amount=F("due_fen")),
                    "bill__employer_id", "bill__person_id")
    paid = _by_payer(Allocation.objects.filter(kind__in=USED).annotate(amount=F("amount_fen")),
                     "item__bill__employer_id", "item__bill__person_id")
    expected = {k: due.get(k, 0) - paid.get(k, 0) for k in set(due) | set(paid)}
    # payers that were never billed are not insurance's (other capabilities may post receivables)
    ledger = {code[len("receivable:"):]: b for code, b in balances("receivable:").items()
              if code[len("receivable:"):] in expected}
    return _compare("receivable", {k: v for k, v in ledger.items() if v}, {k: v for k, v in expected.items() if v},
                    "ledger receivable vs bills − paid")


@check("insurance.credit_equals_held_less_used")
def credit_by_payer() -> Result:
    """credit:<payer> = Σ credit_held + Σ negative adjustment items − Σ credit_used − Σ refunds (reversing rows
    included: a reversal nets its payment's credit_held and the credit uses it undid)."""
    held = _by_payer(Allocation.objects.filter(kind=AllocationKind.CREDIT_HELD).annotate(amount=F("amount_fen")),
                     "payment__employer_id", "payment__person_id")
    neg = _by_payer(BillItem.objects.filter(due_fen__lt=0).annotate(amount=-F("due_fen")),
                    "bill__employer_id", "bill__person_id")
    used = _by_payer(Allocation.objects.filter(kind=AllocationKind.CREDIT_USED).annotate(amount=F("amount_fen")),
                     "item__bill__employer_id", "item__bill__person_id")
    refunded = _by_payer(CreditRefund.objects.annotate(amount=F("amount_fen")), "employer_id", "person_id")
    expected = {k: held.get(k, 0) + neg.get(k, 0) - used.get(k, 0) - refunded.get(k, 0)
                for k in set(held) | set(neg) | set(used) | set(refunded)}
    billed = set(_by_payer(Bill.objects.annotate(amount=F("due_fen")), "employer_id", "person_id")) | set(expected)
    ledger = {code[len("credit:"):]: b for code, b in balances("credit:").items() if code[len("credit:"):] in billed}
    return _compare("credit", {k: v for k, v in ledger.items() if v}, {k: v for k, v in expected.items() if v},
                    "ledger credit vs held + negative items − used")


@check("insurance.bill_due_is_sum_of_items")
def bill_due() -> Result:
    bad = (Bill.objects.annotate(items_sum=Sum("items__due_fen")).exclude(due_fen=F("items_sum"))
           .values_list("pk", "due_fen", "items_sum"))
    return Result(Bill.objects.count(), [f"bill #{pk}: due {d} != Σ items {s}" for pk, d, s in bad[:MAX_SHOWN]],
                  found=bad.count())


@check("insurance.items_are_sum_of_lines")
def items_are_lines() -> Result:
    """Each item's employer and employee share = Σ its contribution lines (same bill, month, insurance)."""
    sums = {}
    for ins, (er, ee) in COLUMNS.items():
        agg = {"er": Sum(er)} | ({"ee": Sum(ee)} if ee else {})
        for row in Contribution.objects.filter(**{f"{er}__isnull": False}).values("bill_id", "month").annotate(**agg):
            sums[(row["bill_id"], row["month"], ins)] = (row["er"] or 0, row.get("ee") or 0)
    items = {(b, m, i): (er, ee) for b, m, i, er, ee in
             BillItem.objects.values_list("bill_id", "month", "insurance", "employer_fen", "employee_fen")}
    keys = sorted(set(items) | set(sums), key=str)
    bad = [k for k in keys if items.get(k, (0, 0)) != sums.get(k, (0, 0))]
    return Result(len(items), [f"bill #{b} {m:%Y-%m} {i}: item {items.get((b, m, i))} != lines {sums.get((b, m, i))}"
                               for b, m, i in bad[:MAX_SHOWN]], found=len(bad))


@check("insurance.payment_is_allocated_or_suspense")
def payments_allocated() -> Result:
    """A matched payment = Σ its principal + late fee + credit_held (0 once reversed); an unmatched one has none
    and sits in suspense until reversed or claimed (a claim not reversed)."""
    allocated = dict(Allocation.objects.filter(payment__isnull=False).values("payment_id")
                     .annotate(s=Sum("amount_fen")).values_list("payment_id", "s"))
    rows = Payment.objects.values_list("pk", "amount_fen", "employer_id", "person_id")
    reversed_ = set(PaymentReversal.objects.values_list("payment_id", flat=True))
    claimed = set(PaymentClaim.objects.exclude(claim_payment_id__in=reversed_).values_list("payment_id", flat=True))
    bad, suspense, n = [], 0, 0
    for pk, amount, emp, per in rows.iterator(chunk_size=10_000):
        n += 1
        matched = emp is not None or per is not None
        suspense += 0 if matched or pk in reversed_ or pk in claimed else amount
        if allocated.get(pk, 0) != (amount if matched and pk not in reversed_ else 0):
            bad.append(f"payment #{pk}: amount {amount} != allocated {allocated.get(pk, 0)} fen")
    ledger = balances("suspense:unmatched").get("suspense:unmatched", 0)
    if ledger != suspense:
        bad.append(f"suspense:unmatched {ledger} != Σ unmatched payments {suspense} fen")
    return Result(n, bad[:MAX_SHOWN], found=len(bad))


@check("insurance.account_credited_iff_paid")
def accounts_when_paid() -> Result:
    """account:<item> exists exactly for fully paid pension items, crediting Σ the item's lines' account."""
    paid = dict(Allocation.objects.filter(kind__in=USED, item__insurance="pension").values("item_id")
                .annotate(s=Sum("amount_fen")).values_list("item_id", "s"))
    items = dict(BillItem.objects.filter(insurance="pension", due_fen__gt=0).values_list("pk", "due_fen"))
    full = {i for i, due in items.items() if paid.get(i, 0) == due}
    posted: dict[int, int] = defaultdict(int)  # net of account:<item>[:n] and their reversals (reversal:account:…)
    for key, d, c in (JournalLine.objects.filter(Q(entry__idempotency_key__startswith="account:") |
                                                  Q(entry__idempotency_key__startswith="reversal:account:"),
                                                  account__code__startswith="personal:")
                      .values("entry__idempotency_key").annotate(d=Sum("debit_fen"), c=Sum("credit_fen"))
                      .values_list("entry__idempotency_key", "d", "c")):
        posted[int(key.removeprefix("reversal:").split(":")[1])] += c - d
    posted = {i: v for i, v in posted.items() if v}
    lines = dict(BillItem.objects.filter(pk__in=list(full)).values_list("pk", "account_fen")) if len(full) < 50_000 \
        else dict(BillItem.objects.filter(insurance="pension").values_list("pk", "account_fen"))
    bad = [f"item #{i}: fully paid, account not credited" for i in sorted(full)
           if i not in posted and lines.get(i, 0)]
    bad += [f"item #{i}: account credited but not fully paid" for i in sorted(set(posted) - full)]
    bad += [f"item #{i}: credited {posted[i]} != account {lines.get(i)} fen" for i in sorted(set(posted) & full)
            if posted[i] != lines.get(i)]
    return Result(len(items), bad[:MAX_SHOWN], found=len(bad))


@check("insurance.personal_accounts_sum")
def personal_sum() -> Result:
    """Σ personal:* balances = Σ account credits posted + Σ interest + other postings (transfers), by kind."""
    rows = (JournalLine.objects.filter(account__code__startswith="personal:").values("entry__kind")
            .annotate(d=Sum("debit_fen"), c=Sum("credit_fen")).values_list("entry__kind", "d", "c"))
    by_kind = {k: c - d for k, d, c in rows}
    total = sum(balances("personal:").values())
    diff = [] if total == sum(by_kind.values()) else [f"Σ personal {total} != Σ by kind {by_kind}"]
    return Result(len(by_kind), diff)


@check("insurance.no_negative_personal_account")
def personal_not_negative() -> Result:
    neg = [(c, b) for c, b in balances("personal:").items() if b < 0]
    known = set(Person.objects.filter(pk__in=[int(c.split(":")[1]) for c, _ in neg if c.split(":")[1].isdigit()])
                .values_list("pk", flat=True))
    neg = [(c, b) for c, b in neg if c.split(":")[1].isdigit() and int(c.split(":")[1]) in known]  # registered persons
    return Result(JournalLine.objects.filter(account__code__startswith="personal:").values("account_id").distinct()
                  .count(), [f"{c}: balance {b} fen" for c, b in neg[:MAX_SHOWN]], found=len(neg))


@check("insurance.bank_equals_payments")
def bank_is_payments() -> Result:
    """bank:collection = Σ payments − Σ reversed payments − Σ refunds (a claim payment is not bank money: its
    ``claim:`` entry moves the suspense payment's money to it)."""
    bank_money = Payment.objects.filter(claimed_from__isnull=True)
    total = ((bank_money.aggregate(s=Sum("amount_fen"))["s"] or 0)
             - (bank_money.filter(reversal__isnull=False).aggregate(s=Sum("amount_fen"))["s"] or 0)
             - (CreditRefund.objects.aggregate(s=Sum("amount_fen"))["s"] or 0))
    bank = balances("bank:collection").get("bank:collection", 0)
    entries = JournalEntry.objects.filter(Q(idempotency_key__startswith="payment:")).count()
    diffs = [] if bank == total else [f"bank:collection {bank} != Σ payments − reversed − refunds {total} fen"]
    if entries != Payment.objects.count():
        diffs.append(f"{entries} payment entries != {Payment.objects.count()} payments")
    return Result(entries, diffs)


@check("insurance.rows_name_their_parents")
def rows_reference() -> Result:
    """Items, lines and allocations name existing bills, persons, items and payments (ADR 0010)."""
    parts = [orphans(BillItem, "bill", Bill), orphans(Contribution, "bill", Bill), orphans(Contribution, "person", Person),
             orphans(Allocation, "item", BillItem), orphans(Allocation, "payment", Payment)]
    return Result(sum(p.checked for p in parts), [d for p in parts for d in p.differences][:MAX_SHOWN],
                  found=sum(p.count for p in parts))


@check("insurance.corrections_posted")
def corrections_posted() -> Result:
    """Each reversal reversed its payment's entry and left no allocation of it; each refund posted ``refund:<id>``
    of its amount; a claim's ``claim:`` entry is reversed exactly when its claim payment is."""
    bad = []
    reversed_entries = set(JournalEntry.objects.filter(idempotency_key__startswith="reversal:payment:")
                           .values_list("idempotency_key", flat=True))
    left = dict(Allocation.objects.filter(payment__reversal__isnull=False).values("payment_id")
                .annotate(s=Sum("amount_fen")).values_list("payment_id", "s"))
    reversals = list(PaymentReversal.objects.values_list("payment_id", "payment__bank_ref"))
    for pk, ref in reversals:
        if f"reversal:payment:{ref}" not in reversed_entries:
            bad.append(f"payment #{pk}: reversed, entry payment:{ref} not reversed")
        if left.get(pk, 0):
            bad.append(f"payment #{pk}: reversed, allocations still net {left[pk]} fen")
    posted = {int(k.split(":")[1]): c for k, c in JournalLine.objects.filter(
        entry__idempotency_key__startswith="refund:", account__code="bank:collection")
        .values_list("entry__idempotency_key", "credit_fen")}
    refunds = list(CreditRefund.objects.values_list("pk", "amount_fen"))
    bad += [f"refund #{pk}: posted {posted.get(pk)} != {amount} fen" for pk, amount in refunds if posted.get(pk) != amount]
    claims = list(PaymentClaim.objects.values_list("payment_id", "claim_payment__bank_ref", "claim_payment__reversal"))
    keys = set(JournalEntry.objects.filter(idempotency_key__startswith="claim:").values_list("idempotency_key", flat=True))
    undone = set(JournalEntry.objects.filter(idempotency_key__startswith="reversal:claim:")
                 .values_list("idempotency_key", flat=True))
    for payment_id, ref, reversal in claims:
        key = f"claim:{payment_id}:{ref.rsplit(':', 1)[1]}"
        if key not in keys or ((f"reversal:{key}" in undone) != (reversal is not None)):
            bad.append(f"claim {key}: entry missing or reversed out of step with its payment")
    return Result(len(reversals) + len(refunds) + len(claims), bad[:MAX_SHOWN], found=len(bad))
