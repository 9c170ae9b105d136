"""Pages of migrant and rural labor: 外来劳动力 (list, register, end), 农村富余劳动力 (list, register, transfer),
南北劳务交流 (agreements, groups with the persons registered from each). Thin: parse, selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from laobao.core.errors import DomainError, NotFound
from laobao.core.scoping import can, can_read
from laobao.core.views import add_problems, page, require, staff_view

from . import selectors, services
from .forms import AgreementForm, GroupForm, MigrantEndForm, MigrantForm, RuralForm, TransferForm
from .origins import province_of

WRITE = "employment.write"


def _reader(request) -> None:
    require(can_read(request.user, "person"))


def _person(user, form):
    person = selectors.person_by_id(user, form.cleaned_data["citizen_id"])
    if person is None:
        form.add_error("citizen_id", _("找不到此人：请填写您辖区内已登记人员的公民身份号码（先在人员档案中登记）"))
    return person


def _employer(user, form, field="employer"):
    code = form.cleaned_data.get(field) or ""
    employer = selectors.employer_by_code(user, code) if code else None
    if code and employer is None:
        form.add_error(field, _("找不到该单位：请填写您辖区内单位的统一社会信用代码或组织机构代码"))
    return employer


def _migrants_page(request, form=None, status=200):
    rows = selectors.open_migrants(request.user)
    return page(request, "employment/migrant/migrants.html", {
        "rows": [(r, province_of(r.origin_code)) for r in rows], "form": form or MigrantForm(),
        "end_form": MigrantEndForm(), "writer": can(request.user, WRITE)}, status=status)


@staff_view
@require_GET
def migrants(request):
    _reader(request)
    return _migrants_page(request)


@staff_view
@require_POST
def migrant_register(request):
    _reader(request)
    require(can(request.user, WRITE))
    form = MigrantForm(request.POST)
    if form.is_valid():
        person, employer = _person(request.user, form), _employer(request.user, form)
        group = None
        if form.cleaned_data["group"]:
            try:
                group = selectors.group_get(request.user, form.cleaned_data["group"])
            except NotFound:
                form.add_error("group", _("找不到该劳务输入批次"))
        if not form.errors:
            try:
                reg = services.migrant_register(user=request.user, person=person, employer=employer, group=group,
                                                **{k: form.cleaned_data[k] for k in ("arrival_date", "registered_on",
                                                                                     "origin_code", "housing")})
                messages.success(request, _("已办理外来劳动力登记，登记证号 %(no)s") % {"no": reg.card_no})
                return redirect("employment:migrants")
            except DomainError as exc:
                add_problems(form, exc)
    return _migrants_page(request, form, status=400)


@staff_view
@require_POST
def migrant_end(request, pk: int):
    reg = selectors.migrant_get(request.user, pk)
    require(can(request.user, WRITE))
    form = MigrantEndForm(request.POST)
    if form.is_valid():
        try:
            services.migrant_end(user=request.user, registration=reg, **form.cleaned_data)
            messages.success(request, _("已注销外来劳动力登记"))
            return redirect("employment:migrants")
        except DomainError as exc:
            add_problems(form, exc)
    messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("employment:migrants")


def _rural_page(request, form=None, status=200):
    return page(request, "employment/migrant/rural.html", {
        "rows": selectors.open_laborers(request.user), "form": form or RuralForm(), "transfer_form": TransferForm(),
        "writer": can(request.user, WRITE)}, status=status)


@staff_view
@require_GET
def rural(request):
    _reader(request)
    return _rural_page(request)


@staff_view
@require_POST
def rural_register(request):
    _reader(request)
    require(can(request.user, WRITE))
    form = RuralForm(request.POST)
    if form.is_valid():
        person = _person(request.user, form)
        if person is not None:
            try:
                services.rural_register(user=request.user, person=person, registered_on=form.cleaned_data["registered_on"])
                messages.success(request, _("已办理农村富余劳动力登记"))
                return redirect("employment:rural")
            except DomainError as exc:
                add_problems(form, exc)
    return _rural_page(request, form, status=400)


@staff_view
@require_POST
def rural_transfer(request, pk: int):
    laborer = selectors.laborer_get(request.user, pk)
    require(can(request.user, WRITE))
    form = TransferForm(request.POST)
    if form.is_valid():
        employer = _employer(request.user, form)
        local = {"1": True, "0": False}.get(form.cleaned_data["local"])
        if not form.errors:
            try:
                services.rural_transfer(user=request.user, laborer=laborer, employer=employer, local=local,
                                        transferred_on=form.cleaned_data["transferred_on"],
                                        business=form.cleaned_data["business"])
                messages.success(request, _("已记录转移就业"))
                return redirect("employment:rural")
            except DomainError as exc:
                add_problems(form, exc)
    messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("employment:rural")


def _exchange_page(request, agreement_form=None, group_form=None, status=200):
    return page(request, "employment/migrant/exchange.html", {
        "agreements": list(selectors.agreements_visible(request.user)[:selectors.LIST_LIMIT]),
        "groups": selectors.groups(request.user), "agreement_form": agreement_form or AgreementForm(),
        "group_form": group_form or GroupForm(), "writer": _signs(request.user)}, status=status)


def _signs(user) -> bool:
    """Agreements and groups are the district's business: district and city officers (their node is a district)."""
    return can(user, WRITE) and selectors.signing_region(user) == user.region


@staff_view
@require_GET
def exchange(request):
    _reader(request)
    return _exchange_page(request)


@staff_view
@require_POST
def agreement_new(request):
    _reader(request)
    require(can(request.user, WRITE))
    require(_signs(request.user))
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_create(user=request.user, region=selectors.signing_region(request.user),
                                      **form.cleaned_data)
            messages.success(request, _("已登记劳务交流协议"))
            return redirect("employment:exchange")
        except DomainError as exc:
            add_problems(form, exc)
    return _exchange_page(request, agreement_form=form, status=400)


@staff_view
@require_POST
def group_new(request):
    _reader(request)
    require(can(request.user, WRITE))
    require(_signs(request.user))
    form = GroupForm(request.POST)
    if form.is_valid():
        employer = _employer(request.user, form)
        try:
            agreement = selectors.agreement_get(request.user, form.cleaned_data["agreement"])
        except NotFound:
            agreement = None
            form.add_error("agreement", _("找不到该协议"))
        if not form.errors:
            try:
                services.group_record(user=request.user, agreement=agreement, employer=employer,
                                      arrived_on=form.cleaned_data["arrived_on"], headcount=form.cleaned_data["headcount"])
                messages.success(request, _("已登记劳务输入批次"))
                return redirect("employment:exchange")
            except DomainError as exc:
                add_problems(form, exc)
    return _exchange_page(request, group_form=form, status=400)
