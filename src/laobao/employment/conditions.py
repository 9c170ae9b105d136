"""Conditions of 失业登记 read from the registry (no writes, no scoping): working age, the recorded declarations
(able and willing to work), no current employment relation, no open insurance enrollment.

Working age: from ``employment.min_working_age`` full years up to the statutory retirement month of
:func:`laobao.policy.rules.retirement.retirement` (men: original age 60; women: the recorded track 50 or 55,
default 50 — the registered-unemployed definition counts women under 50, see README "Registered unemployment
rate"). A person whose retirement month has come is not of working age.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from laobao.insurance.models import Enrollment
from laobao.policy.params import param
from laobao.policy.rules.retirement import params_for, retirement
from laobao.registry.models import EmploymentRelation, Person

from .models import JobSeeker


def check(code: str, ok: bool, zh: str, en: str) -> dict:
    return {"code": code, "ok": bool(ok), "zh": zh, "en": en}


def full_years(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def original_age(person: Person, seeker: JobSeeker | None) -> int:
    if person.sex == "M":
        return 60
    return seeker.original_retirement_age if seeker and seeker.original_retirement_age in (50, 55) else 50


def retirement_month(person: Person, seeker: JobSeeker | None, on: date) -> date:
    return retirement(person.birth_date.replace(day=1), original_age(person, seeker), params=params_for(on),
                      sex=person.sex).retire_month


def seeker_of(person: Person) -> JobSeeker | None:
    return JobSeeker.objects.filter(person=person).first()


def working(person: Person, on: date) -> bool:
    return EmploymentRelation.objects.filter(person=person, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)).exists()


def enrolled(person: Person) -> bool:
    return Enrollment.objects.filter(person=person, end_month__isnull=True).exists()


def age_check(person: Person, seeker: JobSeeker | None, on: date) -> dict:
    minimum = param("employment.min_working_age", on).value
    age = full_years(person.birth_date, on)
    retire = retirement_month(person, seeker, on)
    ok = age >= minimum and on < retire
    return check("working_age", ok,
                 f"年龄 {age} 周岁，在劳动年龄内（{minimum} 周岁至 {retire:%Y-%m} 退休）" if ok else
                 f"年龄 {age} 周岁，不在劳动年龄内（须满 {minimum} 周岁且未到 {retire:%Y-%m} 的法定退休时间）",
                 f"aged {age}, of working age ({minimum} to retirement in {retire:%Y-%m})" if ok else
                 f"aged {age}: not of working age (at least {minimum} and before retirement in {retire:%Y-%m})")


def registration_checks(person: Person, seeker: JobSeeker | None, on: date) -> list[dict]:
    able = bool(seeker and seeker.able_to_work)
    willing = bool(seeker and seeker.willing_to_work)
    job, insured = working(person, on), enrolled(person)
    return [
        age_check(person, seeker, on),
        check("able", able, "本人声明有劳动能力" if able else "未记录本人“有劳动能力”的声明：请在求职登记中记录",
              "declared able to work" if able else "no declaration of being able to work: record it on the job-seeker form"),
        check("willing", willing, "本人声明有就业要求" if willing else "未记录本人“有就业要求”的声明：请在求职登记中记录",
              "declared willing to work" if willing else "no declaration of wanting work: record it on the job-seeker form"),
        check("no_employment", not job, "无在职劳动关系" if not job else "仍有在职劳动关系：须先终止劳动关系",
              "no current employment relation" if not job else "a current employment relation exists: end it first"),
        check("no_enrollment", not insured, "无未停保的参保记录" if not insured else "仍有未停保的参保记录：须先办理减员/停保",
              "no open insurance enrollment" if not insured else "an open insurance enrollment exists: end it first"),
    ]
