"""/me: who the caller is, where their jurisdiction is, what they may read and do."""

from __future__ import annotations

from typing import Optional

from ninja import Router, Schema

from laobao.core.scoping import ACTIONS, READS, can, region_prefix

router = Router(tags=["me"])


class MeOut(Schema):
    username: str
    role: str
    role_label: str
    region_code: Optional[str]
    region_name: Optional[str]
    reads: list[str]
    actions: list[str]


@router.get("/me", response=MeOut, summary="The calling user")
def me(request):
    user = request.auth
    active = region_prefix(user) is not None
    return {
        "username": user.username, "role": user.role or "", "role_label": str(user.get_role_display() or ""),
        "region_code": user.region.code if user.region_id else None,
        "region_name": user.region.name if user.region_id else None,
        "reads": sorted(READS.get(user.role, ())) if active else [],
        "actions": sorted(a for a in ACTIONS if can(user, a)),
    }
