"""Pure reads of a work-injury case: the checks of a report, 本人工资 from the contribution record, the regional
average and minimum wages from the parameters, and the amounts from ``policy.rules.injury`` (nothing written).

本人工资 (工伤保险条例第六十四条第二款): the average monthly contribution wage of the 12 months before the injury =
Σ ``Contribution.injury_base`` of the person's rows (any employer; adjustment rows add their difference) ÷ the
distinct months with a regular row, half-up to the fen — one SQL. Insured for fewer than 12 months: the average
of the months there are (practice, UNVERIFIED). No row: the maker's figure, shown as such.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection

from laobao.core.errors import DomainError
from laobao.insurance.models import Enrollment
from laobao.policy.params import ParameterError, param
from laobao.policy.rules import injury as rule
from laobao.policy.rules.checks import yuan
from laobao.registry.models import EmploymentRelation

WAGE_SQL = (
    "SELECT COALESCE(SUM(injury_base), 0), COUNT(DISTINCT CASE WHEN adjustment = %s THEN month END) "
    "FROM insurance_contribution WHERE person_id = %s AND month >= %s AND month < %s AND injury_base IS NOT NULL")

EMPLOYER_DAYS, WORKER_DAYS = 30, 365  # 第十七条第一款 (30 日), 第二款 (1 年)
DUE_DAYS, SIMPLE_DUE_DAYS = 60, 15  # 第二十条第一款, 第二款


def months_back(month: date, n: int) -> date:
    k = month.year * 12 + month.month - 1 - n
    return date(k // 12, k % 12 + 1, 1)


def next_month(month: date) -> date:
    return months_back(month, -1)


def _check(code: str, ok: bool, zh: str, en: str) -> dict:
    return {"code": code, "ok": bool(ok), "zh": zh, "en": en}


def decision_due(received_on: date, simple_facts: bool) -> date:
    return received_on + timedelta(days=SIMPLE_DUE_DAYS if simple_facts else DUE_DAYS)


def report_facts(person, employer, accident_date: date, received_on: date, applicant_kind: str) -> dict:
    """Relation / enrollment at the accident date and the deadline of the report (第十七条)."""
    month = accident_date.replace(day=1)
    relation = (EmploymentRelation.objects.filter(person=person, employer=employer, start_date__lte=accident_date)
                .exclude(end_date__lt=accident_date).exists())
    insured = (Enrollment.objects.filter(person=person, employer=employer, insurance="injury", start_month__lte=month)
               .exclude(end_month__lt=month).exists())
    days = (received_on - accident_date).days
    late = applicant_kind == "employer" and days > EMPLOYER_DAYS
    checks = [
        _check("relation", relation or insured, "事故发生时与该单位存在劳动关系或由该单位参加工伤保险" if relation or insured else
               "事故发生时与该单位既无劳动关系记录也无工伤保险参保记录：请先核实并登记劳动关系",
               "employed by or insured through this employer on the accident date" if relation or insured else
               "no employment relation and no work-injury enrollment with this employer on the accident date"),
        _check("insured", insured, f"{month:%Y-%m} 由该单位参加工伤保险" if insured else
               f"{month:%Y-%m} 未由该单位参加工伤保险：工伤待遇由用人单位按条例标准支付（第六十二条第二款）",
               f"insured for work injury by this employer in {month:%Y-%m}" if insured else
               f"not insured for work injury by this employer in {month:%Y-%m}: the employer pays (art. 62(2))"),
        _check("deadline", not late, f"事故后第 {days} 日提出申请" + ("" if applicant_kind != "employer" else "（单位应在30日内）"),
               f"applied {days} days after the accident") if not late else
        _check("deadline", False, f"用人单位在事故后第 {days} 日才提出申请（应在30日内，第十七条第一款）：照常受理，"
               "逾期期间发生的工伤待遇等费用由该单位负担（第十七条第四款）",
               f"the employer applied {days} days after the accident (30 days allowed, art. 17(1)): accepted; the "
               "costs arising in the delay are the employer's (art. 17(4))"),
    ]
    return {"relation": relation, "insured": insured, "late": late, "days": days, "checks": checks}


def record_wage(person_id: int, injury_month: date) -> dict | None:
    """本人工资 from the person's work-injury contribution bases, 12 months before the injury month."""
    first = months_back(injury_month, 12)
    with connection.cursor() as cur:
        cur.execute(WAGE_SQL, [False, person_id, first, injury_month])
        total, months = cur.fetchone()
    total, months = int(total), int(months)
    if months <= 0 or total <= 0:
        return None
    fen = (2 * total + months) // (2 * months)
    last = months_back(injury_month, 1)
    return {"fen": fen, "total_fen": total, "months": months, "from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}",
            "text": f"{first:%Y-%m}…{last:%Y-%m} 工伤保险缴费基数合计 {yuan(total)} 元 ÷ {months} 个月 = {yuan(fen)} 元"}


def region_of(employer) -> str | None:
    code = employer.region.code if employer.region_id else ""
    return code if code.startswith("3205") and len(code) in (6, 12) else None


def _value(name: str, on: date, region: str | None):
    try:
        found = param(name, on=on, region=region)
    except ParameterError:
        return None
    return found if found.value is not None else None


def regional_average(on: date, region: str | None) -> int | None:
    """The regional average monthly wage of the year before ``on`` (``wages.average_wage``), if recorded."""
    found = _value("wages.average_wage", date(on.year - 1, 12, 31), region)
    return int(found.value) if found else None


def minimum_wage(on: date, region: str | None) -> int | None:
    found = _value("wages.minimum_wage", on, region)
    return int(found.value) if found else None


def wage_inputs(case, maker_wage: int | None, maker_average: int | None, on: date) -> dict:
    """本人工资 and the regional average wage of the year before ``on`` (the injury date for a disability, the death
    date for a death) with their sources; refused when neither the record nor the maker has one."""
    rec = record_wage(case.person_id, case.accident_date.replace(day=1))
    wage, wage_source = (rec["fen"], "record") if rec else (maker_wage, "maker")
    if not wage:
        raise DomainError.of("wage", "injury.wage_required", "参保记录中没有受伤前12个月的工伤保险缴费基数：请录入本人工资（元）",
                             "no work-injury contribution base in the 12 months before the injury: "
                             "enter the worker's wage")
    region = region_of(case.employer)
    average = regional_average(on, region)
    average_source = "parameter" if average else "maker"
    average = average or maker_average
    if not average:
        raise DomainError.of("average_wage", "injury.average_wage_required",
                             "参数中没有统筹地区上年度职工月平均工资（wages.average_wage）：请录入（元），用于本人工资60%–300%的上下限",
                             "the regional average monthly wage is not in the parameters: enter it "
                             "(used for the 60%–300% clamp)")
    return {"wage_fen": wage, "wage_source": wage_source, "wage_record": rec, "average_wage_fen": average,
            "average_source": average_source, "region": region}


def _params(explain: dict) -> list:
    return [p.as_dict() for p in explain.get("params", [])]


def disability(case, grade: int | None, assessed_on: date, inputs: dict, work_arranged: bool = False) -> dict:
    """Amounts of a disability assessment (第三十五至三十七条), or none below grade 10. Grades 5–6 whose employer
    arranged suitable work draw no allowance (第三十六条第一款第（二）项: only when it cannot)."""
    base = {"inputs": {k: v for k, v in inputs.items() if k != "region"} | {
        "grade": grade, "assessed_on": assessed_on.isoformat(), "injury_date": case.accident_date.isoformat(),
        "work_arranged": work_arranged}}
    if grade is None:
        return base | {"result": {"one_time_fen": 0, "monthly_fen": 0, "payer": ""},
                       "formula": "未达到伤残等级：无伤残待遇", "reference": rule.REFERENCE, "params": []}
    minimum = minimum_wage(assessed_on, inputs["region"])
    res = rule.calculate(grade, inputs["wage_fen"], case.accident_date, inputs["average_wage_fen"],
                         minimum_wage=minimum, region=inputs["region"])
    formula = res.explain["formula"] + ("" if minimum is not None or res.monthly_allowance is None else
                                        "; 最低工资标准参数无值：未做补足比较")
    monthly, payer = res.monthly_allowance or 0, res.allowance_payer or ""
    if payer == "employer" and work_arranged:
        monthly, payer = 0, ""
        formula += "; 用人单位已安排适当工作：不发伤残津贴（第三十六条第一款第（二）项）"
    return base | {"inputs": base["inputs"] | {"minimum_wage_fen": minimum},
                   "result": {"wage_used_fen": res.wage_used, "one_time_fen": res.one_time_subsidy,
                              "monthly_fen": monthly, "payer": payer,
                              "topped_up": res.topped_up, "version": res.version},
                   "formula": formula, "reference": res.explain["reference"], "params": _params(res.explain)}


def death(case, died_on: date, inputs: dict, dependants: list[dict], national_income: int | None,
          after_allowance: bool = False) -> dict:
    """Funeral grant, one-time death grant and the dependants' pensions (第三十九条第一款), capped at 本人工资.
    ``after_allowance``: a grade 1–4 worker who dies after the paid-leave period (here: after the assessment was
    approved) — the relatives receive the funeral grant and the pensions, not the one-time grant (第三十九条第三款)."""
    res = rule.calculate_death(inputs["wage_fen"], died_on, inputs["average_wage_fen"],
                               [{"relation": d["relation"], "lone": d["lone"]} for d in dependants],
                               national_income=(national_income or 1) if after_allowance else national_income,
                               region=inputs["region"])
    pensions, grant, formula = list(res.dependant_pensions), res.one_time_grant, res.explain["formula"]
    if after_allowance:
        grant = 0
        formula = "; ".join(p for p in formula.split("; ") if not p.startswith("one_time_grant")) + (
            "; 一至四级伤残职工停工留薪期满后死亡：无一次性工亡补助金（第三十九条第三款）")
    return {"inputs": {k: v for k, v in inputs.items() if k != "region"} | {
                "died_on": died_on.isoformat(), "national_income_fen": national_income, "dependants": dependants,
                "after_allowance": after_allowance},
            "result": {"wage_used_fen": res.wage_used, "funeral_fen": res.funeral_grant,
                       "grant_fen": grant, "one_time_fen": res.funeral_grant + grant,
                       "pensions_fen": pensions, "monthly_fen": res.dependant_pension_total, "capped": res.capped,
                       "payer": "fund", "version": res.version},
            "formula": formula, "reference": res.explain["reference"], "params": _params(res.explain)}
