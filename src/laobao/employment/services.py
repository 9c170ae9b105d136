"""Writes of job seekers and 失业登记: one transaction each, checked against the jurisdiction (the person's
residence region, ``employment.write``), audited, bad input as bilingual DomainError.

- ``save_job_seeker``: the 求职登记 profile with the declarations (able / willing to work).
- ``register``: 失业登记 after the conditions of :mod:`.conditions` hold (stored on the registration).
- ``record_contact``: 定期联系; ``deregister``: 注销 on a ground of :class:`~.models.EndGround`.
- ``end_on_employment``: ends the open registration (ground ``reemployment``) when an employment relation or an
  insurance enrollment starts; idempotent, so benefits' receiver and ours can both call it and it ends once.
  ``on_employment_started`` is the receiver of ``registry.signals.employment_started`` (EmploymentConfig.ready).
- ``deregister_no_contact``: set-based sweep of registrations without a successful contact for
  ``employment.no_contact_months`` months.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.core.models import Region
from laobao.policy.params import param
from laobao.registry.models import Person
from laobao.registry.services import check_write

from . import conditions
from .models import (Channel, ContactOutcome, Education, EndGround, JobSeeker, RegistrationContact,
                     UnemploymentRegistration)

WRITE = "employment.write"
SEEKER_FIELDS = ("education", "skills", "skill_level", "wanted_occupation_code", "wanted_occupation",
                 "wanted_region", "wanted_wage_min_fen", "wanted_wage_max_fen", "able_to_work", "willing_to_work",
                 "original_retirement_age")


def err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


def path_of(person: Person) -> str:
    return person.residence_region.path if person.residence_region_id else ""


def locked_person(user, person: Person, action: str = WRITE) -> Person:
    person = Person.objects.select_for_update(of=("self",)).select_related("residence_region").get(pk=person.pk)
    check_write(user, person.residence_region, action)
    return person


def actor(user):
    return user if user is not None and getattr(user, "pk", None) else None


def reg_snapshot(r: UnemploymentRegistration) -> dict:
    return {"id": r.pk, "person": r.person_id, "registered_on": r.registered_on.isoformat(),
            "involuntary": r.involuntary, "reason": r.reason, "failed": [c["code"] for c in r.checks if not c["ok"]],
            "ended_on": r.ended_on.isoformat() if r.ended_on else None, "end_reason": r.end_reason,
            "end_note": r.end_note}


def _seeker_snapshot(s: JobSeeker) -> dict:
    out = {f: getattr(s, f) for f in SEEKER_FIELDS if f != "wanted_region"}
    return out | {"wanted_region": s.wanted_region.code if s.wanted_region_id else None,
                  "declared_on": s.declared_on.isoformat() if s.declared_on else None}


def _check_seeker(values: dict) -> None:
    if values.get("education") and values["education"] not in Education.values:
        raise err("education", "job_seeker.education", "文化程度取值无效", "unknown education level")
    level = values.get("skill_level")
    if level is not None and level not in (1, 2, 3, 4, 5):
        raise err("skill_level", "job_seeker.skill_level", "职业资格等级须为 1（高级技师）至 5（初级）",
                  "skill level must be 1 (senior technician) to 5 (basic)")
    low, high = values.get("wanted_wage_min_fen"), values.get("wanted_wage_max_fen")
    if any(v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0) for v in (low, high)):
        raise err("wanted_wage_min_fen", "job_seeker.wage", "期望工资须为不小于 0 的整数（分）",
                  "the wanted wage must be a whole non-negative amount in fen")
    if low is not None and high is not None and high < low:
        raise err("wanted_wage_max_fen", "job_seeker.wage_range", "期望工资上限不能低于下限",
                  "the wanted wage maximum cannot be below the minimum")
    if values.get("original_retirement_age") not in (None, 50, 55, 60):
        raise err("original_retirement_age", "job_seeker.retirement_age", "原法定退休年龄须为 50、55 或 60",
                  "the original retirement age must be 50, 55 or 60")
    region = values.get("wanted_region")
    if region is not None and not isinstance(region, Region):
        raise err("wanted_region", "job_seeker.region", "期望工作地点须为区划", "the wanted location must be a region")


@transaction.atomic
def save_job_seeker(*, user, person: Person, **values) -> JobSeeker:
    """Create or update the person's 求职登记 profile; the declarations are dated when they change."""
    unknown = set(values) - set(SEEKER_FIELDS)
    if unknown:
        raise err(sorted(unknown)[0], "job_seeker.field", "未知的求职登记项目", "unknown job-seeker field")
    person = locked_person(user, person)
    _check_seeker(values)
    seeker, created = JobSeeker.objects.select_for_update().get_or_create(person=person)
    before = None if created else _seeker_snapshot(seeker)
    declared = any(k in values and values[k] != getattr(seeker, k) for k in ("able_to_work", "willing_to_work"))
    for name, value in values.items():
        setattr(seeker, name, value)
    if declared or created:
        seeker.declared_on = timezone.localdate()
    seeker.updated_by = actor(user)
    seeker.save()
    audit.record("job_seeker.save", object_type="job_seeker", object_id=seeker.pk, region_path=path_of(person),
                 before=before, after=_seeker_snapshot(seeker))
    return seeker


@transaction.atomic
def register(*, user, person: Person, registered_on: date, involuntary: bool, reason: str = "",
             able_to_work: bool | None = None, willing_to_work: bool | None = None) -> UnemploymentRegistration:
    """失业登记: the conditions must hold on ``registered_on`` (stored on the row); declarations given here are
    recorded on the job-seeker profile first. One open registration per person."""
    person = locked_person(user, person)
    if registered_on > timezone.localdate():
        raise err("registered_on", "unemployment.registration_future", "登记日期不能晚于今天：请填写实际登记日期",
                  "the registration date cannot be in the future: enter the actual date")
    if UnemploymentRegistration.objects.filter(person=person, ended_on__isnull=True).exists():
        raise err("person", "unemployment.registration_open", "此人已有未结束的失业登记：无需重复登记",
                  "this person already has an open unemployment registration: no second one is needed")
    declared = {k: v for k, v in (("able_to_work", able_to_work), ("willing_to_work", willing_to_work)) if v is not None}
    if declared:
        save_job_seeker(user=user, person=person, **declared)
    seeker = JobSeeker.objects.filter(person=person).first()
    checks = conditions.registration_checks(person, seeker, registered_on)
    failed = [c for c in checks if not c["ok"]]
    if failed:
        raise err("person", "unemployment.conditions", "不符合失业登记条件：" + "；".join(c["zh"] for c in failed),
                  "the conditions of unemployment registration are not met: " + "; ".join(c["en"] for c in failed))
    reg = UnemploymentRegistration.objects.create(person=person, registered_on=registered_on,
                                                  involuntary=bool(involuntary), reason=(reason or "")[:100],
                                                  registered_by=actor(user), checks=checks)
    audit.record("unemployment_registration.register", object_type="unemployment_registration", object_id=reg.pk,
                 region_path=path_of(person), after=reg_snapshot(reg))
    return reg


def _locked_registration(user, registration: UnemploymentRegistration) -> UnemploymentRegistration:
    reg = (UnemploymentRegistration.objects.select_for_update(of=("self",)).select_related("person__residence_region")
           .get(pk=registration.pk))
    check_write(user, reg.person.residence_region, WRITE)
    return reg


@transaction.atomic
def record_contact(*, user, registration: UnemploymentRegistration, contacted_on: date, channel: str, outcome: str,
                   note: str = "") -> RegistrationContact:
    reg = _locked_registration(user, registration)
    if reg.ended_on is not None:
        raise err("registration", "contact.closed", "失业登记已注销，不再需要定期联系", "the registration has ended")
    if channel not in Channel.values or outcome not in ContactOutcome.values:
        raise err("channel" if channel not in Channel.values else "outcome", "contact.choice",
                  "联系方式或结果取值无效", "unknown contact channel or outcome")
    if contacted_on > timezone.localdate() or contacted_on < reg.registered_on:
        raise err("contacted_on", "contact.date", "联系日期须在登记日期与今天之间",
                  "the contact date must lie between the registration date and today")
    contact = RegistrationContact.objects.create(registration=reg, contacted_on=contacted_on, channel=channel,
                                                 outcome=outcome, note=(note or "")[:200], recorded_by=actor(user))
    audit.record("unemployment_registration.contact", object_type="unemployment_registration", object_id=reg.pk,
                 region_path=path_of(reg.person), after={"contact": contact.pk, "on": contacted_on.isoformat(),
                                                         "channel": channel, "outcome": outcome})
    return contact


def _end(reg: UnemploymentRegistration, user, ground: str, on: date, note: str) -> UnemploymentRegistration:
    before = reg_snapshot(reg)
    reg.ended_on, reg.end_reason, reg.end_note, reg.ended_by = max(on, reg.registered_on), ground, note[:200], actor(user)
    reg.save(update_fields=["ended_on", "end_reason", "end_note", "ended_by"])
    audit.record("unemployment_registration.end", object_type="unemployment_registration", object_id=reg.pk,
                 region_path=path_of(reg.person), before=before, after=reg_snapshot(reg))
    return reg


@transaction.atomic
def deregister(*, user, registration: UnemploymentRegistration, ground: str, ended_on: date,
               note: str = "") -> UnemploymentRegistration:
    """注销失业登记 on a ground (employed, study, retired, moved away, no contact)."""
    reg = _locked_registration(user, registration)
    if ground not in EndGround.values:
        raise err("ground", "unemployment.end_ground", "注销理由须为：已就业、升学、退休、迁出、长期未联系之一",
                  "the ground must be one of: employed, study, retired, moved away, no contact")
    if reg.ended_on is not None:
        raise err("registration", "unemployment.registration_ended", "该失业登记已注销", "the registration has already ended")
    if ended_on > timezone.localdate() or ended_on < reg.registered_on:
        raise err("ended_on", "unemployment.end_date", "注销日期须在登记日期与今天之间",
                  "the end date must lie between the registration date and today")
    if ground == EndGround.NO_CONTACT:
        last = _last_contact(reg)
        months = param("employment.no_contact_months", ended_on).value
        if shift_day(last, months) > ended_on:
            raise err("ground", "unemployment.contact_recent",
                      f"最近一次联系（或登记）为 {last:%Y-%m-%d}，未满 {months} 个月，不能按长期未联系注销",
                      f"last contact (or registration) on {last:%Y-%m-%d}: less than {months} months, "
                      "cannot end on the no-contact ground")
    return _end(reg, user, ground, ended_on, note or "")


def _last_contact(reg: UnemploymentRegistration) -> date:
    got = reg.contacts.exclude(outcome=ContactOutcome.NOT_REACHED).aggregate(d=Max("contacted_on"))["d"]
    return max(got or reg.registered_on, reg.registered_on)


def shift_day(d: date, n: int) -> date:
    """The same day ``n`` months later (earlier when negative), clamped to the month's last day."""
    k = d.year * 12 + d.month - 1 + n
    y, m = divmod(k, 12)
    last = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m]
    return date(y, m + 1, min(d.day, last))


@transaction.atomic
def end_on_employment(*, person: Person, day: date, source: str = "", user=None) -> UnemploymentRegistration | None:
    """End the open registration because work started on ``day`` (relation start date or enrollment month);
    nothing when there is none (idempotent: the second caller finds it ended)."""
    reg = (UnemploymentRegistration.objects.select_for_update(of=("self",)).select_related("person__residence_region")
           .filter(person=person, ended_on__isnull=True).first())
    if reg is None:
        return None
    note = {"EmploymentRelation": f"{day:%Y-%m-%d} 劳动关系开始", "Enrollment": f"{day:%Y-%m} 参保开始"}.get(source, source)
    return _end(reg, user, EndGround.EMPLOYED, day, note or f"{day:%Y-%m-%d} 就业")


def on_employment_started(sender, *, person: Person, started: date, **kwargs) -> None:
    """Receiver of ``registry.signals.employment_started`` (relation start or enrollment, in their transaction)."""
    if UnemploymentRegistration.objects.filter(person=person, ended_on__isnull=True).exists():
        end_on_employment(person=person, day=started, source=getattr(sender, "__name__", ""))


@transaction.atomic
def deregister_no_contact(*, user, on: date, region: Region | None = None) -> list[int]:
    """End every open registration (in ``region``'s subtree) whose last successful contact, or the registration
    itself, is ``employment.no_contact_months`` or more before ``on``. Set-based: one UPDATE, one audit row
    listing the registrations ended (ground ``no_contact``)."""
    region = region or (getattr(user, "region", None) if user is not None else None)
    if user is not None:
        check_write(user, region, WRITE)
    months = param("employment.no_contact_months", on).value
    cutoff = shift_day(on, -months)
    recent = RegistrationContact.objects.filter(registration=OuterRef("pk"), contacted_on__gt=cutoff).exclude(
        outcome=ContactOutcome.NOT_REACHED)
    qs = UnemploymentRegistration.objects.filter(ended_on__isnull=True, registered_on__lte=cutoff).filter(~Exists(recent))
    if region is not None:
        qs = qs.filter(person__residence_region__path__startswith=region.path)
    ids = list(qs.select_for_update(of=("self",)).values_list("pk", flat=True))
    if ids:
        UnemploymentRegistration.objects.filter(pk__in=ids).update(
            ended_on=on, end_reason=EndGround.NO_CONTACT, end_note=f"连续 {months} 个月未联系", ended_by=actor(user))
        audit.record("unemployment_registration.end_no_contact", object_type="unemployment_registration",
                     object_id=ids[0], region_path=region.path if region else "",
                     after={"ended": ids, "on": on.isoformat(), "months": months})
    return ids


__all__ = ["deregister", "deregister_no_contact", "end_on_employment", "on_employment_started", "record_contact",
           "register", "save_job_seeker"]
