"""Writes of a recognised case's award: the disability assessment (劳动能力鉴定), a death (因工死亡), and their
approval or rejection (checker ≠ maker, ``benefit.approve``). One transaction each, audited (``injury_award.*``).

Approval re-computes the amounts from the stored inputs and the record as it is now; a difference → refused,
"enter it again". Then (工伤保险条例（2010年修订）):
- disability, one-time subsidy (第三十五至三十七条, fund): ledger ``injury:<award_no>:subsidy`` Dr ``fund:injury``
  / Cr ``payable:person:<pid>``, handed to ``payouts.services.order_payout``;
- monthly allowance, grades 1–4 (第三十五条, fund): Benefit kind ``injury_allowance``, fund ``fund:injury`` (the
  payroll pays it); grades 5–6 (第三十六条, the employer when it cannot arrange work): the same Benefit with fund
  ``employer:<id>`` — recorded for the person page, never paid by the payroll. From the month after the
  assessment (practice, UNVERIFIED); rate ``award:<award_no>`` with the formula.
- death (第三十九条): funeral grant + one-time death grant: ``injury:<award_no>:death`` Dr ``fund:injury`` / Cr
  ``payable:heir:<pid>`` (payee named later by the payout module unless given); one Benefit kind
  ``injury_dependant`` per dependant (a registered Person: the counter registers them first), from the month
  after the death, their pensions together ≤ the deceased's wage (the rule's cap). The death itself is recorded
  through ``community.services.record_death`` unless it already is (source 工亡 <award_no>, no pension-fund grants):
  every benefit of the deceased — a grade 1–4 allowance included — stops from the next month, an overpayment is
  recovered and the individual account goes to the heir, as for any death.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from laobao.benefits.payouts.services import order_payout
from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.ledger import services as ledger
from laobao.policy.rules.checks import yuan
from laobao.registry.models import Person
from laobao.registry.services import check_write

from ..claims import rejection_reason
from ..community import services as community
from ..models import Benefit, BenefitEvent, BenefitKind, BenefitRate, ClaimStatus, Death, EventKind, RateReason
from . import evaluate as ev
from .models import AwardKind, CaseStatus, InjuryAward, InjuryCase
from .services import check_decider, locked, path_of

FUND = "fund:injury"


@dataclass(frozen=True)
class AssessInput:
    grade: int | None  # 1–10, None = 未达到伤残等级
    assessed_on: date
    wage_fen: int | None = None  # maker's 本人工资, used only when the record has none
    average_wage_fen: int | None = None  # maker's regional average wage, used only when the parameter has none
    work_arranged: bool = False  # grades 5–6: the employer arranged suitable work → no allowance (第三十六条)
    note: str = ""


@dataclass(frozen=True)
class DeathInput:
    died_on: date
    dependants: tuple = field(default=())  # ((Person, "spouse" | "other", lone: bool), ...)
    wage_fen: int | None = None
    average_wage_fen: int | None = None
    national_income_fen: int | None = None  # while wages.national_urban_disposable_income has no value
    heir_name: str = ""  # who receives the grants, when known (kept in the award's ``note``)


def _err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


def snapshot(a: InjuryAward) -> dict:
    return {"award_no": a.award_no, "case": a.case_id, "kind": a.kind, "status": a.status, "grade": a.grade,
            "event_date": a.event_date.isoformat(), "wage_fen": a.wage_fen, "wage_source": a.wage_source,
            "average_wage_fen": a.average_wage_fen, "one_time_fen": a.one_time_fen, "monthly_fen": a.monthly_fen,
            "payer": a.payer, "dependants": [d["person"] for d in a.dependants], "maker": a.maker_id,
            "checker": a.checker_id}


def _recognised(user, case: InjuryCase, day: date) -> InjuryCase:
    case = locked(case)
    check_write(user, case.person.residence_region, "benefit.write")
    if case.status != CaseStatus.RECOGNISED:
        raise _err("case", "injury.not_recognised", f"{case.case_no} 未认定为工伤：只有认定为工伤后才能鉴定或核定工亡待遇",
                   f"{case.case_no} is not a recognised work injury: assess or award only after recognition")
    if not case.insured:
        raise _err("case", "injury.not_insured", "事故时未由该单位参加工伤保险：待遇由用人单位按条例标准支付（第六十二条第二款），基金不核定",
                   "not insured for work injury at the accident: the employer pays at the regulation's rates "
                   "(art. 62(2))")
    if day < case.accident_date or day > timezone.localdate():
        raise _err("event_date", "injury.event_date", "日期须在事故日期之后、不晚于今天",
                   "the date must be on or after the accident and not in the future")
    return case


def _award_no(day: date) -> str:
    prefix = f"GSD{day:%Y%m%d}"
    return f"{prefix}{InjuryAward.objects.filter(award_no__startswith=prefix).count() + 1:04d}"


def _save_new(award: InjuryAward) -> InjuryAward:
    today = timezone.localdate()
    for _ in range(3):
        award.award_no = _award_no(today)
        try:
            with transaction.atomic():
                award.save()
            return award
        except IntegrityError:
            if InjuryAward.objects.filter(case=award.case, kind=award.kind).exclude(status="rejected").exists():
                break
    raise _err("case", "injury.award_exists", "此工伤已有同类核定（待复核或已核准）",
               "this case already has such an award (waiting or approved)")


def _fill(award: InjuryAward, calc: dict) -> None:
    i, r = calc["inputs"], calc["result"]
    award.calculation, award.payer = calc, r["payer"]
    award.one_time_fen, award.monthly_fen = r["one_time_fen"], r["monthly_fen"]
    award.wage_fen, award.wage_source = i["wage_fen"], i["wage_source"]
    award.average_wage_fen, award.average_source = i["average_wage_fen"], i["average_source"]


@transaction.atomic
def assess(*, user, case: InjuryCase, data: AssessInput) -> InjuryAward:
    """Record the assessment conclusion and work out the amounts (waits for a second person's approval)."""
    case = _recognised(user, case, data.assessed_on)
    if data.grade is not None and data.grade not in range(1, 11):
        raise _err("grade", "injury.grade", "伤残等级为一至十级（第二十二条），未达等级请选“无”",
                   "the disability grade is 1 to 10 (art. 22); choose none below grade 10")
    inputs = ev.wage_inputs(case, data.wage_fen, data.average_wage_fen, case.accident_date)
    award = InjuryAward(case=case, kind=AwardKind.DISABILITY, event_date=data.assessed_on, grade=data.grade,
                        work_arranged=bool(data.work_arranged), note=data.note[:300], maker=user,
                        status=ClaimStatus.CHECKED)
    _fill(award, ev.disability(case, data.grade, data.assessed_on, inputs, award.work_arranged))
    _save_new(award)
    audit.record("injury_award.assess", object_type="injury_award", object_id=award.pk,
                 region_path=path_of(case.person), after=snapshot(award))
    return award


def _dependants(case: InjuryCase, items) -> list[dict]:
    out, seen = [], set()
    for person, relation, lone in items:
        if person.pk == case.person_id or person.pk in seen:
            raise _err("dependants", "injury.dependant_twice", "供养亲属不能是死者本人，也不能重复填写",
                       "a dependant cannot be the deceased or appear twice")
        if relation not in ("spouse", "other"):
            raise _err("dependants", "injury.dependant_relation", "供养亲属关系为配偶或其他亲属",
                       "a dependant is the spouse or another relative")
        seen.add(person.pk)
        out.append({"person": person.pk, "name": person.name, "relation": relation, "lone": bool(lone)})
    return out


@transaction.atomic
def record_death(*, user, case: InjuryCase, data: DeathInput) -> InjuryAward:
    """Record a death from the recognised injury and work out the death benefits (waits for approval)."""
    case = _recognised(user, case, data.died_on)
    deps = _dependants(case, data.dependants)
    inputs = ev.wage_inputs(case, data.wage_fen, data.average_wage_fen, data.died_on)
    award = InjuryAward(case=case, kind=AwardKind.DEATH, event_date=data.died_on, dependants=deps,
                        national_income_fen=data.national_income_fen, note=data.heir_name.strip()[:300],
                        maker=user, status=ClaimStatus.CHECKED)
    _fill(award, ev.death(case, data.died_on, inputs, deps, data.national_income_fen, _after_allowance(case)))
    _save_new(award)
    audit.record("injury_award.death", object_type="injury_award", object_id=award.pk,
                 region_path=path_of(case.person), after=snapshot(award))
    return award


def _after_allowance(case: InjuryCase) -> bool:
    """An approved assessment of grade 1–4: the worker drew the allowance, so died after the paid leave."""
    return case.awards.filter(kind=AwardKind.DISABILITY, status=ClaimStatus.APPROVED, grade__lte=4).exists()


def _again(award: InjuryAward) -> dict:
    """The calculation from the stored inputs and today's record and parameters."""
    case = award.case
    maker_wage = award.wage_fen if award.wage_source == "maker" else None
    maker_avg = award.average_wage_fen if award.average_source == "maker" else None
    if award.kind == AwardKind.DISABILITY:
        calc = ev.disability(case, award.grade, award.event_date,
                             ev.wage_inputs(case, maker_wage, maker_avg, case.accident_date), award.work_arranged)
    else:
        calc = ev.death(case, award.event_date, ev.wage_inputs(case, maker_wage, maker_avg, award.event_date),
                        award.dependants, award.national_income_fen, _after_allowance(case))
    return json.loads(json.dumps(calc, cls=DjangoJSONEncoder))  # as the JSON field gives it back


def _benefit(user, award: InjuryAward, person: Person, kind: str, fund: str, source: str, monthly: int,
             component: dict) -> Benefit:
    start = ev.next_month(award.event_date.replace(day=1))
    benefit = Benefit.objects.create(person=person, kind=kind, fund=fund, start_month=start, source=source)
    BenefitEvent.objects.create(benefit=benefit, kind=EventKind.START, month=start, reason="injury_award",
                                note=f"核准工伤待遇 {award.award_no}", actor=user)
    BenefitRate.objects.create(benefit=benefit, from_month=start, monthly_fen=monthly, reason=RateReason.AWARD,
                               key=f"award:{source}", components=[component | {"amount_fen": monthly}])
    return benefit


def _disability(user, award: InjuryAward, today: date) -> None:
    case, calc = award.case, award.calculation
    pid = case.person_id
    if award.one_time_fen > 0:
        key = f"injury:{award.award_no}:subsidy"
        ledger.post(key=key, kind="injury", value_date=today, memo=f"一次性伤残补助金 {award.award_no}",
                    lines=[(FUND, award.one_time_fen, 0), (f"payable:person:{pid}", 0, award.one_time_fen)])
        order_payout(key=key, payable_code=f"payable:person:{pid}", amount_fen=award.one_time_fen,
                     person=case.person, memo=f"一次性伤残补助金 {award.award_no}", source=f"injury:{award.award_no}")
    if award.monthly_fen > 0:
        fund = FUND if award.payer == "fund" else f"employer:{case.employer_id}"
        _benefit(user, award, case.person, BenefitKind.INJURY_ALLOWANCE, fund, f"injury:{award.award_no}",
                 award.monthly_fen, {"code": "injury_allowance", "zh": "伤残津贴", "en": "disability allowance",
                                     "formula": calc["formula"], "grade": award.grade, "payer": award.payer})


def _death(user, award: InjuryAward, today: date) -> None:
    case, calc = award.case, award.calculation
    r, pid = calc["result"], case.person_id
    key, payable = f"injury:{award.award_no}:death", f"payable:heir:{pid}"
    memo = f"丧葬补助金 {yuan(r['funeral_fen'])} + 一次性工亡补助金 {yuan(r['grant_fen'])} {award.award_no}"
    ledger.post(key=key, kind="injury", value_date=today, memo=memo,
                lines=[(FUND, award.one_time_fen, 0), (payable, 0, award.one_time_fen)])
    order_payout(key=key, payable_code=payable, amount_fen=award.one_time_fen, memo=memo,
                 source=f"injury:{award.award_no}", payee_name=award.note, subject=case.person)
    persons = Person.objects.in_bulk([d["person"] for d in award.dependants])
    for n, (d, fen) in enumerate(zip(award.dependants, r["pensions_fen"]), start=1):
        if fen > 0:
            _benefit(user, award, persons[d["person"]], BenefitKind.INJURY_DEPENDANT, FUND,
                     f"injury:{award.award_no}:{n}", fen,
                     {"code": "injury_dependant", "zh": "供养亲属抚恤金", "en": "dependant's pension",
                      "formula": calc["formula"], "relation": d["relation"], "lone": d["lone"],
                      "deceased": pid, "capped": r["capped"]})
    if not Death.objects.filter(person_id=pid).exists():
        community.record_death(user=user, person=case.person, died_on=award.event_date,
                               source=f"工亡 {award.award_no}", heir_name=award.note)


def _locked(award: InjuryAward) -> InjuryAward:
    return (InjuryAward.objects.select_for_update(of=("self",))
            .select_related("case__person__residence_region", "case__employer__region").get(pk=award.pk))


def _decider(user, award: InjuryAward) -> None:
    check_decider(user, award.case.person.residence_region, award.maker_id, "核准或驳回自己录入的核定",
                  "decide their own entry")
    if award.status != ClaimStatus.CHECKED:
        raise _err("award", "claim.closed", f"{award.award_no} 已办结（{award.get_status_display()}），不能再处理",
                   f"{award.award_no} is closed ({award.status})")


@transaction.atomic
def approve(*, user, award: InjuryAward) -> InjuryAward:
    """Approve (second person): one-time amounts posted and ordered, monthly benefits created."""
    award = _locked(award)
    _decider(user, award)
    if _again(award) != award.calculation:
        raise _err("award", "claim.stale", "录入后缴费记录或参数已有变化：请驳回后重新录入",
                   "the record or the parameters changed since the entry: reject it and enter it again")
    before, today = snapshot(award), timezone.localdate()
    (_disability if award.kind == AwardKind.DISABILITY else _death)(user, award, today)
    award.status, award.checker, award.decided_at = ClaimStatus.APPROVED, user, timezone.now()
    award.save()
    audit.record("injury_award.approve", object_type="injury_award", object_id=award.pk,
                 region_path=path_of(award.case.person), before=before, after=snapshot(award))
    return award


@transaction.atomic
def reject(*, user, award: InjuryAward, reason_zh: str = "", reason_en: str = "") -> InjuryAward:
    """Refuse (second person) with a typed reason; the case can then be assessed again."""
    award = _locked(award)
    _decider(user, award)
    before = snapshot(award)
    award.rejection_zh, award.rejection_en = rejection_reason([], reason_zh, reason_en)
    award.status, award.checker, award.decided_at = ClaimStatus.REJECTED, user, timezone.now()
    award.save()
    audit.record("injury_award.reject", object_type="injury_award", object_id=award.pk,
                 region_path=path_of(award.case.person), before=before, after=snapshot(award))
    return award
