"""Counter pages of the maternity allowance claim: a person's claims with the form and its preview, the claim
page (checks, formula, payment), approve/reject/recheck — the shared claim pages (``claim_views.ClaimPages``).
Thin shells: reads through scoped selectors (foreign records 404), writes through ``maternity.services``
(which check the jurisdiction and the action again, and audit).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from laobao.policy.rules.checks import yuan

from ..claim_views import ClaimPages, _checks
from . import selectors, services
from .forms import MaternityForm, MaternityRejectForm


def _calc(calc: dict | None) -> dict | None:
    if not calc:
        return None
    return {**calc, "wage": yuan(calc["inputs"]["average_wage_fen"]), "amount": yuan(calc["result"]["allowance_fen"])}


class MaternityPages(ClaimPages):
    selectors, services = selectors, services
    person_template, claim_template = "benefits/maternity_person.html", "benefits/maternity_claim.html"
    person_url, claim_url, new_url = "benefits:maternity_person", "benefits:maternity_claim", "benefits:maternity_new"
    decisions = {d: f"benefits:maternity_{d}" for d in ("approve", "reject", "recheck")}
    reject_form = MaternityRejectForm

    def title(self):
        return _("生育津贴申领")

    def form(self, request, person, data=None):
        return MaternityForm(data, employers=selectors.person_employers(person))

    def calc(self, calc):
        return _calc(calc)

    def _employer(self, person, form):
        return selectors.person_employers(person).get(pk=form.cleaned_data["employer"])

    def preview(self, request, person, form):
        result = selectors.preview(request.user, person, self._employer(person, form),
                                   services.facts_of(form.maternity_input()))
        return {"checks": _checks(result.checks), "calc": _calc(result.calculation), "ok": result.ok}

    def receive(self, request, person, form):
        return services.receive(user=request.user, person=person, employer=self._employer(person, form),
                                data=form.maternity_input())

    def received_message(self):
        return _("已受理生育津贴申领 %(no)s")

    def claim_context(self, request, claim):
        return {"amount": yuan(claim.amount_fen)}


PAGES = MaternityPages()
_views = PAGES.views()
person_claims, claim_new, claim_detail = _views["person"], _views["new"], _views["detail"]
claim_approve, claim_reject, claim_recheck = _views["approve"], _views["reject"], _views["recheck"]
