"""Pages of employment services (under /employment/): the person's employment page with the caseworker's forms,
a support application with approve / reject, and the community office's queues (the first "six services"
dashboard). Thin: reads through ``selectors``, writes through ``services``/``certificates``/``assistance``
(which check the jurisdiction and the action again, and audit)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laobao.core.errors import DomainError
from laobao.core.scoping import can, can_read
from laobao.core.views import add_problems, page, require, staff_view

from . import assistance, certificates, forms, selectors, services
from . import office as office_queues

WRITE, APPROVE = "employment.write", "employment.approve"
FORMS = {"seeker_form": forms.SeekerForm, "register_form": forms.RegisterForm, "contact_form": forms.ContactForm,
         "deregister_form": forms.DeregisterForm, "issue_form": forms.IssueForm, "renew_form": forms.RenewForm,
         "cancel_form": forms.CancelForm, "application_form": forms.ApplicationForm, "flag_form": forms.FlagForm,
         "assistance_form": forms.AssistanceForm}


def _masked(citizen_id: str) -> str:
    return citizen_id[:4] + "*" * 10 + citizen_id[-4:]


def _person(request, pk):
    require(can_read(request.user, "person"))
    return selectors.person_get(request.user, pk)


def _seeker_initial(seeker) -> dict:
    if seeker is None:
        return {}
    return {"education": seeker.education, "skills": seeker.skills, "skill_level": seeker.skill_level,
            "wanted_occupation_code": seeker.wanted_occupation_code, "wanted_occupation": seeker.wanted_occupation,
            "wanted_region_code": seeker.wanted_region.code if seeker.wanted_region_id else "",
            "wanted_wage_min": _yuan(seeker.wanted_wage_min_fen), "wanted_wage_max": _yuan(seeker.wanted_wage_max_fen),
            "able_to_work": "yes" if seeker.able_to_work else "no",
            "willing_to_work": "yes" if seeker.willing_to_work else "no",
            "original_retirement_age": seeker.original_retirement_age}


def _yuan(value):
    return None if value is None else f"{value // 100}.{value % 100:02d}"


def _page(request, person, bound: dict | None = None, status: int = 200):
    today = timezone.localdate()
    data = selectors.person_view(request.user, person, today)
    writer = can(request.user, WRITE)
    story = selectors.person_story(request.user, person, ("referrals", "trainings", "qualifications"))
    ctx = {**data, "masked_id": _masked(person.citizen_id), "writer": writer, "today": today, "story": story}
    if writer:
        for name, cls in FORMS.items():
            ctx[name] = cls(initial=_seeker_initial(data["seeker"])) if name == "seeker_form" else cls()
        ctx.update(bound or {})
    return page(request, "employment/person.html", ctx, status=status)


@staff_view
def person_employment(request, pk: int):
    return _page(request, _person(request, pk))


def _post(request, pk: int, name: str, do, done: str):
    """One counter write: validate the form, call ``do(person, data)``, show problems on the form (400)."""
    person = _person(request, pk)
    require(can(request.user, WRITE))
    form = FORMS[name](request.POST) if name in FORMS else None
    if form is not None and not form.is_valid():
        return _page(request, person, {name: form}, status=400)
    try:
        do(person, form.cleaned_data if form is not None else {})
    except DomainError as exc:
        if form is None:
            messages.error(request, exc.text())
            return _page(request, person, status=400)
        add_problems(form, exc)
        return _page(request, person, {name: form}, status=400)
    messages.success(request, done)
    return redirect("employment:person", pk=person.pk)


def _open_registration(request, person):
    reg = selectors.person_view(request.user, person, timezone.localdate())["open_registration"]
    if reg is None:
        raise DomainError.of("registration", "unemployment.not_registered", "此人没有有效的失业登记",
                             "this person has no open unemployment registration")
    return reg


def _valid_certificate(request, person):
    cert = selectors.person_view(request.user, person, timezone.localdate())["valid_certificate"]
    if cert is None:
        raise DomainError.of("certificate", "certificate.none", "此人没有有效的再就业优惠证",
                             "this person holds no valid re-employment certificate")
    return cert


@staff_view
@require_POST
def seeker_save(request, pk: int):
    def do(person, d):
        region = selectors.region_for_code(d["wanted_region_code"]) if d["wanted_region_code"] else None
        services.save_job_seeker(
            user=request.user, person=person, education=d["education"], skills=d["skills"],
            skill_level=d["skill_level"], wanted_occupation_code=d["wanted_occupation_code"],
            wanted_occupation=d["wanted_occupation"], wanted_region=region,
            wanted_wage_min_fen=forms.fen(d["wanted_wage_min"]), wanted_wage_max_fen=forms.fen(d["wanted_wage_max"]),
            able_to_work=d["able_to_work"], willing_to_work=d["willing_to_work"],
            original_retirement_age=d["original_retirement_age"])
    return _post(request, pk, "seeker_form", do, _("已保存求职登记"))


@staff_view
@require_POST
def register(request, pk: int):
    return _post(request, pk, "register_form", lambda person, d: services.register(
        user=request.user, person=person, **d), _("已办理失业登记"))


@staff_view
@require_POST
def contact(request, pk: int):
    return _post(request, pk, "contact_form", lambda person, d: services.record_contact(
        user=request.user, registration=_open_registration(request, person), **d), _("已记录联系"))


@staff_view
@require_POST
def deregister(request, pk: int):
    return _post(request, pk, "deregister_form", lambda person, d: services.deregister(
        user=request.user, registration=_open_registration(request, person), **d), _("已注销失业登记"))


@staff_view
@require_POST
def certificate_issue(request, pk: int):
    return _post(request, pk, "issue_form", lambda person, d: certificates.issue(
        user=request.user, person=person, issued_on=d["issued_on"]), _("已发放再就业优惠证"))


@staff_view
@require_POST
def certificate_renew(request, pk: int):
    return _post(request, pk, "renew_form", lambda person, d: certificates.renew(
        user=request.user, certificate=_valid_certificate(request, person)), _("已年审续期"))


@staff_view
@require_POST
def certificate_cancel(request, pk: int):
    return _post(request, pk, "cancel_form", lambda person, d: certificates.cancel(
        user=request.user, certificate=_valid_certificate(request, person), reason=d["reason"]), _("已注销优惠证"))


@staff_view
@require_POST
def application_new(request, pk: int):
    def do(person, d):
        employer = selectors.employer_for_code(request.user, d["employer_code"]) if d["employer_code"] else None
        certificates.receive(user=request.user, certificate=_valid_certificate(request, person), kind=d["kind"],
                             employer=employer, from_month=d["from_month"], to_month=d["to_month"],
                             amount_fen=forms.fen(d["amount"]) or 0, business_name=d["business_name"])
    return _post(request, pk, "application_form", do, _("已受理扶持申请"))


@staff_view
@require_POST
def flag_add(request, pk: int):
    return _post(request, pk, "flag_form", lambda person, d: assistance.flag_add(
        user=request.user, person=person, **d), _("已登记困难类别"))


def _of_person(row, person, field: str, code: str, zh: str, en: str):
    """``row`` (a flag, an assistance action) if it is ``person``'s; a form naming another person's row is refused."""
    if row.person_id != person.pk:
        raise DomainError.of(field, code, zh, en)
    return row


@staff_view
@require_POST
def flag_end(request, pk: int):
    form = forms.FlagEndForm(request.POST)

    def do(person, d):
        if not form.is_valid():
            raise DomainError.of("flag", "hardship.flag", "未指定标记", "no flag given")
        flag = _of_person(selectors.flag_get(request.user, form.cleaned_data["flag"]), person, "flag",
                          "hardship.flag", "标记不属于此人", "the flag belongs to someone else")
        assistance.flag_end(user=request.user, flag=flag)
    return _post(request, pk, "flag_end", do, _("已结束困难标记"))


@staff_view
@require_POST
def assistance_add(request, pk: int):
    return _post(request, pk, "assistance_form", lambda person, d: assistance.action_add(
        user=request.user, person=person, **d), _("已记录援助"))


@staff_view
@require_POST
def assistance_outcome(request, pk: int):
    form = forms.OutcomeForm(request.POST)

    def do(person, d):
        if not form.is_valid():
            raise DomainError.of("outcome", "assistance.outcome", "请选择结果和日期", "choose an outcome and a date")
        act = _of_person(selectors.action_get(request.user, form.cleaned_data["action"]), person, "action",
                         "assistance.action", "援助记录不属于此人", "the action belongs to someone else")
        assistance.action_outcome(user=request.user, action=act, outcome=form.cleaned_data["outcome"],
                                  outcome_on=form.cleaned_data["outcome_on"])
    return _post(request, pk, "assistance_outcome", do, _("已记录援助结果"))


# --- support applications and the office queues ---------------------------------------------------------------

def _application_page(request, app, reject_form=None, status=200):
    return page(request, "employment/application.html", {
        "app": app, "masked_id": _masked(app.person.citizen_id), "approver": can(request.user, APPROVE),
        "reject_form": reject_form or forms.RejectForm()}, status=status)


@staff_view
def application_detail(request, number: str):
    require(can_read(request.user, "person"))
    return _application_page(request, selectors.application_get(request.user, number))


@staff_view
@require_POST
def application_approve(request, number: str):
    app = selectors.application_get(request.user, number)
    require(can(request.user, APPROVE))
    try:
        certificates.approve(user=request.user, application=app)
    except DomainError as exc:
        messages.error(request, exc.text())
        return _application_page(request, app, status=400)
    messages.success(request, _("已核准"))
    return redirect("employment:application", number=number)


@staff_view
@require_POST
def application_reject(request, number: str):
    app = selectors.application_get(request.user, number)
    require(can(request.user, APPROVE))
    form = forms.RejectForm(request.POST)
    if not form.is_valid():
        return _application_page(request, app, form, status=400)
    try:
        certificates.reject(user=request.user, application=app, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        add_problems(form, exc)
        return _application_page(request, app, form, status=400)
    messages.success(request, _("已不予核准"))
    return redirect("employment:application", number=number)


@staff_view
def office(request):
    """社区六项服务: each service's queues (count, first rows, link to the work), scoped to the user's jurisdiction."""
    require(can_read(request.user, "person"))
    today = timezone.localdate()
    return page(request, "employment/office.html", {**office_queues.totals(request.user, today), "today": today,
                                                    "services": office_queues.services(request.user, today),
                                                    "writer": can(request.user, WRITE)})
