"""The journal entries of a collection run (the postings contract), built as columns (``ledger.batch.Columns``).

* ``payment:<bank_ref>``: Dr bank:collection amount; Cr receivable:<payer> principal; Cr fund:late_fee late
  fees; Cr credit:<payer> what is held; an unknown payer: Cr suspense:unmatched the whole amount.
* ``credit:<allocation_id>`` (the payer's first credit_used allocation of the run): Dr credit:<payer> /
  Cr receivable:<payer> the credit used.
* ``account:<billitem_id>``: when a pension item becomes fully paid, Dr fund:pension Σaccount / Cr
  personal:<person>:pension per contribution line of that bill and month (a negative line on the other
  side), value date = the day it became fully paid.

No Python object per entry or line: amounts are NumPy columns, one line per (entry, slot) kept when non-zero.
"""

from __future__ import annotations

import numpy as np
from django.db.models import Sum

from laobao.ledger.batch import Columns, lookup
from laobao.ledger.models import JournalLine

from ..models import PaymentReversal
from . import runsql
from .settle import CREDIT_USED, LATE_FEE, PRINCIPAL, dates

_EMPTY = np.zeros(0, dtype=np.int64)


def empty() -> Columns:
    return Columns([], [], [], _EMPTY, _EMPTY, _EMPTY, [])


def concat(*parts: Columns) -> Columns:
    """One batch of ``parts`` in order (all name accounts by code)."""
    offsets = np.cumsum([0] + [len(p.keys) for p in parts[:-1]])
    return Columns([k for p in parts for k in p.keys], [m for p in parts for m in p.memos],
                 [d for p in parts for d in p.days],
                 np.concatenate([p.entry + o for p, o in zip(parts, offsets)]).astype(np.int64),
                 np.concatenate([p.debit for p in parts]).astype(np.int64),
                 np.concatenate([p.credit for p in parts]).astype(np.int64), [c for p in parts for c in p.codes])


def _slots(keys, memos, days, codes: list[list[str]], amounts: np.ndarray, debit_slot: np.ndarray) -> Columns:
    """Entries of ``k`` line slots each: ``amounts`` (n, k); a zero amount drops its line; ``debit_slot``
    (n, k) bool: debit side (else credit)."""
    keep = amounts.ravel() != 0
    entry = np.repeat(np.arange(amounts.shape[0], dtype=np.int64), amounts.shape[1])[keep]
    flat = amounts.ravel()[keep]
    is_debit = debit_slot.ravel()[keep]
    all_codes = [c for row in zip(*codes) for c in row]
    return Columns(keys, memos, days, entry, np.where(is_debit, flat, 0), np.where(is_debit, 0, flat),
                 [c for c, k in zip(all_codes, keep.tolist()) if k])


def payment_entries(new, payers, run_of_new: np.ndarray, pieces, held: np.ndarray) -> Columns:
    """``payment:<ref>`` of every new payment; ``run_of_new[k]`` is its run index (-1: unknown payer)."""
    n_run = held.size
    pay, amt, kind = pieces.payment, pieces.amount, pieces.kind
    principal, fee = np.zeros(n_run + 1, dtype=np.int64), np.zeros(n_run + 1, dtype=np.int64)
    real = pay >= 0
    np.add.at(principal, pay[real & (kind == PRINCIPAL)], amt[real & (kind == PRINCIPAL)])
    np.add.at(fee, pay[real & (kind == LATE_FEE)], amt[real & (kind == LATE_FEE)])
    held = np.concatenate((held, [0]))
    amount = np.array([r.amount_fen for r in new], dtype=np.int64)
    matched = run_of_new >= 0
    n = np.where(matched, run_of_new, n_run)
    amounts = np.stack((amount, np.where(matched, principal[n], amount), fee[n], np.maximum(held[n], 0)), axis=1)
    debit = np.zeros(amounts.shape, dtype=bool)
    debit[:, 0] = True
    who = [payers.get(r.payer_code) for r in new]
    codes = [["bank:collection"] * len(new),
             [f"receivable:{p}" if p else "suspense:unmatched" for p in who],
             ["fund:late_fee"] * len(new),
             [f"credit:{p}" if p else "" for p in who]]
    return _slots([f"payment:{r.bank_ref}" for r in new], [f"缴费 {r.channel} {r.payer_code}" for r in new],
                  [r.paid_on for r in new], codes, amounts, debit)


def credit_entries(pieces, first_allocation: int) -> Columns:
    """One entry per payer whose credit paid items in this run, keyed by its first credit_used allocation."""
    used = np.flatnonzero(pieces.kind == CREDIT_USED)
    if not used.size:
        return empty()
    payer_index, first, inverse = np.unique(pieces.payer[used], return_index=True, return_inverse=True)
    total = np.zeros(payer_index.size, dtype=np.int64)
    np.add.at(total, inverse.reshape(-1), pieces.amount[used])
    payers = [pieces.payers[i] for i in payer_index.tolist()]  # sorted: the payer list is sorted
    amounts = np.stack((total, total), axis=1)
    debit = np.zeros(amounts.shape, dtype=bool)
    debit[:, 0] = True
    return _slots([f"credit:{first_allocation + k}" for k in used[first].tolist()],
                  ["留抵冲缴 credit used"] * len(payers), dates(pieces.day[used[first]]),
                  [[f"credit:{p}" for p in payers], [f"receivable:{p}" for p in payers]], amounts, debit)


def account_entries(pieces, first_allocation: int) -> Columns:
    """``account:<item>`` for every pension item this run (allocations from ``first_allocation``) made fully paid
    (``pieces.paid_items``: the settlement knows what each item still owed)."""
    if not pieces.paid_items.size:
        return empty()
    runsql.run_table(("item", i) for i in pieces.paid_items.tolist())
    rows = runsql.rows(runsql.ACCOUNT_LINES)  # (item, person, account) ordered by item
    if not rows:
        return empty()
    item = np.array([r[0] for r in rows], dtype=np.int64)
    account = np.array([r[2] for r in rows], dtype=np.int64)
    start = np.flatnonzero(np.concatenate(([True], item[1:] != item[:-1])))
    items = item[start]
    total = np.add.reduceat(account, start)
    entry_of_row = np.cumsum(np.concatenate(([False], item[1:] != item[:-1])))
    # lines: each contribution line (Cr personal if positive), then the fund line of the entry's total
    n_items = items.size
    entry = np.concatenate((entry_of_row, np.arange(n_items, dtype=np.int64)))
    amount = np.concatenate((account, -total))  # negative = debit side
    codes = [f"personal:{r[1]}:pension" for r in rows] + ["fund:pension"] * n_items
    order = np.argsort(entry, kind="stable")
    entry, amount = entry[order], amount[order]
    keep = amount != 0
    codes = [codes[i] for i in order[keep].tolist()]
    entry, amount = entry[keep], amount[keep]
    item_list = items.tolist()
    return Columns(_account_keys(item_list), ["个人账户记账 account credited when paid"] * n_items,
                   dates(_last_day(pieces, items)), entry, np.where(amount < 0, -amount, 0),
                   np.where(amount > 0, amount, 0), codes)


def _last_day(pieces, items: np.ndarray) -> np.ndarray:
    """The day (ordinal) of each of ``items``' last principal / credit piece in this run: when it became paid."""
    paying = pieces.kind != LATE_FEE
    known, inverse = np.unique(pieces.item[paying], return_inverse=True)
    last = np.zeros(known.size, dtype=np.int64)
    np.maximum.at(last, inverse.reshape(-1), pieces.day[paying])
    at = np.minimum(np.searchsorted(known, items), max(known.size - 1, 0))
    if not known.size or (known[at] != items).any():  # never expected: the query reads this run's allocations
        raise RuntimeError("an account item has no allocation in this run")
    return last[at]


def _account_keys(item_list: list[int]) -> list[str]:
    """``account:<item>``, or for an item whose first credit was reversed (冲正) and is now paid again, the next
    free key ``account:<item>:<n>`` (rare, so asked for one item at a time)."""
    keys = [f"account:{i}" for i in item_list]
    if not PaymentReversal.objects.exists():  # only a reversal (冲正) frees an item to be credited again
        return keys
    taken = lookup("entry", keys)
    if not taken:
        return keys
    from .corrections import next_account_key
    return [next_account_key(i) if k in taken else k for i, k in zip(item_list, keys)]


def payers_with_credit() -> list[str]:
    rows = (JournalLine.objects.filter(account__code__startswith="credit:").values("account__code")
            .annotate(d=Sum("debit_fen"), c=Sum("credit_fen")).values_list("account__code", "d", "c"))
    return [code[len("credit:"):] for code, d, c in rows if c - d > 0]
