"""Pages of 冲正、退款、认领 for an officer: reverse a payment (confirm with a reason), refund an employer's held
credit, list suspense payments and claim one for a payer.

Thin shells: reads through ``collection.corrections`` selectors and the registry's scoped selectors (foreign
records 404), writes through the correction services (which check the jurisdiction again and audit).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from laobao.core.errors import DomainError
from laobao.core.scoping import can
from laobao.core.views import add_problems, page, require, staff_view
from laobao.registry import selectors as registry_selectors

from .collection import corrections
from .collection.paymentfile import parse_amount

ACTION = corrections.ACTION


class ReverseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("冲正原因"), max_length=200,
                             help_text=gettext_lazy("如：银行退回、错记缴费人、重复入账"))
    confirm = forms.BooleanField(label=gettext_lazy("我已核对：冲正后该笔缴费冲抵的费款恢复为欠费，且不能撤销"))


class RefundForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("退款金额（元）"), max_length=20)
    bank_account = forms.CharField(label=gettext_lazy("收款账户（开户行及账号）"), max_length=100)
    reason = forms.CharField(label=gettext_lazy("退款原因"), max_length=200)


class ClaimForm(forms.Form):
    payer_code = forms.CharField(label=gettext_lazy("缴费人（统一社会信用代码或公民身份号码）"), max_length=18)
    reason = forms.CharField(label=gettext_lazy("认领依据"), max_length=200,
                             help_text=gettext_lazy("如：单位来函及银行回单"))


def _officer(request) -> None:
    require(can(request.user, ACTION))


# --- 冲正 --------------------------------------------------------------------------------------------------------

def _reverse_page(request, pk: int, form=None, status=200):
    data = corrections.payment_for_correction(request.user, pk)
    return page(request, "insurance/corrections/reverse.html",
                {**data, "form": form or ReverseForm()}, status=status)


@staff_view
def payment_reverse(request, pk: int):
    """GET: the payment and the confirm form; POST: reverse it."""
    _officer(request)
    if request.method != "POST":
        return _reverse_page(request, pk)
    data = corrections.payment_for_correction(request.user, pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        return _reverse_page(request, pk, form, 400)
    try:
        corrections.reverse_payment(user=request.user, bank_ref=data["payment"].bank_ref,
                                    reason=form.cleaned_data["reason"])
    except DomainError as exc:
        add_problems(form, exc)
        return _reverse_page(request, pk, form, 400)
    messages.success(request, _("已冲正缴费 %(ref)s") % {"ref": data["payment"].bank_ref})
    return redirect("insurance:payment_reverse", pk=pk)


# --- 退款 --------------------------------------------------------------------------------------------------------

def _credit_page(request, employer, form=None, status=200):
    return page(request, "insurance/corrections/credit.html", {
        "employer": employer, **corrections.credit_of(request.user, employer),
        "officer": can(request.user, ACTION), "form": form or RefundForm()}, status=status)


@staff_view
def employer_credit(request, pk: int):
    """The employer's held credit and its refunds (the refund form for an officer)."""
    return _credit_page(request, registry_selectors.employer_get(request.user, pk))


@staff_view
@require_POST
def employer_refund(request, pk: int):
    employer = registry_selectors.employer_get(request.user, pk)
    _officer(request)
    form = RefundForm(request.POST)
    if not form.is_valid():
        return _credit_page(request, employer, form, 400)
    d = form.cleaned_data
    try:
        refund = corrections.refund_credit(user=request.user, payer=employer, amount_fen=parse_amount(d["amount"].strip()),
                                           bank_account=d["bank_account"], reason=d["reason"])
    except DomainError as exc:
        add_problems(form, exc)
        return _credit_page(request, employer, form, 400)
    messages.success(request, _("已退款，退款单号 %(no)s") % {"no": refund.pk})
    return redirect("insurance:employer_credit", pk=employer.pk)


# --- 认领 --------------------------------------------------------------------------------------------------------

def _suspense_page(request, form=None, claim_pk=None, status=200):
    return page(request, "insurance/corrections/suspense.html", {
        "payments": corrections.suspense_payments(request.user), "form": form or ClaimForm(), "claim_pk": claim_pk},
        status=status)


@staff_view
def suspense(request):
    _officer(request)
    return _suspense_page(request)


def _claimant(request, code: str):
    code = (code or "").strip().upper()
    found = [e for e in registry_selectors.employer_search(request.user, code) if e.credit_code == code] if code else []
    if found:
        return found[0]
    found = [p for p in registry_selectors.person_search(request.user, code) if p.citizen_id == code] if code else []
    if found:
        return found[0]
    raise DomainError.of("payer_code", "correction.payer", "找不到该缴费人：请填写您辖区内单位的统一社会信用代码或人员的公民身份号码",
                         "payer not found: give the credit code of an employer or the citizen ID of a person in "
                         "your jurisdiction")


@staff_view
@require_POST
def suspense_claim(request, pk: int):
    _officer(request)
    payment = corrections.suspense_payment(request.user, pk)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _suspense_page(request, form, pk, 400)
    try:
        claim = corrections.claim_payment(user=request.user, bank_ref=payment.bank_ref,
                                          payer=_claimant(request, form.cleaned_data["payer_code"]),
                                          reason=form.cleaned_data["reason"])
    except DomainError as exc:
        add_problems(form, exc)
        return _suspense_page(request, form, pk, 400)
    messages.success(request, _("已认领 %(ref)s（%(new)s）") % {"ref": payment.bank_ref, "new": claim.claim_payment.bank_ref})
    return redirect("insurance:suspense")
