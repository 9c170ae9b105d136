"""Counter pages of work injury (工伤): a person's cases with the report form, the case page (report, deadline,
decision, assessment or death, amounts with formulas, the benefits created), the decision queue. Thin: reads
through ``injury.selectors`` (foreign records 404), writes through ``injury.services`` / ``injury.awards``
(which check the jurisdiction and the action again, and audit)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laobao.core.errors import DomainError
from laobao.core.scoping import can, can_read
from laobao.core.views import add_problems, page, require, staff_view
from laobao.policy.rules.checks import yuan
from laobao.registry import selectors as registry_selectors

from ..views import _checks, _masked
from . import awards, selectors, services
from .forms import AssessForm, DecideForm, DeathForm, RejectForm, ReportForm


def _en() -> bool:
    return (get_language() or "").startswith("en")


def _person(request, pk):
    require(can_read(request.user, "person"))
    return registry_selectors.person_get(request.user, pk)


def _person_page(request, person, *, form=None, status=200):
    writer = can(request.user, "benefit.write")
    return page(request, "benefits/injury_person.html", {
        "person": person, "masked_id": _masked(person.citizen_id), "writer": writer,
        "cases": selectors.person_cases(request.user, person),
        "form": form or (ReportForm(employers=selectors.person_employers(person)) if writer else None)}, status=status)


@staff_view
def person_injury(request, pk: int):
    return _person_page(request, _person(request, pk))


@staff_view
@require_POST
def injury_report(request, pk: int):
    person = _person(request, pk)
    require(can(request.user, "benefit.write"))
    employers = selectors.person_employers(person)
    form = ReportForm(request.POST, employers=employers)
    if not form.is_valid():
        return _person_page(request, person, form=form, status=400)
    d = form.cleaned_data
    data = services.ReportInput(accident_date=d["accident_date"], place=d["place"], description=d["description"],
                                applicant_kind=d["applicant_kind"], simple_facts=d["simple_facts"],
                                received_on=d["received_on"])
    try:
        case = services.report(user=request.user, person=person, employer=employers.get(pk=d["employer"]), data=data)
    except DomainError as exc:
        add_problems(form, exc)
        return _person_page(request, person, form=form, status=400)
    messages.success(request, _("已受理工伤认定申请 %(no)s") % {"no": case.case_no})
    return redirect("benefits:injury_case", case_no=case.case_no)


def _award_row(request, a) -> dict:
    calc, en = a.calculation or {}, _en()
    r = calc.get("result", {})
    return {"award": a, "one_time": yuan(a.one_time_fen), "monthly": yuan(a.monthly_fen),
            "wage": yuan(a.wage_fen), "average": yuan(a.average_wage_fen), "result": r,
            "funeral": yuan(r.get("funeral_fen", 0)), "grant": yuan(r.get("grant_fen", 0)),
            "pensions": [{"d": d, "fen": yuan(f)} for d, f in zip(a.dependants, r.get("pensions_fen", []))],
            "formula": calc.get("formula", ""), "reference": calc.get("reference", ""),
            "params": calc.get("params", []),
            "rejection": a.rejection_en if en and a.rejection_en else a.rejection_zh,
            "decidable": a.status == "checked" and can(request.user, "benefit.approve")
            and a.maker_id != request.user.pk}


def _case_page(request, case, *, assess_form=None, death_form=None, decide_form=None, status=200):
    user, en = request.user, _en()
    received, recognised = case.status == "received", case.status == "recognised"
    writer = recognised and case.insured and can(user, "benefit.write")
    rows = [_award_row(request, a) for a in selectors.case_awards(case)]
    return page(request, "benefits/injury_case.html", {
        "case": case, "person": case.person, "masked_id": _masked(case.person.citizen_id),
        "checks": _checks(case.checks), "overdue": selectors.overdue(case),
        "reason": case.reason_en if en and case.reason_en else case.reason_zh,
        "awards": rows,
        "benefits": selectors.award_benefits(case),
        "death_missing": any(r["award"].kind == "death" for r in rows) and not selectors.death_recorded(case.person),
        "decide_form": (decide_form or DecideForm()) if received and can(user, "benefit.approve")
        and case.maker_id != user.pk else None,
        "assess_form": (assess_form or AssessForm()) if writer else None,
        "death_form": (death_form or DeathForm()) if writer else None,
        "reject_form": RejectForm()}, status=status)


@staff_view
def injury_case(request, case_no: str):
    return _case_page(request, selectors.case_get(request.user, case_no))


def _write(request, case, form, key: str, action, done: str):
    if not form.is_valid():
        return _case_page(request, case, status=400, **{key: form})
    try:
        action(form.cleaned_data)
    except DomainError as exc:
        add_problems(form, exc)
        return _case_page(request, selectors.case_get(request.user, case.case_no), status=400, **{key: form})
    messages.success(request, done)
    return redirect("benefits:injury_case", case_no=case.case_no)


@staff_view
@require_POST
def injury_decide(request, case_no: str):
    case = selectors.case_get(request.user, case_no)
    require(can(request.user, "benefit.approve"))
    return _write(request, case, DecideForm(request.POST), "decide_form",
                  lambda d: services.decide(user=request.user, case=case, ground=d["ground"], reason_zh=d["reason"]),
                  _("已作出认定 %(no)s") % {"no": case_no})


@staff_view
@require_POST
def injury_assess(request, case_no: str):
    case = selectors.case_get(request.user, case_no)
    require(can(request.user, "benefit.write"))
    return _write(request, case, AssessForm(request.POST), "assess_form", lambda d: awards.assess(
        user=request.user, case=case, data=awards.AssessInput(grade=d["grade"], assessed_on=d["assessed_on"],
                                                              wage_fen=d["wage"], average_wage_fen=d["average_wage"],
                                                              work_arranged=d["work_arranged"], note=d["note"])),
                  _("已录入劳动能力鉴定结论，待复核"))


def _death(request, case, d):
    found = selectors.dependants_by_id(request.user, [row[0] for row in d["dependants"]])
    missing = [row[0][-4:] for row in d["dependants"] if row[0] not in found]
    if missing:
        raise DomainError.of("dependants", "injury.dependant_unknown",
                             "供养亲属须先在人员登记中登记（尾号 " + "、".join(missing) + "）",
                             "register the dependants first (ID ending " + ", ".join(missing) + ")")
    deps = tuple((found[n], rel, lone) for n, rel, lone in d["dependants"])
    return awards.record_death(user=request.user, case=case, data=awards.DeathInput(
        died_on=d["died_on"], dependants=deps, wage_fen=d["wage"], average_wage_fen=d["average_wage"],
        national_income_fen=d["national_income"], heir_name=d["heir_name"]))


@staff_view
@require_POST
def injury_death(request, case_no: str):
    case = selectors.case_get(request.user, case_no)
    require(can(request.user, "benefit.write"))
    return _write(request, case, DeathForm(request.POST), "death_form", lambda d: _death(request, case, d),
                  _("已录入因工死亡，待复核"))


def _decide_award(request, award_no: str, action, done: str):
    award = selectors.award_get(request.user, award_no)
    require(can(request.user, "benefit.approve"))
    try:
        action(award)
    except DomainError as exc:
        messages.error(request, exc.text(get_language() or "zh-hans"))
        return _case_page(request, selectors.case_get(request.user, award.case.case_no), status=400)
    messages.success(request, done % {"no": award_no})
    return redirect("benefits:injury_case", case_no=award.case.case_no)


@staff_view
@require_POST
def injury_award_approve(request, award_no: str):
    return _decide_award(request, award_no, lambda a: awards.approve(user=request.user, award=a), _("%(no)s 已核准"))


@staff_view
@require_POST
def injury_award_reject(request, award_no: str):
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _decide_award(request, award_no, lambda a: awards.reject(user=request.user, award=a, reason_zh=reason),
                         _("%(no)s 已驳回"))


@staff_view
def injury_waiting(request):
    require(can_read(request.user, "person"))
    return page(request, "benefits/injury_waiting.html", {
        "cases": [{"case": c, "overdue": selectors.overdue(c)} for c in selectors.waiting(request.user)],
        "awards": selectors.awards_waiting(request.user)})
