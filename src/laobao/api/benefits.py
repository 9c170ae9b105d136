"""/benefits/persons/{id}/claims and /benefits/claims/{claim_no}: pension claims, read only;
/benefits/persons/{id}/payments: the person's benefit payment lines (payroll).

Scoped like /persons: a claim is visible with its person (404 outside); employer users see no claims.
Amounts are integer fen; the calculation is the one stored on the claim (inputs, components with their
formulas, parameters). Reading is audited.
"""

from __future__ import annotations

from typing import Any, Optional

from django.db import transaction
from ninja import Router, Schema

from laobao.benefits.payroll import selectors as payroll_selectors
from laobao.benefits.pension import selectors
from laobao.core import audit
from laobao.registry import selectors as registry_selectors

from .schemas import ERRORS, Pk

router = Router(tags=["benefits"])


class CheckOut(Schema):
    code: str
    ok: bool
    zh: str
    en: str


class ClaimOut(Schema):
    claim_no: str
    person_id: int
    status: str
    received_on: str
    category: int
    option: str
    shift_months: int
    retire_month: str
    deemed_months: int
    first_payment_month: Optional[str]
    decided_at: Optional[str]
    total_fen: Optional[int]
    rejection_zh: str
    rejection_en: str
    checks: list[CheckOut]


class ClaimDetailOut(ClaimOut):
    calculation: Optional[dict[str, Any]]


class ClaimsOut(Schema):
    person_id: int
    claims: list[ClaimOut]


def _month(d) -> Optional[str]:
    return d.strftime("%Y-%m") if d else None


def _claim_out(c) -> dict:
    return {"claim_no": c.claim_no, "person_id": c.person_id, "status": c.status,
            "received_on": c.received_on.isoformat(), "category": c.category, "option": c.option,
            "shift_months": c.shift_months, "retire_month": _month(c.retire_month), "deemed_months": c.deemed_months,
            "first_payment_month": _month(c.first_payment_month),
            "decided_at": c.decided_at.isoformat() if c.decided_at else None,
            "total_fen": (c.calculation or {}).get("result", {}).get("total_fen"),
            "rejection_zh": c.rejection_zh, "rejection_en": c.rejection_en, "checks": c.checks}


def _audit(action: str, object_type: str, pk, person) -> None:
    with transaction.atomic():
        audit.record(action, object_type=object_type, object_id=pk,
                     region_path=person.residence_region.path if person.residence_region_id else "")


@router.get("/benefits/persons/{person_id}/claims", response={200: ClaimsOut, **ERRORS},
            summary="A person's pension claims, newest first, with their checks (audited)")
def person_claims(request, person_id: Pk):
    person = registry_selectors.person_get(request.auth, person_id)
    claims = [_claim_out(c) for c in selectors.person_claims(request.auth, person)]
    _audit("pension_claim.list", "person", person.pk, person)
    return {"person_id": person.pk, "claims": claims}


@router.get("/benefits/claims/{claim_no}", response={200: ClaimDetailOut, **ERRORS},
            summary="One pension claim with its calculation (核定表 data)")
def claim_detail(request, claim_no: str):
    claim = selectors.claim_get(request.auth, claim_no)
    _audit("pension_claim.view", "pension_claim", claim.pk, claim.person)
    return {**_claim_out(claim), "calculation": claim.calculation}


# -- payments (payroll slice) ------------------------------------------------------------------------------------

class PaymentMonthOut(Schema):
    month: str
    amount_fen: int


class PaymentOut(Schema):
    line_id: int
    run_month: str
    benefit_id: int
    benefit_kind: str
    fund: str
    amount_fen: int
    annuity_fen: int
    months_text: str
    months: list[PaymentMonthOut]
    bank_code: str
    account_tail: str
    status: str  # pending | paid | rejected
    reason: str
    settled_on: Optional[str]


class PaymentsOut(Schema):
    person_id: int
    payments: list[PaymentOut]


def _payment_out(line) -> dict:
    ret = getattr(line, "payment_return", None)
    return {"line_id": line.pk, "run_month": _month(line.run.month), "benefit_id": line.benefit_id,
            "benefit_kind": line.benefit.kind, "fund": line.fund, "amount_fen": line.amount_fen,
            "annuity_fen": line.annuity_fen, "months_text": line.months_text,
            "months": [{"month": _month(m.month), "amount_fen": m.amount_fen} for m in line.paid_months.all()],
            "bank_code": line.bank_code, "account_tail": line.bank_account.account_no[-4:],
            "status": payroll_selectors.status_of(line), "reason": ret.reason if ret else "",
            "settled_on": ret.settled_on.isoformat() if ret else None}


@router.get("/benefits/persons/{person_id}/payments", response={200: PaymentsOut, **ERRORS},
            summary="A person's benefit payment lines, newest first, with their months and status (audited)")
def person_payments(request, person_id: Pk):
    person = registry_selectors.person_get(request.auth, person_id)
    lines = [_payment_out(l) for l in payroll_selectors.person_payments(request.auth, person)]
    _audit("benefit_payment.list", "person", person.pk, person)
    return {"person_id": person.pk, "payments": lines}
