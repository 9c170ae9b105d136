"""Legacy merge (并轨): fold a 吴中 or 相城 legacy export into the one city registry.

Per row: the citizen is recognised by the 18-digit number (15-digit numbers upgraded first), across
sources and within the file. New citizens are created; every row leaves a ``LegacyRecord`` (source,
legacy key) → person; a name, birth date or sex that disagrees with the registry (or the ID) opens a
``MergeConflict`` for a caseworker. Nothing is ever overwritten, and a second run adds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from laobao.core.errors import DomainError
from laobao.core.identifiers import parse_citizen_id, parse_mobile
from laobao.core.models import RegionLevel

from .. import validation as v
from ..models import HukouType, LegacyRecord, MergeConflict, Person
from .common import BULK, CHUNK, ConflictRow, Memo, RowCheck, RowError, Regions, chunks, out_of_scope
from .persons import COLUMNS as PERSON_COLUMNS
from .persons import PersonRow, clean_hukou, existing_persons
from .reading import Column, Row, Sheet

_BY_KEY = {c.key: c for c in PERSON_COLUMNS}
COLUMNS = [
    Column("legacy_key", "个人编号", ("原系统个人编号", "个人社保编号", "社保编号", "AAC001"), required=True,
           identifier=True),
    _BY_KEY["citizen_id"],
    _BY_KEY["name"],
    Column("birth_date", "出生日期", ("AAC006",)),
    Column("sex", "性别", ("AAC004",)),
    _BY_KEY["hukou_type"],
    Column("hukou_region_code", "户籍地区划代码", _BY_KEY["hukou_region_code"].aliases, identifier=True),
    Column("residence_region_code", "居住社区代码", _BY_KEY["residence_region_code"].aliases, identifier=True),
    _BY_KEY["mobile"],
]
LABELS = {c.key: c.label for c in COLUMNS} | {"residence_region": "居住社区代码（residence_region_code）"}

#: the district whose legacy system a source is; the default hukou region of its local residents
SOURCE_DISTRICT = {"wuzhong": "320506", "xiangcheng": "320507"}

_SEX = {"男": "M", "男性": "M", "M": "M", "1": "M", "女": "F", "女性": "F", "F": "F", "2": "F"}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$|^(\d{4})(\d{2})(\d{2})$")


@dataclass
class LegacyRow(PersonRow):
    legacy_key: str = ""
    birth_date: date | None = None
    sex: str = ""


@dataclass
class MergePlan:
    persons: list[Person] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (legacy key, citizen number)
    conflicts: list[tuple[str, ConflictRow]] = field(default_factory=list)  # (citizen number, conflict)


def parse_birth_date(value: str) -> date:
    m = _DATE.match(value.strip())
    try:
        if m:
            y, mo, d = (int(x) for x in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
            return date(y, mo, d)
    except ValueError:
        pass
    raise DomainError.of(
        "birth_date", "birth_date.format",
        f"出生日期“{value}”不是有效日期：请写成 YYYY-MM-DD（如 1980-01-31），或留空（出生日期以身份证号为准）",
        f"Birth date '{value}' is not a valid date: write it as YYYY-MM-DD (e.g. 1980-01-31) or leave it blank "
        "(the ID number is authoritative)")


def parse_sex(value: str) -> str:
    sex = _SEX.get(value.strip().upper())
    if sex is None:
        raise DomainError.of("sex", "sex.choice",
                               f"性别“{value}”无法识别：请填“男”或“女”（或 1、2），或留空（性别以身份证号为准）",
                               f"Sex '{value}' is not recognised: enter 男 or 女 (or 1, 2), or leave it blank "
                               "(the ID number is authoritative)")
    return sex


def parse_key(value: str) -> str:
    key = value.strip()
    if not key or len(key) > 32:
        raise DomainError.of("legacy_key", "legacy_key.format",
                               "个人编号（原系统）必填，且不超过32个字符：请按原系统导出的个人编号填写",
                               "The legacy person number is required and at most 32 characters: copy it from "
                               "the legacy system's export")
    return key


def parse_row(row: Row, regions: Regions, hukou=clean_hukou) -> LegacyRow:
    c = RowCheck(row.problems)
    lr = LegacyRow(row=row, check=c)
    lr.legacy_key = c.run("legacy_key", parse_key, row.get("legacy_key")) or ""
    lr.cid = c.run("citizen_id", parse_citizen_id, row.get("citizen_id"))
    lr.name = c.run("name", v.clean_name, row.get("name")) or ""
    if row.get("birth_date"):
        lr.birth_date = c.run("birth_date", parse_birth_date, row.get("birth_date"))
    if row.get("sex"):
        lr.sex = c.run("sex", parse_sex, row.get("sex")) or ""
    if row.get("hukou_type"):
        lr.hukou_type = c.run("hukou_type", hukou, row.get("hukou_type")) or ""
    if row.get("hukou_region_code"):
        lr.hukou_region_code = c.run("hukou_region_code", v.clean_region_code6, row.get("hukou_region_code")) or ""
    if row.get("residence_region_code"):
        lr.region = c.run("residence_region_code", regions.get, row.get("residence_region_code"),
                          field="residence_region")
    if row.get("mobile"):
        lr.mobile = c.run("mobile", parse_mobile, row.get("mobile")) or ""
    return lr


def _legacy_records(source: str, keys: list[str]) -> dict[str, str]:
    """Legacy key → citizen number of the person it is already linked to."""
    found = {}
    for part in chunks(keys, CHUNK):
        qs = LegacyRecord.objects.filter(source=source, legacy_key__in=part)
        found.update(dict(qs.values_list("legacy_key", "person__citizen_id")))
    return found


def _known_conflicts(source: str, person_ids: list[int]) -> dict[tuple, str]:
    found = {}
    for part in chunks(person_ids, CHUNK):
        qs = MergeConflict.objects.filter(source=source, person_id__in=part)
        for pid, fld, val, status in qs.values_list("person_id", "field", "legacy_value", "status"):
            found[(pid, fld, val)] = status
    return found


class Merger:
    """Walks the rows in file order, deciding for each: error, new person, link, conflicts."""

    def __init__(self, sheet: Sheet, *, user, result, source: str):
        self.user, self.result, self.source = user, result, source
        regions = Regions(levels=(RegionLevel.COMMUNITY,))
        hukou = Memo(clean_hukou)
        self.rows = [parse_row(r, regions, hukou) for r in sheet.rows]
        numbers = sorted({lr.cid.number for lr in self.rows if lr.cid})
        self.existing = existing_persons(numbers)
        self.records = _legacy_records(source, sorted({lr.legacy_key for lr in self.rows if lr.legacy_key}))
        self.known = _known_conflicts(source, [rec["id"] for rec in self.existing.values()])
        self.first: dict[str, LegacyRow] = {}  # citizen number → the row that creates the person
        self.key_owner: dict[str, tuple[str, int]] = {}  # legacy key → (citizen number, row) in this file
        self.seen_conflicts: set[tuple] = set()
        self.plan = MergePlan()

    def run(self) -> MergePlan:
        for lr in self.rows:
            ref = None
            if lr.cid is not None:
                self._check_key(lr)
                ref = self._reference(lr)
            if lr.check.problems:
                self.result.errors.append(RowError(lr.row.number, lr.check.problems))
                continue
            self._accept(lr, ref)
        return self.plan

    def _check_key(self, lr: LegacyRow) -> None:
        number, key = lr.cid.number, lr.legacy_key
        if not key:
            return
        owner = self.key_owner.get(key)
        if owner and owner[0] != number:
            lr.check.add("legacy_key", "legacy_key.duplicate",
                         f"个人编号 {key} 在第{owner[1]}行已用于另一公民：同一编号只能对应一人，请核对原系统数据",
                         f"Legacy number {key} is used for another citizen on row {owner[1]}: one number is one "
                         "person; check the legacy data")
        linked = self.records.get(key)
        if linked and linked != number:
            lr.check.add("legacy_key", "legacy_key.linked_elsewhere",
                         f"个人编号 {key} 已在此前的并轨中关联到另一公民：请核对原系统数据或联系市级经办员",
                         f"Legacy number {key} was linked to another citizen by an earlier merge: check the "
                         "legacy data or contact the city office")

    def _reference(self, lr: LegacyRow) -> dict | None:
        """The facts this row is compared with: the city record, or the file's first row of this citizen."""
        number = lr.cid.number
        rec = self.existing.get(number)
        if rec is not None:
            if out_of_scope(self.user, rec["residence_region__path"]):
                lr.check.add("citizen_id", "import.registered_elsewhere",
                             "该公民已在您的辖区以外登记：请由市级经办员并轨",
                             "This citizen is registered outside your jurisdiction: ask the city office to merge")
            return {"name": rec["name"], "birth_date": rec["birth_date"], "sex": rec["sex"], "id": rec["id"]}
        if number in self.first:
            first = self.first[number]
            return {"name": first.name, "birth_date": lr.cid.birth_date, "sex": lr.cid.sex, "id": None}
        self._check_new(lr)
        return {"name": lr.name, "birth_date": lr.cid.birth_date, "sex": lr.cid.sex, "id": None}

    def _check_new(self, lr: LegacyRow) -> None:
        if lr.region is None and not any(p.field in ("residence_region", "residence_region_code")
                                         for p in lr.check.problems):
            lr.check.add("residence_region_code", "legacy.residence_required",
                         "该公民尚未在市库登记，原系统数据又没有居住社区代码：请补充12位居住社区代码",
                         "This citizen is not yet in the city registry and the legacy row has no residence "
                         "community: add the 12-digit community code")
        if not lr.hukou_type and not any(p.field == "hukou_type" for p in lr.check.problems):
            lr.check.add("hukou_type", "legacy.hukou_required",
                         "该公民尚未在市库登记：请填写户口性质（城镇、农村或外地）",
                         "This citizen is not yet in the city registry: enter the hukou type (城镇, 农村 or 外地)")
        if lr.region is not None and out_of_scope(self.user, lr.region.path):
            lr.check.add("residence_region", "import.out_of_scope",
                         "居住社区不在您的辖区：请只导入本辖区人员，或由上级经办员导入",
                         "The residence community is outside your jurisdiction: import only persons of your "
                         "area, or ask a higher-level officer")

    def _accept(self, lr: LegacyRow, ref: dict) -> None:
        number, key = lr.cid.number, lr.legacy_key
        rec = self.existing.get(number)
        self.result.paths.add(rec["residence_region__path"] if rec else (lr.region or self.first[number].region).path)
        creates = rec is None and number not in self.first
        if creates:
            self.first[number] = lr
            self.plan.persons.append(self._new_person(lr))
            self.result.created += 1
        if key in self.records or key in self.key_owner:
            self.result.unchanged += 1  # merged by an earlier run, or the same row twice in this file
        else:
            self.plan.links.append((key, number))
            if not creates:
                self.result.linked += 1
        self.key_owner.setdefault(key, (number, lr.row.number))
        for fld, city, legacy in self._differences(lr, ref):
            self._conflict(lr, ref, fld, city, legacy)

    @staticmethod
    def _differences(lr: LegacyRow, ref: dict):
        if lr.name != ref["name"]:
            yield "name", ref["name"], lr.name
        if lr.birth_date and lr.birth_date != ref["birth_date"]:
            yield "birth_date", ref["birth_date"].isoformat(), lr.birth_date.isoformat()
        if lr.sex and lr.sex != ref["sex"]:
            yield "sex", ref["sex"], lr.sex

    def _conflict(self, lr: LegacyRow, ref: dict, fld: str, city: str, legacy: str) -> None:
        number = lr.cid.number
        if (number, fld, legacy) in self.seen_conflicts:
            return
        self.seen_conflicts.add((number, fld, legacy))
        status = self.known.get((ref["id"], fld, legacy)) if ref["id"] else None
        row = ConflictRow(row=lr.row.number, legacy_key=lr.legacy_key, masked_id=lr.cid.masked(), field=fld,
                          registry_value=city, legacy_value=legacy, status=status or "new")
        self.result.conflict_rows.append(row)
        if status is None:
            self.plan.conflicts.append((number, row))
            self.result.conflicts += 1

    def _new_person(self, lr: LegacyRow) -> Person:
        cid = lr.cid
        hukou_region = lr.hukou_region_code or (
            cid.region_code if lr.hukou_type == HukouType.ELSEWHERE else SOURCE_DISTRICT[self.source])
        return Person(citizen_id=cid.number, legacy_id15=cid.upgraded_from or "", name=lr.name, sex=cid.sex,
                      birth_date=cid.birth_date, hukou_type=lr.hukou_type, hukou_region_code=hukou_region,
                      residence_region=lr.region, mobile=lr.mobile)


def write(plan: MergePlan, *, source: str) -> list[int]:
    """Create the persons, then the links and conflicts that point at them (inside the caller's transaction).

    Returns the ids of the persons created or linked (for the import's audit event)."""
    Person.objects.bulk_create(plan.persons, batch_size=BULK)
    numbers = sorted({n for _, n in plan.links} | {n for n, _ in plan.conflicts})
    ids = {}
    for part in chunks(numbers, CHUNK):
        ids.update(dict(Person.objects.filter(citizen_id__in=part).values_list("citizen_id", "id")))
    LegacyRecord.objects.bulk_create(
        [LegacyRecord(source=source, legacy_key=key, person_id=ids[n]) for key, n in plan.links], batch_size=BULK)
    MergeConflict.objects.bulk_create(
        [MergeConflict(source=source, person_id=ids[n], field=c.field, registry_value=c.registry_value[:200],
                       legacy_value=c.legacy_value[:200], row_number=c.row) for n, c in plan.conflicts],
        batch_size=BULK)
    return sorted({p.pk for p in plan.persons} | {ids[n] for _, n in plan.links})
