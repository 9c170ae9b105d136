"""Writes of migrant and rural labor: one transaction each, checked, audited, DomainError in Chinese and English.

Who: ``employment.write`` with the person (or the agreement's district) in the user's jurisdiction; ``user=None``
is the operator at the machine (CLI, demo). Conditions of 外来劳动力登记: hukou 外地 (origin outside the city), or
本市农村 from another district than where the person now lives; 本市城镇户籍 is refused; origin a six-digit county
code of a province (港澳台 and foreign persons are not 外来劳动力 in this register); arrival not in the future and not
after the registration day; of working age (``employment.min_working_age``) on the registration day; no open
registration. 农村富余劳动力: 本市农村户籍 only, of working age, living in the city. A transfer needs an open
laborer registration on its day and either an employer or a named self-employment, not both.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from laobao.core import audit
from laobao.core.models import Region
from laobao.policy.params import param
from laobao.registry.models import Employer, EmploymentRelation, HukouType, Person
from laobao.registry.services import check_write

from ..conditions import full_years
from ..services import actor, err, locked_person, path_of
from .models import (ExchangeAgreement, ExchangeGroup, MigrantEnd, MigrantRegistration, PartnerKind, RuralLaborer,
                     RuralTransfer)
from .origins import CITY_PREFIX, district_code, province_of

WRITE = "employment.write"


def _today() -> date:
    return timezone.localdate()


def _not_future(field: str, day: date, zh: str, en: str) -> None:
    if day > _today():
        raise err(field, f"{field}.future", f"{zh}不能晚于今天：请填写已发生的日期",
                  f"{en} cannot be in the future: give a day that has passed")


def _working_age(person: Person, on: date) -> None:
    minimum = param("employment.min_working_age", on).value
    if full_years(person.birth_date, on) < minimum:
        raise err("person", "migrant.age", f"{person.name}在{on}未满{minimum}周岁，不属于劳动年龄人口，不能登记",
                  f"{person.name} is under {minimum} on {on}, below working age: cannot be registered")


def _open_relation(person: Person, employer: Employer | None, on: date) -> EmploymentRelation | None:
    if employer is None:
        return None
    return EmploymentRelation.objects.filter(person=person, employer=employer, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)).order_by("-start_date").first()


# --- 外来劳动力登记 -----------------------------------------------------------------------------------

def _check_migrant_hukou(person: Person, origin: str) -> None:
    if person.hukou_type == HukouType.URBAN:
        raise err("person", "migrant.urban_hukou",
                  f"{person.name}为本市城镇户籍，不属于外来劳动力：本市城镇人员请办理求职或失业登记",
                  f"{person.name} has urban hukou of this city and is not a migrant worker: register them as a "
                  "job seeker or unemployed instead")
    if len(origin) != 6 or not origin.isdigit() or province_of(origin) is None:
        raise err("origin_code", "migrant.origin", f"原籍地区代码“{origin}”无效：请填写6位县级行政区划代码（GB/T 2260），如 320321",
                  f"Origin code {origin!r} is not valid: give the six-digit county code (GB/T 2260), e.g. 320321")
    if person.hukou_type == HukouType.ELSEWHERE and origin.startswith(CITY_PREFIX):
        raise err("origin_code", "migrant.origin_local", f"外地户籍人员的原籍“{origin}”不能是本市的区县：请核对户籍地",
                  f"Origin {origin} is inside this city but the person's hukou is from elsewhere: check the hukou place")
    if person.hukou_type == HukouType.RURAL:
        home = person.residence_region.code[:6] if person.residence_region_id else ""
        if not origin.startswith(CITY_PREFIX) or origin == home:
            raise err("origin_code", "migrant.rural_same_district",
                      "本市农村户籍人员只有从本市其他区县来的才登记为外来劳动力：本地村民请办理农村富余劳动力登记",
                      "A villager of this city is a migrant worker only when coming from another district of the "
                      "city: register a local villager as rural surplus labor instead")


def _card_no(region: Region, on: date) -> str:
    prefix = f"WL{district_code(region)}{on.year}"
    last = (MigrantRegistration.objects.filter(card_no__startswith=prefix).order_by("-card_no")
            .values_list("card_no", flat=True).first())
    return f"{prefix}{int(last[-6:]) + 1 if last else 1:06d}"


def _create_numbered(values: dict, region: Region, on: date, tries: int = 5) -> MigrantRegistration:
    """Create with the next card number; a concurrent registration that took it makes us take the next one."""
    for attempt in range(tries):
        try:
            with transaction.atomic():
                return MigrantRegistration.objects.create(card_no=_card_no(region, on), **values)
        except IntegrityError:
            if attempt == tries - 1 or MigrantRegistration.objects.filter(person=values["person"],
                                                                          ended_on__isnull=True).exists():
                raise err("card_no", "migrant.busy", "登记证号分配冲突或此人已登记：请稍后重试",
                          "The card number was taken at the same moment, or the person is already registered: "
                          "try again") from None
    raise AssertionError("unreachable")


def snapshot(r: MigrantRegistration) -> dict:
    return {"id": r.pk, "card_no": r.card_no, "person": r.person_id, "origin_code": r.origin_code,
            "arrival_date": r.arrival_date.isoformat(), "registered_on": r.registered_on.isoformat(),
            "employer": r.employer_id, "relation": r.relation_id, "group": r.group_id,
            "ended_on": r.ended_on.isoformat() if r.ended_on else None, "end_reason": r.end_reason}


@transaction.atomic
def migrant_register(*, user, person: Person, arrival_date: date, registered_on: date | None = None,
                     origin_code: str = "", housing: str = "", employer: Employer | None = None,
                     group: ExchangeGroup | None = None) -> MigrantRegistration:
    """外来劳动力登记 where the person lives (their residence region); returns the registration with its card."""
    person = locked_person(user, person, WRITE)
    on = registered_on or _today()
    origin = (origin_code or person.hukou_region_code or "").strip()
    _check_migrant_hukou(person, origin)
    _not_future("arrival_date", arrival_date, "到达日期", "The arrival day")
    _not_future("registered_on", on, "登记日期", "The registration day")
    if arrival_date > on:
        raise err("arrival_date", "migrant.arrival_after", "到达日期晚于登记日期：先到达才能登记，请核对日期",
                  "The arrival day is after the registration day: a person is registered after arriving")
    _working_age(person, on)
    if not person.residence_region_id or not person.residence_region.path.startswith(f"/{CITY_PREFIX}00/"):
        raise err("person", "migrant.no_residence", "此人没有本市的现居住地：请先在人员档案中填写居住社区",
                  "The person has no residence in this city: enter the residence community in the registry first")
    if MigrantRegistration.objects.filter(person=person, ended_on__isnull=True).exists():
        raise err("person", "migrant.open", f"{person.name}已有有效的外来劳动力登记：离开时先注销原登记",
                  f"{person.name} already has an open migrant registration: end it before registering again")
    if group is not None and employer is None:
        employer = group.employer
    values = dict(person=person, region=person.residence_region, origin_code=origin, arrival_date=arrival_date,
                  registered_on=on, housing=housing.strip()[:100], employer=employer,
                  relation=_open_relation(person, employer, on), group=group, registered_by=actor(user))
    reg = _create_numbered(values, person.residence_region, on)
    audit.record("migrant.register", object_type="migrant_registration", object_id=reg.pk,
                 region_path=path_of(person), after=snapshot(reg))
    return reg


@transaction.atomic
def migrant_end(*, user, registration: MigrantRegistration, ended_on: date, reason: str) -> MigrantRegistration:
    reg = MigrantRegistration.objects.select_for_update().select_related("region", "person").get(pk=registration.pk)
    check_write(user, reg.region, WRITE)
    if reg.ended_on is not None:
        raise err("registration", "migrant.ended", f"登记{reg.card_no}已于{reg.ended_on}注销", 
                  f"Registration {reg.card_no} was already ended on {reg.ended_on}")
    if reason not in MigrantEnd.values:
        raise err("reason", "migrant.end_reason", "注销原因无效：请选择离开本市、返回原籍、落户本市或其他",
                  "Unknown reason: choose left the city, returned home, settled here or other")
    _not_future("ended_on", ended_on, "注销日期", "The end day")
    if ended_on < reg.registered_on:
        raise err("ended_on", "migrant.end_before", f"注销日期早于登记日期{reg.registered_on}：请核对",
                  f"The end day is before the registration day {reg.registered_on}: check it")
    before = snapshot(reg)
    reg.ended_on, reg.end_reason = ended_on, reason
    reg.save(update_fields=["ended_on", "end_reason"])
    audit.record("migrant.end", object_type="migrant_registration", object_id=reg.pk, region_path=reg.region.path,
                 before=before, after=snapshot(reg))
    return reg


# --- 南北劳务交流 -------------------------------------------------------------------------------------

@transaction.atomic
def agreement_create(*, user, number: str, partner_code: str, partner_name: str, partner_kind: str, region: Region,
                     signed_on: date, valid_until: date | None = None, note: str = "") -> ExchangeAgreement:
    check_write(user, region, WRITE)
    number, partner_code = number.strip(), partner_code.strip()
    if not number:
        raise err("number", "exchange.number", "请填写协议编号", "Give the agreement number")
    if len(partner_code) != 6 or not partner_code.isdigit() or province_of(partner_code) is None \
            or partner_code.startswith(CITY_PREFIX):
        raise err("partner_code", "exchange.partner", f"合作地区代码“{partner_code}”无效：请填写本市以外的6位行政区划代码，如 320300（徐州）",
                  f"Partner code {partner_code!r} is not valid: give a six-digit code outside this city, e.g. 320300")
    if partner_kind not in PartnerKind.values:
        raise err("partner_kind", "exchange.kind", "合作地区类别无效：对口挂钩、苏北或其他",
                  "Unknown partner kind: paired, north of Jiangsu or other")
    if valid_until is not None and valid_until < signed_on:
        raise err("valid_until", "exchange.dates", "有效期截止日早于签订日：请核对", "Valid-until is before the signing day")
    if ExchangeAgreement.objects.filter(number=number).exists():
        raise err("number", "exchange.duplicate", f"协议编号{number}已存在", f"Agreement {number} already exists")
    agreement = ExchangeAgreement.objects.create(
        number=number, partner_code=partner_code, partner_name=partner_name.strip()[:60], partner_kind=partner_kind,
        region=region, signed_on=signed_on, valid_until=valid_until, note=note[:200], created_by=actor(user))
    audit.record("exchange.agreement", object_type="exchange_agreement", object_id=agreement.pk,
                 region_path=region.path, after={"number": number, "partner_code": partner_code})
    return agreement


@transaction.atomic
def group_record(*, user, agreement: ExchangeAgreement, employer: Employer, arrived_on: date,
                 headcount: int, note: str = "") -> ExchangeGroup:
    check_write(user, agreement.region, WRITE)
    _not_future("arrived_on", arrived_on, "到达日期", "The arrival day")
    if arrived_on < agreement.signed_on or (agreement.valid_until and arrived_on > agreement.valid_until):
        raise err("arrived_on", "exchange.outside", f"到达日期不在协议{agreement.number}的有效期内",
                  f"The arrival day is outside the validity of agreement {agreement.number}")
    if headcount < 1:
        raise err("headcount", "exchange.headcount", "输入人数至少为1", "The group must count at least one person")
    group = ExchangeGroup.objects.create(agreement=agreement, employer=employer, arrived_on=arrived_on,
                                         headcount=headcount, note=note[:200], created_by=actor(user))
    audit.record("exchange.group", object_type="exchange_group", object_id=group.pk, region_path=agreement.region.path,
                 after={"agreement": agreement.number, "employer": employer.pk, "headcount": headcount})
    return group


# --- 农村富余劳动力 -----------------------------------------------------------------------------------

@transaction.atomic
def rural_register(*, user, person: Person, registered_on: date | None = None) -> RuralLaborer:
    person = locked_person(user, person, WRITE)
    on = registered_on or _today()
    if person.hukou_type != HukouType.RURAL or not person.hukou_region_code.startswith(CITY_PREFIX):
        raise err("person", "rural.hukou", f"{person.name}不是本市农村户籍，不能登记为本市农村富余劳动力",
                  f"{person.name} has no rural hukou of this city: cannot be registered as its rural surplus labor")
    if not person.residence_region_id:
        raise err("person", "rural.no_residence", "此人没有现居住村（社区）：请先在人员档案中填写",
                  "The person has no village of residence: enter it in the registry first")
    _not_future("registered_on", on, "登记日期", "The registration day")
    _working_age(person, on)
    if RuralLaborer.objects.filter(person=person, ended_on__isnull=True).exists():
        raise err("person", "rural.open", f"{person.name}已登记为农村富余劳动力", f"{person.name} is already registered")
    laborer = RuralLaborer.objects.create(person=person, region=person.residence_region, registered_on=on,
                                          registered_by=actor(user))
    audit.record("rural_labor.register", object_type="rural_laborer", object_id=laborer.pk,
                 region_path=path_of(person), after={"person": person.pk, "registered_on": on.isoformat()})
    return laborer


@transaction.atomic
def rural_transfer(*, user, laborer: RuralLaborer, transferred_on: date, employer: Employer | None = None,
                   business: str = "", local: bool | None = None) -> RuralTransfer:
    """Record a transfer to non-farm work. ``local`` defaults to the employer being in the city (required for a
    self-employment)."""
    laborer = RuralLaborer.objects.select_for_update().select_related("region", "person").get(pk=laborer.pk)
    check_write(user, laborer.region, WRITE)
    business = business.strip()
    _not_future("transferred_on", transferred_on, "转移就业日期", "The transfer day")
    if transferred_on < laborer.registered_on or (laborer.ended_on and transferred_on > laborer.ended_on):
        raise err("transferred_on", "rural.not_registered", f"{transferred_on}时此人不在农村富余劳动力登记有效期内",
                  f"On {transferred_on} the person was not registered as rural surplus labor")
    if (employer is None) == (not business):
        raise err("employer", "rural.employer_or_business", "请填写用人单位或自主创业的经营项目（二者选一）",
                  "Give either the employer or the self-employed business, exactly one of them")
    if local is None:
        if employer is None:
            raise err("local", "rural.local", "自主创业请注明是本地还是外出", "For self-employment say local or out of the area")
        local = bool(employer.region_id and employer.region.path.startswith(f"/{CITY_PREFIX}00/"))
    transfer = RuralTransfer.objects.create(
        laborer=laborer, transferred_on=transferred_on, employer=employer, business=business[:100], local=local,
        relation=_open_relation(laborer.person, employer, transferred_on), recorded_by=actor(user))
    audit.record("rural_labor.transfer", object_type="rural_transfer", object_id=transfer.pk,
                 region_path=laborer.region.path, after={"laborer": laborer.pk, "on": transferred_on.isoformat(),
                                                         "employer": transfer.employer_id, "local": local})
    return transfer
