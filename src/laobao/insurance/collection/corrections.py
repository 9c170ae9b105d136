"""冲正、退款、认领 — corrections of collection by an officer: one transaction each, validated, audited.

Nothing is edited (bills, items, payments, allocations and journal lines are append-only):

* 冲正 ``reverse_payment``: the entry ``payment:<bank_ref>`` is reversed (``reversal:payment:<bank_ref>``) and
  each allocation of the payment gets a reversing row (``Allocation.reverses``: same kind, item, payment and
  allocated_on, negative amount), so every Σ over allocations — paid, fees paid, credit held — nets it and
  the items it paid are owed again (with late fees from their due date, as if never paid). If the payer's
  credit would go negative (its held credit was used), credit_used rows are undone latest first
  (``reversal:credit-used:<bank_ref>``: Dr receivable / Cr credit). Every ``account:<item>`` entry of a
  pension item no longer fully paid is reversed (``reversal:account:<item>``).
* 退款 ``refund_credit``: ``refund:<id>`` Dr credit:<payer> / Cr bank:collection, at most the credit balance.
* 认领 ``claim_payment``: a suspense payment is assigned to a payer: a new payment ``claim:<payment_id>:<n>``
  (same amount, channel and day) is imported through ``collection.services.import_payments`` — allocated
  exactly like a bank payment — and ``claim:<payment_id>:<n>`` Dr suspense:unmatched / Cr bank:collection
  takes the money out of suspense (the bank received it once). Reversing the claim payment returns the money
  to suspense (its claim entry is reversed too); the payment may then be claimed again.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from laobao.core import audit
from laobao.core.context import current_actor
from laobao.core.errors import DomainError, Forbidden, NotFound
from laobao.core.scoping import can
from laobao.ledger import services as ledger
from laobao.ledger.models import JournalEntry, JournalLine
from laobao.ledger.selectors import balance
from laobao.registry.models import Employer, Person
from laobao.registry.services import check_write

from ..models import (Allocation, AllocationKind, BillItem, CreditRefund, Payment, PaymentClaim,
                      PaymentReversal)
from . import services as collection

ACTION = "collection.correct"
USED = (AllocationKind.PRINCIPAL, AllocationKind.CREDIT_USED)


def _bad(field: str, rule: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, f"correction.{rule}", zh, en)


def _lock() -> None:
    """The collection's lock: no import or credit run interleaves with a correction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [collection.LOCK_KEY])


def _reason(reason) -> str:
    text = (reason or "").strip() if isinstance(reason, str) else ""
    if not 2 <= len(text) <= 200:
        raise _bad("reason", "reason", "请填写原因（2–200 个字符），如“银行退回”“错记缴费人”",
                   "give the reason (2–200 characters), e.g. 'recalled by the bank', 'posted to the wrong payer'")
    return text


def _who(user) -> dict:
    return {"by": user if getattr(user, "pk", None) else None, "actor": current_actor().username[:150]}


def payer_code(payer) -> str:
    return f"employer:{payer.pk}" if isinstance(payer, Employer) else f"person:{payer.pk}"


def _region(payer):
    return payer.region if isinstance(payer, Employer) else payer.residence_region


def _check_payer(user, payer) -> None:
    """The officer may correct this payer's money (CLI: ``user`` None, the whole city)."""
    check_write(user, _region(payer), ACTION)


def _check_officer(user) -> None:
    if user is not None and not can(user, ACTION):
        raise Forbidden


def _payment(bank_ref: str) -> Payment:
    payment = (Payment.objects.select_related("employer__region", "person__residence_region")
               .filter(bank_ref=(bank_ref or "").strip()).first())
    if payment is None:
        raise _bad("bank_ref", "not_found", f"找不到流水号为“{bank_ref}”的缴费：请核对银行流水号",
                   f"no payment has bank_ref '{bank_ref}': check the bank reference")
    return payment


def _payer(payment: Payment):
    return payment.employer or payment.person


def _active_claim(payment: Payment) -> PaymentClaim | None:
    return (PaymentClaim.objects.select_related("claim_payment").filter(payment=payment)
            .exclude(claim_payment__reversal__isnull=False).first())


def _by_payer(qs, payer):
    return qs.filter(item__bill__employer=payer) if isinstance(payer, Employer) else qs.filter(item__bill__person=payer)


# --- 冲正 ------------------------------------------------------------------------------------------------------

@dataclass
class _Undone:
    principal: int = 0
    late_fee: int = 0
    credit_held: int = 0
    credit_used: int = 0


def reverse_payment(*, user, bank_ref: str, reason: str) -> PaymentReversal:
    """冲正 of the payment ``bank_ref``: refused when reversed already or (suspense) claimed and not reversed."""
    reason = _reason(reason)
    _check_officer(user)
    with transaction.atomic():
        _lock()
        payment = _payment(bank_ref)
        payer = _payer(payment)
        if payer is not None:
            _check_payer(user, payer)
        _check_reversible(payment)
        today = timezone.localdate()
        undone, items = _undo_own(payment)
        ref = payment.bank_ref
        ledger.reverse(entry=JournalEntry.objects.get(idempotency_key=f"payment:{ref}"),
                       key=f"reversal:payment:{ref}", memo=f"冲正 reversal of payment {ref}: {reason}"[:300])
        claim = PaymentClaim.objects.filter(claim_payment=payment).first()
        if claim is not None:  # a wrong claim: the money goes back to suspense
            ledger.reverse(entry=JournalEntry.objects.get(idempotency_key=_claim_key(claim)),
                           key=f"reversal:{_claim_key(claim)}", memo=f"冲正 claim reversed: {reason}"[:300])
        accounts: list[str] = []
        if payer is not None:
            items |= _undo_credit(payer, ref, undone)
            accounts = _reverse_accounts(items, reason)
        summary = {"principal": undone.principal, "late_fee": undone.late_fee, "credit_held": undone.credit_held,
                   "credit_used_undone": undone.credit_used, "accounts_reversed": accounts}
        reversal = PaymentReversal.objects.create(payment=payment, reason=reason, reversed_on=today, summary=summary,
                                                  **_who(user))
        audit.record("insurance.payment_reverse", object_type="payment", object_id=payment.pk,
                     region_path=_path(payer), reason=reason,
                     after={"bank_ref": ref, "amount_fen": payment.amount_fen, **summary})
    return reversal


def _path(payer) -> str:
    region = _region(payer) if payer is not None else None
    return region.path if region is not None else ""


def _check_reversible(payment: Payment) -> None:
    if PaymentReversal.objects.filter(payment=payment).exists():
        raise _bad("bank_ref", "already_reversed", f"流水号“{payment.bank_ref}”的缴费已冲正过，不能再次冲正；"
                   "更正后的缴费请以新的银行流水号导入",
                   f"payment '{payment.bank_ref}' has already been reversed and cannot be reversed again; "
                   "import the corrected payment under a new bank_ref")
    claim = _active_claim(payment)
    if claim is not None:
        ref = claim.claim_payment.bank_ref
        raise _bad("bank_ref", "claimed", f"该暂收款已被认领（{ref}）：请先冲正认领缴费 {ref}",
                   f"this suspense payment was claimed ({ref}): reverse the claim payment {ref} first")


def _negative(rows, amounts=None) -> list[Allocation]:
    return [Allocation(payment_id=r.payment_id, item_id=r.item_id, kind=r.kind, allocated_on=r.allocated_on,
                       amount_fen=-(r.amount_fen if amounts is None else a), reverses=r)
            for r, a in zip(rows, amounts or [None] * len(rows))]


def _undo_own(payment: Payment) -> tuple[_Undone, set[int]]:
    """A reversing row for each allocation of the payment; returns the totals and the items touched."""
    rows = list(Allocation.objects.filter(payment=payment, reverses__isnull=True).order_by("id"))
    Allocation.objects.bulk_create(_negative(rows))
    undone = _Undone()
    for r in rows:
        setattr(undone, r.kind, getattr(undone, r.kind) + r.amount_fen)
    return undone, {r.item_id for r in rows if r.item_id is not None}


def _undo_credit(payer, ref: str, undone: _Undone) -> set[int]:
    """Undo the payer's latest credit uses until its credit is no longer negative."""
    code = payer_code(payer)
    deficit = -balance(f"credit:{code}")
    if deficit <= 0:
        return set()
    qs = (_by_payer(Allocation.objects.filter(kind=AllocationKind.CREDIT_USED, reverses__isnull=True), payer)
          .annotate(undone=Coalesce(Sum("reversed_by__amount_fen"), 0)).order_by("-allocated_on", "-id"))
    rows, amounts = [], []
    for row in qs.iterator(chunk_size=500):
        left = row.amount_fen + row.undone
        if left > 0:
            take = min(left, deficit)
            rows.append(row), amounts.append(take)
            deficit -= take
        if deficit == 0:
            break
    total = sum(amounts)
    if rows:
        Allocation.objects.bulk_create(_negative(rows, amounts))
        ledger.post(key=f"reversal:credit-used:{ref}", kind="reversal:credit_used",
                    lines=[(f"receivable:{code}", total, 0), (f"credit:{code}", 0, total)],
                    memo=f"冲正 留抵冲缴撤回 credit uses undone after reversal of {ref}"[:300])
    undone.credit_used = total
    if deficit > 0:
        raise _bad("bank_ref", "credit_refunded",
                   f"该缴费的留抵已退款或另作他用（缺 {deficit} 分）：冲正会使留抵为负，请先追回退款",
                   f"this payment's held credit was refunded ({deficit} fen short): the reversal would make the "
                   "payer's credit negative; recover the refund first")
    return {r.item_id for r in rows}


def _reverse_accounts(items: set[int], reason: str) -> list[str]:
    """Reverse the ``account:<item>`` entries of pension items that are no longer fully paid."""
    pension = dict(BillItem.objects.filter(pk__in=items, insurance="pension", due_fen__gt=0)
                   .values_list("pk", "due_fen"))
    if not pension:
        return []
    paid = dict(Allocation.objects.filter(item_id__in=list(pension), kind__in=USED).values("item_id")
                .annotate(s=Sum("amount_fen")).values_list("item_id", "s"))
    open_items = [i for i, due in pension.items() if paid.get(i, 0) < due]
    if not open_items:
        return []
    keys = Q()
    for i in open_items:
        keys |= Q(idempotency_key=f"account:{i}") | Q(idempotency_key__startswith=f"account:{i}:")
    entries = list(JournalEntry.objects.filter(keys, reversed_by__isnull=True).order_by("id"))
    for entry in entries:
        ledger.reverse(entry=entry, key=f"reversal:{entry.idempotency_key}",
                       memo=f"冲正 个人账户记账撤回 account credit reversed: {reason}"[:300])
    _check_personal([e.pk for e in entries])
    return [e.idempotency_key for e in entries]


def next_account_key(item: int) -> str:
    """The key under which the item's individual account is credited now: ``account:<item>`` the first time,
    ``account:<item>:<n>`` after n−1 credits that were all reversed (冲正), else the standing credit's key (a
    posting under it is skipped as already done). For ``postings.account_entries``: ask only for items whose
    ``account:<item>`` is already taken (rare: after a reversal), so the import stays set-based."""
    taken = list(JournalEntry.objects.filter(Q(idempotency_key=f"account:{item}") |
                                             Q(idempotency_key__startswith=f"account:{item}:"))
                 .values_list("idempotency_key", "reversed_by").order_by("id"))
    standing = [k for k, r in taken if r is None]
    if standing:
        return standing[0]
    return f"account:{item}" if not taken else f"account:{item}:{len(taken) + 1}"


def _check_personal(entry_ids: list[int]) -> None:
    codes = set(JournalLine.objects.filter(entry_id__in=entry_ids, account__code__startswith="personal:")
                .values_list("account__code", flat=True))
    for code in sorted(codes):
        if balance(code) < 0:
            raise _bad("bank_ref", "account_negative",
                       f"冲正后个人账户 {code} 将为负数（已转出或已支付）：请先办理该账户的更正",
                       f"the reversal would make the individual account {code} negative (transferred or paid out): "
                       "correct that account first")


# --- 退款 ------------------------------------------------------------------------------------------------------

def _amount(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _bad("amount", "amount", "退款金额应为大于零的整数（单位：分）",
                   "the refund amount must be a whole number of fen above zero")
    return value


def refund_credit(*, user, payer, amount_fen: int, bank_account: str, reason: str,
                  on: date | None = None) -> CreditRefund:
    """退款 of ``amount_fen`` of the payer's held credit to ``bank_account``: at most the credit left after what the
    payer owes (credit pays arrears first)."""
    reason, amount = _reason(reason), _amount(amount_fen)
    account = (bank_account or "").strip() if isinstance(bank_account, str) else ""
    if not 4 <= len(account) <= 100:
        raise _bad("bank_account", "bank_account", "请填写收款账户（开户行及账号，4–100 个字符）",
                   "give the account to refund to (bank and account number, 4–100 characters)")
    _check_officer(user)
    _check_payer(user, payer)
    with transaction.atomic():
        _lock()
        code = payer_code(payer)
        credit, owed = balance(f"credit:{code}"), max(balance(f"receivable:{code}"), 0)
        if amount > credit:
            raise _bad("amount", "over_credit", f"退款金额 {amount} 分超过留抵余额 {credit} 分：请不超过留抵余额",
                       f"the refund of {amount} fen exceeds the credit balance of {credit} fen: refund at most the balance")
        if amount > credit - owed:
            raise _bad("amount", "arrears_first", f"该缴费人尚欠 {owed} 分：留抵须先冲抵欠费（laobao payments apply-credit），"
                       f"可退至多 {max(credit - owed, 0)} 分",
                       f"the payer still owes {owed} fen: credit pays arrears first (laobao payments apply-credit); "
                       f"at most {max(credit - owed, 0)} fen can be refunded")
        refund = CreditRefund.objects.create(employer=payer if isinstance(payer, Employer) else None,
                                             person=payer if isinstance(payer, Person) else None, amount_fen=amount,
                                             bank_account=account, reason=reason,
                                             refunded_on=on or timezone.localdate(), **_who(user))
        ledger.post(key=f"refund:{refund.pk}", kind="refund", value_date=refund.refunded_on,
                    lines=[(f"credit:{code}", amount, 0), ("bank:collection", 0, amount)],
                    memo=f"退款 refund of credit to {account}: {reason}"[:300])
        audit.record("insurance.credit_refund", object_type="credit_refund", object_id=refund.pk,
                     region_path=_path(payer), reason=reason,
                     after={"payer": code, "amount_fen": amount, "bank_account": account, "credit_before": credit})
    return refund


# --- 认领 ------------------------------------------------------------------------------------------------------

def _claim_key(claim: PaymentClaim) -> str:
    return f"claim:{claim.payment_id}:{claim.claim_payment.bank_ref.rsplit(':', 1)[1]}"


def _check_claimable(payment: Payment) -> None:
    if payment.employer_id or payment.person_id:
        raise _bad("bank_ref", "not_suspense", f"流水号“{payment.bank_ref}”的缴费已有缴费人，不在暂收款中：如记错缴费人请冲正后重新导入",
                   f"payment '{payment.bank_ref}' has a payer and is not in suspense: if the payer is wrong, "
                   "reverse it and import it again")
    if PaymentReversal.objects.filter(payment=payment).exists():
        raise _bad("bank_ref", "reversed", f"流水号“{payment.bank_ref}”的缴费已冲正，不能认领",
                   f"payment '{payment.bank_ref}' was reversed and cannot be claimed")
    claim = _active_claim(payment)
    if claim is not None:
        raise _bad("bank_ref", "already_claimed", f"该暂收款已被认领（{claim.claim_payment.bank_ref}）：如认领有误请先冲正该认领缴费",
                   f"this suspense payment was claimed already ({claim.claim_payment.bank_ref}): if that was wrong, "
                   "reverse the claim payment first")


def _write_file(folder: str, ref: str, payment: Payment, code: str) -> Path:
    path = Path(folder) / f"claim-{payment.pk}.csv"
    amount = payment.amount_fen
    channel = payment.channel if payment.channel in ("bank", "tax") else "bank"
    path.write_text("bank_ref,channel,payer_code,amount,paid_on\n"
                    f"{ref},{channel},{code},{amount // 100}.{amount % 100:02d},{payment.paid_on.isoformat()}\n",
                    encoding="utf-8")
    return path


def claim_payment(*, user, bank_ref: str, payer, reason: str) -> PaymentClaim:
    """认领 of the suspense payment ``bank_ref`` by ``payer`` (an Employer or a Person)."""
    reason = _reason(reason)
    _check_officer(user)
    _check_payer(user, payer)
    with transaction.atomic():
        _lock()
        payment = _payment(bank_ref)
        _check_claimable(payment)
        n = PaymentClaim.objects.filter(payment=payment).count() + 1
        ref = f"claim:{payment.pk}:{n}"
        code = payer.credit_code if isinstance(payer, Employer) else payer.citizen_id
        with tempfile.TemporaryDirectory(prefix="laobao-claim-") as folder:
            collection.import_payments(_write_file(folder, ref, payment, code), progress=None)
        new = Payment.objects.get(bank_ref=ref)
        claim = PaymentClaim.objects.create(payment=payment, claim_payment=new, reason=reason,
                                            employer=payer if isinstance(payer, Employer) else None,
                                            person=payer if isinstance(payer, Person) else None, **_who(user))
        ledger.post(key=_claim_key(claim), kind="claim", value_date=timezone.localdate(),
                    lines=[("suspense:unmatched", payment.amount_fen, 0), ("bank:collection", 0, payment.amount_fen)],
                    memo=f"认领 claim of {payment.bank_ref} by {payer_code(payer)}: {reason}"[:300])
        audit.record("insurance.payment_claim", object_type="payment", object_id=payment.pk,
                     region_path=_path(payer), reason=reason,
                     after={"bank_ref": payment.bank_ref, "claim_ref": ref, "payer": payer_code(payer),
                            "amount_fen": payment.amount_fen})
    return claim


# --- reads (scoped) -----------------------------------------------------------------------------------------------

def suspense_payment(user, pk: int) -> Payment:
    """One payment waiting in suspense (officers only; anything else is 404)."""
    for row in suspense_payments(user):
        if row["id"] == pk:
            return Payment.objects.get(pk=pk)
    raise NotFound


def suspense_payments(user) -> list[dict]:
    """Payments in suspense (no payer, not reversed, not claimed), oldest first; officers only."""
    _check_officer(user)
    claimed = PaymentClaim.objects.filter(claim_payment__reversal__isnull=True).values("payment_id")
    return list(Payment.objects.filter(employer__isnull=True, person__isnull=True, reversal__isnull=True)
                .exclude(pk__in=claimed).order_by("paid_on", "id")
                .values("id", "bank_ref", "channel", "payer_code", "amount_fen", "paid_on", "source"))


def payment_for_correction(user, pk: int) -> dict:
    """The payment as the reversal form shows it (scoped: a payer outside the officer's jurisdiction is 404)."""
    _check_officer(user)
    payment = Payment.objects.select_related("employer__region", "person__residence_region").filter(pk=pk).first()
    if payment is None:
        raise NotFound
    payer = _payer(payment)
    if payer is not None:
        try:
            _check_payer(user, payer)
        except Forbidden:
            raise NotFound from None
    alloc = dict(Allocation.objects.filter(payment=payment).values("kind").annotate(s=Sum("amount_fen"))
                 .values_list("kind", "s"))
    return {"payment": payment, "payer": payer, "allocations": alloc,
            "reversal": PaymentReversal.objects.filter(payment=payment).first(),
            "claim": _active_claim(payment) if payer is None else None}


def credit_of(user, payer) -> dict:
    """The payer's held credit and its refunds (the caller resolved ``payer`` through a scoped selector)."""
    code = payer_code(payer)
    refunds = CreditRefund.objects.filter(**{"employer" if isinstance(payer, Employer) else "person": payer})
    return {"credit_fen": balance(f"credit:{code}"),
            "refunds": list(refunds.order_by("-id").values("id", "amount_fen", "bank_account", "reason",
                                                           "refunded_on", "actor"))}


def reversed_refs(bank_refs) -> set[str]:
    """Which of ``bank_refs`` are reversed (the payments page marks them)."""
    return set(PaymentReversal.objects.filter(payment__bank_ref__in=list(bank_refs))
               .values_list("payment__bank_ref", flat=True))
