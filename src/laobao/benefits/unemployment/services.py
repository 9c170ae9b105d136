"""Writes of unemployment benefit: 失业登记, claims (receive, approve, reject) and the stop on re-employment.
One transaction each, audited, DomainError zh + en. Jurisdiction: the person's residence region —
registering and receiving need ``benefit.write``, deciding ``benefit.approve`` and a checker ≠ maker.

Approval creates the Benefit (kind unemployment, fund ``fund:unemployment``) from the month after the
registration for ``months`` months, its start event and the rate ``award:<claim_no>``; the payroll pays it.
``stop_on_reemployment`` ends it before the month a new employment relation or enrollment starts and keeps
the months not drawn on the claim (``unused_months``) for a later claim; ``on_employment_started`` receives
``registry.signals.employment_started`` (connected in ``BenefitsConfig.ready``: registry and insurance never
import benefits).
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.employment import services as employment_services
from laobao.registry.models import Person
from laobao.registry.services import check_write

from .. import claims
from ..models import (OPEN_CLAIM, Benefit, BenefitEvent, BenefitKind, BenefitRate, BenefitStatus, ClaimStatus,
                      EventKind, RateReason)
from . import evaluate as ev
from .models import UnemploymentClaim, UnemploymentRegistration

FUND = "fund:unemployment"


def _err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


_path = claims.path_of


def snapshot(c: UnemploymentClaim) -> dict:
    return {"claim_no": c.claim_no, "person": c.person_id, "status": c.status, "claim_month": f"{c.claim_month:%Y-%m}",
            "contribution_months": c.contribution_months, "carried_months": c.carried_months, "months": c.months,
            "monthly_fen": c.monthly_fen, "unused_months": c.unused_months, "maker": c.maker_id,
            "checker": c.checker_id, "failed": [r["code"] for r in c.checks if not r["ok"]], "benefit": c.benefit_id}


def register(*, user, person: Person, registered_on: date, involuntary: bool, reason: str = "",
             able_to_work: bool = True, willing_to_work: bool = True) -> UnemploymentRegistration:
    """失业登记 — moved to the employment app (issue 6): ``laobao.employment.services.register`` checks the
    conditions (working age, declarations, no job, no open enrollment) and audits. The benefits counter form
    asks no declarations: applying at the benefit counter records both as made (able and willing to work)."""
    return employment_services.register(user=user, person=person, registered_on=registered_on,
                                        involuntary=involuntary, reason=reason, able_to_work=able_to_work,
                                        willing_to_work=willing_to_work)


def _claim_no(day: date) -> str:
    prefix = f"SYJ{day:%Y%m%d}"
    return f"{prefix}{UnemploymentClaim.objects.filter(claim_no__startswith=prefix).count() + 1:04d}"


def _apply(claim: UnemploymentClaim, r: ev.Evaluation) -> None:
    claim.checks, claim.calculation = r.checks, r.calculation
    claim.contribution_months, claim.carried_months, claim.carried_from = r.contribution_months, r.carried_months, r.carried_from
    claim.months, claim.monthly_fen = r.months, r.monthly_fen
    claim.status = ClaimStatus.CHECKED if r.ok else ClaimStatus.RECEIVED


def _save_numbered(claim: UnemploymentClaim, today: date) -> None:
    for _ in range(3):  # the day's sequence number; a concurrent counter may take the same one
        claim.claim_no = _claim_no(today)
        try:
            with transaction.atomic():
                claim.save()
            return
        except IntegrityError:
            continue
    raise _err("claim_no", "claim.busy", "申领编号生成冲突：请稍后再提交一次", "Could not number the claim: submit it again")


@transaction.atomic
def receive(*, user, person: Person, month: date | None = None) -> UnemploymentClaim:
    """Take a claim: checks, months and amount (parameters of ``month``, default this month) stored."""
    person = Person.objects.select_for_update(of=("self",)).select_related("residence_region").get(pk=person.pk)
    check_write(user, person.residence_region, "benefit.write")
    today = timezone.localdate()
    month = (month or today).replace(day=1)
    if UnemploymentClaim.objects.filter(person=person, status__in=OPEN_CLAIM).exists():
        raise _err("person", "claim.open", "此人已有未办结的失业保险金申领：请先办结或撤回",
                   "this person already has an open unemployment claim: decide or withdraw it first")
    registration = UnemploymentRegistration.objects.filter(person=person, ended_on__isnull=True).first()
    if registration is None:
        raise _err("person", "unemployment.not_registered", "未办理失业登记：请先办理失业登记再申领失业保险金",
                   "not registered as unemployed: register first, then claim the benefit")
    claim = UnemploymentClaim(person=person, registration=registration, received_on=today, claim_month=month, maker=user)
    _apply(claim, ev.evaluate(person, month, today))
    _save_numbered(claim, today)
    audit.record("unemployment_claim.receive", object_type="unemployment_claim", object_id=claim.pk,
                 region_path=_path(person), after=snapshot(claim))
    return claim


def _locked(claim: UnemploymentClaim) -> UnemploymentClaim:
    return (UnemploymentClaim.objects.select_for_update(of=("self",))
            .select_related("person__residence_region", "registration").get(pk=claim.pk))


def _decider(user, claim: UnemploymentClaim) -> None:
    claims.check_decider(user, claim)


def _award(user, claim: UnemploymentClaim) -> Benefit:
    start = ev.next_month(claim.registration.registered_on.replace(day=1))
    end = ev.add_months(start, claim.months - 1)
    benefit = Benefit.objects.create(person=claim.person, kind=BenefitKind.UNEMPLOYMENT, fund=FUND, start_month=start,
                                     end_month=end, source=f"unemployment_claim:{claim.claim_no}")
    BenefitEvent.objects.create(benefit=benefit, kind=EventKind.START, month=start, reason="unemployment_claim",
                                note=f"核准申领 {claim.claim_no}（{claim.months} 个月）", actor=user)
    amount = claim.calculation["amount"]
    BenefitRate.objects.create(benefit=benefit, from_month=start, monthly_fen=claim.monthly_fen, reason=RateReason.AWARD,
                               key=f"award:{claim.claim_no}", components=[{
                                   "code": "unemployment", "zh": "失业保险金", "en": "unemployment benefit",
                                   "amount_fen": claim.monthly_fen, "formula": amount["formula"],
                                   "months": claim.months, "entitlement": claim.calculation["entitlement"]["formula"]}])
    claim.start_month, claim.end_month = start, end
    return benefit


@transaction.atomic
def approve(*, user, claim: UnemploymentClaim) -> UnemploymentClaim:
    """Approve (second person): the checks are run again; benefit + start event + rate; payroll pays it."""
    claim = _locked(claim)
    _decider(user, claim)
    result = ev.evaluate(claim.person, claim.claim_month, timezone.localdate(), exclude_pk=claim.pk)
    if not result.ok:
        failed = [r for r in result.checks if not r["ok"]]
        raise _err("claim", "claim.checks_fail", "条件未满足，不能核准：" + "；".join(r["zh"] for r in failed),
                   "conditions not met, cannot approve: " + "; ".join(r["en"] for r in failed))
    before = snapshot(claim)
    _apply(claim, result)
    claim.benefit = _award(user, claim)
    claim.status, claim.checker, claim.decided_at = ClaimStatus.APPROVED, user, timezone.now()
    claim.save()
    audit.record("unemployment_claim.approve", object_type="unemployment_claim", object_id=claim.pk,
                 region_path=_path(claim.person), before=before, after=snapshot(claim))
    return claim


@transaction.atomic
def reject(*, user, claim: UnemploymentClaim, reason_zh: str = "", reason_en: str = "") -> UnemploymentClaim:
    """Refuse (second person); without a typed reason the failing checks are the reason."""
    return claims.reject("unemployment_claim", user=user, claim=_locked(claim), snapshot=snapshot,
                         reason_zh=reason_zh, reason_en=reason_en)


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _stop_one(user, benefit: Benefit, month: date, note: str) -> UnemploymentClaim | None:
    claim = UnemploymentClaim.objects.select_for_update().filter(benefit=benefit).first()
    before = {"end_month": f"{benefit.end_month:%Y-%m}", "status": benefit.status}
    if month <= benefit.start_month:  # re-employed before the first month: nothing is due (kept as a suspension)
        end, drawn = benefit.start_month, 0
        BenefitEvent.objects.create(benefit=benefit, kind=EventKind.SUSPEND, month=benefit.start_month,
                                    reason="reemployment", note=note, actor=user)
    else:
        end = ev.add_months(month, -1)
        drawn = _months_between(benefit.start_month, end)
    BenefitEvent.objects.create(benefit=benefit, kind=EventKind.STOP, month=month, reason="reemployment", note=note,
                                actor=user)
    Benefit.objects.filter(pk=benefit.pk).update(end_month=end, status=BenefitStatus.STOPPED)
    if claim is not None:
        claim.unused_months = max(claim.months - drawn, 0)
        claim.save(update_fields=["unused_months", "updated_at"])
    audit.record("benefit.stop_reemployment", object_type="benefit", object_id=benefit.pk,
                 region_path=_path(benefit.person), before=before,
                 after={"end_month": f"{end:%Y-%m}", "status": BenefitStatus.STOPPED, "reemployed": f"{month:%Y-%m}",
                        "unused_months": claim.unused_months if claim else None})
    return claim


@transaction.atomic
def stop_on_reemployment(*, person: Person, month: date, user=None, note: str = "") -> list[UnemploymentClaim]:
    """End the person's running unemployment benefit before ``month`` (the month re-employment starts is not
    due); the months not drawn stay on the claim for a later one. Ends the open registration on the day given
    (any day of the month: the relation's start date, or the enrollment's month). Idempotent."""
    day, month = month, month.replace(day=1)
    running = list(Benefit.objects.select_for_update(of=("self",)).select_related("person__residence_region")
                   .filter(person=person, kind=BenefitKind.UNEMPLOYMENT, end_month__gte=month)
                   .exclude(status=BenefitStatus.STOPPED))
    claims = [_stop_one(user, b, month, note or f"{month:%Y-%m} 重新就业") for b in running]
    employment_services.end_on_employment(person=person, day=day, user=user, source=note)
    return [c for c in claims if c is not None]


def on_employment_started(sender, *, person: Person, started: date, **kwargs) -> None:
    """Receiver of ``registry.signals.employment_started`` (sent by ``registry.services.relation_start`` and
    ``insurance.services.enroll``, in their transaction): nothing happens unless the person has an
    unemployment benefit (one indexed query)."""
    if Benefit.objects.filter(person=person, kind=BenefitKind.UNEMPLOYMENT).exists():
        stop_on_reemployment(person=person, month=started)
