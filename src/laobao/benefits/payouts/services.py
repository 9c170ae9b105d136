"""Writes of one-time payments (一次性待遇发放): ordering a payout, the employer's 单位账户, naming an heir.

``order_payout`` is called by a benefit service INSIDE its transaction, right after it posted Cr
``payable_code`` (no jurisdiction check here: the caller has checked its own). The payout run
(``run.py``) later moves the amount Dr ``payable_code`` / Cr ``payable:bank:<bank>``, and the bank's return
(``returns.py``) settles it. ``open_employer_account`` and ``assign_payee`` are user actions: one
transaction each, jurisdiction checked, audited, DomainError zh + en.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.registry.models import Employer, Person
from laobao.registry.services import check_write

from ..services import checked_account
from .models import EmployerBankAccount, Payout

PAYABLE_KINDS = ("payable:person:", "payable:heir:", "payable:employer:")


def _err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


def _region(person, employer, subject):
    for p in (subject, person):
        if p is not None and p.residence_region_id:
            return p.residence_region_id
    return employer.region_id if employer is not None else None


def snapshot(p: Payout) -> dict:
    return {"key": p.key, "source": p.source, "person": p.person_id, "employer": p.employer_id,
            "payee_name": p.payee_name, "payable": p.payable_code, "amount_fen": p.amount_fen}


def _check_order(key: str, payable_code: str, amount_fen: int, person, employer) -> None:
    if not key or len(key) > 80:
        raise _err("key", "payout.key", "发放指令须有唯一键（不超过 80 个字符）", "a payout needs a unique key (≤ 80 characters)")
    if not payable_code.startswith(PAYABLE_KINDS):
        raise _err("payable_code", "payout.payable", f"应付科目“{payable_code}”不能一次性发放：只发 payable:person|heir|employer",
                   f"payable account '{payable_code}' cannot be paid out: only payable:person|heir|employer")
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise _err("amount_fen", "payout.amount", "发放金额须为正的整数（分）", "the amount must be a positive integer of fen")
    if person is not None and employer is not None:
        raise _err("payee", "payout.two_payees", "收款人只能是一个人或一个单位", "the payee is a person or an employer, not both")
    if payable_code.startswith("payable:employer:") != (employer is not None):
        raise _err("payee", "payout.payee_kind", "单位应付款只能发给单位，个人应付款只能发给个人",
                   "an employer payable is paid to an employer, a person's payable to a person")


def order_payout(*, key: str, payable_code: str, amount_fen: int, person: Person | None = None,
                 employer: Employer | None = None, memo: str, source: str, payee_name: str = "",
                 subject: Person | None = None) -> Payout:
    """Order the payment of ``amount_fen`` held in ``payable_code`` (just credited by the caller).

    ``person`` / ``employer``: the payee; neither = payee not known yet (``payee_name`` says who, e.g. an heir
    not in the registry; ``assign_payee`` names them later). ``subject``: whose benefit it is (default the
    payee person) — its residence region is the payout's jurisdiction. Idempotent by ``key``: the same order
    again returns the first; the same key with another amount or account is an error.
    """
    _check_order(key, payable_code, amount_fen, person, employer)
    found = Payout.objects.filter(key=key).first()
    if found is not None:
        if (found.payable_code, found.amount_fen) != (payable_code, amount_fen):
            raise _err("key", "payout.key_reused", f"发放指令 {key} 已存在且金额或科目不同",
                       f"payout {key} already exists with another amount or account")
        return found
    subject = subject or person
    name = payee_name or (person.name if person else employer.name if employer else "")
    payout = Payout(key=key, source=source[:60], person=person, employer=employer, payee_name=name[:200],
                    subject=subject, region_id=_region(person, employer, subject), payable_code=payable_code,
                    amount_fen=amount_fen, memo=memo[:200])
    try:
        with transaction.atomic():
            payout.save()
    except IntegrityError:  # a concurrent order with the same key won
        found = Payout.objects.filter(key=key).first()
        if found is None or (found.payable_code, found.amount_fen) != (payable_code, amount_fen):
            raise
        return found
    path = payout.region.path if payout.region_id else ""
    audit.record("payout.order", object_type="payout", object_id=payout.pk, region_path=path, after=snapshot(payout))
    return payout


@transaction.atomic
def assign_payee(*, user, payout: Payout, person: Person) -> Payout:
    """Name the registered person an order without a payee (an heir) is paid to; once only."""
    payout = Payout.objects.select_for_update(of=("self",)).select_related("region").get(pk=payout.pk)
    check_write(user, payout.region, "benefit.approve")
    if payout.person_id or payout.employer_id:
        raise _err("person", "payout.payee_known", "该发放指令已有收款人，不能更改", "this payout already has its payee")
    if not payout.payable_code.startswith("payable:heir:"):
        raise _err("person", "payout.not_heir", "只有继承人待发的款项可以指定收款人", "only an heir's payout takes a payee later")
    if payout.subject_id == person.pk:
        raise _err("person", "payout.heir_is_deceased", "继承人不能是死者本人", "the heir cannot be the deceased")
    Payout.objects.filter(pk=payout.pk, person__isnull=True).update(person=person)
    payout.person = person
    audit.record("payout.assign_payee", object_type="payout", object_id=payout.pk,
                 region_path=payout.region.path if payout.region_id else "",
                 after=snapshot(payout) | {"payee_name_given": person.name})
    return payout


def _account_snapshot(a: EmployerBankAccount) -> dict:
    return {"id": a.pk, "employer": a.employer_id, "bank": a.bank.code, "account_tail": a.account_no[-4:],
            "opened_on": a.opened_on.isoformat(), "closed_on": a.closed_on.isoformat() if a.closed_on else None}


@transaction.atomic
def open_employer_account(*, user, employer: Employer, bank_code: str, account_no: str,
                          opened_on: date | None = None) -> EmployerBankAccount:
    """Record the employer's 单位账户 (account name = the employer's name); a current one is closed."""
    employer = Employer.objects.select_for_update(of=("self",)).select_related("region").get(pk=employer.pk)
    check_write(user, employer.region, "benefit.write")
    bank, number = checked_account(bank_code, account_no)
    day = opened_on or timezone.localdate()
    current = EmployerBankAccount.objects.select_for_update().filter(employer=employer, closed_on__isnull=True).first()
    before = None
    if current is not None:
        if current.bank_id == bank.pk and current.account_no == number:
            raise _err("account_no", "bank_account.same", "与当前单位账户相同，无需更正",
                       "this is already the current account: nothing to correct")
        if day < current.opened_on:
            raise _err("opened_on", "bank_account.date", "新账户的启用日期不能早于当前账户的启用日期",
                       "the new account cannot open before the current one opened")
        before = _account_snapshot(current)
        EmployerBankAccount.objects.filter(pk=current.pk).update(closed_on=day)
    account = EmployerBankAccount.objects.create(employer=employer, bank=bank, account_no=number,
                                                 account_name=employer.name, opened_on=day)
    audit.record("employer_account.correct" if before else "employer_account.open", object_type="employer_account",
                 object_id=account.pk, region_path=employer.region.path if employer.region_id else "",
                 before=before, after=_account_snapshot(account))
    return account
