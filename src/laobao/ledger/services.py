"""Posting to the journal: the only writer of entries and lines (one transaction each, audited).

``post`` is idempotent on its key: the same key with the same lines returns the entry already
posted; the same key with different lines is refused. Accounts are opened on first use from their
code (its first segment is the kind), then locked in primary-key order so concurrent postings to the
same accounts serialize without deadlocks (``select_for_update`` is a no-op on SQLite, whose single
writer serializes anyway).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError

from .models import KINDS, Account, JournalEntry, JournalLine

CODE_RE = re.compile(r"^[a-z]+(:[A-Za-z0-9_.-]+)+$")
MAX_FEN = 10**15  # ten trillion yuan: far above any real posting, far below BigInteger's limit

Line = tuple[str, int, int]


def _err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


def _check_code(code, where: str) -> str:
    if not isinstance(code, str) or len(code) > 120 or not CODE_RE.match(code) or code.split(":")[0] not in KINDS:
        raise _err(where, "ledger.account_code",
                   f"科目代码“{code}”无效：应为 类别:标识…，类别取 {'、'.join(KINDS)} 之一",
                   f"account code '{code}' is invalid: use kind:id…, kind one of {', '.join(KINDS)}")
    return code


def _check_amount(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FEN:
        raise _err(where, "ledger.amount",
                   f"金额“{value!r}”无效：应为 0 至 {MAX_FEN} 之间的整数（单位：分）",
                   f"amount {value!r} is invalid: use a whole number of fen from 0 to {MAX_FEN}")
    return value


def _normalize(lines: Iterable) -> list[Line]:
    """Validate the lines and return them sorted, so two postings can be compared."""
    lines = list(lines or [])
    if not lines:
        raise _err("lines", "ledger.empty", "分录至少需要两行（借方和贷方）", "an entry needs lines (a debit and a credit)")
    out = []
    for i, line in enumerate(lines):
        where = f"lines[{i}]"
        if not isinstance(line, (tuple, list)) or len(line) != 3:
            raise _err(where, "ledger.line_shape", "每行应为（科目代码, 借方分, 贷方分）",
                       "each line is (account_code, debit_fen, credit_fen)")
        code, debit, credit = _check_code(line[0], where), _check_amount(line[1], where), _check_amount(line[2], where)
        if (debit > 0) == (credit > 0):
            raise _err(where, "ledger.one_side", f"第{i + 1}行：借方和贷方必须且只能有一方大于零",
                       f"line {i + 1}: exactly one of debit and credit must be above zero")
        out.append((code, debit, credit))
    debits, credits = sum(d for _, d, _ in out), sum(c for _, _, c in out)
    if debits != credits:
        raise _err("lines", "ledger.unbalanced", f"借贷不平：借方合计 {debits} 分，贷方合计 {credits} 分",
                   f"the entry does not balance: debits {debits} fen, credits {credits} fen")
    return sorted(out)


def _check_text(value, field: str, limit: int, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise _err(field, "ledger.text", f"“{field}”必填，且不超过 {limit} 个字符",
                   f"'{field}' is required and at most {limit} characters")
    return value


def _lines_of(entry: JournalEntry) -> list[Line]:
    return sorted(entry.lines.values_list("account__code", "debit_fen", "credit_fen"))


def _replay(existing: JournalEntry, kind: str, lines: list[Line], reverses: JournalEntry | None) -> JournalEntry:
    """The same key again: the same posting returns the entry; a different one is refused."""
    if existing.kind == kind and existing.reverses_id == getattr(reverses, "pk", None) and _lines_of(existing) == lines:
        return existing
    raise _err("key", "ledger.key_reused",
               f"幂等键“{existing.idempotency_key}”已用于另一笔不同的分录（#{existing.pk}），请换用新的键",
               f"idempotency key '{existing.idempotency_key}' was already used for a different entry "
               f"(#{existing.pk}): use a new key")


def _lock_accounts(codes: set[str]) -> dict[str, Account]:
    for code in codes:
        Account.objects.get_or_create(code=code, defaults={"kind": code.split(":")[0]})
    locked = Account.objects.filter(code__in=codes).order_by("pk").select_for_update()
    return {a.code: a for a in locked}


def _insert(key: str, kind: str, memo: str, lines: list[Line], reverses: JournalEntry | None,
            value_date: date | None) -> JournalEntry:
    accounts = _lock_accounts({code for code, _, _ in lines})
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(idempotency_key=key, kind=kind, memo=memo, reverses=reverses)
    except IntegrityError:
        existing = JournalEntry.objects.filter(idempotency_key=key).first()
        if existing is not None:  # a concurrent posting with the same key won the race
            return _replay(existing, kind, lines, reverses)
        if reverses is None:
            raise
        raise _already_reversed(reverses) from None
    JournalLine.objects.bulk_create(
        JournalLine(entry=entry, account=accounts[code], debit_fen=d, credit_fen=c,
                    value_date=value_date or timezone.localdate()) for code, d, c in lines
    )
    audit.record("ledger.post", object_type="journal_entry", object_id=entry.pk,
                 after={"key": key, "kind": kind, "memo": memo, "reverses": getattr(reverses, "pk", None),
                        "lines": [list(line) for line in lines]})
    return entry


def _already_reversed(entry: JournalEntry) -> DomainError:
    return _err("entry", "ledger.already_reversed", f"分录 #{entry.pk} 已被冲销过，不能再次冲销",
                f"entry #{entry.pk} has already been reversed and cannot be reversed again")


def post(*, key: str, kind: str, lines: list[Line], memo: str = "", value_date: date | None = None,
         _reverses: JournalEntry | None = None) -> JournalEntry:
    """Post one balanced entry of integer-fen lines ``(account_code, debit_fen, credit_fen)``; idempotent on ``key``.

    ``value_date`` is the business date the amounts count from (today when omitted).
    """
    key, kind = _check_text(key, "key", 150), _check_text(kind, "kind", 40)
    memo = _check_text(memo, "memo", 300, required=False)
    normalized = _normalize(lines)
    with transaction.atomic():
        existing = JournalEntry.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _replay(existing, kind, normalized, _reverses)
        return _insert(key, kind, memo, normalized, _reverses, value_date)


def reverse(*, entry: JournalEntry, key: str, memo: str) -> JournalEntry:
    """Post the mirror of ``entry`` (debits and credits swapped) under ``key``; an entry is reversed at most once."""
    memo = _check_text(memo, "memo", 300)
    with transaction.atomic():
        original = JournalEntry.objects.get(pk=entry.pk)
        mirror = [(code, c, d) for code, d, c in _lines_of(original)]
        done = JournalEntry.objects.filter(reverses=original).first()
        if done is not None and done.idempotency_key != key:
            raise _already_reversed(original)
        return post(key=key, kind=f"reversal:{original.kind}"[:40], lines=mirror, memo=memo, _reverses=original)
