"""What every benefit claim (pension, unemployment, maternity) does the same way: who may decide it, and its
refusal and withdrawal.

A claim stores its checks as ``[{code, ok, zh, en}]``. Refused without a typed reason, the failing checks are
the reason the applicant reads; with every check met, a refusal needs a typed reason. A claim is decided by a
staff member with ``benefit.approve`` in the applicant's region who did not receive it (maker-checker).
"""

from __future__ import annotations

from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.registry.services import check_write

from .models import OPEN_CLAIM, ClaimStatus

LIMIT = 500


def rejection_reason(checks: list[dict], reason_zh: str = "", reason_en: str = "") -> tuple[str, str]:
    """(zh, en) the applicant reads: the typed reason, else the failing checks' own words."""
    failed = [r for r in checks if not r["ok"]]
    typed = (reason_zh or "").strip()
    zh = typed or "；".join(r["zh"] for r in failed)
    en = (reason_en or "").strip() or (typed if typed else "; ".join(r["en"] for r in failed))
    if not zh:
        raise DomainError.of("reason", "claim.reason_required",
                             "所有条件均已满足：如不予核准，请写明理由（申请人会看到）",
                             "Every condition is met: to refuse, write the reason (the applicant will read it)")
    return zh[:LIMIT], en[:LIMIT]


def mark_rejected(claim, user, reason_zh: str = "", reason_en: str = "") -> str:
    """Set the claim rejected by ``user`` with its reason and save it; returns the Chinese reason (for audit)."""
    zh, en = rejection_reason(claim.checks, reason_zh, reason_en)
    claim.status, claim.checker, claim.decided_at = ClaimStatus.REJECTED, user, timezone.now()
    claim.rejection_zh, claim.rejection_en = zh, en
    claim.save()
    return zh


def path_of(person) -> str:
    """The audit region path of a claim: the applicant's residence."""
    return person.residence_region.path if person.residence_region_id else ""


def ensure_open(claim) -> None:
    """Refuse a claim already decided or withdrawn."""
    if claim.status not in OPEN_CLAIM:
        raise DomainError.of("claim", "claim.closed",
                             f"申领 {claim.claim_no} 已办结（{claim.get_status_display()}），不能再处理",
                             f"Claim {claim.claim_no} is closed ({claim.status}) and cannot be processed again")


def check_decider(user, claim, is_open=ensure_open) -> None:
    """``user`` may decide ``claim``: a staff member (not the machine operator) with ``benefit.approve`` in the
    applicant's region, the claim still open (``is_open``), and not the caseworker who received it."""
    if user is None:
        raise DomainError.of("checker", "claim.checker_required", "核准或驳回须由有权限的工作人员在系统中办理",
                             "A claim is decided by an authorized staff member, not by the machine operator")
    check_write(user, claim.person.residence_region, "benefit.approve")
    is_open(claim)
    if claim.maker_id == user.pk:
        raise DomainError.of("checker", "claim.maker_is_checker",
                             "受理人不能核准或驳回自己受理的申领：须由另一名工作人员复核",
                             "The caseworker who received the claim cannot decide it: a second person must check it")


def reject(kind: str, *, user, claim, snapshot, reason_zh: str = "", reason_en: str = "", is_open=ensure_open):
    """Refuse (second person) the locked ``claim``; audited ``<kind>.reject``. Call inside a transaction."""
    check_decider(user, claim, is_open)
    before = snapshot(claim)
    zh = mark_rejected(claim, user, reason_zh, reason_en)
    audit.record(f"{kind}.reject", object_type=kind, object_id=claim.pk, region_path=path_of(claim.person),
                 before=before, after=snapshot(claim) | {"reason": zh[:LIMIT]})
    return claim


def withdraw(kind: str, *, user, claim, snapshot, is_open=ensure_open):
    """The applicant withdraws the locked, undecided ``claim`` (recorded by a caseworker with ``benefit.write``);
    audited ``<kind>.withdraw``. Call inside a transaction."""
    check_write(user, claim.person.residence_region, "benefit.write")
    is_open(claim)
    before = snapshot(claim)
    claim.status, claim.decided_at = ClaimStatus.WITHDRAWN, timezone.now()
    claim.save()
    audit.record(f"{kind}.withdraw", object_type=kind, object_id=claim.pk, region_path=path_of(claim.person),
                 before=before, after=snapshot(claim))
    return claim
