"""The audit chain: every write and every sensitive read leaves one hash-chained row.

``record()`` must be called inside the business transaction: if the audit insert fails, the
business write rolls back with it (fail closed, security.md D5). Rows are serialized by a lock
(PostgreSQL advisory lock; SQLite's single writer) so ``seq`` is gapless and the chain is total.

The row hash is an HMAC keyed by ``settings.LAOBAO_AUDIT_KEY``, which lives outside the database:
someone who can write the table but does not hold the key cannot rebuild a valid chain after an
edit. Deleting the newest rows leaves a valid but shorter chain; that is caught by comparing with a
head recorded elsewhere (``laobao audit head`` → ``laobao audit verify --anchor SEQ:HASH``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .context import current_actor
from .models import AuditEvent

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x1A0BA0  # any constant; one chain per database


def _canonical(row: dict) -> bytes:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _content(ev: AuditEvent | dict) -> dict:
    get = ev.get if isinstance(ev, dict) else lambda k: getattr(ev, k)
    at = get("at")
    return {
        "seq": get("seq"),
        "at": at.isoformat() if isinstance(at, datetime) else str(at),
        "actor_id": get("actor_id"),
        "actor_username": get("actor_username"),
        "action": get("action"),
        "object_type": get("object_type"),
        "object_id": get("object_id"),
        "region_path": get("region_path"),
        "success": bool(get("success")),
        "reason": get("reason"),
        "before": get("before"),
        "after": get("after"),
        "request_id": get("request_id"),
        "ip": get("ip"),
    }


def row_hash(content: dict, prev_hash: str) -> str:
    key = settings.LAOBAO_AUDIT_KEY.encode()
    return hmac.new(key, prev_hash.encode() + _canonical(content), hashlib.sha256).hexdigest()


def _holds_binary_fraction(value) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_holds_binary_fraction(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_binary_fraction(v) for v in value)
    return False


def snapshot(value: dict | None) -> dict | None:
    """The JSON the database will give back (string keys, dates as text), so the hash survives the round trip.

    Floats are refused: PostgreSQL's jsonb rewrites them, and money is integer fen anyway.
    """
    if value is None:
        return None
    normal = json.loads(json.dumps(value, ensure_ascii=False, default=str))
    if _holds_binary_fraction(normal):
        raise TypeError("audit snapshots hold no floats: use integer fen or strings")
    return normal


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def record(
    action: str,
    *,
    object_type: str = "",
    object_id: str | int = "",
    region_path: str = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    success: bool = True,
) -> AuditEvent:
    """Append one audit event for the current actor. Call inside the business transaction."""
    actor = current_actor()
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        prev_hash = last["hash"] if last else GENESIS
        ev = AuditEvent(
            seq=(last["seq"] + 1) if last else 1,
            at=timezone.now().replace(microsecond=0),
            actor_id=actor.user_id,
            actor_username=actor.username,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            region_path=region_path,
            success=success,
            reason=reason[:500],
            before=snapshot(before),
            after=snapshot(after),
            request_id=actor.request_id,
            ip=actor.ip,
            prev_hash=prev_hash,
        )
        ev.hash = row_hash(_content(ev), prev_hash)
        ev.save(force_insert=True)
        return ev


@dataclass
class ChainBreak:
    seq: int
    problem: str


def head() -> tuple[int, str]:
    """The newest row's (seq, hash): record it outside the database to detect later tail deletion."""
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return last or (0, GENESIS)


def verify(batch: int = 5000, *, anchor: tuple[int, str] | None = None) -> tuple[int, list[ChainBreak]]:
    """Walk the chain in ``seq`` order; return the number of rows checked and every break found.

    ``anchor`` is a (seq, hash) recorded earlier by :func:`head`: that row must still be in the
    chain with that hash, or rows were deleted from the end (or the chain was rebuilt).
    """
    breaks: list[ChainBreak] = []
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    fields = ["seq", "at", "actor_id", "actor_username", "action", "object_type", "object_id",
              "region_path", "success", "reason", "before", "after", "request_id", "ip", "prev_hash", "hash"]
    last_seq = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq").values(*fields)[:batch])
        if not rows:
            break
        for row in rows:
            checked += 1
            if row["seq"] != expected_seq:
                breaks.append(ChainBreak(row["seq"], f"missing rows {expected_seq}..{row['seq'] - 1} (deleted?)"))
            if row["prev_hash"] != prev_hash:
                breaks.append(ChainBreak(row["seq"], "prev_hash does not match the previous row (deleted or reordered)"))
            if row_hash(_content(row), row["prev_hash"]) != row["hash"]:
                breaks.append(ChainBreak(row["seq"], "content does not match its hash (modified)"))
            if anchor and row["seq"] == anchor[0] and row["hash"] != anchor[1]:
                breaks.append(ChainBreak(row["seq"], "hash differs from the recorded anchor (chain rewritten)"))
            prev_hash, expected_seq, last_seq = row["hash"], row["seq"] + 1, row["seq"]
    if anchor and last_seq < anchor[0]:
        breaks.append(ChainBreak(anchor[0], f"chain ends at {last_seq}, before the recorded anchor (rows deleted)"))
    return checked, breaks
