"""Reads of one-time payments, scoped: an order is seen by staff whose jurisdiction holds its region (the
region of whose benefit it is: the claimant, the deceased); a person's page shows the orders paid to them
or for their benefit; employer users and citizens see none here. Status is derived, never stored:

- ``waiting_payee`` — no payee yet (an heir not registered: an officer names them),
- ``waiting_account`` — the payee has no current account, or the account that refused it is still current,
- ``ready`` — the next ``laobao payouts run`` pays it,
- ``in_file`` — its last line is in a bank file without return, ``paid`` / ``rejected`` — the return.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.core.scoping import SELF_SCOPED, within
from laobao.registry.models import Employer, Person
from laobao.registry.selectors import employers_visible, persons_visible

from ..models import BankAccount
from .models import EmployerBankAccount, Payout, PayoutLine, PayoutReturn, PayoutRun

STATUS_ZH = {"waiting_payee": _("待指定收款人"), "waiting_account": _("待登记或更正账户"), "ready": _("待发放"),
             "in_file": _("已报盘，待银行回盘"), "paid": _("已到账"), "rejected": _("被退回")}


def payouts_visible(user) -> QuerySet[Payout]:
    if user is not None and getattr(user, "role", None) in SELF_SCOPED:
        return Payout.objects.none()
    return within(Payout.objects.all(), user, "person", "region__path")


def _with_lines(qs: QuerySet[Payout]) -> QuerySet[Payout]:
    return qs.select_related("person", "employer").prefetch_related(
        Prefetch("lines", queryset=PayoutLine.objects.select_related("payout_return", "run").order_by("id")))


def _payee_key(p: Payout) -> tuple[str, int]:
    return ("p", p.person_id) if p.person_id else ("e", p.employer_id)


def status_of(p: Payout, current: dict[tuple[str, int], int]) -> tuple[str, PayoutLine | None]:
    """(status, last line). ``current``: ("p", person id) / ("e", employer id) → the current account's id."""
    lines = list(p.lines.all())
    last = lines[-1] if lines else None
    ret = getattr(last, "payout_return", None) if last else None
    if last is not None and ret is None:
        return "in_file", last
    if ret is not None and ret.outcome == "paid":
        return "paid", last
    if not (p.person_id or p.employer_id):
        return "waiting_payee", last
    account = current.get(_payee_key(p))
    refused = ret is not None and account == (last.bank_account_id or last.employer_account_id)
    if account is None or refused:
        return ("rejected" if ret is not None else "waiting_account"), last
    return "ready", last


def current_accounts(payouts: list[Payout]) -> dict[tuple[str, int], int]:
    """The current account of each payee of these payouts (two queries)."""
    persons = {p.person_id for p in payouts if p.person_id}
    employers = {p.employer_id for p in payouts if p.employer_id}
    out = {("p", o): a for a, o in BankAccount.objects.filter(person_id__in=persons, closed_on__isnull=True)
           .values_list("id", "person_id")}
    out |= {("e", o): a for a, o in EmployerBankAccount.objects.filter(employer_id__in=employers, closed_on__isnull=True)
            .values_list("id", "employer_id")}
    return out


@dataclass
class PayoutRow:
    payout: Payout
    status: str
    status_zh: str
    line: PayoutLine | None


def rows(payouts: list[Payout]) -> list[PayoutRow]:
    current = current_accounts(payouts)
    out = []
    for p in payouts:
        status, line = status_of(p, current)
        out.append(PayoutRow(p, status, STATUS_ZH[status], line))
    return out


def person_payouts(user, person: Person) -> list[PayoutRow]:
    """Orders paid to the person or for their benefit (e.g. a deceased's heir payout); 404 outside the sight."""
    if not persons_visible(user).filter(pk=person.pk).exists():
        raise NotFound
    if user is not None and getattr(user, "role", None) == Role.EMPLOYER_USER:
        return []
    qs = Payout.objects.filter(person=person) | Payout.objects.filter(subject=person)
    return rows(list(_with_lines(qs.distinct()).order_by("-created_at", "-id")[:240]))


def open_orders(user, limit: int = 500) -> list[PayoutRow]:
    """Orders not paid (never in a file, in a file, or rejected), oldest first."""
    qs = _with_lines(payouts_visible(user)).exclude(lines__payout_return__outcome="paid").order_by("created_at", "id")
    return rows(list(qs[:limit]))


def payout_get(user, pk: int) -> Payout:
    p = payouts_visible(user).select_related("region", "subject").filter(pk=pk).first()
    if p is None:
        raise NotFound
    return p


@dataclass
class RunView:
    run: PayoutRun
    totals: list[dict]  # per bank: lines, amount, pending / paid / rejected amounts (visible orders only)
    files: list[dict]


def runs(user, limit: int = 24) -> list[RunView]:
    mine = PayoutLine.objects.filter(payout__in=payouts_visible(user))
    whole_city = getattr(user, "role", None) == Role.CITY_OFFICER
    out = []
    for run in PayoutRun.objects.order_by("-day", "-seq")[:limit]:  # a few dozen runs, one aggregate each
        totals: dict[str, dict] = {}
        for r in (mine.filter(run=run).values("bank_code", "payout_return__outcome")
                  .annotate(n=Count("id"), fen=Sum("amount_fen")).order_by("bank_code")):
            t = totals.setdefault(r["bank_code"], {"bank": r["bank_code"], "lines": 0, "fen": 0, "pending": 0,
                                                   "paid": 0, "rejected": 0})
            t["lines"] += r["n"]
            t["fen"] += r["fen"]
            t[r["payout_return__outcome"] or "pending"] += r["fen"]
        out.append(RunView(run, list(totals.values()), run.files if whole_city else []))
    return out


def returns(user, limit: int = 100) -> QuerySet[PayoutReturn]:
    return (PayoutReturn.objects.filter(line__payout__in=payouts_visible(user))
            .select_related("line__payout").order_by("-created_at", "-id")[:limit])


def employer_get(user, pk: int) -> Employer:
    e = employers_visible(user).select_related("region").filter(pk=pk).first()
    if e is None or (user is not None and getattr(user, "role", None) in SELF_SCOPED):
        raise NotFound
    return e


def employer_accounts(employer: Employer) -> QuerySet[EmployerBankAccount]:
    return EmployerBankAccount.objects.filter(employer=employer).select_related("bank").order_by("-opened_on", "-id")


def employer_payouts(employer: Employer) -> list[PayoutRow]:
    return rows(list(_with_lines(Payout.objects.filter(employer=employer)).order_by("-created_at", "-id")[:240]))
