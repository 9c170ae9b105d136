"""What every benefit claim (pension, unemployment, maternity) does the same way when it is refused.

A claim stores its checks as ``[{code, ok, zh, en}]``. Refused without a typed reason, the failing checks are
the reason the applicant reads; with every check met, a refusal needs a typed reason.
"""

from __future__ import annotations

from django.utils import timezone

from laobao.core.errors import DomainError

from .models import ClaimStatus

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
