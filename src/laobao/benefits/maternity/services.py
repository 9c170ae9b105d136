"""The writes of a maternity allowance claim: receive, recheck, approve, reject, withdraw. One transaction each,
audited (``maternity_claim.*``).

Jurisdiction: the person's residence region; receive/recheck/withdraw need ``benefit.write``, approve/reject
``benefit.approve`` and a checker who is not the maker. Approval re-evaluates: failing checks or a changed
amount (record, parameters, account) since the claim was checked → refused, "recheck first".

On approval (one-time payment, ledger key ``maternity:<claim_no>``): Dr ``fund:maternity`` / Cr
``payable:person:<person id>`` (payee the person) or Cr ``payable:employer:<employer id>`` (payee the employer;
its 单位账户 is kept on the claim as "<bank code> <number>"), and a payout order ``maternity:<claim_no>``
(benefits/payouts): ``laobao payouts run`` pays it through the bank to the payee's current account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.ledger import services as ledger
from laobao.registry.models import Employer, Person
from laobao.registry.services import check_write

from .. import claims
from ..models import OPEN_CLAIM, ClaimStatus
from ..payouts.services import order_payout
from . import evaluate as ev
from .models import MaternityClaim, PaidTo


@dataclass(frozen=True)
class MaternityInput:
    birth_date: date
    births: int = 1
    difficult_birth: bool = False
    leave_days: int | None = None
    average_wage_fen: int | None = None  # the maker's figure, used only when the record has none
    paid_to: str = ""
    employer_account: str = ""
    note: str = ""


def _err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


_path = claims.path_of


def facts_of(data: MaternityInput) -> ev.Facts:
    if data.paid_to and data.paid_to not in PaidTo.values:
        raise _err("paid_to", "maternity.paid_to", "发放对象只能是用人单位或本人", "paid_to must be employer or person")
    if data.leave_days is not None and (data.births != 1 or data.difficult_birth):
        raise _err("leave_days", "maternity.leave_days_conflict", "直接填写产假天数时，胎数须为1且不选难产（天数已含这些情形）",
                   "when leave days are given, leave births at 1 and difficult birth unticked (the days include them)")
    today = timezone.localdate()
    if data.birth_date > today:
        raise _err("birth_date", "maternity.birth_future", "生育日期不能晚于今天", "the birth date cannot be after today")
    return ev.Facts(birth_date=data.birth_date, births=data.births, difficult_birth=data.difficult_birth,
                    leave_days=data.leave_days, maker_wage_fen=data.average_wage_fen, paid_to=data.paid_to,
                    employer_account=data.employer_account.strip()[:100])


def snapshot(c: MaternityClaim) -> dict:
    """What the audit log keeps: numbers and states, never the ID number."""
    return {"claim_no": c.claim_no, "person": c.person_id, "employer": c.employer_id, "status": c.status,
            "birth_date": f"{c.birth_date:%Y-%m-%d}", "births": c.births, "difficult_birth": c.difficult_birth,
            "leave_days": c.leave_days, "average_wage_fen": c.average_wage_fen, "wage_source": c.wage_source,
            "amount_fen": c.amount_fen, "paid_to": c.paid_to, "bank_code": c.bank_code, "maker": c.maker_id,
            "checker": c.checker_id, "failed": [r["code"] for r in c.checks if not r["ok"]]}


def _apply(claim: MaternityClaim, r: ev.Evaluation, facts: ev.Facts) -> None:
    claim.checks, claim.calculation, claim.amount_fen = r.checks, r.calculation, r.amount_fen
    claim.average_wage_fen, claim.wage_source = r.wage_fen or 0, r.wage_source or "maker"
    claim.leave_days = r.calculation["result"]["leave_days"] if r.calculation else (facts.leave_days or 0)
    claim.leave_days_given = facts.leave_days is not None
    claim.paid_to, claim.paid_to_source = r.paid_to, r.paid_to_source
    claim.bank_account = r.account
    claim.bank_code = r.account.bank.code if r.account else ""
    claim.employer_account = r.payee_account if r.paid_to == PaidTo.EMPLOYER else ""  # the 单位账户 used
    claim.status = ClaimStatus.CHECKED if r.ok else ClaimStatus.RECEIVED


def _claim_no(day: date) -> str:
    prefix = f"SY{day:%Y%m%d}"
    return f"{prefix}{MaternityClaim.objects.filter(claim_no__startswith=prefix).count() + 1:04d}"


def _save_new(claim: MaternityClaim, today: date) -> None:
    for _ in range(3):  # the day's sequence number; a concurrent counter may take the same one
        claim.claim_no = _claim_no(today)
        try:
            with transaction.atomic():
                claim.save()
            return
        except IntegrityError:
            if MaternityClaim.objects.filter(person=claim.person, birth_date=claim.birth_date,
                                             status__in=OPEN_CLAIM + (ClaimStatus.APPROVED,)).exists():
                break
    raise _err("birth_date", "maternity.claim_exists", "此人这次生育已有申领（未办结或已核准）",
               "This person already has a claim for this birth (open or approved)")


@transaction.atomic
def receive(*, user, person: Person, employer: Employer, data: MaternityInput) -> MaternityClaim:
    """Take a claim at the counter: check it and work out the allowance now, store both."""
    check_write(user, person.residence_region, "benefit.write")
    person = Person.objects.select_for_update(of=("self",)).select_related("residence_region").get(pk=person.pk)
    facts = facts_of(data)
    result = ev.evaluate(person, employer, facts)
    today = timezone.localdate()
    claim = MaternityClaim(person=person, employer=employer, received_on=today, birth_date=facts.birth_date,
                           births=facts.births, difficult_birth=facts.difficult_birth, note=data.note[:300],
                           maker=user)
    _apply(claim, result, facts)
    _save_new(claim, today)
    audit.record("maternity_claim.receive", object_type="maternity_claim", object_id=claim.pk,
                 region_path=_path(person), after=snapshot(claim))
    return claim


def _locked(claim: MaternityClaim) -> MaternityClaim:
    return (MaternityClaim.objects.select_for_update(of=("self",))
            .select_related("person__residence_region", "employer__region").get(pk=claim.pk))


def _open(claim: MaternityClaim) -> None:
    claims.ensure_open(claim)


def facts_from(claim: MaternityClaim) -> ev.Facts:
    return ev.Facts(birth_date=claim.birth_date, births=claim.births, difficult_birth=claim.difficult_birth,
                    leave_days=claim.leave_days if claim.leave_days_given else None,
                    maker_wage_fen=claim.average_wage_fen if claim.wage_source == "maker" else None,
                    paid_to=claim.paid_to if claim.paid_to_source == "maker" else "",
                    employer_account=claim.employer_account)


@transaction.atomic
def recheck(*, user, claim: MaternityClaim) -> MaternityClaim:
    """Check an undecided claim again against the record as it is now (e.g. after the arrears were paid)."""
    claim = _locked(claim)
    check_write(user, claim.person.residence_region, "benefit.write")
    _open(claim)
    before, facts = snapshot(claim), facts_from(claim)
    _apply(claim, ev.evaluate(claim.person, claim.employer, facts), facts)
    claim.save()
    audit.record("maternity_claim.recheck", object_type="maternity_claim", object_id=claim.pk,
                 region_path=_path(claim.person), before=before, after=snapshot(claim))
    return claim


def _decider(user, claim: MaternityClaim) -> None:
    claims.check_decider(user, claim)


def _unchanged(claim: MaternityClaim) -> ev.Evaluation:
    result = ev.evaluate(claim.person, claim.employer, facts_from(claim))
    if not result.ok:
        raise _err("claim", "claim.checks_fail", "条件未满足，不能核准：" + "；".join(r["zh"] for r in result.checks if not r["ok"]),
                   "Conditions not met, cannot approve: " + "; ".join(r["en"] for r in result.checks if not r["ok"]))
    if (result.calculation != claim.calculation or (result.account.pk if result.account else None) != claim.bank_account_id
            or (claim.paid_to == PaidTo.EMPLOYER and result.payee_account != claim.employer_account)):
        raise _err("claim", "claim.stale", "受理后缴费记录、参数或代发账户已有变化：请重新审核后再核准",
                   "The record, the parameters or the bank account changed since the claim was checked: recheck it first")
    return result


def _post(claim: MaternityClaim, today: date) -> None:
    """Dr fund:maternity / Cr the payee's payable, and the order to pay it through the bank (benefits/payouts)."""
    to_person = claim.paid_to == PaidTo.PERSON
    payable = f"payable:person:{claim.person_id}" if to_person else f"payable:employer:{claim.employer_id}"
    memo = f"生育津贴 {claim.claim_no}（{claim.get_paid_to_display()}）"
    ledger.post(key=f"maternity:{claim.claim_no}", kind="maternity", value_date=today, memo=memo,
                lines=[("fund:maternity", claim.amount_fen, 0), (payable, 0, claim.amount_fen)])
    order_payout(key=f"maternity:{claim.claim_no}", payable_code=payable, amount_fen=claim.amount_fen,
                 person=claim.person if to_person else None, employer=None if to_person else claim.employer,
                 memo=f"生育津贴 {claim.claim_no}", source=f"maternity_claim:{claim.claim_no}", subject=claim.person)


@transaction.atomic
def approve(*, user, claim: MaternityClaim) -> MaternityClaim:
    """Approve (second person): the one-time payment is posted from the maternity fund."""
    claim = _locked(claim)
    _decider(user, claim)
    _unchanged(claim)
    before, today = snapshot(claim), timezone.localdate()
    if claim.amount_fen > 0:
        _post(claim, today)
    claim.status, claim.checker, claim.decided_at = ClaimStatus.APPROVED, user, timezone.now()
    claim.save()
    audit.record("maternity_claim.approve", object_type="maternity_claim", object_id=claim.pk,
                 region_path=_path(claim.person), before=before, after=snapshot(claim))
    return claim


@transaction.atomic
def reject(*, user, claim: MaternityClaim, reason_zh: str = "", reason_en: str = "") -> MaternityClaim:
    """Refuse (second person). Without a reason typed, the failing checks are the reason the citizen reads."""
    return claims.reject("maternity_claim", user=user, claim=_locked(claim), snapshot=snapshot, reason_zh=reason_zh,
                         reason_en=reason_en)


@transaction.atomic
def withdraw(*, user, claim: MaternityClaim) -> MaternityClaim:
    """The applicant withdraws an undecided claim (recorded by a caseworker)."""
    return claims.withdraw("maternity_claim", user=user, claim=_locked(claim), snapshot=snapshot)
