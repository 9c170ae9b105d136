"""Pages of one-time payments (一次性待遇发放): the officers' page (open orders with their status, the runs and
their bank files, the returns; naming an heir), and an employer's 单位账户 with the allowances paid to it.

Thin shells: reads through ``payouts.selectors`` (scoped, 404 outside), writes through ``payouts.services``.
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
from laobao.registry.selectors import normalize_citizen_id, persons_visible

from ..payroll.selectors import banks
from . import selectors, services
from .forms import EmployerAccountForm, PayeeForm


def _row(r: selectors.PayoutRow) -> dict:
    ret = getattr(r.line, "payout_return", None) if r.line else None
    return {"p": r.payout, "amount": yuan(r.payout.amount_fen), "status": r.status, "status_zh": r.status_zh,
            "line": r.line, "reason": ret.reason if ret is not None and ret.outcome == "rejected" else ""}


def _overview(request, *, payee_form=None, form_for=None, status=200):
    user = request.user
    runs = [{"view": v, "lines": sum(t["lines"] for t in v.totals), "total": yuan(sum(t["fen"] for t in v.totals)),
             "totals": [{**t, "amount": yuan(t["fen"]), "pending_y": yuan(t["pending"]), "paid_y": yuan(t["paid"]),
                         "rejected_y": yuan(t["rejected"])} for t in v.totals],
             "files": [{**f, "amount": yuan(f["total_fen"]), "name": f["file"].rsplit("/", 1)[-1]} for f in v.files]}
            for v in selectors.runs(user)]
    return page(request, "benefits/payouts.html", {
        "orders": [_row(r) for r in selectors.open_orders(user)], "runs": runs,
        "returns": [{"r": r, "amount": yuan(r.line.amount_fen)} for r in selectors.returns(user)],
        "payee_form": payee_form or PayeeForm(), "blank_form": PayeeForm(), "form_for": form_for}, status=status)


@staff_view
def payouts_page(request):
    require(can(request.user, "benefit.approve"))
    return _overview(request)


@staff_view
@require_POST
def payout_payee(request, pk: int):
    require(can(request.user, "benefit.approve"))
    payout = selectors.payout_get(request.user, pk)
    form = PayeeForm(request.POST)
    if not form.is_valid():
        return _overview(request, payee_form=form, form_for=payout.pk, status=400)
    number = normalize_citizen_id(form.cleaned_data["citizen_id"])
    heir = persons_visible(request.user).filter(citizen_id=number).first() if number else None
    if heir is None:
        form.add_error("citizen_id", _("辖区内没有登记此公民身份号码的人员：请先登记继承人"))
        return _overview(request, payee_form=form, form_for=payout.pk, status=400)
    try:
        services.assign_payee(user=request.user, payout=payout, person=heir)
    except DomainError as exc:
        add_problems(form, exc)
        return _overview(request, payee_form=form, form_for=payout.pk, status=400)
    messages.success(request, _("已指定收款人"))
    return redirect("benefits:payouts")


def _employer_page(request, employer, *, form=None, status=200):
    writer = can(request.user, "benefit.write")
    return page(request, "benefits/payouts_employer.html", {
        "employer": employer, "writer": writer,
        "accounts": [{"a": a, "tail": a.account_no[-4:]} for a in selectors.employer_accounts(employer)],
        "payouts": [_row(r) for r in selectors.employer_payouts(employer)],
        "form": form or (EmployerAccountForm(banks=banks()) if writer else None)}, status=status)


@staff_view
def employer_payouts(request, pk: int):
    require(can_read(request.user, "employer"))
    return _employer_page(request, selectors.employer_get(request.user, pk))


@staff_view
@require_POST
def employer_account_new(request, pk: int):
    require(can_read(request.user, "employer"))
    employer = selectors.employer_get(request.user, pk)
    require(can(request.user, "benefit.write"))
    form = EmployerAccountForm(request.POST, banks=banks())
    if not form.is_valid():
        return _employer_page(request, employer, form=form, status=400)
    try:
        services.open_employer_account(user=request.user, employer=employer, bank_code=form.cleaned_data["bank"],
                                       account_no=form.cleaned_data["account_no"])
    except DomainError as exc:
        add_problems(form, exc)
        return _employer_page(request, employer, form=form, status=400)
    messages.success(request, _("单位账户已登记"))
    return redirect("benefits:payouts_employer", pk=employer.pk)


def person_rows(user, person) -> list[dict]:
    """The person's one-time payments for their benefits page (views_payroll)."""
    return [_row(r) for r in selectors.person_payouts(user, person)]
