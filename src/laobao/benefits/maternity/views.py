"""Counter pages of the maternity allowance claim: a person's claims with the form and its preview, the claim
page (checks, formula, payment), approve/reject/recheck/withdraw. Thin shells: reads through scoped selectors
(foreign records 404), writes through ``maternity.services`` (which check the jurisdiction again and audit).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laobao.core.errors import DomainError
from laobao.core.scoping import can, can_read
from laobao.core.views import add_problems, page, require, staff_view
from laobao.policy.rules.checks import yuan
from laobao.registry import selectors as registry_selectors

from ..views import _checks, _masked
from . import selectors, services
from .forms import MaternityForm, MaternityRejectForm


def _calc(calc: dict | None) -> dict | None:
    if not calc:
        return None
    return {**calc, "wage": yuan(calc["inputs"]["average_wage_fen"]), "amount": yuan(calc["result"]["allowance_fen"])}


def _person(request, pk):
    require(can_read(request.user, "person"))
    return registry_selectors.person_get(request.user, pk)


def _form(person, data=None):
    return MaternityForm(data, employers=selectors.person_employers(person))


def _person_page(request, person, *, form=None, preview=None, status=200):
    writer = can(request.user, "benefit.write")
    return page(request, "benefits/maternity_person.html", {
        "person": person, "masked_id": _masked(person.citizen_id), "writer": writer,
        "claims": selectors.person_claims(request.user, person), "form": form or (_form(person) if writer else None),
        "preview": preview}, status=status)


@staff_view
def person_claims(request, pk: int):
    return _person_page(request, _person(request, pk))


@staff_view
@require_POST
def claim_new(request, pk: int):
    """``action=preview``: the checks and the formula, nothing stored. Otherwise: receive the claim."""
    person = _person(request, pk)
    require(can(request.user, "benefit.write"))
    form = _form(person, request.POST)
    if not form.is_valid():
        return _person_page(request, person, form=form, status=400)
    employer = selectors.person_employers(person).get(pk=form.cleaned_data["employer"])
    try:
        if request.POST.get("action") == "preview":
            result = selectors.preview(request.user, person, employer, services.facts_of(form.maternity_input()))
            preview = {"checks": _checks(result.checks), "calc": _calc(result.calculation), "ok": result.ok}
            return _person_page(request, person, form=form, preview=preview)
        claim = services.receive(user=request.user, person=person, employer=employer, data=form.maternity_input())
    except DomainError as exc:
        add_problems(form, exc)
        return _person_page(request, person, form=form, status=400)
    messages.success(request, _("已受理生育津贴申领 %(no)s") % {"no": claim.claim_no})
    return redirect("benefits:maternity_claim", claim_no=claim.claim_no)


def _claim_page(request, claim, *, status=200):
    user, open_ = request.user, claim.status in ("received", "checked")
    en = (get_language() or "").startswith("en")
    return page(request, "benefits/maternity_claim.html", {
        "claim": claim, "person": claim.person, "masked_id": _masked(claim.person.citizen_id),
        "checks": _checks(claim.checks), "calc": _calc(claim.calculation), "open": open_,
        "amount": yuan(claim.amount_fen), "writer": open_ and can(user, "benefit.write"),
        "approver": open_ and can(user, "benefit.approve") and claim.maker_id != user.pk,
        "reject_form": MaternityRejectForm(),
        "rejection": claim.rejection_en if en and claim.rejection_en else claim.rejection_zh}, status=status)


@staff_view
def claim_detail(request, claim_no: str):
    return _claim_page(request, selectors.claim_get(request.user, claim_no))


def _decide(request, claim_no: str, action, done: str, *, action_name: str):
    claim = selectors.claim_get(request.user, claim_no)
    require(can(request.user, action_name))
    try:
        action(claim)
    except DomainError as exc:
        messages.error(request, exc.text(get_language() or "zh-hans"))
        return _claim_page(request, selectors.claim_get(request.user, claim_no), status=400)
    messages.success(request, done % {"no": claim.claim_no})
    return redirect("benefits:maternity_claim", claim_no=claim.claim_no)


@staff_view
@require_POST
def claim_approve(request, claim_no: str):
    return _decide(request, claim_no, lambda c: services.approve(user=request.user, claim=c),
                   _("申领 %(no)s 已核准"), action_name="benefit.approve")


@staff_view
@require_POST
def claim_reject(request, claim_no: str):
    form = MaternityRejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _decide(request, claim_no, lambda c: services.reject(user=request.user, claim=c, reason_zh=reason),
                   _("申领 %(no)s 不予核准"), action_name="benefit.approve")


@staff_view
@require_POST
def claim_recheck(request, claim_no: str):
    return _decide(request, claim_no, lambda c: services.recheck(user=request.user, claim=c),
                   _("申领 %(no)s 已重新审核"), action_name="benefit.write")
