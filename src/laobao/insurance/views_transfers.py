"""Pages of 关系转移接续 on a person: the list, transfer-out (preview, then confirm), transfer-in, the certificate.

Thin shells: person and transfers through scoped selectors (foreign records 404), writes through
``transfers.services`` (which check the jurisdiction again and audit), the certificate download audited here.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from laobao.core import audit
from laobao.core.errors import DomainError, NotFound
from laobao.core.scoping import can, can_read
from laobao.core.views import add_problems, page, require, staff_view
from laobao.policy.rules.contribution.exact import percent
from laobao.registry import selectors as registry_selectors

from .documents.certificate import certificate_pdf
from .models import Direction
from .transfers import incoming, selectors, services

INSURANCES = [("pension", gettext_lazy("养老")), ("medical", gettext_lazy("医疗"))]
ENROLL = [("none", gettext_lazy("不在此登记（由经办大厅另行办理参保）")), ("self", gettext_lazy("以个人身份参保")),
          ("employer", gettext_lazy("随用人单位参保"))]


class OutForm(forms.Form):
    insurance = forms.ChoiceField(label=gettext_lazy("险种"), choices=INSURANCES)
    counterpart_code = forms.CharField(label=gettext_lazy("转入地区划代码"), max_length=12, help_text=gettext_lazy("如 310000"))
    counterpart_name = forms.CharField(label=gettext_lazy("转入地经办机构"), max_length=100)
    month = forms.CharField(label=gettext_lazy("转出月份"), max_length=7, help_text=gettext_lazy("YYYY-MM，参保至该月止"))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class InForm(forms.Form):
    certificate_no = forms.CharField(label=gettext_lazy("转出地凭证编号"), max_length=40)
    insurance = forms.ChoiceField(label=gettext_lazy("险种"), choices=INSURANCES)
    counterpart_code = forms.CharField(label=gettext_lazy("转出地区划代码"), max_length=12)
    counterpart_name = forms.CharField(label=gettext_lazy("转出地经办机构"), max_length=100)
    month = forms.CharField(label=gettext_lazy("转入月份"), max_length=7, help_text=gettext_lazy("YYYY-MM，在本市参保自该月起"))
    account = forms.CharField(label=gettext_lazy("个人账户储存额（元）"), max_length=20)
    pooled = forms.CharField(label=gettext_lazy("统筹基金转移额（元）"), max_length=20, initial="0")
    history_file = forms.FileField(label=gettext_lazy("缴费明细文件（CSV 或 XLSX）"), required=False)
    history_text = forms.CharField(label=gettext_lazy("或逐行填写明细（CSV，首行为表头）"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 5}),
                                   help_text=gettext_lazy("表头：月份,单位,缴费基数,单位缴费,个人缴费,记账额,是否已缴"))
    enroll = forms.ChoiceField(label=gettext_lazy("参保登记"), choices=ENROLL, initial="none")
    employer = forms.CharField(label=gettext_lazy("用人单位统一社会信用代码"), max_length=18, required=False)


def yuan(fen: int) -> str:
    """Integer fen → "14,400.00" (thousands separated, as on the certificate)."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def _row(t) -> dict:
    return {"pk": t.pk, "direction": t.get_direction_display(), "out": t.direction == Direction.OUT,
            "insurance": t.get_insurance_display(), "month": f"{t.month:%Y-%m}", "counterpart": t.counterpart_name,
            "counterpart_code": t.counterpart_code, "certificate_no": t.certificate_no, "months": t.months,
            "wages": yuan(t.wages_fen), "account": yuan(t.account_fen), "pooled": yuan(t.pooled_fen),
            "created_at": t.created_at}


def _preview(p) -> dict | None:
    if p is None:
        return None
    history = [{**r, "base": yuan(r["base_fen"]), "account": yuan(r["account_fen"])} for r in p.history]
    return {"months": p.months, "wages": yuan(p.wages_fen), "pooled": yuan(p.pooled_fen), "account": yuan(p.account_fen),
            "total": yuan(p.total_fen), "share": percent(p.share) if p.share is not None else "—",
            "unpaid": p.unpaid, "reference": p.reference, "history": history, "month": f"{p.month:%Y-%m}"}


def _page(request, person, *, status=200, out_form=None, in_form=None, preview=None):
    user = request.user
    writer = can(user, "registry.write")
    rows = [_row(t) for t in selectors.person_transfers(user, person)]
    return page(request, "insurance/transfers/person.html", {
        "person": person, "masked_id": selectors.masked_id(person.citizen_id), "transfers": rows,
        "writer": writer, "preview": _preview(preview),
        "out_form": out_form or (OutForm() if writer else None),
        "in_form": in_form or (InForm() if writer else None),
    }, status=status)


def _person(request, pk):
    require(can_read(request.user, "person"))
    return registry_selectors.person_get(request.user, pk)


@staff_view
def person_transfers(request, pk: int):
    person = _person(request, pk)
    audit.record("transfer.list", object_type="person", object_id=person.pk,
                 region_path=person.residence_region.path if person.residence_region_id else "")
    return _page(request, person)


@staff_view
@require_POST
def transfer_out(request, pk: int):
    """Without ``confirm``: show what would move. With it: transfer, close the enrollment, post."""
    person = _person(request, pk)
    require(can(request.user, "registry.write"))
    form = OutForm(request.POST)
    if not form.is_valid():
        return _page(request, person, out_form=form, status=400)
    d = form.cleaned_data
    try:
        if not d["confirm"]:
            month = incoming.parse_month(d["month"])
            preview = selectors.preview_out(request.user, person, d["insurance"], month)
            confirm = OutForm(initial={**d, "confirm": True})
            return _page(request, person, out_form=confirm, preview=preview)
        transfer = services.transfer_out(user=request.user, person=person, insurance=d["insurance"],
                                         counterpart_code=d["counterpart_code"],
                                         counterpart_name=d["counterpart_name"], month=d["month"])
    except DomainError as exc:
        add_problems(form, exc)
        return _page(request, person, out_form=form, status=400)
    messages.success(request, _("已办理转出，凭证编号 %(no)s") % {"no": transfer.certificate_no})
    return redirect("insurance:person_transfers", pk=person.pk)


def _history(form) -> list[dict]:
    upload = form.cleaned_data.get("history_file")
    if upload is not None:
        if upload.size > 2_000_000:
            raise incoming.bad("history_file", "file_size", "明细文件过大（上限 2 MB）", "The file is too large (2 MB at most)")
        return incoming.rows_from_upload(upload.name, upload.read())
    return incoming.rows_from_text(form.cleaned_data.get("history_text") or "")


def _employer(request, form):
    d = form.cleaned_data
    if d["enroll"] != "employer":
        return None
    code = (d.get("employer") or "").strip().upper()
    found = [e for e in registry_selectors.employer_search(request.user, code) if e.credit_code == code] if code else []
    if not found:
        raise incoming.bad("employer", "employer", "找不到该单位：请填写您辖区内单位的统一社会信用代码",
                           "Employer not found: give the credit code of an employer in your jurisdiction")
    return found[0]


@staff_view
@require_POST
def transfer_in(request, pk: int):
    person = _person(request, pk)
    require(can(request.user, "registry.write"))
    form = InForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, person, in_form=form, status=400)
    d = form.cleaned_data
    try:
        transfer = services.transfer_in(
            user=request.user, person=person, insurance=d["insurance"], counterpart_code=d["counterpart_code"],
            counterpart_name=d["counterpart_name"], month=d["month"], history=_history(form),
            account_fen=incoming.parse_yuan(d["account"], "account"),
            pooled_fen=incoming.parse_yuan(d["pooled"], "pooled"), certificate_no=d["certificate_no"],
            employer=_employer(request, form), self_enroll=d["enroll"] == "self")
    except DomainError as exc:
        add_problems(form, exc)
        return _page(request, person, in_form=form, status=400)
    messages.success(request, _("已登记转入，凭证编号 %(no)s") % {"no": transfer.certificate_no})
    return redirect("insurance:person_transfers", pk=person.pk)


@staff_view
def transfer_certificate(request, pk: int):
    """The 参保缴费凭证 of a transfer-out, as PDF (audited; full ID only with the reveal right)."""
    transfer = selectors.transfer_get(request.user, pk)
    if transfer.direction != Direction.OUT:
        raise NotFound
    data = selectors.certificate_data(request.user, transfer)
    person = transfer.person
    audit.record("transfer.certificate", object_type="transfer", object_id=transfer.pk,
                 region_path=person.residence_region.path if person.residence_region_id else "",
                 after={"certificate_no": transfer.certificate_no, "full_id": data["citizen_id"] == person.citizen_id})
    response = HttpResponse(certificate_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"certificate-{transfer.certificate_no}.pdf")
    return response
