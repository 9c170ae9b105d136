"""The counter pages every benefit claim shares, written once (pension, maternity, unemployment).

A kind of claim is a :class:`ClaimPages` subclass: its selectors and services modules, its templates (which
extend ``benefits/_claim_person.html`` and ``benefits/_claim_page.html``), its URL names, its form and three
hooks (``preview``, ``receive``, ``calc``). :meth:`ClaimPages.views` returns the view functions:

- ``person``: the person's claims with the claim form and its live preview (``action=preview`` stores nothing);
- ``new``: POST, receive the claim (``benefit.write``), then to the claim page;
- ``detail``: the claim page — checks, calculation, rejection reason, decision forms;
- one POST view per decision the kind has (``approve``/``reject`` need ``benefit.approve`` and a checker who
  is not the maker; ``recheck``/``withdraw`` need ``benefit.write``).

Thin shells: reads through the kind's scoped selectors (foreign records 404, looked up before the action is
checked), writes through its services (which check the jurisdiction and the action again, and audit).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laobao.core.errors import DomainError
from laobao.core.identifiers import parse_citizen_id
from laobao.core.scoping import can, can_read
from laobao.core.views import add_problems, page, require, staff_view
from laobao.registry import selectors as registry_selectors

from .forms import RejectForm

OPEN = ("received", "checked")
#: decision → the action it needs; approve and reject also need a checker who is not the maker
ACTIONS = {"approve": "benefit.approve", "reject": "benefit.approve", "recheck": "benefit.write",
           "withdraw": "benefit.write"}


def _masked(number: str) -> str:
    try:
        return parse_citizen_id(number).masked()
    except DomainError:
        return "*" * len(number)


def _en() -> bool:
    return (get_language() or "").startswith("en")


def _checks(rows: list[dict]) -> list[dict]:
    return [{**r, "text": r["en"] if _en() else r["zh"]} for r in rows]


def person_of(request, pk: int):
    require(can_read(request.user, "person"))
    return registry_selectors.person_get(request.user, pk)


class ClaimPages:
    """One kind of claim's counter pages; subclasses set the names and override the hooks."""

    selectors = services = None
    person_template = claim_template = ""
    person_url = claim_url = new_url = ""  # URL names: the person's claims, the claim page, POST receive
    decisions: dict[str, str] = {}         # decision → URL name, e.g. {"approve": "benefits:claim_approve"}
    reject_form = RejectForm

    # --- hooks ---------------------------------------------------------------------------------------------
    def title(self) -> str:
        raise NotImplementedError

    def form(self, request, person, data=None):
        raise NotImplementedError

    def preview(self, request, person, form) -> dict:
        """The checks and the calculation without storing anything (selectors.preview)."""
        raise NotImplementedError

    def receive(self, request, person, form):
        raise NotImplementedError

    def received_message(self) -> str:
        raise NotImplementedError

    def calc(self, calc: dict | None) -> dict | None:
        return calc

    def person_context(self, request, person, **extra) -> dict:
        return {}

    def claim_context(self, request, claim) -> dict:
        return {}

    # --- pages ---------------------------------------------------------------------------------------------
    def person_page(self, request, person, *, form=None, preview=None, status=200, **extra):
        writer = can(request.user, "benefit.write")
        return page(request, self.person_template, {
            "person": person, "masked_id": _masked(person.citizen_id), "writer": writer, "title": self.title(),
            "claims": self.selectors.person_claims(request.user, person), "preview": preview,
            "form": form or (self.form(request, person) if writer else None),
            "new_url": reverse(self.new_url, args=[person.pk]), **self.person_context(request, person, **extra)},
            status=status)

    def claim_page(self, request, claim, *, reject_form=None, status=200):
        user, open_ = request.user, claim.status in OPEN
        urls = {d: reverse(name, kwargs={"claim_no": claim.claim_no}) for d, name in self.decisions.items()}
        writes = any(ACTIONS[d] == "benefit.write" for d in urls)
        return page(request, self.claim_template, {
            "claim": claim, "person": claim.person, "masked_id": _masked(claim.person.citizen_id),
            "title": self.title(), "person_url": reverse(self.person_url, args=[claim.person.pk]),
            "checks": _checks(claim.checks), "calc": self.calc(claim.calculation), "open": open_, "urls": urls,
            "writer": open_ and writes and can(user, "benefit.write"),
            "approver": open_ and "approve" in urls and can(user, "benefit.approve") and claim.maker_id != user.pk,
            "reject_form": reject_form or self.reject_form(),
            "rejection": claim.rejection_en if _en() and claim.rejection_en else claim.rejection_zh,
            **self.claim_context(request, claim)}, status=status)

    # --- handlers ------------------------------------------------------------------------------------------
    def _person_view(self, request, pk: int):
        return self.person_page(request, person_of(request, pk))

    def _new(self, request, pk: int):
        person = person_of(request, pk)
        require(can(request.user, "benefit.write"))
        form = self.form(request, person, request.POST)
        if not form.is_valid():
            return self.person_page(request, person, form=form, status=400)
        try:
            if request.POST.get("action") == "preview":
                return self.person_page(request, person, form=form, preview=self.preview(request, person, form))
            claim = self.receive(request, person, form)
        except DomainError as exc:
            add_problems(form, exc)
            return self.person_page(request, person, form=form, status=400)
        messages.success(request, self.received_message() % {"no": claim.claim_no})
        return redirect(self.claim_url, claim_no=claim.claim_no)

    def _detail(self, request, claim_no: str):
        return self.claim_page(request, self.selectors.claim_get(request.user, claim_no))

    def _decide(self, request, claim_no: str, decision: str):
        claim = self.selectors.claim_get(request.user, claim_no)
        require(can(request.user, ACTIONS[decision]))
        user, svc = request.user, self.services
        try:
            if decision == "reject":
                form = self.reject_form(request.POST)
                svc.reject(user=user, claim=claim, reason_zh=form.cleaned_data["reason"] if form.is_valid() else "")
            else:
                getattr(svc, decision)(user=user, claim=claim)
        except DomainError as exc:
            messages.error(request, exc.text(get_language() or "zh-hans"))
            return self.claim_page(request, self.selectors.claim_get(user, claim_no), status=400)
        done = {"approve": _("申领 %(no)s 已核准"), "reject": _("申领 %(no)s 不予核准"),
                "recheck": _("申领 %(no)s 已重新审核"), "withdraw": _("申领 %(no)s 已撤回")}[decision]
        messages.success(request, done % {"no": claim.claim_no})
        return redirect(self.claim_url, claim_no=claim.claim_no)

    def views(self) -> dict:
        """``person``, ``new``, ``detail`` and one view per decision, each guarded like every staff page."""
        def person(request, pk: int):
            return self._person_view(request, pk)

        def new(request, pk: int):
            """``action=preview``: the checks and the calculation, nothing stored. Otherwise: receive."""
            return self._new(request, pk)

        def detail(request, claim_no: str):
            return self._detail(request, claim_no)

        out = {"person": staff_view(person), "new": staff_view(require_POST(new)), "detail": staff_view(detail)}
        for decision in self.decisions:
            def decide(request, claim_no: str, decision=decision):
                return self._decide(request, claim_no, decision)
            decide.__name__ = decision
            out[decision] = staff_view(require_POST(decide))
        return out
