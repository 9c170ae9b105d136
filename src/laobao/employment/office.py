"""The community office's six services (社区六项服务, the plan's 一(三)): one dashboard, each service a set of queues
with a count, the first rows and a link to the work; every queue is scoped to the user's jurisdiction.

The six services, in the plan's order: 失业登记, 失业保险金申领, 再就业优惠证, 再就业援助, 职业介绍, 职业培训.

Queues are registered by the app that owns the records (:func:`provide`). Employment provides five services here
(it reads training's selectors: employment may depend on training). The benefit claims queue belongs to benefits,
which depends on employment and must not be imported by it: ``laobao/benefits/office_queues.py`` registers it,
and :func:`services` discovers every app's ``office_queues`` module (Django's ``autodiscover_modules``, the way kpi
finds indicators) — so the dependency stays one way (benefits → employment) and the dashboard still shows six.
A service nobody provides (benefits not installed) is shown as not available, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laobao.core.scoping import region_prefix

from . import selectors
from .matching.models import Referral, ReferralOutcome, Vacancy, VacancyStatus
from .models import AssistanceAction, AssistanceOutcome, CertificateStatus, ReemploymentCertificate

FIRST_ROWS = 10
EXPIRING_DAYS = 14
STARTING_DAYS = 30

SERVICES = (("registration", _("失业登记")), ("benefit", _("失业保险金申领")), ("certificate", _("再就业优惠证")),
            ("assistance", _("再就业援助")), ("placement", _("职业介绍")), ("training", _("职业培训")))


@dataclass(frozen=True)
class Row:
    text: str
    detail: str = ""
    on: date | None = None
    url: str = ""


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    count: int
    rows: list[Row]
    link: str = ""


@dataclass
class Service:
    key: str
    title: str
    queues: list[Queue] = field(default_factory=list)
    available: bool = True


Provider = Callable[[object, date, int], Queue]
_PROVIDERS: dict[str, list[tuple[str, Provider]]] = {}


def provide(service: str, key: str):
    """Decorator: register ``fn(user, on, limit) -> Queue`` as the queue ``key`` of ``service`` (idempotent)."""
    if service not in dict(SERVICES):
        raise ValueError(f"unknown office service {service!r}")

    def wrap(fn: Provider) -> Provider:
        queues = _PROVIDERS.setdefault(service, [])
        queues[:] = [(k, f) for k, f in queues if k != key] + [(key, fn)]
        return fn
    return wrap


def _discover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("office_queues")


def services(user, on: date, limit: int = FIRST_ROWS) -> list[Service]:
    """The six services with their queues for ``user`` on ``on`` (each queue: count + first ``limit`` rows)."""
    _discover()
    out = []
    for key, title in SERVICES:
        providers = _PROVIDERS.get(key, [])
        out.append(Service(key, str(title), [fn(user, on, limit) for _, fn in providers], bool(providers)))
    return out


def queue(key: str, title, qs: QuerySet, limit: int, row: Callable[[object], Row], link: str = "") -> Queue:
    """A queue from an ordered, scoped queryset: the first ``limit`` rows and the count (one more query only when
    the first page is full)."""
    first = list(qs[:limit])
    count = len(first) if len(first) < limit else qs.count()
    return Queue(key, str(title), count, [row(x) for x in first], link)


def _person_url(person_id: int) -> str:
    return reverse("employment:person", args=[person_id])


def _listed(key: str, title, rows: list, limit: int, row, link: str = "") -> Queue:
    return Queue(key, str(title), len(rows), [row(x) for x in rows[:limit]], link)


# --- 失业登记 -------------------------------------------------------------------------------------------------

@provide("registration", "due_for_contact")
def due_for_contact(user, on: date, limit: int) -> Queue:
    rows = selectors.due_for_contact(user, on)
    return _listed("due_for_contact", _("待定期联系"), rows, limit, lambda r: Row(
        r.person.name, str(_("上次联系")) + " " + (r.last_contact.isoformat() if r.last_contact else "—"),
        r.registered_on, _person_url(r.person_id)))


# --- 再就业优惠证 -----------------------------------------------------------------------------------------------

@provide("certificate", "to_renew")
def certificates_to_renew(user, on: date, limit: int) -> Queue:
    rows = selectors.certificates_to_renew(user, on)
    return _listed("to_renew", _("待年审（30天内到期或已过期）"), rows, limit,
                   lambda c: Row(c.person.name, c.number, c.valid_until, _person_url(c.person_id)))


@provide("certificate", "applications_waiting")
def applications_waiting(user, on: date, limit: int) -> Queue:
    rows = selectors.applications_waiting(user)
    return _listed("applications_waiting", _("待复核的扶持申请"), rows, limit, lambda a: Row(
        a.person.name, f"{a.application_no} {a.get_kind_display()}", a.received_on,
        reverse("employment:application", args=[a.application_no])))


# --- 再就业援助 -------------------------------------------------------------------------------------------------

@provide("assistance", "help_next")
def help_next(user, on: date, limit: int) -> Queue:
    rows = selectors.help_next(user, on, limit=limit)
    total = selectors.open_registrations(user).count()
    return Queue("help_next", str(_("优先援助名单（困难类别多者优先）")), total, [
        Row(r.person.name, str(_("困难类别数")) + f" {r.flags}", r.registered_on, _person_url(r.person_id))
        for r in rows])


@provide("assistance", "outcome_pending")
def assistance_pending(user, on: date, limit: int) -> Queue:
    qs = (AssistanceAction.objects.filter(outcome=AssistanceOutcome.PENDING, person__in=selectors.persons(user))
          .select_related("person").order_by("acted_on", "pk"))
    return queue("outcome_pending", _("援助待记录结果"), qs, limit, lambda a: Row(
        a.person.name, a.get_kind_display(), a.acted_on, _person_url(a.person_id)))


# --- 职业介绍 -------------------------------------------------------------------------------------------------

@provide("placement", "referrals_pending")
def referrals_pending(user, on: date, limit: int) -> Queue:
    qs = (Referral.objects.filter(outcome=ReferralOutcome.PENDING, person__in=selectors.persons(user))
          .select_related("person", "vacancy__employer").order_by("referred_on", "pk"))
    return queue("referrals_pending", _("推荐待反馈结果"), qs, limit, lambda r: Row(
        r.person.name, f"{r.vacancy.employer.name} · {r.vacancy.title}", r.referred_on,
        reverse("employment:vacancy_detail", args=[r.vacancy_id])))


def _in_sight(user, path: str) -> Q | None:
    prefix = region_prefix(user) if user is not None else ""
    return None if prefix is None else Q(**{f"{path}__startswith": prefix})


@provide("placement", "vacancies_expiring")
def vacancies_expiring(user, on: date, limit: int) -> Queue:
    """Open vacancies located in the user's jurisdiction that expire within ``EXPIRING_DAYS`` days."""
    where = _in_sight(user, "region__path")
    qs = Vacancy.objects.none() if where is None else (
        Vacancy.objects.filter(where, status=VacancyStatus.OPEN, expires_on__gte=on,
                               expires_on__lte=on + timedelta(days=EXPIRING_DAYS))
        .select_related("employer").order_by("expires_on", "pk"))
    return queue("vacancies_expiring", _("即将到期的岗位（14天内）"), qs, limit, lambda v: Row(
        v.employer.name, f"{v.title} · {v.hired}/{v.count}", v.expires_on,
        reverse("employment:vacancy_detail", args=[v.pk])), reverse("employment:vacancies"))


# --- 职业培训 -------------------------------------------------------------------------------------------------

@provide("training", "results_to_confirm")
def enrolments_to_confirm(user, on: date, limit: int) -> Queue:
    """Trainees of the jurisdiction still "enrolled" in a course that has ended: the result is to be recorded."""
    qs = selectors.training_to_confirm(user, on)
    return queue("results_to_confirm", _("课程已结束、待录入考核结果的学员"), qs, limit, lambda e: Row(
        e.person.name, e.course.name, e.course.end_date, reverse("training:course_detail", args=[e.course_id])))


@provide("training", "courses_starting")
def courses_starting(user, on: date, limit: int) -> Queue:
    qs = selectors.courses_starting(user, on, on + timedelta(days=STARTING_DAYS))
    return queue("courses_starting", _("30天内开班的课程"), qs, limit, lambda c: Row(
        c.name, c.institution.name, c.start_date, reverse("training:course_detail", args=[c.pk])),
        reverse("training:courses"))


def _valid_certificates(user, on: date) -> int:
    return ReemploymentCertificate.objects.filter(status=CertificateStatus.VALID, valid_until__gte=on,
                                                  person__in=selectors.persons(user)).count()


def totals(user, on: date) -> dict:
    """The two headline counts of the office: open registrations and valid re-employment certificates."""
    return {"open_registrations": selectors.open_registrations(user).count(),
            "valid_certificates": _valid_certificates(user, on)}
