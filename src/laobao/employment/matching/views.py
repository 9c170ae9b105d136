"""Pages of job placement (职业介绍): vacancies, a person's matches, a vacancy's candidates, referrals, job fairs,
agencies. Thin: parse, call a selector or a service, render. Employer users (the employer hall) open their own
employer's vacancies; everything else is back office (``staff_view``)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laobao.core import audit
from laobao.core.errors import DomainError, NotFound
from laobao.core.models import Role
from laobao.core.scoping import can
from laobao.core.views import add_problems, guarded_view, page, require, staff_view
from laobao.policy.rules.checks import yuan
from laobao.registry import selectors as registry
from laobao.registry.views import mask_id

from . import referrals, selectors, services
from .forms import (AgencyForm, CloseForm, FairForm, FairJoinForm, OutcomeForm, PlacementForm, ReferForm,
                    VacancyForm)

PAGE = 50
hall_view = guarded_view(lambda user: user.role != Role.CITIZEN)


def _q(request, name: str = "q", limit: int = 40) -> str:
    return "".join(ch for ch in (request.GET.get(name) or "") if ch.isprintable()).strip()[:limit]


def _person_path(person) -> str:
    return person.residence_region.path if person.residence_region_id else ""


# --- vacancies ---------------------------------------------------------------------------------------

@staff_view
@require_GET
def vacancy_list(request):
    q, occupation, region = _q(request), _q(request, "occupation", 12), _q(request, "region", 12)
    rows = Paginator(selectors.vacancy_search(q=q, occupation=occupation, region_code=region), PAGE)
    page_obj = rows.get_page(request.GET.get("page"))
    return page(request, "employment/matching/vacancies.html",
                {"page_obj": page_obj, "q": q, "occupation": occupation, "region": region})


def _employer_page(request, employer, *, form=None, status=200):
    user = request.user
    may_post = can(user, "vacancy.post")
    vacancies = list(selectors.employer_vacancies(user, employer)[:200])
    today = timezone.localdate()
    initial = {"posted_on": today, "expires_on": today + timedelta(days=90)}
    return page(request, "employment/matching/employer_vacancies.html", {
        "employer": employer, "vacancies": vacancies, "may_post": may_post, "today": today,
        "form": form or (VacancyForm(initial=initial) if may_post else None),
        "employer_user": user.role == Role.EMPLOYER_USER}, status=status)


@hall_view
@require_GET
def employer_vacancies(request, pk: int):
    return _employer_page(request, registry.employer_get(request.user, pk))


@hall_view
@require_POST
def employer_vacancy_new(request, pk: int):
    employer = registry.employer_get(request.user, pk)
    require(can(request.user, "vacancy.post"))
    form = VacancyForm(request.POST)
    if form.is_valid():
        region = selectors.region_by_code(form.cleaned_data["region"]) if form.cleaned_data["region"] else None
        if form.cleaned_data["region"] and region is None:
            form.add_error("region", _("找不到该区划代码：请填写本市有效的区划代码"))
        else:
            try:
                vacancy = services.vacancy_post(user=request.user, employer=employer, region=region,
                                                **form.service_kwargs())
                messages.success(request, _("已发布岗位"))
                return redirect("employment:vacancy_detail", pk=vacancy.pk)
            except DomainError as exc:
                add_problems(form, exc)
    return _employer_page(request, employer, form=form, status=400)


def _edit_initial(v) -> dict:
    return {"title": v.title, "occupation": v.occupation_id, "skill_level": v.skill_level or "",
            "wage_min": yuan(v.wage_min_fen), "wage_max": yuan(v.wage_max_fen), "count": v.count,
            "region": v.region.code, "posted_on": v.posted_on, "expires_on": v.expires_on, "description": v.description}


def _vacancy_page(request, vacancy, *, close_form=None, edit_form=None, status=200):
    user = request.user
    rows = [{"r": r, "masked_id": mask_id(r.person.citizen_id)}
            for r in selectors.referrals_of_vacancy(user, vacancy)[:200]]
    may_edit = can(user, "vacancy.post")
    return page(request, "employment/matching/vacancy.html", {
        "v": vacancy, "referrals": rows, "may_edit": may_edit,
        "edit_form": edit_form or (VacancyForm(initial=_edit_initial(vacancy)) if may_edit else None),
        "staff": user.role not in (Role.EMPLOYER_USER, Role.CITIZEN), "close_form": close_form or CloseForm(),
        "outcome_form": OutcomeForm(initial={"outcome_on": timezone.localdate()})}, status=status)


@hall_view
@require_GET
def vacancy_detail(request, pk: int):
    return _vacancy_page(request, selectors.vacancy_get(request.user, pk))


@hall_view
@require_POST
def vacancy_close(request, pk: int):
    vacancy = selectors.vacancy_get(request.user, pk)
    require(can(request.user, "vacancy.post"))
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.vacancy_close(user=request.user, vacancy=vacancy, status=form.cleaned_data["status"])
            messages.success(request, _("已更新岗位状态"))
            return redirect("employment:vacancy_detail", pk=vacancy.pk)
        except DomainError as exc:
            add_problems(form, exc)
    return _vacancy_page(request, vacancy, close_form=form, status=400)


@hall_view
@require_POST
def vacancy_edit(request, pk: int):
    """Change a vacancy (its employer's user, or staff for an employer in their jurisdiction)."""
    vacancy = selectors.vacancy_get(request.user, pk)
    require(can(request.user, "vacancy.post"))
    form = VacancyForm(request.POST)
    if form.is_valid():
        d = form.service_kwargs()
        region = selectors.region_by_code(form.cleaned_data["region"]) if form.cleaned_data["region"] else vacancy.region
        if region is None:
            form.add_error("region", _("找不到该区划代码：请填写本市有效的区划代码"))
        else:
            try:
                services.vacancy_update(user=request.user, vacancy=vacancy, occupation_code=d["occupation_code"],
                                        title=d["title"], skill_level=d["skill_level"], wage_min_fen=d["wage_min_fen"],
                                        wage_max_fen=d["wage_max_fen"], count=d["count"], expires_on=d["expires_on"],
                                        description=d["description"], region=region)
                messages.success(request, _("已修改岗位"))
                return redirect("employment:vacancy_detail", pk=vacancy.pk)
            except DomainError as exc:
                add_problems(form, exc)
        vacancy = selectors.vacancy_get(request.user, pk)  # show the stored values, not the rejected ones
    return _vacancy_page(request, vacancy, edit_form=form, status=400)


@staff_view
@require_GET
def vacancy_candidates(request, pk: int):
    vacancy = selectors.vacancy_get(request.user, pk)
    candidates = selectors.candidates_for(request.user, vacancy)
    rows = [{"c": c, "masked_id": mask_id(c.person.citizen_id)} for c in candidates]
    return page(request, "employment/matching/candidates.html", {
        "v": vacancy, "rows": rows, "may_refer": can(request.user, "employment.write")})


# --- a person's matches and referrals ------------------------------------------------------------------

def _matches_page(request, person, *, refer_form=None, status=200):
    seeker, matches = selectors.matches_for(request.user, person)
    refs = list(selectors.referrals_of_person(request.user, person)[:100])
    return page(request, "employment/matching/person_matches.html", {
        "person": person, "masked_id": mask_id(person.citizen_id), "seeker": seeker, "matches": matches,
        "referred": {r.vacancy_id for r in refs}, "referrals": refs, "top": selectors.TOP,
        "may_refer": can(request.user, "employment.write"), "refer_form": refer_form,
        "outcome_form": OutcomeForm(initial={"outcome_on": timezone.localdate()})}, status=status)


@staff_view
@require_GET
def person_matches(request, pk: int):
    person = registry.person_get(request.user, pk)
    audit.record("matching.view", object_type="person", object_id=person.pk, region_path=_person_path(person))
    return _matches_page(request, person)


@staff_view
@require_POST
def person_refer(request, pk: int):
    person = registry.person_get(request.user, pk)
    require(can(request.user, "employment.write"))
    form = ReferForm(request.POST)
    if form.is_valid():
        try:
            vacancy = selectors.vacancy_get(request.user, form.cleaned_data["vacancy"])
        except NotFound:
            form.add_error(None, _("找不到该岗位"))
        else:
            try:
                score = selectors.score_of(person, vacancy)
                referrals.referral_create(user=request.user, person=person, vacancy=vacancy, score=score,
                                          note=form.cleaned_data["note"])
                messages.success(request, _("已推荐"))
                return redirect("employment:person_matches", pk=person.pk)
            except DomainError as exc:
                add_problems(form, exc)
    for error in form.errors.get("__all__", []) + form.errors.get("vacancy", []):
        messages.error(request, error)
    return _matches_page(request, person, refer_form=form, status=400)


@hall_view
@require_POST
def referral_outcome(request, pk: int):
    referral = selectors.referral_get(request.user, pk)
    require(request.user.role == Role.EMPLOYER_USER or can(request.user, "employment.write"))
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择结果并填写日期"))
    else:
        try:
            referrals.referral_outcome(user=request.user, referral=referral, **form.cleaned_data)
            messages.success(request, _("已登记推荐结果"))
        except DomainError as exc:
            messages.error(request, exc.text(request.LANGUAGE_CODE))
    return redirect("employment:vacancy_detail", pk=referral.vacancy_id)


# --- job fairs and agencies -------------------------------------------------------------------------

@staff_view
@require_GET
def fair_list(request):
    return page(request, "employment/matching/fairs.html", {
        "fairs": list(selectors.fairs(request.user)[:200]), "form": FairForm(),
        "may_write": can(request.user, "employment.write")})


@staff_view
@require_POST
def fair_new(request):
    require(can(request.user, "employment.write"))
    form = FairForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        region = selectors.region_by_code(d["region"])
        try:
            if region is None:
                raise DomainError.of("region", "fair.region", "找不到该区划代码", "Unknown region code")
            fair = services.fair_create(user=request.user, name=d["name"], held_on=d["held_on"], place=d["place"],
                                        region=region)
            return redirect("employment:fair_detail", pk=fair.pk)
        except DomainError as exc:
            add_problems(form, exc)
    return page(request, "employment/matching/fairs.html", {
        "fairs": list(selectors.fairs(request.user)[:200]), "form": form, "may_write": True}, status=400)


def _fair_page(request, fair, *, form=None, status=200):
    return page(request, "employment/matching/fair.html", {
        "fair": fair, "participants": list(selectors.fair_employers(request.user, fair)),
        "vacancies": list(selectors.fair_vacancies(request.user, fair)[:500]), "form": form or FairJoinForm(),
        "may_write": can(request.user, "employment.write")}, status=status)


@staff_view
@require_GET
def fair_detail(request, pk: int):
    return _fair_page(request, selectors.fair_get(request.user, pk))


@staff_view
@require_POST
def fair_join(request, pk: int):
    fair = selectors.fair_get(request.user, pk)
    require(can(request.user, "employment.write"))
    form = FairJoinForm(request.POST)
    if form.is_valid():
        employer = selectors.employer_by_code(request.user, form.cleaned_data["employer"])
        if employer is None:
            form.add_error("employer", _("找不到该单位：请填写您辖区内单位的统一社会信用代码或单位编号"))
        else:
            try:
                services.fair_join(user=request.user, fair=fair, employer=employer, booth=form.cleaned_data["booth"])
                return redirect("employment:fair_detail", pk=fair.pk)
            except DomainError as exc:
                add_problems(form, exc)
    return _fair_page(request, fair, form=form, status=400)


@staff_view
@require_http_methods(["GET", "POST"])
def agency_list(request):
    form = AgencyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require(can(request.user, "employment.approve"))
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            region = selectors.region_by_code(d["region"])
            try:
                if region is None:
                    raise DomainError.of("region", "agency.region", "找不到该区划代码", "Unknown region code")
                services.agency_register(user=request.user, name=d["name"], kind=d["kind"],
                                         licence_no=d["licence_no"], region=region, licensed_on=d["licensed_on"])
                messages.success(request, _("已登记职业介绍机构"))
                return redirect("employment:agencies")
            except DomainError as exc:
                add_problems(form, exc)
    rows = [{"a": a, "placements": list(selectors.placements(request.user, a, 6))}
            for a in selectors.agencies(request.user)[:200]]
    return page(request, "employment/matching/agencies.html", {
        "rows": rows, "form": form, "may_register": can(request.user, "employment.approve"),
        "may_write": can(request.user, "employment.write"), "placement_form": PlacementForm()}, status=status)


@staff_view
@require_POST
def agency_placements(request, pk: int):
    agency = selectors.agency_get(request.user, pk)
    require(can(request.user, "employment.write"))
    form = PlacementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写月份和人数"))
    else:
        try:
            services.placements_record(user=request.user, agency=agency, **form.cleaned_data)
            messages.success(request, _("已登记介绍就业人数"))
        except DomainError as exc:
            messages.error(request, exc.text(request.LANGUAGE_CODE))
    return redirect("employment:agencies")
