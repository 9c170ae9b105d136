"""/benefits/injury/{case_no}: one work-injury case (工伤认定) with its awards (劳动能力鉴定 / 因工死亡), read only.

Scoped like /persons: visible with the injured person (404 outside); employer users see none. Amounts are
integer fen; each award's calculation is the one stored (inputs with their sources, result, formula,
parameters). Reading is audited (``injury_case.view``).
"""

from __future__ import annotations

from typing import Any, Optional

from django.db import transaction
from ninja import Router, Schema

from laobao.benefits.injury import selectors
from laobao.core import audit

from .schemas import ERRORS

router = Router(tags=["benefits"])


class AwardOut(Schema):
    award_no: str
    kind: str
    status: str
    event_date: str
    grade: Optional[int]
    wage_fen: int
    wage_source: str
    average_wage_fen: int
    average_source: str
    one_time_fen: int
    monthly_fen: int
    payer: str
    decided_at: Optional[str]
    rejection_zh: str
    calculation: Optional[dict[str, Any]]


class CaseOut(Schema):
    case_no: str
    person_id: int
    employer_id: int
    status: str
    accident_date: str
    applicant_kind: str
    received_on: str
    decision_due: str
    overdue: bool
    late_employer: bool
    insured: bool
    recognition: str
    ground: str
    reason_zh: str
    reason_en: str
    decided_at: Optional[str]
    awards: list[AwardOut]


def _award(a) -> dict:
    return {"award_no": a.award_no, "kind": a.kind, "status": a.status, "event_date": a.event_date.isoformat(),
            "grade": a.grade, "wage_fen": a.wage_fen, "wage_source": a.wage_source,
            "average_wage_fen": a.average_wage_fen, "average_source": a.average_source,
            "one_time_fen": a.one_time_fen, "monthly_fen": a.monthly_fen, "payer": a.payer,
            "decided_at": a.decided_at.isoformat() if a.decided_at else None, "rejection_zh": a.rejection_zh,
            "calculation": a.calculation}


@router.get("/benefits/injury/{case_no}", response={200: CaseOut, **ERRORS},
            summary="One work-injury case with its deadline, decision and awards (audited)")
def injury_case(request, case_no: str):
    c = selectors.case_get(request.auth, case_no)
    with transaction.atomic():
        audit.record("injury_case.view", object_type="injury_case", object_id=c.pk,
                     region_path=c.person.residence_region.path if c.person.residence_region_id else "")
    return {"case_no": c.case_no, "person_id": c.person_id, "employer_id": c.employer_id, "status": c.status,
            "accident_date": c.accident_date.isoformat(), "applicant_kind": c.applicant_kind,
            "received_on": c.received_on.isoformat(), "decision_due": c.decision_due.isoformat(),
            "overdue": selectors.overdue(c), "late_employer": c.late_employer, "insured": c.insured,
            "recognition": c.recognition, "ground": c.ground, "reason_zh": c.reason_zh, "reason_en": c.reason_en,
            "decided_at": c.decided_at.isoformat() if c.decided_at else None,
            "awards": [_award(a) for a in selectors.case_awards(c)]}
