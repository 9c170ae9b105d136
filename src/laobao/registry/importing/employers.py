"""Employer import: the form's rules per row; a credit code links a legacy organization-code record.

The linking rule is the one of ``services.employer_register`` (its helper ``_employer_codes`` decides
the codes): a new credit code whose positions 9–17 are the organization code of an employer registered
before 2015 without a credit code gives that record its credit code instead of creating a second one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from laobao.core.errors import DomainError
from laobao.core.models import Region, RegionLevel

from .. import validation as v
from ..models import Employer
from ..services import _employer_codes, employer_snapshot
from .common import BULK, CHUNK, Memo, RowCheck, RowError, Regions, chunks, out_of_scope
from .reading import Column, Row, Sheet, file_error

COLUMNS = [
    Column("credit_code", "统一社会信用代码", ("社会信用代码", "信用代码", "USCC"), identifier=True),
    Column("org_code", "组织机构代码", ("机构代码", "AAB003"), identifier=True),
    Column("name", "单位名称", ("AAB004", "名称"), required=True),
    Column("type", "单位类型", ("单位性质", "经济类型", "employer_type"), required=True),
    Column("industry", "行业门类", ("行业", "所属行业"), required=True),
    Column("size", "单位规模", ("规模",), required=True),
    Column("region_code", "所在区划代码", ("区划代码", "所在地区划代码", "AAB301"), required=True, identifier=True),
    Column("status", "状态", ("单位状态",)),
]
LABELS = {c.key: c.label for c in COLUMNS} | {"region": "所在区划代码（region_code）"}
COMPARED = ("name", "type", "industry", "size", "region_code", "status")


@dataclass
class EmployerRow:
    row: Row
    check: RowCheck
    credit: str | None = None
    org: str | None = None
    fields: dict | None = None
    region: Region | None = None

    def facts(self) -> dict:
        f = dict(self.fields or {})
        f["region_code"] = self.region.code if self.region else ""
        return f


def _clean_name(value: str) -> str:
    name = " ".join((value or "").split())[:200]
    if not name:
        raise DomainError.of("name", "employer.name", "请填写单位名称（与营业执照一致）",
                               "Enter the employer's name as on its business licence")
    return name


def parse_row(row: Row, regions: Regions, clean: dict) -> EmployerRow:
    c = RowCheck(row.problems)
    er = EmployerRow(row=row, check=c)
    if not any(p.field in ("credit_code", "org_code") for p in c.problems):
        codes = c.run("credit_code", _employer_codes, row.get("credit_code"), row.get("org_code"))
        er.credit, er.org = codes or (None, None)
    er.fields = {"name": c.run("name", _clean_name, row.get("name"))}
    for key in ("type", "industry", "size", "status"):
        er.fields[key] = c.run(key, clean[key], row.get(key))
    er.region = c.run("region_code", regions.get, row.get("region_code"), field="region")
    return er


def _mark_duplicates(rows: list[EmployerRow]) -> None:
    first: dict[str, int] = {}
    for er in rows:
        for code in filter(None, {er.credit, er.org}):
            if code in first and first[code] != er.row.number:
                er.check.add("credit_code", "import.duplicate_row",
                             f"与第{first[code]}行是同一单位（代码 {code}）：每个单位只保留一行，请删除重复行",
                             f"Same employer as row {first[code]} (code {code}): keep one row per employer and "
                             "delete the duplicate")
                break
            first.setdefault(code, er.row.number)


def _existing(rows: list[EmployerRow]) -> tuple[dict, dict]:
    fields = ("id", "credit_code", "org_code", "name", "type", "industry", "size", "status", "region__code",
              "region__path")
    by_credit, by_org = {}, {}
    for part in chunks(sorted({er.credit for er in rows if er.credit}), CHUNK):
        by_credit.update({r["credit_code"]: r for r in Employer.objects.filter(credit_code__in=part).values(*fields)})
    for part in chunks(sorted({er.org for er in rows if er.org}), CHUNK):
        by_org.update({r["org_code"]: r for r in Employer.objects.filter(org_code__in=part).values(*fields)})
    return by_credit, by_org


def plan(sheet: Sheet, *, user, result) -> tuple[list[Employer], list[tuple[int, EmployerRow]]]:
    """Validate every row; return the employers to create and the legacy records to link (id, row)."""
    if not {"credit_code", "org_code"} & sheet.keys:
        raise file_error("file.missing_columns", "缺少单位代码列：请至少提供“统一社会信用代码”或“组织机构代码”一列",
                         "No employer code column: the file needs a credit_code or an org_code column")
    regions = Regions(levels=(RegionLevel.STREET, RegionLevel.COMMUNITY))
    clean = {"type": Memo(v.clean_employer_type), "industry": Memo(v.clean_industry), "size": Memo(v.clean_size),
             "status": Memo(v.clean_status)}
    rows = [parse_row(r, regions, clean) for r in sheet.rows]
    _mark_duplicates(rows)
    by_credit, by_org = _existing(rows)
    create, link = [], []
    for er in rows:
        if er.region is not None and out_of_scope(user, er.region.path):
            er.check.add("region", "import.out_of_scope", "单位所在区划不在您的辖区：请只导入本辖区单位",
                         "The employer's region is outside your jurisdiction: import only employers of your area")
        outcome = None if er.check.problems else _decide(er, by_credit, by_org, user)
        if er.check.problems:
            result.errors.append(RowError(er.row.number, er.check.problems))
            continue
        result.paths.add(er.region.path)
        if outcome == "unchanged":
            result.unchanged += 1
        elif outcome == "create":
            create.append(Employer(credit_code=er.credit, org_code=er.org, region=er.region, **er.fields))
        else:
            link.append((outcome, er))
    result.created, result.linked = len(create), len(link)
    return create, link


def _decide(er: EmployerRow, by_credit: dict, by_org: dict, user):
    """"unchanged", "create", or the id of the legacy record to link; adds a problem when the row clashes."""
    rec = by_credit.get(er.credit) if er.credit else None
    if rec is not None:
        return _same_or_problem(er, rec, user)
    legacy = by_org.get(er.org) if er.org else None
    if legacy is None:
        return "create"
    if not er.credit:
        return _same_or_problem(er, legacy, user)
    if legacy["credit_code"] and out_of_scope(user, legacy["region__path"]):
        er.check.add("org_code", "employer.org_taken", f"组织机构代码 {er.org} 已属于您辖区以外的另一单位：请核对营业执照",
                     f"Organization code {er.org} already belongs to another employer outside your jurisdiction: "
                     "check the business licence")
        return None
    if legacy["credit_code"]:
        er.check.add("org_code", "employer.org_taken",
                     f"组织机构代码 {er.org} 已属于另一单位（单位编号 {legacy['id']}，信用代码 {legacy['credit_code']}）："
                     "请核对营业执照",
                     f"Organization code {er.org} already belongs to another employer (record {legacy['id']}, "
                     f"credit code {legacy['credit_code']}): check the business licence")
        return None
    if out_of_scope(user, legacy["region__path"]):
        er.check.add("credit_code", "import.registered_elsewhere", "该单位已在您的辖区以外登记：请由其所在辖区关联信用代码",
                     "This employer is registered outside your jurisdiction: ask that jurisdiction to link the code")
        return None
    return legacy["id"]


def _same_or_problem(er: EmployerRow, rec: dict, user):
    stored = {k: rec[k] for k in COMPARED if k != "region_code"} | {"region_code": rec["region__code"] or ""}
    given = er.facts()
    diffs = [k for k in COMPARED if given[k] != stored[k] and not (k == "status" and not er.row.get("status"))]
    if not diffs:
        return "unchanged"
    pk = rec["id"]
    if out_of_scope(user, rec["region__path"]):
        pk = "—"
    er.check.add("credit_code", "import.differs",
                 f"已登记且信息不一致：请在单位页面更正（单位编号 {pk}，不一致：{'、'.join(LABELS[k] for k in diffs)}）。"
                 "导入不会覆盖已有档案",
                 f"Already registered with different data (record {pk}; differs in: {', '.join(diffs)}). An import "
                 "never overwrites a record: correct it on the employer page or make this row match")
    return None


def write(create: list[Employer], link: list[tuple[int, EmployerRow]]) -> list[dict]:
    """Insert the new employers and link the legacy ones (inside the caller's transaction); return the befores."""
    for part in chunks(create, BULK * 10):
        Employer.objects.bulk_create(part, batch_size=BULK)
    befores, linked = [], []
    records = {}
    for part in chunks([pk for pk, _ in link], CHUNK):
        records.update({e.pk: e for e in Employer.objects.select_related("region").filter(pk__in=part)})
    now = timezone.now()
    for pk, er in link:
        legacy = records[pk]
        befores.append(employer_snapshot(legacy))
        legacy.credit_code, legacy.region, legacy.updated_at = er.credit, er.region, now
        for key, value in er.fields.items():
            setattr(legacy, key, value)
        linked.append(legacy)
    Employer.objects.bulk_update(linked, ["credit_code", "name", "type", "industry", "size", "region", "status",
                                          "updated_at"], batch_size=BULK)
    return befores
