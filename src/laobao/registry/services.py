"""Writes of the registry: one transaction each, validated, scoped to the actor's jurisdiction, audited."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError, Forbidden
from laobao.core.identifiers import parse_citizen_id, parse_credit_code, parse_mobile, parse_org_code
from laobao.core.models import Region, RegionLevel
from laobao.core.scoping import can, in_scope

from . import signals
from . import validation as v
from .models import ConflictStatus, Employer, EmploymentRelation, MergeConflict, Person


def person_snapshot(p: Person) -> dict:
    """What the audit log keeps of a person: the ID number masked, never in full (security.md D7)."""
    return {
        "citizen_id": parse_citizen_id(p.citizen_id).masked(),
        "name": p.name,
        "hukou_type": p.hukou_type,
        "hukou_region_code": p.hukou_region_code,
        "residence_region": p.residence_region.code if p.residence_region_id else None,
        "mobile": (p.mobile[:3] + "****" + p.mobile[-4:]) if p.mobile else "",
    }


def employer_snapshot(e: Employer) -> dict:
    return {
        "credit_code": e.credit_code, "org_code": e.org_code, "name": e.name, "type": e.type,
        "industry": e.industry, "size": e.size, "region": e.region.code if e.region_id else None, "status": e.status,
    }


def check_write(user, region: Region | None, action: str = "registry.write") -> None:
    """``user`` None is the operator at the machine (CLI): the whole city. Staff write in their subtree only."""
    if user is None:
        return
    if not can(user, action) or region is None or not in_scope(user, region.path):
        raise Forbidden


def _duplicate_person(existing: Person, user=None) -> DomainError:
    path = existing.residence_region.path if existing.residence_region_id else None
    if user is not None and not in_scope(user, path):  # no name lookup by ID outside one's jurisdiction
        return DomainError.of(
            "citizen_id", "person.duplicate",
            "该公民已在其他辖区登记：请勿重复登记，请联系其居住地经办机构办理迁入",
            "This citizen is already registered in another jurisdiction: do not register again; "
            "ask the office of their residence to transfer the record",
        )
    masked = parse_citizen_id(existing.citizen_id).masked()
    return DomainError.of(
        "citizen_id", "person.duplicate",
        f"该公民已登记（档案号 {existing.pk}，{existing.name}，{masked}）：请打开已有档案 /persons/{existing.pk}/ 修改，不要重复登记",
        f"This citizen is already registered (record {existing.pk}, {existing.name}, {masked}): "
        f"open the existing record /persons/{existing.pk}/ and edit it instead",
    )


@transaction.atomic
def person_register(
    *, user, citizen_id: str, name: str, hukou_type: str, hukou_region_code: str,
    residence_region_code: str, mobile: str = "",
) -> Person:
    """Register a citizen. Sex and birth date come from the ID number; a second record is refused."""
    cid = parse_citizen_id(citizen_id)
    region = v.clean_region(residence_region_code, field="residence_region", levels=(RegionLevel.COMMUNITY,))
    check_write(user, region)
    existing = Person.objects.filter(citizen_id=cid.number).first()
    if existing:
        raise _duplicate_person(existing, user)
    person = Person(
        citizen_id=cid.number, legacy_id15=cid.upgraded_from or "", name=v.clean_name(name),
        sex=cid.sex, birth_date=cid.birth_date, hukou_type=v.clean_hukou_type(hukou_type),
        hukou_region_code=v.clean_region_code6(hukou_region_code), residence_region=region,
        mobile=parse_mobile(mobile) if mobile else "",
    )
    try:
        with transaction.atomic():
            person.save(force_insert=True)
    except IntegrityError:  # a concurrent registration of the same ID won the race
        raise _duplicate_person(Person.objects.get(citizen_id=cid.number), user) from None
    audit.record("person.register", object_type="person", object_id=person.pk, region_path=region.path,
                 after=person_snapshot(person))
    return person


@transaction.atomic
def person_update(*, user, person: Person, **changes) -> Person:
    """Change a person's name, hukou, residence or mobile. The ID number, sex and birth date never change here."""
    check_write(user, person.residence_region)
    before = person_snapshot(person)
    if "name" in changes:
        person.name = v.clean_name(changes["name"])
    if "hukou_type" in changes:
        person.hukou_type = v.clean_hukou_type(changes["hukou_type"])
    if "hukou_region_code" in changes:
        person.hukou_region_code = v.clean_region_code6(changes["hukou_region_code"])
    if "residence_region_code" in changes:
        region = v.clean_region(changes["residence_region_code"], field="residence_region",
                                levels=(RegionLevel.COMMUNITY,))
        check_write(user, region)
        person.residence_region = region
    if "mobile" in changes:
        person.mobile = parse_mobile(changes["mobile"]) if changes["mobile"] else ""
    after = person_snapshot(person)
    if after != before:
        person.save()
        audit.record("person.update", object_type="person", object_id=person.pk,
                     region_path=person.residence_region.path, before=before, after=after)
    return person


@transaction.atomic
def person_reveal_id(*, user, person: Person, reason: str) -> str:
    """Show the full ID number: a separate permission, a stated reason, an audit row."""
    if not can(user, "person.reveal_id") or not in_scope(user, person.residence_region.path if person.residence_region_id else None):
        raise Forbidden
    reason = " ".join((reason or "").split())
    if len(reason) < 4:
        raise DomainError.of(
            "reason", "reveal.reason",
            "查看完整身份证号须说明理由（至少4个字），例如“核对参保登记”",
            "Revealing the full ID number needs a reason of at least 4 characters, e.g. 'verify enrollment'",
        )
    audit.record("person.reveal_id", object_type="person", object_id=person.pk,
                 region_path=person.residence_region.path, reason=reason)
    return person.citizen_id


def _employer_codes(credit_code: str, org_code: str) -> tuple[str | None, str | None]:
    if not credit_code and not org_code:
        raise DomainError.of(
            "credit_code", "employer.code_required",
            "请填写统一社会信用代码（18位）；尚未换发的老单位可填写9位组织机构代码",
            "Enter the 18-character unified social credit code; an older employer without one may give its 9-character organization code",
        )
    credit = parse_credit_code(credit_code) if credit_code else None
    org = parse_org_code(org_code) if org_code else None
    embedded = credit.org_code if credit and credit.org_code_valid else None
    if credit and org and embedded != org:
        raise DomainError.of(
            "org_code", "employer.org_mismatch",
            f"组织机构代码 {org} 与统一社会信用代码第9–17位 {credit.org_code} 不一致：请核对营业执照",
            f"Organization code {org} differs from positions 9–17 of the credit code ({credit.org_code}): check the business licence",
        )
    if credit and not org:
        org = embedded
    return (credit.code if credit else None), org


def _duplicate_employer(existing: Employer, user=None) -> DomainError:
    if user is not None and not in_scope(user, existing.region.path if existing.region_id else None):
        return DomainError.of(  # no name or record number of another jurisdiction's employer
            "credit_code", "employer.duplicate",
            "该单位已在其他辖区登记：请勿重复登记，请联系单位所在地经办机构",
            "This employer is already registered in another jurisdiction: do not register it again; "
            "contact the office where the employer is registered",
        )
    return DomainError.of(
        "credit_code", "employer.duplicate",
        f"该单位已登记（单位编号 {existing.pk}，{existing.name}）：请打开 /employers/{existing.pk}/ 修改",
        f"This employer is already registered (record {existing.pk}, {existing.name}): open /employers/{existing.pk}/ instead",
    )


@transaction.atomic
def employer_register(
    *, user, name: str, type: str, industry: str, size: str, region_code: str,
    credit_code: str = "", org_code: str = "", status: str = "active",
) -> Employer:
    """Register an employer. A credit code whose embedded organization code matches a legacy record links to it."""
    credit, org = _employer_codes(credit_code, org_code)
    region = v.clean_region(region_code, field="region")
    check_write(user, region)
    if credit and Employer.objects.filter(credit_code=credit).exists():
        raise _duplicate_employer(Employer.objects.get(credit_code=credit), user)
    legacy = Employer.objects.filter(org_code=org).first() if org else None
    if legacy and (legacy.credit_code or not credit):
        raise _duplicate_employer(legacy, user)
    if legacy and user is not None and not in_scope(user, legacy.region.path if legacy.region_id else None):
        raise _duplicate_employer(legacy, user)  # linking rewrites the record: only its own jurisdiction may
    fields = dict(name=" ".join(name.split())[:200], type=v.clean_employer_type(type),
                  industry=v.clean_industry(industry), size=v.clean_size(size), region=region,
                  status=v.clean_status(status))
    if not fields["name"]:
        raise DomainError.of("name", "employer.name", "请填写单位名称（与营业执照一致）",
                             "Enter the employer's name as on its business licence")
    if legacy:  # link the legacy organization-code record to its new credit code
        before = employer_snapshot(legacy)
        legacy.credit_code = credit
        for k, val in fields.items():
            setattr(legacy, k, val)
        legacy.save()
        audit.record("employer.link_credit_code", object_type="employer", object_id=legacy.pk,
                     region_path=region.path, before=before, after=employer_snapshot(legacy))
        return legacy
    employer = Employer.objects.create(credit_code=credit, org_code=org, **fields)
    audit.record("employer.register", object_type="employer", object_id=employer.pk, region_path=region.path,
                 after=employer_snapshot(employer))
    return employer


@transaction.atomic
def employer_update(*, user, employer: Employer, **changes) -> Employer:
    check_write(user, employer.region)
    before = employer_snapshot(employer)
    if "name" in changes and changes["name"].strip():
        employer.name = " ".join(changes["name"].split())[:200]
    for key, clean in (("type", v.clean_employer_type), ("industry", v.clean_industry),
                       ("size", v.clean_size), ("status", v.clean_status)):
        if key in changes:
            setattr(employer, key, clean(changes[key]))
    if "region_code" in changes:
        region = v.clean_region(changes["region_code"], field="region")
        check_write(user, region)
        employer.region = region
    after = employer_snapshot(employer)
    if after != before:
        employer.save()
        audit.record("employer.update", object_type="employer", object_id=employer.pk,
                     region_path=employer.region.path, before=before, after=after)
    return employer


def _relation_snapshot(r: EmploymentRelation) -> dict:
    return {"person": r.person_id, "employer": r.employer_id, "start_date": r.start_date.isoformat(),
            "end_date": r.end_date.isoformat() if r.end_date else None}


def _overlap_error() -> DomainError:
    return DomainError.of(
        "start_date", "relation.overlap",
        "此人与该单位已有重叠的劳动关系：请先为现有关系填写终止日期，或更正开始日期",
        "This person already has an overlapping employment with this employer: end the current one first or correct the start date",
    )


@transaction.atomic
def relation_start(*, user, person: Person, employer: Employer, start_date: date,
                   end_date: date | None = None) -> EmploymentRelation:
    """Record that ``person`` works for ``employer`` from ``start_date``; periods with one employer never overlap."""
    check_write(user, employer.region)
    if end_date and end_date < start_date:
        raise DomainError.of("end_date", "relation.dates", "终止日期不能早于开始日期：请更正日期",
                             "The end date cannot be before the start date: correct the dates")
    if start_date > timezone.localdate():
        raise DomainError.of("start_date", "relation.future", "开始日期不能晚于今天：请填写实际入职日期",
                             "The start date cannot be in the future: enter the actual hiring date")
    clash = EmploymentRelation.objects.filter(person=person, employer=employer).filter(
        models_overlap(start_date, end_date))
    if clash.exists():
        raise _overlap_error()
    try:
        with transaction.atomic():
            relation = EmploymentRelation.objects.create(person=person, employer=employer, start_date=start_date,
                                                         end_date=end_date)
    except IntegrityError:  # a concurrent start of the same open relation won the race
        raise _overlap_error() from None
    audit.record("relation.start", object_type="relation", object_id=relation.pk, region_path=employer.region.path,
                 after=_relation_snapshot(relation))
    signals.employment_started.send(sender=EmploymentRelation, person=person, started=start_date)
    return relation


def models_overlap(start: date, end: date | None):
    """Q for relations whose period [start_date, end_date] meets [start, end] (open ends are infinite)."""
    from django.db.models import Q

    q = Q(end_date__isnull=True) | Q(end_date__gte=start)
    if end is not None:
        q &= Q(start_date__lte=end)
    return q


@transaction.atomic
def relation_end(*, user, relation: EmploymentRelation, end_date: date) -> EmploymentRelation:
    check_write(user, relation.employer.region)
    if relation.end_date is not None:
        raise DomainError.of(
            "end_date", "relation.already_ended",
            f"该劳动关系已于 {relation.end_date:%Y-%m-%d} 终止：如终止日期有误，请更正记录而不是再次终止",
            f"This employment already ended on {relation.end_date:%Y-%m-%d}: correct the record instead of ending it again",
        )
    if end_date < relation.start_date:
        raise DomainError.of("end_date", "relation.dates", "终止日期不能早于开始日期：请更正日期",
                             "The end date cannot be before the start date: correct the dates")
    before = _relation_snapshot(relation)
    relation.end_date = end_date
    relation.save(update_fields=["end_date", "updated_at"])
    audit.record("relation.end", object_type="relation", object_id=relation.pk,
                 region_path=relation.employer.region.path, before=before, after=_relation_snapshot(relation))
    return relation


@transaction.atomic
def conflict_resolve(*, user, conflict: MergeConflict, take_legacy: bool) -> MergeConflict:
    """A caseworker decides a merge conflict: keep the city value or take the legacy system's."""
    person = conflict.person
    check_write(user, person.residence_region, "conflict.resolve")
    if conflict.status != ConflictStatus.OPEN:
        raise DomainError.of("status", "conflict.closed", "该冲突已处理，无需重复处理",
                             "This conflict has already been resolved")
    if take_legacy and conflict.field != "name":
        raise DomainError.of(
            "choice", "conflict.id_authoritative",
            "出生日期和性别以公民身份号码为准，不能采用原系统值：请选择“保留市库值”，如号码本身有误请按更正程序办理",
            "Birth date and sex follow from the citizen ID and cannot take the legacy value: keep the city value; "
            "if the ID itself is wrong, use the correction procedure",
        )
    if take_legacy:
        person_update(user=user, person=person, name=conflict.legacy_value)
    conflict.status = ConflictStatus.TAKEN if take_legacy else ConflictStatus.KEPT
    conflict.resolved_by = getattr(user, "username", "system")
    conflict.resolved_at = timezone.now()
    conflict.save()
    audit.record("conflict.resolve", object_type="conflict", object_id=conflict.pk,
                 region_path=person.residence_region.path if person.residence_region_id else "",
                 after={"field": conflict.field, "status": conflict.status})
    return conflict
