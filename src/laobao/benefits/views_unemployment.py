"""Counter pages of unemployment benefit: the person's 失业登记 and claims with the claim form and its preview,
the claim page with approve/reject — the shared claim pages (``claim_views.ClaimPages``) plus the registration
form. Thin: reads through ``unemployment.selectors``, writes through ``unemployment.services`` (which check the
jurisdiction and the action again, and audit)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laobao.core.errors import DomainError
from laobao.core.scoping import can
from laobao.core.views import add_problems, require, staff_view
from laobao.policy.rules.pension.arith import yuan

from .claim_views import ClaimPages, _checks, person_of
from .unemployment import selectors, services
from .unemployment.forms import RegistrationForm, UnemploymentClaimForm


class UnemploymentPages(ClaimPages):
    selectors, services = selectors, services
    person_template, claim_template = "benefits/unemployment_person.html", "benefits/unemployment_claim.html"
    person_url, claim_url = "benefits:person_unemployment", "benefits:unemployment_claim"
    new_url = "benefits:unemployment_claim_new"
    decisions = {d: f"benefits:unemployment_{d}" for d in ("approve", "reject")}

    def title(self):
        return _("失业保险金申领")

    def form(self, request, person, data=None):
        return UnemploymentClaimForm(data)

    def preview(self, request, person, form):
        result = selectors.preview(request.user, person, form.cleaned_data["month"])
        return {"checks": _checks(result.checks), "calc": result.calculation, "months": result.months,
                "monthly": yuan(result.monthly_fen), "ok": result.ok}

    def receive(self, request, person, form):
        return services.receive(user=request.user, person=person, month=form.cleaned_data["month"])

    def received_message(self):
        return _("已受理失业保险金申领 %(no)s")

    def person_context(self, request, person, reg_form=None):
        regs = list(selectors.person_registrations(request.user, person))
        return {"registrations": regs, "open_registration": next((r for r in regs if r.ended_on is None), None),
                "reg_form": reg_form or (RegistrationForm() if can(request.user, "benefit.write") else None)}

    def claim_context(self, request, claim):
        return {"monthly": yuan(claim.monthly_fen)}


PAGES = UnemploymentPages()
_views = PAGES.views()
person_unemployment, unemployment_claim_new, unemployment_claim = _views["person"], _views["new"], _views["detail"]
unemployment_approve, unemployment_reject = _views["approve"], _views["reject"]


@staff_view
@require_POST
def unemployment_register(request, pk: int):
    person = person_of(request, pk)
    require(can(request.user, "benefit.write"))
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return PAGES.person_page(request, person, reg_form=form, status=400)
    try:
        services.register(user=request.user, person=person, **form.cleaned_data)
    except DomainError as exc:
        add_problems(form, exc)
        return PAGES.person_page(request, person, reg_form=form, status=400)
    messages.success(request, _("已办理失业登记"))
    return redirect("benefits:person_unemployment", pk=person.pk)
