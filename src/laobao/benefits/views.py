"""Counter pages of the pension claim: a person's claims with the form and its preview, the claim page with
the 核定表 (and its PDF), the checker's queue, and the decision forms.

Thin shells: persons and claims through scoped selectors (foreign records 404), writes through
``pension.services`` (which check the jurisdiction and the action again, and audit).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.core.identifiers import parse_citizen_id
from laobao.core.scoping import can, can_read
from laobao.core.views import add_problems, page, require, staff_view
from laobao.policy.rules.pension.arith import yuan
from laobao.registry import selectors as registry_selectors

from .forms import ClaimForm, RejectForm
from .pension import selectors, services
from .pension.document import claim_pdf as pdf_bytes


def _masked(number: str) -> str:
    try:
        return parse_citizen_id(number).masked()
    except DomainError:
        return "*" * len(number)


def _en() -> bool:
    return (get_language() or "").startswith("en")


def _checks(rows: list[dict]) -> list[dict]:
    return [{**r, "text": r["en"] if _en() else r["zh"]} for r in rows]


def _calc(calc: dict | None) -> dict | None:
    if not calc:
        return None
    i = calc["inputs"]
    return {**calc, "balance": yuan(i["account_balance_fen"]), "base": yuan(i["pension_base_fen"]),
            "total": yuan(calc["result"]["total_fen"]),
            "components": [{**c, "amount": yuan(c["amount_fen"])} for c in calc["components"]]}


def _person(request, pk):
    require(can_read(request.user, "person"))
    return registry_selectors.person_get(request.user, pk)


def _person_page(request, person, *, form=None, preview=None, status=200):
    writer = can(request.user, "benefit.write")
    return page(request, "benefits/person_claims.html", {
        "person": person, "masked_id": _masked(person.citizen_id), "writer": writer,
        "claims": selectors.person_claims(request.user, person), "form": form or (ClaimForm() if writer else None),
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
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, form=form, status=400)
    try:
        if request.POST.get("action") == "preview":
            result = selectors.preview(request.user, person, form.claim_input())
            preview = {"retire_month": result.retirement.retire_month, "checks": _checks(result.checks),
                       "calc": _calc(result.calculation), "ok": result.ok}
            return _person_page(request, person, form=form, preview=preview)
        claim = services.receive(user=request.user, person=person, data=form.claim_input())
    except DomainError as exc:
        add_problems(form, exc)
        return _person_page(request, person, form=form, status=400)
    messages.success(request, _("已受理养老金申领 %(no)s") % {"no": claim.claim_no})
    return redirect("benefits:claim_detail", claim_no=claim.claim_no)


def _claim_page(request, claim, *, reject_form=None, status=200):
    user = request.user
    open_ = claim.status in ("received", "checked")
    return page(request, "benefits/claim.html", {
        "claim": claim, "person": claim.person, "masked_id": _masked(claim.person.citizen_id),
        "checks": _checks(claim.checks), "calc": _calc(claim.calculation), "open": open_,
        "writer": open_ and can(user, "benefit.write"),
        "approver": open_ and can(user, "benefit.approve") and claim.maker_id != user.pk,
        "reject_form": reject_form or RejectForm(),
        "rejection": claim.rejection_en if _en() and claim.rejection_en else claim.rejection_zh}, status=status)


@staff_view
def claim_detail(request, claim_no: str):
    return _claim_page(request, selectors.claim_get(request.user, claim_no))


@staff_view
def claim_pdf(request, claim_no: str):
    claim = selectors.claim_get(request.user, claim_no)
    if not claim.calculation:
        return _claim_page(request, claim, status=404)
    data = {"claim_no": claim.claim_no, "name": claim.person.name, "citizen_id": _masked(claim.person.citizen_id),
            "status": claim.status, "maker": claim.maker.username, "checker": claim.checker.username if claim.checker else "",
            "decided": f"{timezone.localtime(claim.decided_at):%Y-%m-%d}" if claim.decided_at else "",
            "calculation": claim.calculation, "checks": claim.checks}
    audit.record("pension_claim.pdf", object_type="pension_claim", object_id=claim.pk,
                 region_path=claim.person.residence_region.path if claim.person.residence_region_id else "")
    response = HttpResponse(pdf_bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{claim.claim_no}.pdf")
    return response


@staff_view
def waiting(request):
    require(can_read(request.user, "person"))
    return page(request, "benefits/waiting.html", {"claims": selectors.waiting(request.user),
                                                   "approver": can(request.user, "benefit.approve")})


def _decide(request, claim_no: str, action, done: str, *, action_name: str):
    claim = selectors.claim_get(request.user, claim_no)
    require(can(request.user, action_name))
    try:
        action(claim)
    except DomainError as exc:
        messages.error(request, exc.text(get_language() or "zh-hans"))
        return _claim_page(request, selectors.claim_get(request.user, claim_no), status=400)
    messages.success(request, done % {"no": claim.claim_no})
    return redirect("benefits:claim_detail", claim_no=claim.claim_no)


@staff_view
@require_POST
def claim_approve(request, claim_no: str):
    return _decide(request, claim_no, lambda c: services.approve(user=request.user, claim=c),
                   _("申领 %(no)s 已核准"), action_name="benefit.approve")


@staff_view
@require_POST
def claim_reject(request, claim_no: str):
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _decide(request, claim_no, lambda c: services.reject(user=request.user, claim=c, reason_zh=reason),
                   _("申领 %(no)s 不予核准"), action_name="benefit.approve")


@staff_view
@require_POST
def claim_recheck(request, claim_no: str):
    return _decide(request, claim_no, lambda c: services.recheck(user=request.user, claim=c),
                   _("申领 %(no)s 已重新审核"), action_name="benefit.write")


@staff_view
@require_POST
def claim_withdraw(request, claim_no: str):
    return _decide(request, claim_no, lambda c: services.withdraw(user=request.user, claim=c),
                   _("申领 %(no)s 已撤回"), action_name="benefit.write")
