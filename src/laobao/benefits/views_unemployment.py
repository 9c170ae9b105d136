"""Counter pages of unemployment benefit: the person's 失业登记 and claims with the claim form and its preview,
the claim page with approve/reject. Thin: reads through ``unemployment.selectors``, writes through
``unemployment.services`` (which check the jurisdiction and the action again, and audit)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laobao.core.errors import DomainError
from laobao.core.scoping import can, can_read
from laobao.core.views import add_problems, page, require, staff_view
from laobao.policy.rules.pension.arith import yuan
from laobao.registry import selectors as registry_selectors

from .forms import RejectForm
from .unemployment import selectors, services
from .unemployment.forms import RegistrationForm, UnemploymentClaimForm
from .views import _checks, _masked


def _person(request, pk):
    require(can_read(request.user, "person"))
    return registry_selectors.person_get(request.user, pk)


def _preview(result) -> dict:
    return {"checks": _checks(result.checks), "calc": result.calculation, "months": result.months,
            "monthly": yuan(result.monthly_fen), "ok": result.ok}


def _person_page(request, person, *, reg_form=None, form=None, preview=None, status=200):
    writer = can(request.user, "benefit.write")
    regs = list(selectors.person_registrations(request.user, person))
    return page(request, "benefits/unemployment_person.html", {
        "person": person, "masked_id": _masked(person.citizen_id), "writer": writer, "registrations": regs,
        "open_registration": next((r for r in regs if r.ended_on is None), None),
        "claims": selectors.person_claims(request.user, person), "preview": preview,
        "reg_form": reg_form or (RegistrationForm() if writer else None),
        "form": form or (UnemploymentClaimForm() if writer else None)}, status=status)


@staff_view
def person_unemployment(request, pk: int):
    return _person_page(request, _person(request, pk))


@staff_view
@require_POST
def unemployment_register(request, pk: int):
    person = _person(request, pk)
    require(can(request.user, "benefit.write"))
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, reg_form=form, status=400)
    try:
        services.register(user=request.user, person=person, **form.cleaned_data)
    except DomainError as exc:
        add_problems(form, exc)
        return _person_page(request, person, reg_form=form, status=400)
    messages.success(request, _("已办理失业登记"))
    return redirect("benefits:person_unemployment", pk=person.pk)


@staff_view
@require_POST
def unemployment_claim_new(request, pk: int):
    """``action=preview``: checks, months and amount, nothing stored. Otherwise: receive the claim."""
    person = _person(request, pk)
    require(can(request.user, "benefit.write"))
    form = UnemploymentClaimForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, form=form, status=400)
    try:
        if request.POST.get("action") == "preview":
            result = selectors.preview(request.user, person, form.cleaned_data["month"])
            return _person_page(request, person, form=form, preview=_preview(result))
        claim = services.receive(user=request.user, person=person, month=form.cleaned_data["month"])
    except DomainError as exc:
        add_problems(form, exc)
        return _person_page(request, person, form=form, status=400)
    messages.success(request, _("已受理失业保险金申领 %(no)s") % {"no": claim.claim_no})
    return redirect("benefits:unemployment_claim", claim_no=claim.claim_no)


def _claim_page(request, claim, *, status=200):
    user = request.user
    open_ = claim.status in ("received", "checked")
    return page(request, "benefits/unemployment_claim.html", {
        "claim": claim, "person": claim.person, "masked_id": _masked(claim.person.citizen_id),
        "checks": _checks(claim.checks), "calc": claim.calculation, "monthly": yuan(claim.monthly_fen),
        "approver": open_ and can(user, "benefit.approve") and claim.maker_id != user.pk,
        "reject_form": RejectForm(),
        "rejection": claim.rejection_en if get_language().startswith("en") and claim.rejection_en else claim.rejection_zh},
        status=status)


@staff_view
def unemployment_claim(request, claim_no: str):
    return _claim_page(request, selectors.claim_get(request.user, claim_no))


def _decide(request, claim_no: str, action, done: str):
    claim = selectors.claim_get(request.user, claim_no)
    require(can(request.user, "benefit.approve"))
    try:
        action(claim)
    except DomainError as exc:
        messages.error(request, exc.text(get_language() or "zh-hans"))
        return _claim_page(request, selectors.claim_get(request.user, claim_no), status=400)
    messages.success(request, done % {"no": claim.claim_no})
    return redirect("benefits:unemployment_claim", claim_no=claim.claim_no)


@staff_view
@require_POST
def unemployment_approve(request, claim_no: str):
    return _decide(request, claim_no, lambda c: services.approve(user=request.user, claim=c), _("申领 %(no)s 已核准"))


@staff_view
@require_POST
def unemployment_reject(request, claim_no: str):
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _decide(request, claim_no, lambda c: services.reject(user=request.user, claim=c, reason_zh=reason),
                   _("申领 %(no)s 不予核准"))
