"""The employer hall (单位网厅) and the same forms at the counter.

An employer user (单位经办人, bound to its employer by a registry ``PortalLink``) opens ``/hall/`` and lands
on its own employer's hall; a caseworker opens ``/hall/<employer>/`` for an employer in their jurisdiction
(linked from the employer's page). The page: report a hire (增员) or a leaver (减员), the year's base
declaration (缴费基数申报) with the preview of the bill it produces, the Excel templates and their upload.
Reads go through selectors (``employer_get`` 404s a foreign employer); writes through the services
(``hall_actor`` decides who may act for the employer). Error reports are the registry's ``ReportStore``.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laobao.core import audit
from laobao.core.errors import DomainError, NotFound
from laobao.core.models import Role
from laobao.core.scoping import can
from laobao.core.views import add_problems, guarded_view, page, require
from laobao.policy.rules.contribution.exact import yuan
from laobao.registry import selectors as registry
from laobao.registry.views import mask_id
from laobao.registry.views_files import MIME, ReportStore

from . import declarations, services
from .bases import contribution_year
from .forms import DeclareForm, HireForm, LeaveForm, UploadForm
from .hall import imports, templates
from .models import Insurance

SHOWN_ERRORS = 50


#: Employer users (their own employer) and back-office staff with a region; citizens never.
hall_view = guarded_view(lambda user: user.role != Role.CITIZEN)


def _may_write(user) -> bool:
    return user.role == Role.EMPLOYER_USER or can(user, "registry.write")


def _employer(request, pk: int, *, write: bool = False):
    employer = registry.employer_get(request.user, pk)
    if write:
        require(_may_write(request.user))
    return employer


def _this_year() -> int:
    return contribution_year(timezone.localdate().replace(day=1))


def _hall_page(request, employer, *, hire_form=None, leave_form=None, upload_form=None, result=None, token=None,
               status=200):
    staff = registry.employees(request.user, employer).order_by("-start_date", "-id")
    employees = [{"relation": r.pk, "name": r.person.name, "masked_id": mask_id(r.person.citizen_id),
                  "start_date": r.start_date} for r in staff[:500]]
    context = {"employer": employer, "employees": employees, "may_write": _may_write(request.user),
               "hire_form": hire_form or HireForm(), "leave_form": leave_form or LeaveForm(),
               "upload_form": upload_form or UploadForm(), "year": _this_year(), "result": result, "token": token,
               "problems": _problems(result), "employer_user": request.user.role == Role.EMPLOYER_USER}
    return page(request, "insurance/hall/hall.html", context, status=status)


def _problems(result) -> list[dict]:
    if result is None:
        return []
    lang = get_language() or "zh-hans"
    return [{"row": e.row, "column": result.labels.get(p.field, p.field), "message": p.text(lang)}
            for e in result.errors[:SHOWN_ERRORS] for p in e.problems]


# --- pages ------------------------------------------------------------------------------------

@hall_view
@require_GET
def hall_home(request):
    """An employer user's own hall; staff go to the employer search (the hall is on each employer's page)."""
    if request.user.role != Role.EMPLOYER_USER:
        return redirect("employer_search")
    employer = registry.employers_visible(request.user).first()
    if employer is None:
        raise NotFound
    return redirect("insurance:hall_employer", pk=employer.pk)


@hall_view
@require_GET
def hall_employer(request, pk: int):
    return _hall_page(request, _employer(request, pk))


@hall_view
@require_POST
def hall_hire(request, pk: int):
    employer = _employer(request, pk, write=True)
    form = HireForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            person = imports.person_by_id(d["citizen_id"], d["name"])
            services.hire(user=request.user, person=person, employer=employer, start_date=d["start_date"],
                          contract_kind=d["contract_kind"], contract_end=d["contract_end"], position=d["position"],
                          wage_fen=d["wage"], insurances=d["insurances"])
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("已办理增员：已登记劳动关系并参保"))
            return redirect("insurance:hall_employer", pk=employer.pk)
    return _hall_page(request, employer, hire_form=form, status=400)


@hall_view
@require_POST
def hall_leave(request, pk: int):
    employer = _employer(request, pk, write=True)
    form = LeaveForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        relation = registry.employees(request.user, employer).filter(pk=d["relation"]).first()
        if relation is None:
            raise NotFound
        try:
            services.leave(user=request.user, relation=relation, end_date=d["end_date"], reason=d["reason"])
        except DomainError as exc:
            add_problems(form, exc)
        else:
            messages.success(request, _("已办理减员：已终止劳动关系并停保"))
            return redirect("insurance:hall_employer", pk=employer.pk)
    return _hall_page(request, employer, leave_form=form, status=400)


def _year(request) -> int:
    text = request.GET.get("year") or ""
    return int(text) if text.isdigit() and 1990 <= int(text) <= 2100 else _this_year()


@hall_view
@require_http_methods(["GET", "POST"])
def hall_declare(request, pk: int):
    """The year's declarations with the preview of what they bill; POST declares (or corrects) one person."""
    employer = _employer(request, pk, write=request.method == "POST")
    year = _year(request)
    form = DeclareForm(request.POST or None)
    if request.method == "POST":
        relation = None
        if form.is_valid():
            relation = (registry.employees(request.user, employer, current_only=False)
                        .filter(person_id=form.cleaned_data["person"]).first())
            if relation is None:
                raise NotFound
            try:
                _row, status = declarations.declare(user=request.user, person=relation.person, employer=employer,
                                                 year=year, wage_fen=form.cleaned_data["wage"])
            except DomainError as exc:
                add_problems(form, exc)
            else:
                messages.success(request, {declarations.CREATED: _("已申报"), declarations.UPDATED: _("已更正申报"),
                                           declarations.UNCHANGED: _("申报未变")}[status])
                return redirect(f"{request.path}?year={year}")
    try:
        preview, missing = declarations.preview(request.user, employer, year), None
    except DomainError as exc:
        preview, missing = None, exc.text(get_language() or "zh-hans")
    context = {"employer": employer, "year": year, "preview": preview, "missing": missing, "form": form,
               "rows": _preview_rows(preview), "limits": _limits(preview), "insurances": _insurance_labels(preview),
               "may_write": _may_write(request.user)}
    return page(request, "insurance/hall/declare.html", context, status=400 if form.errors else 200)


def _insurance_labels(preview) -> list[str]:
    return [str(Insurance(i).label) for i in preview.insurances] if preview else []


def _preview_rows(preview) -> list[dict]:
    if preview is None:
        return []
    out = []
    for row in preview.rows:
        lines = {line.insurance: line for line in row.lines}
        out.append({"person": row.person.pk, "name": row.person.name, "masked_id": mask_id(row.person.citizen_id),
                    "declared": None if row.declared_fen is None else yuan(row.declared_fen), "kind": row.kind,
                    "lines": [yuan(lines[i].base_fen) if i in lines else None for i in preview.insurances],
                    "flags": row.flags, "insured": bool(row.lines),
                    "employer": yuan(row.employer_fen), "employee": yuan(row.employee_fen)})
    return out


def _limits(preview) -> list[dict]:
    if preview is None:
        return []
    return [{"label": str(Insurance(i).label), "floor": yuan(f), "cap": yuan(c)} for i, (f, c) in preview.limits.items()]


@hall_view
@require_GET
def hall_template(request, pk: int, kind: str):
    employer = _employer(request, pk)
    template = templates.TEMPLATES.get(kind)
    if template is None:
        raise NotFound
    data = templates.build(template, credit_code=employer.credit_code or "")
    response = HttpResponse(data, content_type=MIME["xlsx"])
    response["Content-Disposition"] = content_disposition_header(
        True, f"{template.name}-{template.version}.xlsx")
    return response


@hall_view
@require_POST
def hall_upload(request, pk: int):
    employer = _employer(request, pk, write=True)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _hall_page(request, employer, upload_form=form, status=400)
    store = ReportStore()
    store.purge()
    folder = store.new()
    upload = form.cleaned_data["file"]
    report = folder / ("errors.xlsx" if upload.name.lower().endswith(".xlsx") else "errors.csv")
    template = templates.TEMPLATES[form.cleaned_data["kind"]]
    try:
        result = imports.import_file(upload, template, user=request.user, employer=employer, report_path=report)
    except DomainError as exc:
        store.discard(folder)
        add_problems(form, exc)
        return _hall_page(request, employer, upload_form=form, status=400)
    except BaseException:
        store.discard(folder)
        raise
    token = None
    if result.report_path:
        store.seal(folder, Path(result.report_path), {
            "owner": request.user.pk, "kind": "errors", "upload": result.filename, "sha256": result.sha256,
            "rows": result.rows, "region_path": employer.region.path if employer.region_id else "",
            "download": f"{Path(result.filename).stem}.errors{Path(result.report_path).suffix}"})
        token = folder.name
    else:
        store.discard(folder)
    return _hall_page(request, employer, result=result, token=token, status=400 if result.errors else 200)


@hall_view
@require_GET
def hall_report(request):
    """The upload's error report, once, to its uploader only (the registry's store; audited)."""
    handle, meta = ReportStore().claim(request.GET.get("t", ""), request.user)
    try:
        audit.record("insurance.import_report_download", object_type="file", object_id=str(meta.get("sha256", "")),
                     region_path=str(meta.get("region_path", "")), after={"file": meta.get("upload")})
    except BaseException:
        handle.close()
        raise
    return FileResponse(handle, as_attachment=True, filename=str(meta.get("download") or "errors.csv"))
