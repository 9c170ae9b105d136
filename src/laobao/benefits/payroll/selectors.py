"""Reads of benefits and payments, scoped: a person's benefits, rates, bank accounts and payment lines are
visible with the person (404 outside; employer users see none), the payroll runs' totals count only the
lines of persons in the user's sight. A line's status is derived: pending until a return names it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, Sum

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.registry.models import Person
from laobao.registry.selectors import persons_visible

from ..models import BankAccount, Bank, Benefit, BenefitEvent, BenefitRate, PaymentLine, PayrollRun, UnemploymentMedical


def _visible(user, person: Person) -> bool:
    """404 outside the sight; False for employer users (a person's benefits are not the employer's affair)."""
    if not persons_visible(user).filter(pk=person.pk).exists():
        raise NotFound
    return not (user is not None and getattr(user, "role", None) == Role.EMPLOYER_USER)


def person_benefits(user, person: Person) -> list[Benefit]:
    if not _visible(user, person):
        return []
    return list(Benefit.objects.filter(person=person).order_by("-start_month", "-id").prefetch_related(
        Prefetch("rates", queryset=BenefitRate.objects.order_by("from_month", "id")),
        Prefetch("events", queryset=BenefitEvent.objects.order_by("id"))))


def status_of(line: PaymentLine) -> str:
    ret = getattr(line, "payment_return", None)
    return ret.outcome if ret is not None else "pending"


def person_payments(user, person: Person) -> QuerySet[PaymentLine]:
    if not _visible(user, person):
        return PaymentLine.objects.none()
    return (PaymentLine.objects.filter(person=person).select_related("run", "benefit", "bank_account__bank",
                                                                     "payment_return")
            .prefetch_related("paid_months").order_by("-run__month", "-id"))


def person_medical(user, person: Person) -> QuerySet[UnemploymentMedical]:
    """The medical contributions the unemployment fund paid for the person (latest month first)."""
    if not _visible(user, person):
        return UnemploymentMedical.objects.none()
    return UnemploymentMedical.objects.filter(person=person).order_by("-month", "-id")


def person_accounts(user, person: Person) -> QuerySet[BankAccount]:
    if not _visible(user, person):
        return BankAccount.objects.none()
    return BankAccount.objects.filter(person=person).select_related("bank").order_by("-opened_on", "-id")


def banks() -> QuerySet[Bank]:
    return Bank.objects.order_by("code")


@dataclass
class RunView:
    run: PayrollRun
    totals: list[dict]  # per bank and fund: lines, amount, pending / paid / rejected amounts
    lines: int
    total_fen: int
    files: list[dict]


def runs(user, limit: int = 24) -> list[RunView]:
    """The latest runs with totals per bank and fund over the lines of persons in the user's sight; the file
    list only for users whose sight is the whole city (the files hold every line)."""
    mine = PaymentLine.objects.filter(person__in=persons_visible(user))
    whole_city = getattr(user, "role", None) == Role.CITY_OFFICER
    out = []
    for run in PayrollRun.objects.order_by("-month", "-sequence")[:limit]:  # a few dozen runs, one aggregate each
        rows = list(mine.filter(run=run).values("bank_code", "fund", "payment_return__outcome")
                    .annotate(n=Count("id"), fen=Sum("amount_fen")).order_by("bank_code", "fund"))
        totals: dict[tuple, dict] = {}
        for r in rows:
            t = totals.setdefault((r["bank_code"], r["fund"]), {"bank": r["bank_code"], "fund": r["fund"], "lines": 0,
                                                                "fen": 0, "pending": 0, "paid": 0, "rejected": 0})
            t["lines"] += r["n"]
            t["fen"] += r["fen"]
            t[r["payment_return__outcome"] or "pending"] += r["fen"]
        values = list(totals.values())
        out.append(RunView(run, values, sum(t["lines"] for t in values), sum(t["fen"] for t in values),
                           run.files if whole_city else []))
    return out
