"""Pages of 公益性岗位 (under /employment/welfare/): the community office's posts and placements (list, new post,
place a person, leave), the sponsoring unit's subsidy account, a month's subsidies with their payment state, and
the subsidy payment lines. Thin: reads through ``selectors``, writes through ``services`` (jurisdiction and the
action checked again there, audited)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from laobao.core.errors import DomainError
from laobao.core.scoping import can
from laobao.core.views import add_problems, page, require, staff_view

from . import selectors, services
from .forms import AccountForm, LeaveForm, PlaceForm, PostForm

WRITE = "employment.write"


def _list(request, form=None, status=200):
    user = request.user
    may = can(user, WRITE)
    initial = {"region": user.region.code if user.region_id else "", "start_date": timezone.localdate(),
               "si_subsidy": True}
    return page(request, "employment/welfare/posts.html", {
        "posts": list(selectors.post_list(user)[:500]), "may_write": may,
        "form": form or (PostForm(initial=initial) if may else None)}, status=status)


@staff_view
@require_GET
def post_list(request):
    return _list(request)


@staff_view
@require_POST
def post_new(request):
    user = request.user
    require(can(user, WRITE))
    form = PostForm(request.POST)
    if form.is_valid():
        region = selectors.region_for(user, form.cleaned_data["region"])
        employer = selectors.employer_by_code(user, form.cleaned_data["employer"])
        if region is None:
            form.add_error("region", _("找不到该区划代码，或不在本人辖区内"))
        if employer is None:
            form.add_error("employer", _("找不到该单位：请先在单位库登记，或核对统一社会信用代码"))
        if region is not None and employer is not None:
            try:
                post = services.post_create(user=user, region=region, employer=employer, **form.values())
            except DomainError as exc:
                add_problems(form, exc)
            else:
                messages.success(request, _("已开发公益性岗位"))
                return redirect("employment:welfare_post", pk=post.pk)
    return _list(request, form=form, status=400)


def _detail(request, post, *, place_form=None, account_form=None, status=200):
    user = request.user
    may = can(user, WRITE)
    return page(request, "employment/welfare/post.html", {
        "post": post, "placements": selectors.placements(user, post), "may_write": may,
        "place_form": place_form or (PlaceForm(initial={"start_date": timezone.localdate()}) if may else None),
        "leave_form": LeaveForm(initial={"end_date": timezone.localdate()}) if may else None,
        "account_form": account_form or (AccountForm() if may else None)}, status=status)


@staff_view
@require_GET
def post_detail(request, pk: int):
    return _detail(request, selectors.post_get(request.user, pk))


@staff_view
@require_POST
def place(request, pk: int):
    user = request.user
    post = selectors.post_get(user, pk)
    require(can(user, WRITE))
    form = PlaceForm(request.POST)
    if form.is_valid():
        person = selectors.person_by_id(user, form.cleaned_data["citizen_id"])
        if person is None:
            form.add_error("citizen_id", _("本辖区内没有该公民身份号码的人员：请核对号码或先办理人员登记"))
        else:
            try:
                services.place(user=user, post=post, person=person, start_date=form.cleaned_data["start_date"])
            except DomainError as exc:
                add_problems(form, exc)
            else:
                messages.success(request, _("已安置上岗，劳动关系已登记"))
                return redirect("employment:welfare_post", pk=post.pk)
    return _detail(request, post, place_form=form, status=400)


@staff_view
@require_POST
def leave(request, pk: int):
    user = request.user
    placement = selectors.placement_get(user, pk)
    require(can(user, WRITE))
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.leave(user=user, placement=placement, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.text(get_language() or "zh-hans"))
        else:
            messages.success(request, _("已办理离岗"))
    else:
        messages.error(request, _("请填写离岗日期和原因"))
    return redirect("employment:welfare_post", pk=placement.post_id)


@staff_view
@require_POST
def account(request, pk: int):
    user = request.user
    post = selectors.post_get(user, pk)
    require(can(user, WRITE))
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            services.account_open(user=user, employer=post.employer, **form.cleaned_data)
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("已登记补贴收款账户"))
            return redirect("employment:welfare_post", pk=post.pk)
    return _detail(request, post, account_form=form, status=400)


def _month(text: str) -> date:
    try:
        return date.fromisoformat((text or "") + "-01")
    except ValueError:
        return timezone.localdate().replace(day=1)


@staff_view
@require_GET
def subsidies(request):
    month = _month(request.GET.get("month", ""))
    return page(request, "employment/welfare/subsidies.html",
                {"month": month, **selectors.month_view(request.user, month)})


@staff_view
@require_GET
def payments(request):
    user = request.user
    return page(request, "employment/welfare/payments.html",
                {"lines": selectors.payment_lines(user), "waiting": selectors.orders_waiting(user)})
