"""Checks and calculation of an unemployment claim (pure over the facts read here; nothing written).

Checks: an open 失业登记; job lost involuntarily; ≥ the minimum paid unemployment months since the last
benefit (条例 第十四条: the time is counted afresh after re-employment); no current employment relation or
open enrollment; no unemployment benefit still running; the amount can be worked out (minimum wage of the
claim month has a value). Months and amount come from ``policy.rules.unemployment`` (entitlement with the
carried months, cap 24; amount = minimum wage × share).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from laobao.insurance.models import Enrollment
from laobao.policy.params import ParameterError
from laobao.policy.rules.unemployment import amount as amount_rule
from laobao.policy.rules.unemployment import entitlement as entitlement_rule
from laobao.registry.models import EmploymentRelation, Person

from ..models import Benefit, BenefitKind, ClaimStatus
from .models import UnemploymentClaim, UnemploymentRegistration
from .record import paid_months

EPOCH = date(1900, 1, 1)


@dataclass
class Evaluation:
    checks: list[dict]
    calculation: dict | None
    contribution_months: int
    carried_months: int
    carried_from: UnemploymentClaim | None
    months: int
    monthly_fen: int

    @property
    def ok(self) -> bool:
        return all(c["ok"] for c in self.checks)


def _check(code: str, ok: bool, zh: str, en: str) -> dict:
    return {"code": code, "ok": bool(ok), "zh": zh, "en": en}


def next_month(m: date) -> date:
    return date(m.year + m.month // 12, m.month % 12 + 1, 1)


def add_months(m: date, n: int) -> date:
    k = m.year * 12 + m.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def earlier(person: Person, exclude_pk=None) -> tuple[date, UnemploymentClaim | None]:
    """(count contributions after this month, the claim whose unused months carry over)."""
    approved = (UnemploymentClaim.objects.filter(person=person, status=ClaimStatus.APPROVED).exclude(pk=exclude_pk)
                .select_related("benefit").order_by("-start_month", "-id"))
    last = approved.first()
    if last is None:
        return EPOCH, None
    carried = last if (last.unused_months or 0) > 0 else None
    end = last.benefit.end_month if last.benefit_id else last.end_month  # the benefit's actual end (stopped early)
    return end or last.start_month, carried


def _facts_checks(person: Person, registration, contributed: int, minimum: int, today: date) -> list[dict]:
    working = EmploymentRelation.objects.filter(person=person, start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)).exists()
    enrolled = Enrollment.objects.filter(person=person, end_month__isnull=True).exists()
    involuntary = registration is not None and registration.involuntary
    running = (Benefit.objects.filter(person=person, kind=BenefitKind.UNEMPLOYMENT).exclude(status="stopped")
               .filter(Q(end_month__isnull=True) | Q(end_month__gte=today.replace(day=1))).exists())
    return [
        _check("registration", registration is not None,
               "已办理失业登记" if registration else "未办理失业登记：请先办理失业登记",
               "registered as unemployed" if registration else "not registered as unemployed: register first"),
        _check("involuntary", involuntary, "非因本人意愿中断就业" if involuntary else
               "未登记为非因本人意愿中断就业（如主动辞职），不能领取失业保险金（失业保险条例第十四条）",
               "job lost involuntarily" if involuntary else
               "the job was not lost involuntarily (e.g. resignation): no unemployment benefit (Regulation art. 14)"),
        _check("contribution", contributed >= minimum,
               f"失业保险已缴费 {contributed} 个月（须满 {minimum} 个月）",
               f"{contributed} paid months of unemployment insurance (at least {minimum} needed)"),
        _check("not_working", not (working or enrolled),
               "无在职劳动关系和在保参保记录" if not (working or enrolled) else
               "仍有在职劳动关系或未停保的参保记录：须先办理减员或终止劳动关系",
               "no current employment or open enrollment" if not (working or enrolled) else
               "a current employment relation or open enrollment exists: end it first"),
        _check("no_running_benefit", not running, "无正在领取的失业保险金" if not running else
               "正在领取失业保险金：期满或终止后才能再次申领",
               "no unemployment benefit running" if not running else "an unemployment benefit is still running"),
    ]


def _amount(month: date) -> tuple[dict | None, dict]:
    try:
        amt = amount_rule.monthly_amount(amount_rule.params_for(month))
    except ParameterError:
        return None, _check("amount", False,
                            f"{month:%Y-%m} 的最低工资标准参数无值（wages.minimum_wage），无法计算失业保险金：请先补录参数",
                            f"the minimum wage parameter (wages.minimum_wage) has no value for {month:%Y-%m}: "
                            "the benefit cannot be worked out; enter the parameter first")
    return _plain(amt.explain) | {"monthly_fen": amt.monthly_amount}, _check(
        "amount", True, f"失业保险金月标准按 {month:%Y-%m} 最低工资标准计算", f"amount from the {month:%Y-%m} minimum wage")


def _plain(explain: dict) -> dict:
    return {**explain, "params": [p.as_dict() for p in explain.get("params", [])]}


def evaluate(person: Person, month: date, today: date, exclude_pk=None) -> Evaluation:
    registration = UnemploymentRegistration.objects.filter(person=person, ended_on__isnull=True).first()
    after, carried_from = earlier(person, exclude_pk)
    contributed = len(paid_months(person.pk, after, month))
    params = entitlement_rule.params_for(month)
    carried = min(carried_from.unused_months, params.max_months) if carried_from else 0
    checks = _facts_checks(person, registration, contributed, params.min_contribution_months, today)
    ent = entitlement_rule.entitlement(contributed, params, carried_months=carried,
                                       involuntary=bool(registration and registration.involuntary),
                                       registered=registration is not None)
    amount, amount_check = _amount(month)
    checks.append(amount_check)
    calc = {"inputs": {"claim_month": f"{month:%Y-%m}", "contribution_months": contributed,
                       "counted_after": f"{after:%Y-%m}" if after != EPOCH else None, "carried_months": carried,
                       "carried_from": carried_from.claim_no if carried_from else None},
            "entitlement": {"months": ent.months, "band_months": ent.band_months, **_plain(ent.explain)},
            "amount": amount}
    return Evaluation(checks, calc, contributed, carried, carried_from, ent.months,
                      amount["monthly_fen"] if amount and ent.eligible else 0)
