"""``laobao employment subsidy-returns FILE``: the bank's return file for subsidy lines (ids ``S<id>``).

The payroll's return layout and rules (docs/formats/payroll-bank-file.md, parsed by ``ledger.bankfile``): header
``line_id,outcome,reason,settled_on``; all rows or none with row numbers; a line already returned with the same
outcome is skipped (a duplicate file changes nothing), another outcome is an error.

Ledger per (bank, payable kind, outcome, day), key ``subsidy-return:<sha256[:20]>:<bank>:<kind>:<outcome>:<yyyymmdd>``:
paid → Dr ``payable:subsidy_bank:<bank>`` / Cr ``bank:employment``; rejected → Dr ``payable:subsidy_bank:<bank>`` /
Cr the order's payable again: the order waits, and a later run pays it once the payee's account is corrected.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from laobao.core import audit
from laobao.ledger.bankfile import ReturnRow, ReturnsRejected, bad, parse_returns
from laobao.ledger.batch import Entry, post_batch

from .models import SubsidyLine, SubsidyReturn
from .payments import kind_of, lock

TAG = "S"
_FACTS = ("id", "bank_code", "payable_code", "amount_fen", "subsidy_return__outcome", "subsidy_return__settled_on")


def _facts(ids: list[int]) -> dict[int, tuple]:
    out = {}
    for lo in range(0, len(ids), 10_000):  # bounded parameter lists (SQLite)
        for row in SubsidyLine.objects.filter(pk__in=ids[lo:lo + 10_000]).values_list(*_FACTS):
            out[row[0]] = row
    return out


def _check(rows: list[ReturnRow], errors: list[str]) -> tuple[dict, list[ReturnRow]]:
    lines = _facts([r.line_id for r in rows])
    new = []
    for r in rows:
        line = lines.get(r.line_id)
        if line is None:
            errors.append(bad(r.row, "line_id", f"没有补贴付款明细 S{r.line_id}：请核对是否本系统的补贴付款文件",
                              f"no subsidy line S{r.line_id}: is this a return of a laobao subsidy file?"))
        elif line[4] is None:
            new.append(r)
        elif line[4] != r.outcome:
            errors.append(bad(r.row, "outcome", f"明细 S{r.line_id} 已于 {line[5]} 回盘为 {line[4]}，不能改为 {r.outcome}",
                              f"line S{r.line_id} was already returned {line[4]} on {line[5]}; it cannot become {r.outcome}"))
    return lines, new


def _entries(sha: str, lines: dict, new: list[ReturnRow]) -> list[Entry]:
    groups: dict[tuple, dict[str, int]] = {}
    for r in new:
        _id, bank, code, amount, _o, _d = lines[r.line_id]
        per = groups.setdefault((bank, kind_of(code), r.outcome, r.settled_on), {})
        per[code] = per.get(code, 0) + amount
    out = []
    for (bank, kind, outcome, day), per in sorted(groups.items()):
        total = sum(per.values())
        legs = [(f"payable:subsidy_bank:{bank}", total, 0)]
        legs += [("bank:employment", 0, total)] if outcome == "paid" else [(c, 0, fen) for c, fen in sorted(per.items())]
        out.append(Entry(f"subsidy-return:{sha[:20]}:{bank}:{kind}:{outcome}:{day:%Y%m%d}",
                         f"就业补贴回盘 银行 {bank} {outcome} {len(per)} 户", day, legs))
    return out


def import_returns(path: Path) -> dict:
    """Apply a subsidy return file; ``ReturnsRejected`` (nothing written) when any row is bad."""
    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    rows, errors = parse_returns(data, TAG)
    with transaction.atomic():
        lock()
        lines, new = _check(rows, errors) if rows else ({}, [])
        if errors:
            raise ReturnsRejected(errors, len(rows))
        SubsidyReturn.objects.bulk_create(
            [SubsidyReturn(line_id=r.line_id, outcome=r.outcome, reason=r.reason, settled_on=r.settled_on, file_sha=sha)
             for r in new], batch_size=5000)
        if new:
            post_batch(kind="employment_subsidy_return", entries=_entries(sha, lines, new), progress=None)
        paid = [r for r in new if r.outcome == "paid"]
        summary = {"rows": len(rows), "paid": len(paid), "rejected": len(new) - len(paid),
                   "already": len(rows) - len(new), "sha256": sha,
                   "paid_fen": sum(lines[r.line_id][3] for r in paid),
                   "rejected_fen": sum(lines[r.line_id][3] for r in new if r.outcome != "paid")}
        if new:
            audit.record("subsidy_payments.returns", object_type="subsidy_return_file", object_id=sha[:20],
                         after=summary | {"at": timezone.now().isoformat()})
    return summary
