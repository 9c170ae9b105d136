"""The checks of a pension claim: pure functions over facts, each a {code, ok, zh, en} the citizen can read.

A failing check says what is missing and what to do. Order: age, minimum years, arrears, enrollment,
already a pensioner, alive, calculation. ``evaluate`` runs them all (a claim shows every reason at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from laobao.core.errors import Problem
from laobao.policy.rules.retirement.age import Retirement
from laobao.policy.rules.retirement.contribution import ContributionCheck

from .record import RecordFacts


@dataclass(frozen=True)
class ClaimFacts:
    today: date                      # the month the claim is checked in (first day)
    retirement: Retirement
    minimum: ContributionCheck
    record: RecordFacts
    calc_problems: tuple[Problem, ...] = ()


def _row(code: str, ok: bool, zh: str = "", en: str = "") -> dict:
    return {"code": code, "ok": ok, "zh": "" if ok else zh, "en": "" if ok else en}


def _ym(d: date) -> str:
    return f"{d:%Y-%m}"


def age_reached(f: ClaimFacts) -> dict:
    r = f.retirement
    ok = r.retire_month <= f.today
    early = "（弹性提前退休）" if r.option == "early" else ""
    return _row("age", ok,
                f"尚未到退休时间：按您的出生年月{early}，退休时间为 {_ym(r.retire_month)}。请在 {_ym(r.retire_month)} 或以后再来申请。",
                f"Retirement age not reached yet: your retirement month is {_ym(r.retire_month)}. "
                f"Please apply in {_ym(r.retire_month)} or later.")


def min_years(f: ClaimFacts) -> dict:
    m, r = f.minimum, f.retirement
    have, need = m.contribution_months, m.required_months
    years = f"{m.min_contribution_years}"
    if r.option == "early":
        zh_tail = "弹性提前退休须先缴满最低缴费年限：可改为按法定退休年龄退休，或继续缴费至满足年限。"
        en_tail = "Early retirement needs the minimum years first: retire at the statutory age, or keep contributing."
    else:
        zh_tail = "可以继续缴费（延长缴费）或按规定一次性补缴至满足年限后再申请。"
        en_tail = "You can keep contributing, or pay the missing months at once as the rules allow, then apply again."
    return _row("min_years", m.met,
                f"累计缴费年限不足：{_ym(r.retire_month)} 退休须满 {years} 年（{need} 个月），您累计 {have} 个月"
                f"（含视同缴费），还差 {m.shortfall_months} 个月。{zh_tail}",
                f"Not enough contribution years: retiring in {_ym(r.retire_month)} needs {years} years ({need} months); "
                f"you have {have} months (deemed months included), {m.shortfall_months} short. {en_tail}")


def no_arrears(f: ClaimFacts) -> dict:
    months = f.record.unpaid_months
    shown = "、".join(_ym(m) for m in months[:12]) + ("等" if len(months) > 12 else "")
    return _row("arrears", not months,
                f"有 {len(months)} 个月的养老保险费没有缴清（{shown}）：请先补缴（单位欠缴的请联系单位缴清），缴清后再申请。",
                f"{len(months)} month(s) of pension contributions are not fully paid ({', '.join(_ym(m) for m in months[:12])}): "
                "pay them first (ask your employer if they are the employer's), then apply again.")


def enrollment_open(f: ClaimFacts) -> dict:
    if f.record.closed_by == "transfer_out":
        return _row("enrollment", False, "您的养老保险关系已转出本市：请到关系所在地申请领取养老金。",
                    "Your pension record was transferred out of this city: apply where your record now is.")
    if f.record.closed_by == "death":
        return _row("enrollment", False, "参保记录已因死亡终止。", "The enrollment ended with a recorded death.")
    return _row("enrollment", f.record.enrolled or f.record.months > 0,
                "本市没有您的养老保险参保记录：请先核对参保登记。",
                "There is no pension enrollment for you in this city: check the enrollment first.")


def not_pensioner(f: ClaimFacts) -> dict:
    return _row("pensioner", not f.record.has_pension, "您已经在领取基本养老金，不能重复申领。",
                "You already receive a basic pension and cannot claim it twice.")


def alive(f: ClaimFacts) -> dict:
    return _row("alive", not f.record.dead, "档案记载此人已死亡：不能申领养老金（遗属待遇另行办理）。",
                "The record shows this person has died: no pension can be claimed (survivor benefits are separate).")


def calculation(f: ClaimFacts) -> dict:
    if not f.calc_problems:
        return _row("calculation", True)
    return _row("calculation", False, "；".join(p.zh for p in f.calc_problems), "; ".join(p.en for p in f.calc_problems))


CHECKS = (age_reached, min_years, no_arrears, enrollment_open, not_pensioner, alive, calculation)


def evaluate(f: ClaimFacts) -> list[dict]:
    return [check(f) for check in CHECKS]


def all_ok(rows: list[dict]) -> bool:
    return all(r["ok"] for r in rows)
