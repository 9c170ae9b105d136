"""Plain person import: validate every row, then create all new persons at once or nothing.

The rules are the form's (``core.identifiers``, ``registry.validation``). A citizen already in the
registry with the same facts is "unchanged"; with different facts the row is an error: an import
never overwrites a record (corrections go through the person page, one audited change at a time).
"""

from __future__ import annotations

from dataclasses import dataclass

from laobao.core.identifiers import CitizenId, parse_citizen_id, parse_mobile
from laobao.core.models import Region, RegionLevel

from .. import validation as v
from ..models import HukouType, Person
from .common import CHUNK, Memo, RowCheck, RowError, Regions, chunks, out_of_scope
from .reading import Column, Row, Sheet

COLUMNS = [
    Column("citizen_id", "身份证号", ("公民身份号码", "身份证号码", "证件号码", "身份证", "AAC002", "AAE135"),
           required=True, identifier=True),
    Column("name", "姓名", ("AAC003",), required=True),
    Column("hukou_type", "户口性质", ("户籍性质", "户口类型", "户籍类型"), required=True),
    Column("hukou_region_code", "户籍地区划代码", ("户籍地代码", "户籍区划代码", "户籍地行政区划代码"),
           required=True, identifier=True),
    Column("residence_region_code", "居住社区代码", ("居住地区划代码", "居住社区区划代码", "社区代码"),
           required=True, identifier=True),
    Column("mobile", "手机号码", ("手机号", "手机", "移动电话"), identifier=True),
]

#: short and legacy hukou labels seen in Excel files, mapped to the registry's codes
HUKOU_ALIASES = {"城镇": HukouType.URBAN, "非农业": HukouType.URBAN, "非农": HukouType.URBAN,
                 "农村": HukouType.RURAL, "农业": HukouType.RURAL, "外地": HukouType.ELSEWHERE,
                 "外省市": HukouType.ELSEWHERE, "外来": HukouType.ELSEWHERE}

LABELS = {c.key: c.label for c in COLUMNS} | {"residence_region": "居住社区代码（residence_region_code）"}
FIELD_ZH = {"name": "姓名", "hukou_type": "户口性质", "hukou_region_code": "户籍地区划代码",
            "residence_region_code": "居住社区代码", "mobile": "手机号码"}


def clean_hukou(value: str) -> str:
    value = (value or "").strip()
    return v.clean_hukou_type(HUKOU_ALIASES.get(value, value))


@dataclass
class PersonRow:
    row: Row
    check: RowCheck
    cid: CitizenId | None = None
    name: str = ""
    hukou_type: str = ""
    hukou_region_code: str = ""
    region: Region | None = None
    mobile: str = ""

    def facts(self) -> dict:
        return {"name": self.name, "hukou_type": self.hukou_type, "hukou_region_code": self.hukou_region_code,
                "residence_region_code": self.region.code if self.region else "", "mobile": self.mobile}


def parse_row(row: Row, regions: Regions, hukou=clean_hukou) -> PersonRow:
    c = RowCheck(row.problems)
    pr = PersonRow(row=row, check=c)
    pr.cid = c.run("citizen_id", parse_citizen_id, row.get("citizen_id"))
    pr.name = c.run("name", v.clean_name, row.get("name")) or ""
    pr.hukou_type = c.run("hukou_type", hukou, row.get("hukou_type")) or ""
    pr.hukou_region_code = c.run("hukou_region_code", v.clean_region_code6, row.get("hukou_region_code")) or ""
    pr.region = c.run("residence_region_code", regions.get, row.get("residence_region_code"),
                      field="residence_region")
    if row.get("mobile"):
        pr.mobile = c.run("mobile", parse_mobile, row.get("mobile")) or ""
    return pr


def mark_duplicates(rows: list, number_of) -> None:
    """The second and later rows of one citizen (15- or 18-digit) are errors pointing at the first."""
    first: dict[str, int] = {}
    for pr in rows:
        number = number_of(pr)
        if not number:
            continue
        if number in first:
            masked = number[:4] + "*" * 10 + number[-4:]
            pr.check.add("citizen_id", "import.duplicate_row",
                         f"与第{first[number]}行是同一公民（{masked}）：每人只保留一行，请删除或合并重复行",
                         f"Same citizen as row {first[number]} ({masked}): keep one row per person and "
                         "delete or merge the duplicate")
        else:
            first[number] = pr.row.number


def existing_persons(numbers: list[str]) -> dict[str, dict]:
    found = {}
    fields = ("id", "citizen_id", "name", "sex", "birth_date", "hukou_type", "hukou_region_code", "mobile",
              "residence_region__code", "residence_region__path")
    for part in chunks(numbers, CHUNK):
        for rec in Person.objects.filter(citizen_id__in=part).values(*fields):
            found[rec["citizen_id"]] = rec
    return found


def _differences(pr: PersonRow, rec: dict) -> list[str]:
    stored = {"name": rec["name"], "hukou_type": rec["hukou_type"], "hukou_region_code": rec["hukou_region_code"],
              "residence_region_code": rec["residence_region__code"] or "", "mobile": rec["mobile"]}
    given = pr.facts()
    # a blank optional cell says nothing: only a different value is a difference
    return [k for k in stored if not (k == "mobile" and not given[k]) and given[k] != stored[k]]


def plan(sheet: Sheet, *, user, result) -> list[Person]:
    """Validate every row; fill ``result.errors`` and ``result.unchanged``; return the persons to create."""
    regions = Regions(levels=(RegionLevel.COMMUNITY,))
    hukou = Memo(clean_hukou)
    rows = [parse_row(r, regions, hukou) for r in sheet.rows]
    mark_duplicates(rows, lambda pr: pr.cid.number if pr.cid else None)
    existing = existing_persons(sorted({pr.cid.number for pr in rows if pr.cid}))
    to_create = []
    for pr in rows:
        rec = existing.get(pr.cid.number) if pr.cid else None
        if pr.region is not None and out_of_scope(user, pr.region.path):
            pr.check.add("residence_region", "import.out_of_scope",
                         "居住社区不在您的辖区：请只导入本辖区人员，或由上级经办员导入",
                         "The residence community is outside your jurisdiction: import only persons of your "
                         "area, or ask a higher-level officer")
        if rec is not None and not pr.check.problems:
            _compare(pr, rec, user)
        if pr.check.problems:
            result.errors.append(RowError(pr.row.number, pr.check.problems))
            continue
        result.paths.add(pr.region.path)
        if rec is not None:
            result.unchanged += 1
        else:
            to_create.append(_new_person(pr))
    return to_create


def _compare(pr: PersonRow, rec: dict, user) -> None:
    diffs = _differences(pr, rec)
    if not diffs:
        return
    pk = rec["id"]
    if out_of_scope(user, rec["residence_region__path"]):
        pr.check.add("citizen_id", "import.registered_elsewhere",
                     "该公民已在其他辖区登记且信息不一致：导入不会覆盖已有档案，请联系其所在辖区更正",
                     "This citizen is registered in another jurisdiction with different data: an import never "
                     "overwrites a record; ask that jurisdiction to correct it")
        return
    names_zh = "、".join(FIELD_ZH[k] for k in diffs)
    pr.check.add("citizen_id", "import.differs",
                 f"已登记且信息不一致：请在人员页面更正（档案号 {pk}，不一致：{names_zh}）。导入不会覆盖已有档案；"
                 f"请在 /persons/{pk}/ 更正，或把本行改为与档案一致",
                 f"Already registered with different data (record {pk}; differs in: {', '.join(diffs)}). An import "
                 f"never overwrites a record: correct it on /persons/{pk}/ or make this row match the record")


def _new_person(pr: PersonRow) -> Person:
    cid = pr.cid
    return Person(citizen_id=cid.number, legacy_id15=cid.upgraded_from or "", name=pr.name, sex=cid.sex,
                  birth_date=cid.birth_date, hukou_type=pr.hukou_type, hukou_region_code=pr.hukou_region_code,
                  residence_region=pr.region, mobile=pr.mobile)
