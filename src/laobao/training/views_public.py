"""The public certificate verification page (no login) and the citizen's self-service training pages.

Verification (security.md E6, C6): ``/training/verify/<number>/`` shows only the masked name, level, occupation,
issue date and status (valid / revoked) — no ID, no birth date, no institution, no scores. There is no listing:
a certificate is found only by its exact number, whose 9 random digits and check character make guessing
useless; lookups are throttled per client address (``VERIFY_PER_MINUTE``, HTTP 429 beyond), in the cache of
the process (a shared cache such as Redis makes the limit global when several workers serve). A malformed
(forged, mistyped) number and an unknown one both answer 404 with the same page.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.core.middleware import client_ip
from laobao.core.views import page
from laobao.insurance.views import citizen_view
from laobao.insurance.selectors import own_person

from . import numbers, selectors, services
from .forms import VerifyForm
from .models import CertificateStatus, Level

VERIFY_PER_MINUTE = 30


def _throttled(request) -> bool:
    key = f"training-verify:{client_ip(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key) > VERIFY_PER_MINUTE
    except ValueError:  # the key expired between add and incr
        return False


def _verify_page(request, context: dict, status: int):
    response = render(request, "training/verify.html", {"form": VerifyForm(request.GET or None), **context},
                      status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def verify_lookup(request):
    """The lookup form; a submitted number redirects to its verification page."""
    number = numbers.normalize(request.GET.get("number", ""))
    if number:
        return redirect("training:verify", number=number)
    return _verify_page(request, {}, 200)


@require_GET
def verify(request, number: str):
    if _throttled(request):
        return _verify_page(request, {"throttled": True}, 429)
    found = selectors.public_certificate(number)
    if found is None:
        return _verify_page(request, {"not_found": True}, 404)
    found["level_label"] = Level(found["level"]).label
    found["valid"] = found["status"] == CertificateStatus.VALID
    return _verify_page(request, {"cert": found}, 200)


# --- the citizen's own trainings ---------------------------------------------------------------------------

@citizen_view
def my_training(request):
    person = own_person(request.user)
    with transaction.atomic():
        audit.record("training.person_view", object_type="person", object_id=person.pk,
                     region_path=person.residence_region.path if person.residence_region_id else "")
    data = selectors.person_training(request.user, person)
    mine = {e.course_id for e in data["enrolments"]}
    open_courses = [c for c in selectors.courses_with_counts(request.user, open_only=True).order_by("start_date")[:200]
                    if c.pk not in mine]
    return page(request, "training/my_training.html", {**data, "open_courses": open_courses})


@citizen_view
@require_POST
def my_enrol(request, pk: int):
    course = selectors.course_get(request.user, pk)
    try:
        services.enrol_self(user=request.user, course=course)
        messages.success(request, _("报名成功"))
    except DomainError as exc:
        messages.error(request, exc.text(request.LANGUAGE_CODE))
    return redirect("training:my_training")
