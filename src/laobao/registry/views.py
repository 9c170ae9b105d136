"""Back-office pages of the registry: persons, employers, employment, regions, merge conflicts.

Thin shells: parse the request, call a selector (reads, scoped) or a service (writes, validated and
audited), render. Citizen ID numbers are shown masked everywhere; the full number appears only on
the response to a "reveal" POST that states a reason and is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laobao.core import audit
from laobao.core.errors import DomainError, NotFound
from laobao.core.identifiers import parse_citizen_id
from laobao.core import selectors as core_selectors
from laobao.core.models import RegionLevel
from laobao.core.scoping import can, can_read
from laobao.core.views import add_problems, page, region_label, require, staff_view

from . import selectors, services
from .forms import (ConflictResolveForm, EmployerRegisterForm, PersonEditForm, PersonRegisterForm,
                    RelationEndForm, RelationStartForm, RevealForm)
from .models import ConflictStatus

QUERY_MAX = 64
PERSON_AUDIT_ROWS = 30
EMPLOYEES_PAGE_SIZE = 100
CONFLICTS_PAGE_SIZE = 50


# --- display helpers --------------------------------------------------------------------------

def mask_id(number: str) -> str:
    """The masked citizen ID (first 4 and last 4 characters; the birth date always hidden)."""
    try:
        return parse_citizen_id(number).masked()
    except DomainError:
        return (number[:4] + "*" * 10 + number[-4:]) if len(number) > 8 else "*" * len(number)


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 8 else ""


def person_row(p) -> dict:
    return {
        "pk": p.pk, "masked_id": mask_id(p.citizen_id), "name": p.name, "sex": p.get_sex_display(),
        "birth_year": p.birth_date.year, "hukou": p.get_hukou_type_display(),
        "region": region_label(p.residence_region), "region_code": getattr(p.residence_region, "code", ""),
        "mobile": mask_mobile(p.mobile),
    }


def _query(request) -> str:
    """The search text: printable characters only (a NUL would be refused by PostgreSQL), bounded."""
    q = "".join(ch for ch in (request.GET.get("q") or "") if ch.isprintable())
    return q.strip()[:QUERY_MAX]


def _region_path(obj, attr: str) -> str:
    region = getattr(obj, attr)
    return region.path if region is not None else ""


# --- persons ----------------------------------------------------------------------------------

@staff_view
def person_search(request):
    """Search by citizen ID (an exact match opens the person), mobile or name."""
    require(can_read(request.user, "person"))
    q = _query(request)
    results = selectors.person_search(request.user, q) if q else []
    exact_id = selectors.normalize_citizen_id(q) if q else None
    if exact_id and len(results) == 1 and results[0].citizen_id == exact_id:
        return redirect("person_detail", pk=results[0].pk)
    return page(request, "registry/person_search.html", {
        "q": q, "rows": [person_row(p) for p in results], "limit": selectors.SEARCH_LIMIT,
    })


def _person_page(request, person, *, status: int = 200, **forms):
    """The person page; ``forms`` carries bound forms with errors, ``revealed`` the full number once."""
    user = request.user
    writer = can(user, "registry.write")
    relations = list(selectors.person_relations(user, person).select_related("employer__region"))
    history = core_selectors.object_history(user, "person", "person", person.pk).order_by("-seq")[:PERSON_AUDIT_ROWS]
    edit_initial = {"name": person.name, "hukou_type": person.hukou_type,
                    "hukou_region_code": person.hukou_region_code,
                    "residence_region": getattr(person.residence_region, "code", ""), "mobile": person.mobile}
    return page(request, "registry/person_detail.html", {
        "person": person, "row": person_row(person), "relations": relations, "history": list(history),
        "writer": writer, "revealed": forms.get("revealed"),
        "reveal_form": forms.get("reveal_form") or RevealForm(),
        "edit_form": forms.get("edit_form") or (PersonEditForm(initial=edit_initial) if writer else None),
        "relation_form": forms.get("relation_form") or (RelationStartForm() if writer else None),
        "end_form": RelationEndForm(),
    }, status=status)


@staff_view
def person_detail(request, pk: int):
    person = selectors.person_get(request.user, pk)
    audit.record("person.view", object_type="person", object_id=person.pk,
                 region_path=_region_path(person, "residence_region"))
    return _person_page(request, person)


@staff_view
@require_POST
def person_reveal(request, pk: int):
    """Show the full citizen ID once, on this response only (a reason is required and audited)."""
    person = selectors.person_get(request.user, pk)
    require(can(request.user, "person.reveal_id"))
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            number = services.person_reveal_id(user=request.user, person=person, reason=form.cleaned_data["reason"])
            return _person_page(request, person, revealed=number)
        except DomainError as exc:
            add_problems(form, exc)
    return _person_page(request, person, reveal_form=form, status=400)


@staff_view
@require_POST
def person_edit(request, pk: int):
    person = selectors.person_get(request.user, pk)
    require(can(request.user, "registry.write"))
    form = PersonEditForm(request.POST)
    if form.is_valid():
        try:
            services.person_update(user=request.user, person=person, **form.service_kwargs())
            messages.success(request, _("已保存"))
            return redirect("person_detail", pk=person.pk)
        except DomainError as exc:
            add_problems(form, exc)
        person = selectors.person_get(request.user, pk)  # show the stored values, not the rejected ones
    return _person_page(request, person, edit_form=form, status=400)


def _employer_for(user, text: str):
    """The employer a caseworker names by credit code, organization code or record number, or None."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 12:
        try:
            return selectors.employer_get(user, int(text))
        except NotFound:
            return None
    code = text.upper().replace("-", "")
    matches = [e for e in selectors.employer_search(user, text) if code in (e.credit_code, e.org_code)]
    return matches[0] if len(matches) == 1 else None


@staff_view
@require_POST
def person_relation_new(request, pk: int):
    person = selectors.person_get(request.user, pk)
    require(can(request.user, "registry.write"))
    form = RelationStartForm(request.POST)
    if form.is_valid():
        employer = _employer_for(request.user, form.cleaned_data["employer"])
        if employer is None:
            form.add_error("employer", _("找不到该单位：请填写您辖区内单位的统一社会信用代码、组织机构代码或单位编号"))
        else:
            try:
                services.relation_start(user=request.user, person=person, employer=employer,
                                        start_date=form.cleaned_data["start_date"],
                                        end_date=form.cleaned_data["end_date"])
                messages.success(request, _("已登记劳动关系"))
                return redirect("person_detail", pk=person.pk)
            except DomainError as exc:
                add_problems(form, exc)
    return _person_page(request, person, relation_form=form, status=400)


@staff_view
@require_POST
def relation_end(request, pk: int):
    relation = selectors.relations_visible(request.user).select_related("employer__region").filter(pk=pk).first()
    if relation is None:
        raise NotFound
    require(can(request.user, "registry.write"))
    form = RelationEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的终止日期"))
    else:
        try:
            services.relation_end(user=request.user, relation=relation, end_date=form.cleaned_data["end_date"])
            messages.success(request, _("已终止劳动关系"))
        except DomainError as exc:
            messages.error(request, exc.text(request.LANGUAGE_CODE))
    return redirect("person_detail", pk=relation.person_id)


@staff_view
@require_http_methods(["GET", "POST"])
def person_new(request):
    require(can(request.user, "registry.write"))
    user_region = request.user.region
    initial = {"residence_region": user_region.code if user_region.level == RegionLevel.COMMUNITY else "",
               "hukou_region_code": user_region.code[:6]}
    form = PersonRegisterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_register(user=request.user, **form.service_kwargs())
            messages.success(request, _("已登记"))
            return redirect("person_detail", pk=person.pk)
        except DomainError as exc:
            add_problems(form, exc)
    return page(request, "registry/person_new.html", {"form": form}, status=400 if form.errors else 200)


# --- employers --------------------------------------------------------------------------------

def employer_row(e) -> dict:
    return {"pk": e.pk, "name": e.name, "credit_code": e.credit_code or "", "org_code": e.org_code or "",
            "type": e.get_type_display(), "industry": e.get_industry_display(), "size": e.get_size_display(),
            "status": e.get_status_display(), "region": region_label(e.region),
            "region_code": getattr(e.region, "code", "")}


@staff_view
def employer_search(request):
    require(can_read(request.user, "employer"))
    q = _query(request)
    results = selectors.employer_search(request.user, q) if q else []
    code = q.upper().replace("-", "")
    if len(results) == 1 and code and code in (results[0].credit_code, results[0].org_code):
        return redirect("employer_detail", pk=results[0].pk)
    return page(request, "registry/employer_search.html", {
        "q": q, "rows": [employer_row(e) for e in results], "limit": selectors.SEARCH_LIMIT,
    })


@staff_view
def employer_detail(request, pk: int):
    employer = selectors.employer_get(request.user, pk)
    staff = selectors.employees(request.user, employer).select_related("person__residence_region")
    staff_page = Paginator(staff.order_by("-start_date", "-id"), EMPLOYEES_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"relation": r, "person": person_row(r.person)} for r in staff_page]
    return page(request, "registry/employer_detail.html", {
        "employer": employer, "row": employer_row(employer), "employees": rows, "page_obj": staff_page,
    })


@staff_view
@require_http_methods(["GET", "POST"])
def employer_new(request):
    require(can(request.user, "registry.write"))
    form = EmployerRegisterForm(request.POST or None, initial={"region": request.user.region.code})
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.employer_register(user=request.user, **form.service_kwargs())
            messages.success(request, _("已登记"))
            return redirect("employer_detail", pk=employer.pk)
        except DomainError as exc:
            add_problems(form, exc)
    return page(request, "registry/employer_new.html", {"form": form}, status=400 if form.errors else 200)


# --- regions ----------------------------------------------------------------------------------

@staff_view
def region_root(request):
    require(can_read(request.user, "region"))
    return redirect("region_detail", code=request.user.region.code)


@staff_view
def region_detail(request, code: str):
    """A region node with its children and their counts; breadcrumbs start at the user's own node."""
    user = request.user
    if not (code.isascii() and code.isdigit() and len(code) <= 12):
        raise NotFound
    region = selectors.region_get(user, code)
    codes = [c for c in region.path.strip("/").split("/") if c]
    crumbs = selectors.regions_visible(user).filter(code__in=codes).order_by("path")
    children = selectors.region_counts(user, region)
    for child in children:
        child["label"] = region_label(child["region"])
    return page(request, "registry/region_detail.html", {
        "region": region, "label": region_label(region),
        "crumbs": [{"code": r.code, "label": region_label(r)} for r in crumbs],
        "children": children,
        "total_persons": sum(c["persons"] for c in children),
        "total_employers": sum(c["employers"] for c in children),
    })


# --- merge conflicts --------------------------------------------------------------------------

@staff_view
def conflict_list(request):
    require(can_read(request.user, "conflict"))
    show_all = request.GET.get("status") == "all"
    qs = selectors.conflicts_visible(request.user).select_related("person__residence_region")
    if not show_all:
        qs = qs.filter(status=ConflictStatus.OPEN)
    conflicts_page = Paginator(qs.order_by("id"), CONFLICTS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"conflict": c, "person": person_row(c.person)} for c in conflicts_page]
    return page(request, "registry/conflict_list.html", {
        "rows": rows, "page_obj": conflicts_page, "show_all": show_all,
    })


@staff_view
@require_POST
def conflict_resolve(request, pk: int):
    conflict = selectors.conflicts_visible(request.user).select_related("person__residence_region").filter(pk=pk).first()
    if conflict is None:
        raise NotFound
    require(can(request.user, "conflict.resolve"))
    form = ConflictResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择保留市库值或采用原系统值"))
    else:
        try:
            services.conflict_resolve(user=request.user, conflict=conflict,
                                      take_legacy=form.cleaned_data["choice"] == "take")
            messages.success(request, _("冲突已处理"))
        except DomainError as exc:
            messages.error(request, exc.text(request.LANGUAGE_CODE))
    return redirect("conflict_list")
