"""The writes of a pension claim: receive, recheck, approve, reject, withdraw. One transaction each, audited.

Jurisdiction: the person's residence region. Receiving and rechecking need ``benefit.write`` (caseworkers
and officers), deciding needs ``benefit.approve`` (district and city officers) and a checker who is not the
maker. Approval re-reads the record: if anything the calculation used has changed since the claim was
checked, it refuses and asks for a recheck, so what is approved is exactly what the 核定表 showed.

On approval (ledger key ``annuity:<claim_no>``): Dr ``personal:<pid>:pension`` the account balance /
Cr ``personal:<pid>:annuity`` — the annuitized account (still the person's: the account pension is paid
from it until it is exhausted, and what is left is inheritable). Enrollments still open are closed at
the retirement month (reason retirement); the benefit starts the month after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.insurance import services as enrollment_services
from laobao.insurance.models import Enrollment, Reason
from laobao.ledger import services as ledger
from laobao.registry.models import Person
from laobao.registry.services import check_write

from .. import claims
from ..models import (OPEN_CLAIM, Benefit, BenefitEvent, BenefitKind, BenefitRate, ClaimStatus, EventKind,
                      PensionClaim, RateReason)
from . import evaluate as ev


@dataclass(frozen=True)
class ClaimInput:
    category: int
    option: str = "normal"
    shift_months: int = 0
    deemed_months: int = 0
    pre_account_index: Decimal | None = None
    pension_base_fen: int | None = None
    reference_wages: dict | None = None
    note: str = ""


def _err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


_path = claims.path_of


def snapshot(c: PensionClaim) -> dict:
    """What the audit log keeps: numbers and states, never the ID number."""
    total = (c.calculation or {}).get("result", {}).get("total_fen")
    return {"claim_no": c.claim_no, "person": c.person_id, "status": c.status, "category": c.category,
            "option": c.option, "shift_months": c.shift_months, "retire_month": f"{c.retire_month:%Y-%m}",
            "deemed_months": c.deemed_months, "total_fen": total, "maker": c.maker_id, "checker": c.checker_id,
            "failed": [r["code"] for r in c.checks if not r["ok"]], "benefit": c.benefit_id}


def _claim_no(day: date) -> str:
    prefix = f"YL{day:%Y%m%d}"
    return f"{prefix}{PensionClaim.objects.filter(claim_no__startswith=prefix).count() + 1:04d}"


def _apply(claim: PensionClaim, result: ev.Evaluation) -> None:
    claim.retire_month = result.retirement.retire_month
    claim.checks, claim.calculation = result.checks, result.calculation
    claim.status = ClaimStatus.CHECKED if result.ok else ClaimStatus.RECEIVED


@transaction.atomic
def receive(*, user, person: Person, data: ClaimInput) -> PensionClaim:
    """Take a claim at the counter: check it and work out the pension now, store both."""
    check_write(user, person.residence_region, "benefit.write")
    person = Person.objects.select_for_update(of=("self",)).select_related("residence_region").get(pk=person.pk)
    claimed = ev.clean(data)
    open_claim = PensionClaim.objects.filter(person=person, status__in=OPEN_CLAIM).first()
    if open_claim is not None:
        raise _err("person", "claim.open", f"此人已有未办结的养老金申领 {open_claim.claim_no}：请在该申领上重新审核或先撤回",
                   f"This person already has an open pension claim {open_claim.claim_no}: recheck or withdraw it first")
    result = ev.evaluate(person, data.category, data.option, data.shift_months, claimed)
    today = timezone.localdate()
    claim = PensionClaim(person=person, received_on=today, category=data.category, option=data.option,
                         shift_months=data.shift_months, deemed_months=claimed.deemed_months,
                         pre_account_index=claimed.pre_account_index, pension_base_fen=claimed.pension_base_fen,
                         reference_wages=claimed.reference_wages, note=data.note[:300], maker=user)
    _apply(claim, result)
    for _ in range(3):  # the day's sequence number; a concurrent counter may take the same one
        claim.claim_no = _claim_no(today)
        try:
            with transaction.atomic():
                claim.save()
            break
        except IntegrityError:
            continue
    else:
        raise _err("claim_no", "claim.busy", "申领编号生成冲突：请稍后再提交一次", "Could not number the claim: submit it again")
    audit.record("pension_claim.receive", object_type="pension_claim", object_id=claim.pk,
                 region_path=_path(person), after=snapshot(claim))
    return claim


def _locked(claim: PensionClaim) -> PensionClaim:
    return PensionClaim.objects.select_for_update(of=("self",)).select_related("person__residence_region").get(pk=claim.pk)


def _open(claim: PensionClaim) -> None:
    if claim.status == ClaimStatus.APPROVED:
        raise _err("claim", "claim.already_approved",
                   f"申领 {claim.claim_no} 已于 {timezone.localtime(claim.decided_at):%Y-%m-%d} 核准，不能重复核准或更改",
                   f"Claim {claim.claim_no} was already approved on {timezone.localtime(claim.decided_at):%Y-%m-%d}: "
                   "it cannot be approved or changed again")
    claims.ensure_open(claim)


@transaction.atomic
def recheck(*, user, claim: PensionClaim) -> PensionClaim:
    """Check an undecided claim again against the record as it is now (e.g. after arrears were paid)."""
    claim = _locked(claim)
    check_write(user, claim.person.residence_region, "benefit.write")
    _open(claim)
    before = snapshot(claim)
    _apply(claim, ev.evaluate(claim.person, claim.category, claim.option, claim.shift_months, ev.claimed_of(claim)))
    claim.save()
    audit.record("pension_claim.recheck", object_type="pension_claim", object_id=claim.pk,
                 region_path=_path(claim.person), before=before, after=snapshot(claim))
    return claim


def _decider(user, claim: PensionClaim) -> None:
    claims.check_decider(user, claim, _open)


def _unchanged(claim: PensionClaim) -> ev.Evaluation:
    result = ev.evaluate(claim.person, claim.category, claim.option, claim.shift_months, ev.claimed_of(claim))
    if not result.ok:
        failed = "；".join(r["zh"] for r in result.checks if not r["ok"])
        raise _err("claim", "claim.checks_fail", f"条件未满足，不能核准：{failed}",
                   "Conditions not met, cannot approve: " + "; ".join(r["en"] for r in result.checks if not r["ok"]))
    if result.calculation != claim.calculation or result.retirement.retire_month != claim.retire_month:
        raise _err("claim", "claim.stale", "受理后缴费记录或个人账户已有变化：请受理人重新审核（重新计算）后再核准",
                   "The record or the account changed since the claim was checked: recheck it before approving")
    return result


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _award(user, claim: PensionClaim, today: date) -> Benefit:
    start = _next(claim.retire_month)
    benefit = Benefit.objects.create(person=claim.person, kind=BenefitKind.PENSION, fund="fund:pension",
                                     start_month=start, source=f"pension_claim:{claim.claim_no}")
    BenefitEvent.objects.create(benefit=benefit, kind=EventKind.START, month=start, reason="pension_claim",
                                note=f"核准申领 {claim.claim_no}", actor=user)
    calc = claim.calculation
    BenefitRate.objects.create(benefit=benefit, from_month=start, monthly_fen=calc["result"]["total_fen"],
                               components=calc["components"], reason=RateReason.AWARD, key=f"award:{claim.claim_no}")
    claim.first_payment_month = max(start, _next(today.replace(day=1)))
    return benefit


def _close_enrollments(claim: PensionClaim) -> None:
    # The approval is the authority here: the person's pension bureau ends every open enrollment, wherever
    # the employer is registered (user None = no second jurisdiction check; the audit keeps the actor).
    for e in Enrollment.objects.filter(person=claim.person, end_month__isnull=True).select_related("employer__region"):
        enrollment_services.stop(user=None, enrollment=e, end_month=max(claim.retire_month, e.start_month),
                                 reason=Reason.RETIREMENT)


def _annuitize(claim: PensionClaim, today: date) -> None:
    fen = claim.calculation["inputs"]["account_balance_fen"]
    if fen > 0:
        pid = claim.person_id
        ledger.post(key=f"annuity:{claim.claim_no}", kind="annuitization", value_date=today,
                    memo=f"养老金核准 {claim.claim_no}：个人账户转入年金化账户",
                    lines=[(f"personal:{pid}:pension", fen, 0), (f"personal:{pid}:annuity", 0, fen)])


@transaction.atomic
def approve(*, user, claim: PensionClaim) -> PensionClaim:
    """Approve (second person): benefit + rate + start event, enrollments closed, account annuitized."""
    claim = _locked(claim)
    _decider(user, claim)
    _unchanged(claim)
    before, today = snapshot(claim), timezone.localdate()
    claim.benefit = _award(user, claim, today)
    _close_enrollments(claim)
    _annuitize(claim, today)
    claim.status, claim.checker, claim.decided_at = ClaimStatus.APPROVED, user, timezone.now()
    claim.save()
    audit.record("pension_claim.approve", object_type="pension_claim", object_id=claim.pk,
                 region_path=_path(claim.person), before=before, after=snapshot(claim))
    return claim


@transaction.atomic
def reject(*, user, claim: PensionClaim, reason_zh: str = "", reason_en: str = "") -> PensionClaim:
    """Refuse (second person). Without a reason typed, the failing checks are the reason the citizen reads."""
    return claims.reject("pension_claim", user=user, claim=_locked(claim), snapshot=snapshot, reason_zh=reason_zh,
                         reason_en=reason_en, is_open=_open)


@transaction.atomic
def withdraw(*, user, claim: PensionClaim) -> PensionClaim:
    """The applicant withdraws an undecided claim (recorded by a caseworker)."""
    return claims.withdraw("pension_claim", user=user, claim=_locked(claim), snapshot=snapshot, is_open=_open)
