"""Counter pages of the pension claim: a person's claims with the form and its preview, the claim page with
the 核定表 (and its PDF), the checker's queue, and the decision forms.

The person's page, the claim page and the decisions are the shared claim pages (``claim_views.ClaimPages``);
thin shells: persons and claims through scoped selectors (foreign records 404), writes through
``pension.services`` (which check the jurisdiction and the action again, and audit).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from laobao.core import audit
from laobao.core.scoping import can, can_read
from laobao.core.views import page, require, staff_view
from laobao.policy.rules.pension.arith import yuan

from .claim_views import ClaimPages, _checks, _masked  # _masked, _checks: also used by the sibling views
from .forms import ClaimForm
from .pension import selectors, services
from .pension.document import claim_pdf as pdf_bytes


def _calc(calc: dict | None) -> dict | None:
    if not calc:
        return None
    i = calc["inputs"]
    return {**calc, "balance": yuan(i["account_balance_fen"]), "base": yuan(i["pension_base_fen"]),
            "total": yuan(calc["result"]["total_fen"]),
            "components": [{**c, "amount": yuan(c["amount_fen"])} for c in calc["components"]]}


class PensionPages(ClaimPages):
    selectors, services = selectors, services
    person_template, claim_template = "benefits/person_claims.html", "benefits/claim.html"
    person_url, claim_url, new_url = "benefits:person_claims", "benefits:claim_detail", "benefits:claim_new"
    decisions = {d: f"benefits:claim_{d}" for d in ("approve", "reject", "recheck", "withdraw")}

    def title(self):
        return _("养老金申领")

    def form(self, request, person, data=None):
        return ClaimForm(data)

    def calc(self, calc):
        return _calc(calc)

    def preview(self, request, person, form):
        result = selectors.preview(request.user, person, form.claim_input())
        return {"retire_month": result.retirement.retire_month, "checks": _checks(result.checks),
                "calc": _calc(result.calculation), "ok": result.ok}

    def receive(self, request, person, form):
        return services.receive(user=request.user, person=person, data=form.claim_input())

    def received_message(self):
        return _("已受理养老金申领 %(no)s")


PAGES = PensionPages()
_views = PAGES.views()
person_claims, claim_new, claim_detail = _views["person"], _views["new"], _views["detail"]
claim_approve, claim_reject, claim_recheck, claim_withdraw = (
    _views["approve"], _views["reject"], _views["recheck"], _views["withdraw"])


@staff_view
def claim_pdf(request, claim_no: str):
    claim = selectors.claim_get(request.user, claim_no)
    if not claim.calculation:
        return PAGES.claim_page(request, claim, status=404)
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
