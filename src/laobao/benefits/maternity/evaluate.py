"""Checks and calculation of a maternity allowance claim: pure reads, nothing written.

Checks (each {code, ok, zh, en}): maternity enrollment with the employer active at the birth month; no open
maternity arrears of the employer for that month; the average wage known (record or maker); the payee and
their account known (a person's 代发账户, an employer's 单位账户). The calculation is ``policy.rules.maternity.allowance`` with its explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection

from laobao.insurance.models import BillItem, Enrollment
from laobao.insurance.selectors import paid_by_item
from laobao.policy.params import ParameterError, param
from laobao.policy.rules.checks import yuan
from laobao.policy.rules.maternity import allowance, params_for

from ..models import BankAccount
from ..payouts.models import EmployerBankAccount

# Σ maternity bases (adjustment rows carry differences) and the person-months insured, over the employer's
# contribution rows of the 12 months before the birth month. One SQL read.
WAGE_SQL = (
    "SELECT COALESCE(SUM(c.maternity_base), 0), "
    "COALESCE(SUM(CASE WHEN c.adjustment = %s THEN 1 ELSE 0 END), 0), COUNT(DISTINCT c.person_id) "
    "FROM insurance_contribution c JOIN insurance_bill b ON b.id = c.bill_id "
    "WHERE b.employer_id = %s AND c.month >= %s AND c.month < %s AND c.maternity_base IS NOT NULL")


@dataclass(frozen=True)
class Facts:
    birth_date: date
    births: int = 1
    difficult_birth: bool = False
    leave_days: int | None = None  # given by the maker: replaces the rule's days
    maker_wage_fen: int | None = None
    paid_to: str = ""  # employer | person; "" = as the parameter says
    employer_account: str = ""


@dataclass(frozen=True)
class Evaluation:
    checks: list
    calculation: dict | None
    amount_fen: int
    wage_fen: int | None
    wage_source: str
    paid_to: str
    paid_to_source: str
    account: BankAccount | None
    payee_account: str = ""  # payee the employer: its current 单位账户 (bank code + number), what the claim keeps

    @property
    def ok(self) -> bool:
        return all(c["ok"] for c in self.checks)


def month_of(day: date) -> date:
    return day.replace(day=1)


def months_back(month: date, n: int) -> date:
    k = month.year * 12 + month.month - 1 - n
    return date(k // 12, k % 12 + 1, 1)


def record_wage(employer_id: int, birth_month: date) -> dict | None:
    """The employer's average monthly maternity base over its insured staff, 12 months before the birth month."""
    first = months_back(birth_month, 12)
    with connection.cursor() as cur:
        cur.execute(WAGE_SQL, [False, employer_id, first, birth_month])
        total, person_months, staff = cur.fetchone()
    total, person_months = int(total), int(person_months)
    if person_months <= 0 or total <= 0:
        return None
    fen = (2 * total + person_months) // (2 * person_months)
    text = (f"{first:%Y-%m}…{months_back(birth_month, 1):%Y-%m} 单位缴费基数合计 {yuan(total)} 元 ÷ "
            f"{person_months} 人月（{staff} 人）= {yuan(fen)} 元（四舍五入到分）")
    return {"fen": fen, "total_fen": total, "person_months": person_months, "staff": int(staff),
            "from": f"{first:%Y-%m}", "to": f"{months_back(birth_month, 1):%Y-%m}", "text": text}


def _check(code: str, ok: bool, zh: str, en: str) -> dict:
    return {"code": code, "ok": bool(ok), "zh": zh, "en": en}


def _enrolled(person, employer, month: date) -> dict:
    ok = (Enrollment.objects.filter(person=person, employer=employer, insurance="maternity", start_month__lte=month)
          .exclude(end_month__lt=month).exists())
    return _check("enrolled", ok, f"{month:%Y-%m} 由该单位参加生育保险" if ok else
                  f"{month:%Y-%m}（生育当月）未由该单位参加生育保险：请核对单位或先办理参保登记",
                  f"insured for maternity by this employer in {month:%Y-%m}" if ok else
                  f"not insured for maternity by this employer in {month:%Y-%m} (the birth month): "
                  "check the employer or register the enrollment first")


def _arrears(employer, month: date) -> dict:
    items = list(BillItem.objects.filter(bill__employer=employer, insurance="maternity", month=month)
                 .values_list("id", "due_fen"))
    paid = paid_by_item([i for i, _ in items])
    owed = sum(due - paid.get(i, 0) for i, due in items if due > paid.get(i, 0))
    ok = owed == 0
    return _check("arrears", ok, f"单位 {month:%Y-%m} 生育保险无欠费" if ok else
                  f"单位 {month:%Y-%m} 生育保险欠费 {yuan(owed)} 元：单位补缴后再审核",
                  f"the employer owes no maternity contribution for {month:%Y-%m}" if ok else
                  f"the employer owes {yuan(owed)} yuan of maternity contribution for {month:%Y-%m}: "
                  "recheck after it is paid")


def rule_paid_to(on: date, region: str | None) -> str:
    """The parameter ``maternity.allowance_paid_to`` (employer | person) where it exists, else ""."""
    try:
        return str(param("maternity.allowance_paid_to", on=on, region=region).value)
    except ParameterError:
        return ""


def _region(employer) -> str | None:
    code = employer.region.code if employer.region_id else ""
    return code if code.startswith("3205") and len(code) in (6, 12) else None


def _wage(employer, facts: Facts, month: date):
    rec = record_wage(employer.pk, month)
    if rec is not None:
        return rec["fen"], "record", rec
    if facts.maker_wage_fen is not None and facts.maker_wage_fen > 0:
        return facts.maker_wage_fen, "maker", None
    return None, "", None


def employer_account_text(employer) -> str:
    """The employer's current 单位账户 as the claim records it ("<bank code> <number>"), or ""."""
    ea = EmployerBankAccount.objects.filter(employer=employer, closed_on__isnull=True).select_related("bank").first()
    return f"{ea.bank.code} {ea.account_no}" if ea else ""


def _payee(person, employer, facts: Facts, region) -> tuple[str, str, BankAccount | None, dict, str]:
    rule = rule_paid_to(facts.birth_date, region)
    paid_to, source = (rule, "parameter") if rule else (facts.paid_to, "maker")
    account, text = None, ""
    if paid_to == "person":
        account = BankAccount.objects.filter(person=person, closed_on__isnull=True).select_related("bank").first()
        ok = account is not None
        chk = _check("payee", ok, f"发给本人：代发账户 {account.bank.name} 尾号 {account.account_no[-4:]}" if ok else
                     "发给本人，但本人没有代发账户：请先登记代发账户", "paid to the person: current bank account on file"
                     if ok else "paid to the person, who has no bank account on file: register one first")
    elif paid_to == "employer":  # the employer's 单位账户 (benefits/payouts), recorded on the employer's payout page
        text = employer_account_text(employer)
        ok = bool(text)
        chk = _check("payee", ok, f"发给用人单位 {employer.name}：单位账户 尾号 {text[-4:]}" if ok else
                     f"发给用人单位，但“{employer.name}”没有登记单位账户：请先在单位的一次性待遇发放页登记单位账户",
                     "paid to the employer: its bank account is on file" if ok else
                     "paid to the employer, which has no bank account on file: record it on the employer's payouts page first")
    else:
        chk = _check("payee", False, "请选择发给用人单位还是本人（参数未规定）",
                     "choose whether the employer or the person is paid (no parameter says)")
    return paid_to, source, account, chk, text


def evaluate(person, employer, facts: Facts) -> Evaluation:
    month, region = month_of(facts.birth_date), _region(employer)
    wage, wage_source, rec = _wage(employer, facts, month)
    paid_to, paid_source, account, payee, payee_text = _payee(person, employer, facts, region)
    checks = [_enrolled(person, employer, month), _arrears(employer, month),
              _check("wage", wage is not None, "单位上年度职工月平均工资：" + (
                  rec["text"] if rec else f"经办人录入 {yuan(wage)} 元" if wage else "参保记录中没有，请录入"),
                  "employer's average monthly wage: " + (
                  "from the contribution record" if rec else "entered by the caseworker" if wage else
                  "not in the record: enter it")), payee]
    calc, amount = None, 0
    if wage is not None:
        p = params_for(facts.birth_date, region)
        if facts.leave_days is not None:
            res = allowance(wage, p, leave_days_given=facts.leave_days)
        else:
            res = allowance(wage, p, births=facts.births, difficult_birth=facts.difficult_birth)
        amount = res.allowance
        calc = {"inputs": {"birth_month": f"{month:%Y-%m}", "births": facts.births,
                           "difficult_birth": facts.difficult_birth, "average_wage_fen": wage,
                           "wage_source": wage_source, "wage_record": rec, "leave_days": res.leave_days,
                           "leave_days_given": facts.leave_days is not None, "paid_to": paid_to,
                           "paid_to_source": paid_source},
                "result": {"allowance_fen": amount, "leave_days": res.leave_days},
                "formula": res.explain["formula"], "reference": res.explain["reference"],
                "params": [v.as_dict() for v in res.explain["params"]]}
    return Evaluation(checks, calc, amount, wage, wage_source, paid_to, paid_source, account, payee_text)
