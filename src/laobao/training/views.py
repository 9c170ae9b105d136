"""Back-office pages of training: institutions, courses, enrolment, attendance, results, certificates, studios.

Thin shells over :mod:`.selectors` (scoped, foreign records 404) and :mod:`.services` (validated, audited).
The public verification page and the citizen's self-service pages are in :mod:`.views_public`.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from laobao.core import audit
from laobao.core.errors import DomainError, NotFound
from laobao.core.scoping import can, can_read
from laobao.core.views import add_problems, page, require, staff_view
from laobao.registry import selectors as registry_selectors
from laobao.registry.views import mask_id

from . import selectors, services
from .documents import certificate_pdf
from .forms import (CourseForm, EnrolForm, ExternalCertificateForm, InstitutionForm, ResultForm, RevokeForm,
                    StudioForm)
from .models import CertificateStatus, CourseStatus, Level


def _writer(request) -> bool:
    return can(request.user, "training.write")


def _person_by_id(user, text: str):
    number = registry_selectors.normalize_citizen_id((text or "").strip())
    person = registry_selectors.person_by_citizen_id(user, number) if number else None
    if person is None:
        raise DomainError.of("citizen_id", "training.person", "找不到此身份证号的人员（或不在您的辖区）：请先登记人员",
                             "no person with this ID number in your jurisdiction: register the person first")
    return person


# --- institutions and courses ------------------------------------------------------------------------------

@staff_view
@require_http_methods(["GET", "POST"])
def institutions(request):
    require(can_read(request.user, "person"))
    form = InstitutionForm(request.POST or None) if _writer(request) else None
    if request.method == "POST":
        require(form is not None)
        if form.is_valid():
            try:
                inst = services.institution_create(user=request.user, **form.cleaned_data)
                return redirect("training:institution_detail", pk=inst.pk)
            except DomainError as exc:
                add_problems(form, exc)
    rows = selectors.institutions_visible(request.user).order_by("name")[:500]
    return page(request, "training/institutions.html", {"rows": rows, "form": form},
                status=400 if form is not None and form.errors else 200)


@staff_view
@require_http_methods(["GET", "POST"])
def institution_detail(request, pk: int):
    inst = selectors.institution_get(request.user, pk)
    form = CourseForm(request.POST or None) if _writer(request) else None
    if request.method == "POST":
        require(form is not None)
        if form.is_valid():
            try:
                course = services.course_create(user=request.user, institution=inst, **form.cleaned_data)
                return redirect("training:course_detail", pk=course.pk)
            except DomainError as exc:
                add_problems(form, exc)
    courses = selectors.courses_with_counts(request.user, institution=inst)
    paid = selectors.subsidy_totals(request.user, inst)
    return page(request, "training/institution_detail.html", {"inst": inst, "courses": courses, "form": form,
                                                              "paid": paid},
                status=400 if form is not None and form.errors else 200)


@staff_view
def courses(request):
    require(can_read(request.user, "person"))
    rows = selectors.courses_with_counts(request.user, open_only=request.GET.get("open") == "1")[:500]
    return page(request, "training/courses.html", {"rows": rows})


def _course_page(request, course, *, status=200, **forms):
    roster = selectors.course_roster(request.user, course)
    for e in roster:
        e.masked_id = mask_id(e.person.citizen_id)
    writer = _writer(request)
    return page(request, "training/course_detail.html", {
        "course": course, "roster": roster, "taken": sum(1 for e in roster if e.status != "withdrawn"),
        "writer": writer, "enrol_form": forms.get("enrol_form") or (EnrolForm() if writer else None),
        "result_form": forms.get("result_form") or ResultForm(), "result_for": forms.get("result_for"),
        "statuses": CourseStatus.choices,
    }, status=status)


@staff_view
def course_detail(request, pk: int):
    return _course_page(request, selectors.course_get(request.user, pk))


@staff_view
@require_POST
def course_enrol(request, pk: int):
    course = selectors.course_get(request.user, pk)
    require(_writer(request))
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            person = _person_by_id(request.user, form.cleaned_data["citizen_id"])
            services.enrol(user=request.user, person=person, course=course)
            messages.success(request, _("已报名"))
            return redirect("training:course_detail", pk=course.pk)
        except DomainError as exc:
            add_problems(form, exc)
    return _course_page(request, course, enrol_form=form, status=400)


@staff_view
@require_POST
def result_new(request, pk: int):
    enrolment = selectors.enrolment_get(request.user, pk)
    require(_writer(request))
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            services.result_record(user=request.user, enrolment=enrolment, **form.cleaned_data)
            messages.success(request, _("已录入考核成绩"))
            return redirect("training:course_detail", pk=enrolment.course_id)
        except DomainError as exc:
            add_problems(form, exc)
    return _course_page(request, enrolment.course, result_form=form, result_for=enrolment.pk, status=400)


@staff_view
@require_POST
def course_status(request, pk: int):
    """Open, close, finish or cancel a course (the institution's supervisor)."""
    course = selectors.course_get(request.user, pk)
    require(_writer(request))
    status = request.POST.get("status", "")
    if status not in CourseStatus.values:
        messages.error(request, _("无效的课程状态"))
        return redirect("training:course_detail", pk=course.pk)
    services.course_set_status(user=request.user, course=course, status=status)
    messages.success(request, _("已变更课程状态"))
    return redirect("training:course_detail", pk=course.pk)


def _session_date(text: str, course) -> date:
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return course.start_date


@staff_view
@require_http_methods(["GET", "POST"])
def course_attendance(request, pk: int):
    """The attendance sheet of one session date (?date=YYYY-MM-DD): tick who was present, save."""
    course = selectors.course_get(request.user, pk)
    day = _session_date(request.POST.get("session_date") or request.GET.get("date"), course)
    status = 200
    if request.method == "POST":
        require(_writer(request))
        present = {int(v) for v in request.POST.getlist("present") if v.isascii() and v.isdigit()}
        try:
            services.attendance_record(user=request.user, course=course, session_date=day, present_ids=present)
            messages.success(request, _("已保存考勤"))
            return redirect(f"{request.path}?date={day.isoformat()}")
        except DomainError as exc:
            messages.error(request, exc.text(request.LANGUAGE_CODE))
            status = 400
    roster = [e for e in selectors.course_roster(request.user, course) if e.status != "withdrawn"]
    sheet = selectors.attendance_of(request.user, course)
    rows = [{"e": e, "present": sheet.get(e.pk, {}).get(day), "days": len(sheet.get(e.pk, {})),
             "present_days": sum(1 for v in sheet.get(e.pk, {}).values() if v)} for e in roster]
    return page(request, "training/attendance.html", {"course": course, "day": day, "rows": rows,
                                                      "writer": _writer(request)}, status=status)


# --- the person's training, certificates -------------------------------------------------------------------

def _person_page(request, person, *, status=200, form=None):
    data = selectors.person_training(request.user, person)
    return page(request, "training/person_training.html", {
        "person": person, "masked_id": mask_id(person.citizen_id), **data, "writer": _writer(request),
        "open_courses": (selectors.courses_with_counts(request.user, open_only=True).order_by("start_date")[:200]
                         if _writer(request) else []),
        "form": form or (ExternalCertificateForm() if _writer(request) else None)}, status=status)


@staff_view
def person_training(request, pk: int):
    person = registry_selectors.person_get(request.user, pk)
    with transaction.atomic():
        audit.record("training.person_view", object_type="person", object_id=person.pk,
                     region_path=person.residence_region.path if person.residence_region_id else "")
    return _person_page(request, person)


@staff_view
@require_POST
def person_enrol(request, pk: int):
    """Enrol the person at the counter in an open course chosen from the person's training page."""
    person = registry_selectors.person_get(request.user, pk)
    require(_writer(request))
    text = request.POST.get("course", "")
    course = None
    if text.isascii() and text.isdigit():
        course = selectors.courses_visible(request.user).filter(pk=int(text)).first()
    if course is None:
        messages.error(request, _("请选择招生中的课程"))
        return _person_page(request, person, status=400)
    try:
        services.enrol(user=request.user, person=person, course=course)
        messages.success(request, _("已报名"))
    except DomainError as exc:
        messages.error(request, exc.text(request.LANGUAGE_CODE))
        return _person_page(request, person, status=400)
    return redirect("training:person_training", pk=person.pk)


@staff_view
@require_POST
def certificate_external(request, pk: int):
    person = registry_selectors.person_get(request.user, pk)
    require(_writer(request))
    form = ExternalCertificateForm(request.POST)
    if form.is_valid():
        try:
            cert = services.certificate_record_external(user=request.user, person=person, **form.cleaned_data)
            return redirect("training:certificate_detail", number=cert.number)
        except DomainError as exc:
            add_problems(form, exc)
    return _person_page(request, person, form=form, status=400)


def _cert_dict(cert) -> dict:
    return {"number": cert.number, "name": cert.person.name, "level_label": str(Level(cert.level).label),
            "occupation_code": cert.occupation_code, "occupation_name": cert.occupation_name or "—",
            "issuing_body": cert.issuing_body, "issued_on": cert.issued_on.isoformat(),
            "status_label": str(CertificateStatus(cert.status).label)}


@staff_view
def certificate_detail(request, number: str, *, form=None, status=200):
    cert = selectors.certificate_get(request.user, number)
    return page(request, "training/certificate.html", {
        "cert": cert, "writer": _writer(request), "form": form or RevokeForm(),
        "masked_id": mask_id(cert.person.citizen_id)}, status=status)


@staff_view
def certificate_download(request, number: str):
    cert = selectors.certificate_get(request.user, number)
    url = request.build_absolute_uri(f"/training/verify/{cert.number}/")
    with transaction.atomic():
        audit.record("training.certificate_pdf", object_type="person", object_id=cert.person_id,
                     region_path=cert.person.residence_region.path if cert.person.residence_region_id else "",
                     after={"certificate": cert.number})
    response = HttpResponse(certificate_pdf(_cert_dict(cert), url), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"certificate-{cert.number}.pdf")
    return response


@staff_view
@require_POST
def certificate_revoke(request, number: str):
    cert = selectors.certificate_get(request.user, number)
    require(_writer(request))
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_revoke(user=request.user, certificate=cert, reason=form.cleaned_data["reason"])
            messages.success(request, _("证书已撤销"))
            return redirect("training:certificate_detail", number=cert.number)
        except DomainError as exc:
            add_problems(form, exc)
    return certificate_detail.__wrapped__(request, number, form=form, status=400)


# --- skill-master studios ----------------------------------------------------------------------------------

def _studio_hosts(request, d: dict) -> dict:
    inst = selectors.institution_get(request.user, d["institution"]) if d.get("institution") else None
    employer = None
    if d.get("employer_code"):
        found = registry_selectors.employer_search(request.user, d["employer_code"])
        employer = found[0] if len(found) == 1 else None
        if employer is None:
            raise DomainError.of("employer_code", "training.employer", "找不到该单位（或不在您的辖区）",
                                 "no such employer in your jurisdiction")
    return {"institution": inst, "employer": employer}


@staff_view
@require_http_methods(["GET", "POST"])
def studios(request):
    require(can_read(request.user, "person"))
    form = StudioForm(request.POST or None) if _writer(request) else None
    if request.method == "POST":
        require(form is not None)
        if form.is_valid():
            d = form.cleaned_data
            try:
                master = _person_by_id(request.user, d["master_citizen_id"])
                services.studio_create(user=request.user, name=d["name"], master=master, level=d["level"],
                                       approved_on=d["approved_on"], **_studio_hosts(request, d))
                messages.success(request, _("已登记技能大师工作室"))
                return redirect("training:studios")
            except (DomainError, NotFound) as exc:
                if isinstance(exc, NotFound):
                    exc = DomainError.of("institution", "training.institution", "找不到该培训机构", "no such institution")
                add_problems(form, exc)
    rows = selectors.studios_visible(request.user)[:500]
    return page(request, "training/studios.html", {"rows": rows, "form": form},
                status=400 if form is not None and form.errors else 200)
