"""Pages of community management (社会化管理): a community's retirees with their verification status, and the
verification recorded by the community caseworker (or a family member's, or at the counter).

Thin shells: reads through ``community.selectors`` (scoped, 404 outside), writes through
``community.services.verify``.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laobao.core.errors import DomainError
from laobao.core.scoping import can, can_read
from laobao.core.views import add_problems, page, require, staff_view
from laobao.policy.rules.pension.arith import yuan
from laobao.registry import selectors as registry_selectors

from .community import selectors, services
from .forms_community import DeathForm, VerifyForm
from .models import VerificationChannel
from .views import _masked

STATUS = {"verified": "已认证", "due": "即将到期", "overdue": "已逾期", "suspended": "已暂停发放", "dead": "已死亡"}


@staff_view
def community_retirees(request, code: str):
    region = selectors.community(request.user, code)
    rows = selectors.retirees(request.user, region)
    counts = {k: sum(1 for r in rows if r.status == k) for k in STATUS}
    return page(request, "benefits/community.html", {
        "region": region, "rows": [{"r": r, "status_text": _(STATUS[r.status])} for r in rows],
        "counts": [(_(STATUS[k]), n) for k, n in counts.items()],
        "writer": can(request.user, "benefit.write"), "channels": VerificationChannel.choices})


def _person(request, pk):
    require(can_read(request.user, "person"))
    return registry_selectors.person_get(request.user, pk)


def _person_page(request, person, *, verify_form=None, death_form=None, status=200):
    user = request.user
    writer = can(user, "benefit.write")
    state = selectors.person_state(user, person)
    return page(request, "benefits/person_community.html", {
        "person": person, "masked_id": _masked(person.citizen_id), "writer": writer, "state": state,
        "overpayments": [{"o": o, "amount": yuan(o.amount_fen)} for o in state.overpayments],
        "death_amounts": ({"funeral": yuan(state.death.funeral_grant_fen), "survivor": yuan(state.death.survivor_grant_fen),
                           "refund": yuan(state.death.account_refund_fen)} if state.death else None),
        "verify_form": verify_form or (VerifyForm() if writer and not state.death else None),
        "death_form": death_form or (DeathForm() if writer and not state.death else None)}, status=status)


@staff_view
def person_community(request, pk: int):
    return _person_page(request, _person(request, pk))


@staff_view
@require_POST
def verify(request, pk: int):
    person = _person(request, pk)
    require(can(request.user, "benefit.write"))
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, verify_form=form, status=400)
    d = form.cleaned_data
    try:
        services.verify(user=request.user, person=person, channel=d["channel"], verified_on=d["verified_on"],
                        note=d["note"])
    except DomainError as exc:
        add_problems(form, exc)
        return _person_page(request, person, verify_form=form, status=400)
    messages.success(request, _("领取资格认证已登记"))
    region = person.residence_region
    if request.POST.get("next") == "community" and region is not None:
        return redirect("benefits:community", code=region.code)
    return redirect("benefits:person_community", pk=person.pk)


@staff_view
@require_POST
def death(request, pk: int):
    person = _person(request, pk)
    require(can(request.user, "benefit.write"))
    form = DeathForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, death_form=form, status=400)
    d = form.cleaned_data
    heir = None
    if d.get("heir_citizen_id", "").strip():  # the registered heir the grants are paid to (benefits/payouts)
        number = registry_selectors.normalize_citizen_id(d["heir_citizen_id"])
        heir = registry_selectors.persons_visible(request.user).filter(citizen_id=number).first() if number else None
        if heir is None:
            form.add_error("heir_citizen_id", _("辖区内没有登记此公民身份号码的人员：请先登记继承人，或留空"))
            return _person_page(request, person, death_form=form, status=400)
    try:
        services.record_death(user=request.user, person=person, died_on=d["died_on"], source=d["source"],
                              heir_name=d["heir_name"], funeral_grant_fen=d["funeral_grant"],
                              survivor_grant_fen=d["survivor_grant"], heir=heir)
    except DomainError as exc:
        add_problems(form, exc)
        return _person_page(request, person, death_form=form, status=400)
    messages.success(request, _("死亡已登记：待遇自次月起停发"))
    return redirect("benefits:person_community", pk=person.pk)
