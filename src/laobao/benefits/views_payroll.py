"""Pages of benefits and payroll: a person's benefits (each benefit, its rates with their explanation, every
payment line with its status, the 代发账户 and its counter form) and the officers' payroll page (runs with
totals per bank and fund, and the bank files for the city).

Thin shells: reads through ``payroll.selectors`` (scoped, 404 outside), writes through ``benefits.services``.
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

from . import services
from .forms import BankAccountForm
from .indexation.explain import explain, history
from .payroll import selectors
from .views import _masked
from .payouts.views import person_rows as payout_rows


def _person(request, pk):
    require(can_read(request.user, "person"))
    return registry_selectors.person_get(request.user, pk)


def _benefit_rows(benefits) -> list[dict]:
    return [_benefit_row(b) for b in benefits]


def _benefit_row(b) -> dict:
    rates = list(b.rates.all())
    lines = explain(rates)  # full or compact (indexation) form, benefits/indexation/explain.py
    return {"benefit": b, "rates": [{"rate": r, "amount": yuan(r.monthly_fen),
                                     "components": [{**c, "amount": yuan(c.get("amount_fen", 0))} for c in lines[r.id]]}
                                    for r in rates],
            "events": history(rates, list(b.events.all()))}  # + the events compact indexation rates stand for


def _payment_rows(lines) -> list[dict]:
    return [{"line": l, "amount": yuan(l.amount_fen), "status": selectors.status_of(l),
             "reason": l.payment_return.reason if selectors.status_of(l) != "pending" else "",
             "account_tail": l.bank_account.account_no[-4:]} for l in lines]


def _page(request, person, *, form=None, status=200):
    user = request.user
    writer = can(user, "benefit.write")
    banks = selectors.banks()
    return page(request, "benefits/person_benefits.html", {
        "person": person, "masked_id": _masked(person.citizen_id), "writer": writer,
        "benefits": _benefit_rows(selectors.person_benefits(user, person)),
        "payments": _payment_rows(selectors.person_payments(user, person)[:240]),
        "medical": [{"row": m, "amount": yuan(m.amount_fen)} for m in selectors.person_medical(user, person)[:240]],
        "accounts": [{"a": a, "tail": a.account_no[-4:]} for a in selectors.person_accounts(user, person)],
        "payouts": payout_rows(user, person),  # one-time payments (benefits/payouts)
        "form": form or (BankAccountForm(banks=banks, initial={"holder_name": person.name}) if writer else None)},
        status=status)


@staff_view
def person_benefits(request, pk: int):
    return _page(request, _person(request, pk))


@staff_view
@require_POST
def bank_account_new(request, pk: int):
    person = _person(request, pk)
    require(can(request.user, "benefit.write"))
    form = BankAccountForm(request.POST, banks=selectors.banks())
    if not form.is_valid():
        return _page(request, person, form=form, status=400)
    d = form.cleaned_data
    try:
        services.open_account(user=request.user, person=person, bank_code=d["bank"], account_no=d["account_no"],
                              holder_name=d["holder_name"])
    except DomainError as exc:
        add_problems(form, exc)
        return _page(request, person, form=form, status=400)
    messages.success(request, _("代发账户已登记"))
    return redirect("benefits:person_benefits", pk=person.pk)


@staff_view
def payroll_runs(request):
    require(can(request.user, "benefit.approve"))
    runs = [{"view": v, "total": yuan(v.total_fen),
             "totals": [{**t, "amount": yuan(t["fen"]), "pending_y": yuan(t["pending"]), "paid_y": yuan(t["paid"]),
                         "rejected_y": yuan(t["rejected"])} for t in v.totals],
             "files": [{**f, "amount": yuan(f["total_fen"]), "name": f["file"].rsplit("/", 1)[-1]} for f in v.files]}
            for v in selectors.runs(request.user)]
    return page(request, "benefits/payroll_runs.html", {"runs": runs})
