"""Writes of the benefit core that are not a claim: the 代发账户 (bank account) and a benefit's suspension and
resumption. One transaction each, jurisdiction = the person's residence region, audited.

A bank account is never edited: opening a new one closes the current row (closed_on = the day before the new
one opens, or the same day) and adds a row, so every payment line keeps naming the account it was paid to.
Suspension and resumption are ``BenefitEvent`` rows (months not due from the suspension month up to the
resumption month; the payroll pays them back in one line after resumption) and move ``Benefit.status``.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.registry.models import Person
from laobao.registry.services import check_write

from .models import (Bank, BankAccount, Benefit, BenefitEvent, BenefitStatus, EventKind, account_no_problem)

PROBLEMS = {
    "digits": ("账号应为 12–30 位数字（不含空格）", "the account number must be 12–30 digits (no spaces)"),
    "luhn": ("银行卡号校验位不正确：请核对卡号", "the card number's check digit is wrong: check the number"),
}


def _err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


def _path(person: Person) -> str:
    return person.residence_region.path if person.residence_region_id else ""


def _account_snapshot(a: BankAccount) -> dict:
    return {"id": a.pk, "person": a.person_id, "bank": a.bank.code, "account_tail": a.account_no[-4:],
            "opened_on": a.opened_on.isoformat(), "closed_on": a.closed_on.isoformat() if a.closed_on else None}


def checked_account(bank_code: str, account_no: str) -> tuple[Bank, str]:
    """The bank and the account number (spaces removed) of a 代发账户 or 单位账户, or a DomainError naming the
    unknown bank or the number's problem (digits 12–30, Luhn for a card bank's 16–19 digit cards)."""
    bank = Bank.objects.filter(code=(bank_code or "").strip()).first()
    if bank is None:
        raise _err("bank", "bank.unknown", f"未知的银行“{bank_code}”：请从列表中选择银行",
                   f"unknown bank '{bank_code}': choose a bank from the list")
    number = (account_no or "").replace(" ", "").strip()
    problem = account_no_problem(number, bank)
    if problem:
        zh, en = PROBLEMS[problem]
        raise _err("account_no", f"bank_account.{problem}", zh, en)
    return bank, number


@transaction.atomic
def open_account(*, user, person: Person, bank_code: str, account_no: str, holder_name: str,
                 opened_on: date | None = None) -> BankAccount:
    """Record the person's 代发账户; a current one is closed (a correction is a new row, never an edit)."""
    person = Person.objects.select_for_update(of=("self",)).select_related("residence_region").get(pk=person.pk)
    check_write(user, person.residence_region, "benefit.write")
    bank, number = checked_account(bank_code, account_no)
    if (holder_name or "").strip() != person.name:
        raise _err("holder_name", "bank_account.holder", f"户名须与本人姓名“{person.name}”一致：待遇只发到本人账户",
                   "the holder name must be the person's own name: benefits are paid only to the person's account")
    day = opened_on or timezone.localdate()
    current = BankAccount.objects.select_for_update().filter(person=person, closed_on__isnull=True).first()
    before = None
    if current is not None:
        if current.bank_id == bank.pk and current.account_no == number:
            raise _err("account_no", "bank_account.same", "与当前代发账户相同，无需更正",
                       "this is already the current account: nothing to correct")
        if day < current.opened_on:
            raise _err("opened_on", "bank_account.date", "新账户的启用日期不能早于当前账户的启用日期",
                       "the new account cannot open before the current one opened")
        before = _account_snapshot(current)
        BankAccount.objects.filter(pk=current.pk).update(closed_on=day)
    account = BankAccount.objects.create(person=person, bank=bank, account_no=number, holder_name=person.name,
                                         opened_on=day)
    audit.record("bank_account.correct" if before else "bank_account.open", object_type="bank_account",
                 object_id=account.pk, region_path=_path(person), before=before, after=_account_snapshot(account))
    return account


def _month(m: date) -> date:
    return m.replace(day=1)


def _benefit_locked(benefit: Benefit) -> Benefit:
    return Benefit.objects.select_for_update(of=("self",)).select_related("person__residence_region").get(pk=benefit.pk)


def _event_snapshot(b: Benefit, ev: BenefitEvent) -> dict:
    return {"benefit": b.pk, "person": b.person_id, "event": ev.kind, "month": f"{ev.month:%Y-%m}",
            "reason": ev.reason, "status": b.status}


@transaction.atomic
def suspend(*, user, benefit: Benefit, month: date, reason: str, note: str = "") -> BenefitEvent:
    """暂停发放 from ``month`` on (that month is not due) until a resumption."""
    benefit, month = _benefit_locked(benefit), _month(month)
    check_write(user, benefit.person.residence_region, "benefit.write")
    if benefit.status != BenefitStatus.ACTIVE:
        raise _err("benefit", "benefit.not_active", "只有正常发放的待遇可以暂停", "only an active benefit can be suspended")
    if month < benefit.start_month:
        raise _err("month", "benefit.suspend_month", "暂停月份不能早于待遇开始月份",
                   "the suspension cannot start before the benefit starts")
    ev = BenefitEvent.objects.create(benefit=benefit, kind=EventKind.SUSPEND, month=month, reason=reason[:40],
                                     note=note[:300], actor=user)
    Benefit.objects.filter(pk=benefit.pk).update(status=BenefitStatus.SUSPENDED)
    benefit.status = BenefitStatus.SUSPENDED
    audit.record("benefit.suspend", object_type="benefit", object_id=benefit.pk,
                 region_path=_path(benefit.person), after=_event_snapshot(benefit, ev))
    return ev


@transaction.atomic
def resume(*, user, benefit: Benefit, month: date, reason: str, back_pay: bool = True, note: str = "") -> BenefitEvent:
    """恢复发放. With ``back_pay`` (a later verification, the usual case) the suspended months become due again
    and the next payroll pays them in one line; without it they stay unpaid and the benefit is due again
    from ``month``."""
    benefit, month = _benefit_locked(benefit), _month(month)
    check_write(user, benefit.person.residence_region, "benefit.write")
    if benefit.status != BenefitStatus.SUSPENDED:
        raise _err("benefit", "benefit.not_suspended", "只有暂停发放的待遇可以恢复", "only a suspended benefit can be resumed")
    last = benefit.events.filter(kind=EventKind.SUSPEND).order_by("-id").first()
    if month < last.month:
        raise _err("month", "benefit.resume_month", "恢复月份不能早于暂停月份", "resumption cannot be before the suspension")
    ev = BenefitEvent.objects.create(benefit=benefit, kind=EventKind.RESUME, month=last.month if back_pay else month,
                                     reason=reason[:40], note=note[:300], actor=user)
    Benefit.objects.filter(pk=benefit.pk).update(status=BenefitStatus.ACTIVE)
    benefit.status = BenefitStatus.ACTIVE
    audit.record("benefit.resume", object_type="benefit", object_id=benefit.pk,
                 region_path=_path(benefit.person), after=_event_snapshot(benefit, ev) | {"back_pay": back_pay})
    return ev
