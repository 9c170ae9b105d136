"""The calculator's rules: JSON in (read by :mod:`.fields`), the pure rule, JSON out.

Each adapter names its inputs and outputs once; the CLI, the API and the pages all use these.
"""

from __future__ import annotations

from . import Input, Output, Rule, parameters_out, register
from . import fields as f

REGION = Input("region", "区划代码", "Region code", "text", "6位或12位区划代码，如 320508", "6- or 12-digit region code, e.g. 320508")


def _explained(result, out: dict) -> dict:
    """The result fields plus what the calculator shows: the parameters used and the filled-in formula."""
    explain = result.explain if isinstance(result.explain, dict) else vars(result.explain)
    return {**out, "formula": explain.get("formula", ""), "reference": explain.get("reference", ""),
            "parameters": parameters_out(explain.get("params", []))}


def _as_field(field: str, compute):
    """Run ``compute``; a problem reported on the rules' internal date ("on") is reported on ``field``."""
    from dataclasses import replace

    from laobao.core.errors import DomainError

    try:
        return compute()
    except DomainError as exc:
        exc.problems = [replace(p, field=field) if p.field == "on" else p for p in exc.problems]
        raise


def _region(data: dict) -> str | None:
    code = data.get("region")
    return str(code).strip() if code not in (None, "") else None


# --- unemployment -------------------------------------------------------------------------------

def _unemployment(data: dict) -> dict:
    from laobao.policy.rules import unemployment

    r = unemployment.calculate(
        f.integer(data, "contribution_months", low=0, high=1200),
        f.integer(data, "carried_months", low=0, high=24, optional=True, default=0),
        region=_region(data), month=f.month(data, "month", optional=True),
        involuntary=f.boolean(data, "involuntary", default=True), registered=f.boolean(data, "registered", default=True),
    )
    out = {"eligible": r.eligible, "months": r.months}
    if r.monthly_amount is not None:
        out["monthly_amount"] = f.yuan(r.monthly_amount)
    return _explained(r, out)


register(Rule(
    "unemployment", "失业保险金测算", "Unemployment benefit entitlement",
    (Input("contribution_months", "累计缴费月数", "Contribution months (cumulative)", "int"),
     Input("carried_months", "上次未领完的月数", "Months carried over (not drawn last time)", "int", default=0),
     REGION, Input("month", "领取月份（计算月标准时填写）", "Month (for the monthly amount)", "month"),
     Input("involuntary", "非因本人意愿中断就业", "Job loss was involuntary", "bool", default=True),
     Input("registered", "已办理失业登记并有求职要求", "Registered as unemployed and seeking work", "bool", default=True)),
    (Output("eligible", "是否符合领取条件", "Eligible"), Output("months", "可领取月数", "Months of benefit"),
     Output("monthly_amount", "月标准（元）", "Monthly amount (yuan)")),
    _unemployment,
))


# --- work injury --------------------------------------------------------------------------------

def _injury(data: dict) -> dict:
    from laobao.policy.rules import injury

    r = injury.calculate(
        f.integer(data, "grade", low=1, high=10), f.money(data, "wage"), f.day(data, "injury_date"),
        f.money(data, "regional_average_wage", optional=True), minimum_wage=f.money(data, "minimum_wage", optional=True),
        region=_region(data),
    )
    return _explained(r, {
        "one_time_subsidy": f.yuan(r.one_time_subsidy), "monthly_allowance": f.yuan(r.monthly_allowance),
        "allowance_payer": r.allowance_payer if r.monthly_allowance is not None else None,
        "wage_used": f.yuan(r.wage_used), "version": r.version,
    })


register(Rule(
    "injury", "工伤伤残待遇测算", "Work-injury disability benefits",
    (Input("grade", "伤残等级（1–10级）", "Disability grade (1–10)", "int", choices=tuple(range(1, 11))),
     Input("wage", "本人工资（元/月）", "Own wage (yuan/month)", "money", "受伤前12个月平均月缴费工资",
           "Average monthly contribution wage of the 12 months before the injury"),
     Input("injury_date", "受伤日期", "Date of injury", "date"),
     Input("regional_average_wage", "统筹地区上年度职工月平均工资（元）", "Regional average monthly wage (yuan)", "money",
           "填写后本人工资按60%–300%封顶保底", "If given, the own wage is clamped to 60%–300% of it"),
     Input("minimum_wage", "当地最低工资（元/月）", "Local minimum wage (yuan/month)", "money",
           "1–4级伤残津贴低于最低工资时补足", "Grades 1–4: the allowance is topped up to it"),
     REGION),
    (Output("one_time_subsidy", "一次性伤残补助金（元）", "One-time disability subsidy (yuan)"),
     Output("monthly_allowance", "伤残津贴（元/月）", "Monthly disability allowance (yuan)"),
     Output("allowance_payer", "津贴支付方", "Allowance paid by"), Output("wage_used", "计发工资（元）", "Wage used (yuan)"),
     Output("version", "适用条例版本", "Version of the regulations")),
    _injury,
))


# --- maternity ----------------------------------------------------------------------------------

def _maternity(data: dict) -> dict:
    from laobao.policy.rules import maternity

    r = maternity.calculate(
        f.money(data, "average_wage"), f.integer(data, "leave_days", low=1, high=400, optional=True),
        f.integer(data, "births", low=1, high=9, optional=True, default=1),
        f.boolean(data, "difficult_birth", default=False), f.day(data, "birth_date", optional=True), _region(data),
    )
    return _explained(r, {"allowance": f.yuan(r.allowance), "leave_days": r.leave_days})


register(Rule(
    "maternity", "生育津贴测算", "Maternity allowance",
    (Input("average_wage", "用人单位上年度职工月平均工资（元）", "Employer's average monthly wage last year (yuan)", "money"),
     Input("leave_days", "产假天数（不填则按规定计算）", "Leave days (blank: by the rules)", "int"),
     Input("births", "婴儿数", "Babies born", "int", default=1),
     Input("difficult_birth", "难产", "Difficult birth", "bool", default=False),
     Input("birth_date", "生育日期", "Date of birth", "date"), REGION),
    (Output("allowance", "生育津贴（元）", "Maternity allowance (yuan)"), Output("leave_days", "产假天数", "Leave days")),
    _maternity,
))


# --- contribution -------------------------------------------------------------------------------

def _contribution(data: dict) -> dict:
    from laobao.policy.rules import contribution

    wage, month = f.money(data, "wage"), f.month(data, "month")
    params = _as_field("month", lambda: contribution.params_for(
        month, _region(data), floor_fen=f.money(data, "floor", optional=True),
        cap_fen=f.money(data, "cap", optional=True),
        injury_class=f.integer(data, "injury_class", low=1, high=8, optional=True)))
    r = contribution.assess(wage, params)
    lines = [{"insurance": ln.insurance, "base": f.yuan(ln.base), "employer": f.yuan(ln.employer),
              "employee": f.yuan(ln.employee), "account": f.yuan(ln.account)} for ln in r.lines]
    return _explained(r, {"lines": lines, "employer_total": f.yuan(r.employer),
                          "employee_total": f.yuan(sum(ln.employee for ln in r.lines))})


register(Rule(
    "contribution", "社会保险费测算", "Social insurance contributions",
    (Input("wage", "月缴费工资（元）", "Monthly wage (yuan)", "money"), Input("month", "缴费月份", "Month", "month"),
     REGION,
     Input("floor", "缴费基数下限（元）", "Base floor (yuan)", "money", "当年公布的下限；未填则按上年平均工资的60%",
           "The published floor; blank: 60% of the reference average wage"),
     Input("cap", "缴费基数上限（元）", "Base cap (yuan)", "money", "当年公布的上限", "The published cap"),
     Input("injury_class", "工伤保险行业风险类别（1–8，可不填）", "Work-injury risk class (1–8, optional)", "int",
           "填写后计算工伤保险（单位缴纳）", "If given, the work-injury line (employer only) is added")),
    (Output("lines", "各险种明细", "Lines per insurance"), Output("employer_total", "单位合计（元）", "Employer total (yuan)"),
     Output("employee_total", "个人合计（元）", "Employee total (yuan)")),
    _contribution,
))


# --- late fee -----------------------------------------------------------------------------------

def _late_fee(data: dict) -> dict:
    from laobao.policy.rules.collection import late_fee

    arrears, due, paid = f.money(data, "arrears"), f.day(data, "due"), f.day(data, "paid")
    if paid < due:
        raise f._bad("paid", "order", "缴纳日期不能早于应缴截止日：请核对日期",
                     "The payment date cannot be before the due date: check the dates")
    r = late_fee.late_fee(arrears, due, paid, late_fee.params_for(_region(data)))
    return _explained(r, {"days": r.days, "fee": f.yuan(r.fee)})


register(Rule(
    "late-fee", "滞纳金测算", "Late-payment fee",
    (Input("arrears", "欠缴金额（元）", "Arrears (yuan)", "money"),
     Input("due", "应缴截止日", "Last day to pay in time", "date"), Input("paid", "实际缴纳日", "Payment date", "date"),
     REGION),
    (Output("days", "滞纳天数", "Days late"), Output("fee", "滞纳金（元）", "Late fee (yuan)")),
    _late_fee,
))


# --- work-injury death --------------------------------------------------------------------------

def _dependants(data: dict):
    """A JSON list of {relation: spouse|other, lone: bool}, or the form's text "spouse, other, other:lone"."""
    from laobao.policy.rules.injury import Dependant

    raw = data.get("dependants") or []
    items = [{"relation": t.split(":")[0].strip(), "lone": t.strip().endswith(":lone")}
             for t in raw.split(",") if t.strip()] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(
            isinstance(d, dict) and d.get("relation") in ("spouse", "other") and isinstance(d.get("lone", False), bool)
            for d in items) or len(items) > 20:
        raise f._bad("dependants", "dependants", "供养亲属应为列表，每项 relation 为 spouse（配偶）或 other（其他亲属），可加 lone: true",
                     "dependants must be a list of {relation: spouse|other, lone: true|false}")
    return tuple(Dependant(d["relation"], bool(d.get("lone", False))) for d in items)


def _injury_death(data: dict) -> dict:
    from laobao.policy.rules import injury

    r = injury.calculate_death(
        f.money(data, "wage"), f.day(data, "death_date"), f.money(data, "regional_average_wage", optional=True),
        _dependants(data), grant_months=f.integer(data, "grant_months", low=48, high=60, optional=True),
        national_income=f.money(data, "national_income", optional=True), region=_region(data),
    )
    return _explained(r, {
        "funeral_grant": f.yuan(r.funeral_grant), "dependant_pension_total": f.yuan(r.dependant_pension_total),
        "dependant_pensions": [f.yuan(x) for x in r.dependant_pensions], "capped": r.capped,
        "one_time_grant": f.yuan(r.one_time_grant), "version": r.version,
    })


register(Rule(
    "injury-death", "因工死亡待遇测算", "Work-injury death benefits",
    (Input("wage", "本人工资（元/月）", "Own wage (yuan/month)", "money"), Input("death_date", "死亡日期", "Date of death", "date"),
     Input("regional_average_wage", "统筹地区上年度职工月平均工资（元）", "Regional average monthly wage (yuan)", "money"),
     Input("dependants", "供养亲属", "Dependants", "text", "如 spouse, other, other:lone（配偶、其他亲属、孤寡/孤儿）",
           "e.g. spouse, other, other:lone (spouse, other relative, orphan or lone elderly)"),
     Input("grant_months", "一次性工亡补助金月数（2011年前：48–60）", "Death grant months (before 2011: 48–60)", "int"),
     Input("national_income", "上年度全国城镇居民人均可支配收入（元）", "National urban disposable income last year (yuan)", "money"),
     REGION),
    (Output("funeral_grant", "丧葬补助金（元）", "Funeral grant (yuan)"),
     Output("dependant_pension_total", "供养亲属抚恤金合计（元/月）", "Dependants' pensions (yuan/month)"),
     Output("one_time_grant", "一次性工亡补助金（元）", "One-time death grant (yuan)"),
     Output("version", "适用条例版本", "Version of the regulations")),
    _injury_death,
))


# --- retirement and pension (their adapters live beside the rules) ------------------------------

def _retirement(data: dict) -> dict:
    from laobao.policy.rules.retirement import REFERENCE
    from laobao.policy.rules.retirement import calc as rule

    return {"reference": REFERENCE, **_as_field("birth_month", lambda: rule.compute(data))}


def _pension(data: dict) -> dict:
    from laobao.policy.rules.pension import REFERENCE
    from laobao.policy.rules.pension import calc as rule

    return {"reference": REFERENCE, **_as_field("retire_month", lambda: rule.compute(data))}


BIRTH = Input("birth_month", "出生年月", "Birth month", "month")
SEX = Input("sex", "性别", "Sex", "sex")

register(Rule(
    "retirement", "退休年龄与时间测算", "Retirement date and age",
    (BIRTH, SEX, Input("original_age", "原法定退休年龄", "Original retirement age", "int", "男60；女55或50",
                       "men 60; women 55 or 50", choices=(60, 55, 50)),
     Input("option", "退休方式", "Option", "text", "normal 正常 / early 弹性提前 / late 弹性延迟", "normal, early or late",
           default="normal", choices=("normal", "early", "late")),
     Input("shift_months", "提前或延迟月数（≤36）", "Months earlier or later (≤36)", "int"),
     Input("contribution_months", "累计缴费月数（提前退休时核对最低缴费年限）", "Contribution months (checked for early retirement)", "int"),
     REGION),
    (Output("retire_month", "退休时间", "Retirement month"), Output("retire_age", "退休年龄", "Retirement age"),
     Output("retire_age_months", "退休年龄（月）", "Retirement age (months)"),
     Output("min_contribution_years", "最低缴费年限", "Minimum contribution years")),
    _retirement,
))

register(Rule(
    "pension", "养老金测算", "Pension estimate",
    (BIRTH, SEX, Input("retire_month", "退休时间", "Retirement month", "month"),
     Input("contribution_months", "缴费月数（含视同）", "Contribution months (deemed included)", "int"),
     Input("deemed_months", "视同缴费月数", "Deemed contribution months", "int", default=0),
     Input("average_index", "平均缴费工资指数", "Average contribution index", "decimal", "如 1.0523", "e.g. 1.0523"),
     Input("account_balance", "个人账户储存额（元）", "Individual account balance (yuan)", "money"),
     Input("pension_base", "计发基数（元，可不填）", "Pension base (yuan, optional)", "money",
           "不填则用退休时的参数值", "Blank: the parameter in force at retirement"),
     REGION,
     Input("transitional_index", "建账前平均缴费工资指数", "Index before individual accounts", "decimal"),
     Input("pre_account_months", "建账前缴费月数", "Months before individual accounts", "int"),
     Input("transitional_formula", "过渡性养老金公式", "Transitional formula", "text", "none 或 jiangsu_1996（未核实）",
           "none or jiangsu_1996 (unverified)"),
     Input("transitional_coefficient", "过渡系数", "Transitional coefficient", "decimal")),
    (Output("basic_pension", "基础养老金（元/月）", "Basic pension (yuan/month)"),
     Output("account_pension", "个人账户养老金（元/月）", "Account pension (yuan/month)"),
     Output("transitional_pension", "过渡性养老金（元/月）", "Transitional pension (yuan/month)"),
     Output("total", "合计（元/月）", "Total (yuan/month)"), Output("divisor", "计发月数", "Annuity divisor (months)"),
     Output("transitional_formula", "过渡性养老金公式", "Transitional formula"),
     Output("transitional_verified", "过渡性养老金公式已核实", "Transitional formula verified"),
     Output("pension_base", "计发基数（元）", "Pension base (yuan)")),
    _pension,
))


# --- individual account: monthly credit and yearly interest --------------------------------------

def _account_credit(data: dict) -> dict:
    from laobao.policy.rules.account import crediting

    base, month = f.money(data, "base"), f.month(data, "month")
    r = crediting.credit(base, _as_field("month", lambda: crediting.params_for(month, _region(data))))
    return _explained(r, {"account": f.yuan(r.amount)})


register(Rule(
    "account-credit", "个人账户记账测算", "Individual account credit",
    (Input("base", "缴费基数（元）", "Contribution base (yuan)", "money"), Input("month", "缴费月份", "Month", "month"),
     REGION),
    (Output("account", "记入个人账户（元）", "Credited to the account (yuan)"),),
    _account_credit,
))


def _account_interest(data: dict) -> dict:
    from laobao.policy.rules.account import interest

    year = f.integer(data, "year", low=1990, high=2100)
    credits = data.get("credits") or []
    if isinstance(credits, str):  # the page's text field: "400.00, 400.00, …"
        credits = [c for c in credits.replace("，", ",").replace(" ", ",").split(",") if c]
    if not isinstance(credits, list) or len(credits) > 12:
        raise f._bad("credits", "credits", "credits 应为当年每月记账额（元）的列表，最多12项，从1月起",
                     "credits must be a list of this year's monthly credits in yuan, at most 12, January first")
    fen = [f.money({"credits": c}, "credits") for c in credits]
    method = str(data.get("method") or "monthly")
    if method not in ("monthly", "annual"):
        raise f._bad("method", "method", "method 应为 monthly（月积数法）或 annual（年度计算法）",
                     "method must be monthly or annual")
    params = _as_field("year", lambda: interest.params_for(year, _region(data)))
    r = interest.year_interest(f.money(data, "opening"), fen, params, method=method,
                               through_month=f.integer(data, "through_month", low=1, high=12, optional=True, default=12))
    return _explained(r, {"interest": f.yuan(r.interest), "closing": f.yuan(r.closing),
                          "interest_on_opening": f.yuan(r.interest_on_opening),
                          "interest_on_credits": f.yuan(r.interest_on_credits)})


register(Rule(
    "account-interest", "个人账户年度计息", "Individual account yearly interest",
    (Input("year", "计息年度", "Year", "int"), Input("opening", "上年底累计储存额（元）", "Balance brought forward (yuan)", "money"),
     Input("credits", "当年各月记账额（元）", "This year's monthly credits (yuan)", "text", "1月起，用逗号分隔",
           "January first, separated by commas"),
     Input("method", "计息方法", "Method", "text", "monthly 月积数法 / annual 年度计算法", "monthly or annual",
           default="monthly", choices=("monthly", "annual")),
     Input("through_month", "计息截至月份（退休当年）", "Interest through month (retirement year)", "int", default=12),
     REGION),
    (Output("interest", "当年利息（元）", "Interest (yuan)"), Output("closing", "年末累计储存额（元）", "Closing balance (yuan)")),
    _account_interest,
))
