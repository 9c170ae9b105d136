"""``laobao payouts returns FILE``: the bank's return file for payout lines (ids ``P<id>``).

Same layout and rules as the payroll's return file (docs/formats/payroll-bank-file.md): header
``line_id,outcome,reason,settled_on``; all rows or none with row numbers; a line already returned with the
same outcome is skipped (a duplicate file changes nothing), another outcome is an error. A payroll line id
(no ``P``) is refused here: payroll returns go to ``laobao payroll returns``.

Ledger, per (bank, payable kind, outcome, day), key ``payouts-return:<sha256[:20]>:<bank>:<kind>:<outcome>:<yyyymmdd>``:
paid → Dr ``payable:bank:<bank>`` / Cr ``bank:benefits``; rejected → Dr ``payable:bank:<bank>`` / Cr the
order's payable account (person, heir or employer): the order waits again and a later run pays it once the
account is corrected.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from laobao.core import audit
from laobao.ledger.batch import Entry, post_batch

from ..models import ReturnOutcome
from ..payroll import returns as payroll_returns
from ..payroll.returns import ReturnRow, ReturnsRejected, _bad
from .models import PayoutLine, PayoutReturn
from .run import kind_of, lock


def _line_id(n: int, rec: dict, errors: list[str]) -> dict | None:
    raw = (rec.get("line_id") or "").strip()
    if not (raw[:1] in ("P", "p") and raw[1:].isdigit()):
        errors.append(_bad(n, "line_id", f"明细号“{raw}”不是一次性发放明细（应为 P 加数字）；月度发放的回盘请用 laobao payroll returns",
                           f"line_id '{raw}' is not a payout line (P and digits); payroll returns go to laobao payroll returns"))
        return None
    return rec | {"line_id": raw[1:]}


def parse(data: bytes) -> tuple[list[ReturnRow], list[str]]:
    return payroll_returns.parse(data, line_id=_line_id, tag="P")


_FACTS = ("id", "bank_code", "payable_code", "amount_fen", "payout_return__outcome", "payout_return__settled_on")


def _facts(ids: list[int]) -> dict[int, tuple]:
    out = {}
    for lo in range(0, len(ids), 10_000):  # bounded parameter lists (SQLite)
        for row in PayoutLine.objects.filter(pk__in=ids[lo:lo + 10_000]).values_list(*_FACTS):
            out[row[0]] = row
    return out


def _check_against_db(rows: list[ReturnRow], errors: list[str]) -> tuple[dict, list[ReturnRow]]:
    lines = _facts([r.line_id for r in rows])
    new = []
    for r in rows:
        line = lines.get(r.line_id)
        if line is None:
            errors.append(_bad(r.row, "line_id", f"没有一次性发放明细 P{r.line_id}：请核对是否本系统的发放文件",
                               f"no payout line P{r.line_id}: is this a return of a laobao payout file?"))
        elif line[4] is None:
            new.append(r)
        elif line[4] != r.outcome:
            errors.append(_bad(r.row, "outcome", f"明细 P{r.line_id} 已于 {line[5]} 回盘为 {line[4]}，不能改为 {r.outcome}",
                               f"line P{r.line_id} was already returned {line[4]} on {line[5]}; it cannot become {r.outcome}"))
    return lines, new


def _entries(sha: str, lines: dict, new: list[ReturnRow]) -> list[Entry]:
    groups: dict[tuple, dict[str, int]] = {}
    for r in new:
        _id, bank, code, amount, _o, _d = lines[r.line_id]
        per_code = groups.setdefault((bank, kind_of(code), r.outcome, r.settled_on), {})
        per_code[code] = per_code.get(code, 0) + amount
    out = []
    for (bank, kind, outcome, day), per_code in sorted(groups.items()):
        total = sum(per_code.values())
        if outcome == ReturnOutcome.PAID:
            legs = [(f"payable:bank:{bank}", total, 0), ("bank:benefits", 0, total)]
        else:
            legs = [(f"payable:bank:{bank}", total, 0)] + [(c, 0, fen) for c, fen in sorted(per_code.items())]
        out.append(Entry(f"payouts-return:{sha[:20]}:{bank}:{kind}:{outcome}:{day:%Y%m%d}",
                         f"一次性发放回盘 银行 {bank} {outcome} {len(per_code)} 户", day, legs))
    return out


def import_returns(path: Path) -> dict:
    """Apply a payout return file; ``ReturnsRejected`` (nothing written) when any row is bad."""
    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    rows, errors = parse(data)
    with transaction.atomic():
        lock()
        lines, new = _check_against_db(rows, errors) if rows else ({}, [])
        if errors:
            raise ReturnsRejected(errors, len(rows))
        PayoutReturn.objects.bulk_create(
            [PayoutReturn(line_id=r.line_id, outcome=r.outcome, reason=r.reason, settled_on=r.settled_on, file_sha=sha)
             for r in new], batch_size=5000)
        if new:
            post_batch(kind="benefit_payout_return", entries=_entries(sha, lines, new), progress=None)
        paid = [r for r in new if r.outcome == ReturnOutcome.PAID]
        summary = {"rows": len(rows), "paid": len(paid), "rejected": len(new) - len(paid),
                   "already": len(rows) - len(new), "sha256": sha,
                   "paid_fen": sum(lines[r.line_id][3] for r in paid),
                   "rejected_fen": sum(lines[r.line_id][3] for r in new if r.outcome != ReturnOutcome.PAID)}
        if new:  # a duplicate file leaves no trace but its summary
            audit.record("payouts.returns", object_type="payout_return_file", object_id=sha[:20],
                         after=summary | {"at": timezone.now().isoformat()})
    return summary
