"""Reads of 公益性岗位 and the subsidy payments, scoped to the user's jurisdiction (deny by default, 404 outside):
posts by their community (``region``), placements and subsidies through their post, payment orders and lines by
the order's region (the post's community, the certificate holder's residence, the institution's region).
Back-office readers of persons only; citizen and employer users see none of these lists."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.core.scoping import within
from laobao.kpi.selectors import month_end
from laobao.registry.models import Employer
from laobao.registry.selectors import employers_visible, persons_visible, regions_visible

from .models import SubsidyLine, SubsidyOrder, WelfarePlacement, WelfarePost, WelfareSubsidy

SELF = (Role.CITIZEN, Role.EMPLOYER_USER)


def _scoped(qs: QuerySet, user, path: str) -> QuerySet:
    if user is not None and getattr(user, "role", None) in SELF:
        return qs.none()
    return within(qs, user, "person", path)


def posts_visible(user) -> QuerySet[WelfarePost]:
    return _scoped(WelfarePost.objects.all(), user, "region__path")


def post_list(user) -> QuerySet[WelfarePost]:
    return (posts_visible(user).select_related("region", "employer")
            .annotate(active=Count("placements", filter=Q(placements__end_date__isnull=True))))


def post_get(user, pk) -> WelfarePost:
    post = posts_visible(user).filter(pk=pk).select_related("region", "employer").first()
    if post is None:
        raise NotFound
    return post


def placements(user, post: WelfarePost) -> list[WelfarePlacement]:
    return list(WelfarePlacement.objects.filter(post__in=posts_visible(user), post=post)
                .select_related("person", "relation").order_by("end_date", "-start_date", "-id"))


def placement_get(user, pk) -> WelfarePlacement:
    p = (WelfarePlacement.objects.filter(pk=pk, post__in=posts_visible(user))
         .select_related("post__region", "person").first())
    if p is None:
        raise NotFound
    return p


def region_for(user, code: str):
    return regions_visible(user).filter(code=code, valid_to__isnull=True).first()


def employer_by_code(user, code: str) -> Employer | None:
    """The sponsoring unit by its 统一社会信用代码 (or old organization code), among the employers in sight."""
    code = (code or "").strip().upper()
    return employers_visible(user).filter(Q(credit_code=code) | Q(org_code=code)).first() if code else None


def person_by_id(user, citizen_id: str):
    from laobao.registry.selectors import normalize_citizen_id
    number = normalize_citizen_id(citizen_id or "")
    return persons_visible(user).filter(citizen_id=number).first() if number else None


def order_status(keys: list[str]) -> dict[str, dict]:
    """Per source key: the order's latest line (S id, run day, bank, outcome) or pending / no order."""
    orders = dict(SubsidyOrder.objects.filter(key__in=keys).values_list("id", "key"))
    out = {k: {"status": "not_ordered"} for k in keys}
    for key in orders.values():
        out[key] = {"status": "pending"}
    lines = (SubsidyLine.objects.filter(order_id__in=list(orders)).order_by("order_id", "id")
             .values_list("order_id", "id", "run__day", "bank_code", "subsidy_return__outcome",
                          "subsidy_return__settled_on"))
    for oid, lid, day, bank, outcome, settled in lines:  # the last line of an order wins
        out[orders[oid]] = {"status": outcome or "in_file", "line": f"S{lid}", "day": day, "bank": bank,
                            "settled_on": settled}
    return out


def month_view(user, month: date, *, limit: int = 500) -> dict:
    """A month's welfare subsidies in sight, each with its payment state; totals; active placements unpaid."""
    qs = WelfareSubsidy.objects.filter(month=month, placement__post__in=posts_visible(user))
    rows = list(qs.select_related("placement__person", "placement__post", "employer").order_by("id")[:limit])
    status = order_status([r.journal_key for r in rows])
    totals = qs.aggregate(n=Count("id"), post=Sum("post_fen"), si=Sum("si_fen"), total=Sum("total_fen"))
    active = (WelfarePlacement.objects.filter(post__in=posts_visible(user), start_date__lte=month_end(month))
              .filter(Q(end_date__isnull=True) | Q(end_date__gte=month)).exclude(subsidies__month=month).count())
    return {"rows": [(r, status[r.journal_key]) for r in rows], "totals": totals, "unpaid_active": active}


def orders_visible(user) -> QuerySet[SubsidyOrder]:
    return _scoped(SubsidyOrder.objects.all(), user, "region__path")


def payment_lines(user, *, limit: int = 500) -> list[SubsidyLine]:
    return list(SubsidyLine.objects.filter(order__in=orders_visible(user))
                .select_related("order", "run", "account", "subsidy_return").order_by("-id")[:limit])


def orders_waiting(user, *, limit: int = 200) -> list[SubsidyOrder]:
    """Orders without a live line (never in a file, or rejected): waiting for an account or a correction."""
    live = Q(lines__subsidy_return__isnull=True, lines__isnull=False) | Q(lines__subsidy_return__outcome="paid")
    return list(orders_visible(user).exclude(pk__in=SubsidyOrder.objects.filter(live).values("pk"))
                .select_related("employer", "institution").order_by("id")[:limit])
