"""Export of persons (CSV or XLSX) for data exchange: scoped, capped, streamed and audited.

ID numbers and mobile numbers are masked unless ``full_ids`` is asked for, which needs a stated
reason (and, for a staff user, the ``person.reveal_id`` permission). Every export writes one audit
event ``registry.export_persons``. Rows are streamed from the database in chunks, so a million
rows never become a million objects in memory. The columns are those of the person import, so a
full export can be imported again (see docs/IMPORT_FORMATS.md).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction

from laobao.core import audit
from laobao.core.errors import DomainError, Forbidden, NotFound
from laobao.core.models import Region
from laobao.core.scoping import can, in_scope

from .models import Person
from .selectors import persons_visible

HEADER = ["档案号", "身份证号", "姓名", "性别", "出生日期", "户口性质", "户籍地区划代码", "居住社区代码", "居住社区",
          "手机号码"]
FIELDS = ("id", "citizen_id", "name", "sex", "birth_date", "hukou_type", "hukou_region_code",
          "residence_region__code", "residence_region__name", "mobile")
HUKOU_SHORT = {"urban": "城镇", "rural": "农村", "elsewhere": "外地"}
SEX = {"M": "男", "F": "女"}
CHUNK = 5000
FORMATS = ("csv", "xlsx")


def export_persons(user, region: Region | str, fmt: str = "csv", full_ids: bool = False, reason: str = "",
                   *, dest: str | Path | None = None, stats: dict | None = None) -> Path | bytes:
    """Export the persons living in ``region``'s subtree; write to ``dest`` (returns it) or return the bytes.

    ``user`` None is the operator at the machine (CLI, whole city). A staff user needs the
    ``registry.export`` permission and reads only ``persons_visible(user)``; a region outside the
    user's jurisdiction is NotFound. A reason (4+ characters) is required for full ID numbers and
    for every export by a staff user. More rows than ``LAOBAO_EXPORT_MAX_ROWS`` is refused.
    ``stats``, if given, receives the number of rows written (``stats["rows"]``).
    """
    stats = {} if stats is None else stats
    fmt = (fmt or "").lower().lstrip(".")
    if fmt not in FORMATS:
        raise DomainError.of("format", "export.format", f"不支持的导出格式“{fmt}”：请使用 .csv 或 .xlsx 文件名",
                             f"Unsupported export format '{fmt}': name the file .csv or .xlsx")
    region = _region(user, region)
    reason = _reason(user, full_ids, reason)
    qs = (Person.objects.all() if user is None else persons_visible(user)).filter(
        residence_region__path__startswith=region.path)
    total, cap = qs.count(), settings.LAOBAO_EXPORT_MAX_ROWS
    if total > cap:
        raise DomainError.of(
            "region", "export.too_many",
            f"该区划共有 {total} 人，超过单次导出上限 {cap} 行：请按下级区划（街道或社区）分批导出，"
            "或由系统管理员调整 LAOBAO_EXPORT_MAX_ROWS",
            f"{total} persons live in this region, more than the export limit of {cap} rows: export by "
            "sub-region (street or community) in parts, or ask the administrator to raise LAOBAO_EXPORT_MAX_ROWS")
    rows = qs.order_by("id").values_list(*FIELDS).iterator(chunk_size=CHUNK)
    name = Path(dest).name if dest else f"persons-{region.code}.{fmt}"

    def audit_export(count: int) -> None:
        stats["rows"] = count
        _audit(region, count, full_ids, fmt, name, reason)

    if dest is None:
        buffer = io.BytesIO()
        audit_export(_write(buffer, fmt, rows, full_ids))
        return buffer.getvalue()
    return _write_file(Path(dest), fmt, rows, full_ids, audit_export)


def _region(user, region: Region | str) -> Region:
    if not isinstance(region, Region):
        code = (region or "").strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise DomainError.of("region", "region.unknown",
                                 f"区划代码“{code}”不存在：请填写区划树中的6位或12位区划代码",
                                 f"Region code '{code}' does not exist: use a 6- or 12-digit code from the region tree")
    if user is not None:
        if not can(user, "registry.export"):
            raise Forbidden
        if not in_scope(user, region.path):
            raise NotFound
    return region


def _reason(user, full_ids: bool, reason: str) -> str:
    reason = " ".join((reason or "").split())
    if full_ids and user is not None and not can(user, "person.reveal_id"):
        raise Forbidden
    if (full_ids or user is not None) and len(reason) < 4:
        what_zh = "导出完整身份证号" if full_ids else "导出人员名单"
        what_en = "Exporting full ID numbers" if full_ids else "Exporting a list of persons"
        raise DomainError.of("reason", "export.reason",
                             f"{what_zh}须说明理由（至少4个字），例如“向医保中心交换参保数据”",
                             f"{what_en} needs a reason of at least 4 characters, e.g. 'data exchange with the "
                             "medical insurance centre'")
    return reason


def _cells(rec: tuple, full_ids: bool) -> list[str]:
    pk, number, name, sex, birth, hukou, hukou_region, code, community, mobile = rec
    if full_ids:
        shown_id, shown_birth, shown_mobile = number, birth.isoformat(), mobile
    else:  # the birth-date digits are always hidden (security.md B4)
        shown_id = f"{number[:4]}{'*' * 10}{number[-4:]}"
        shown_birth = f"{birth.year}-**-**"
        shown_mobile = f"{mobile[:3]}****{mobile[-4:]}" if mobile else ""
    return [str(pk), shown_id, name, SEX.get(sex, sex), shown_birth, HUKOU_SHORT.get(hukou, hukou), hukou_region,
            code or "", community or "", shown_mobile]


def _write(fh, fmt: str, rows, full_ids: bool) -> int:
    count = 0
    if fmt == "csv":
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
        out = csv.writer(text)
        out.writerow(HEADER)
        for rec in rows:
            out.writerow(_cells(rec, full_ids))
            count += 1
        text.flush()
        text.detach()
        return count
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("persons")
    ws.append(HEADER)
    for rec in rows:
        ws.append(_cells(rec, full_ids))  # every cell a string: Excel keeps the 18 digits as text
        count += 1
    wb.save(fh)
    return count


def _write_file(dest: Path, fmt: str, rows, full_ids: bool, audit_export) -> Path:
    """Write beside ``dest`` (owner-only permissions: it holds personal data), audit, then move into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    try:
        with os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            count = _write(fh, fmt, rows, full_ids)
        audit_export(count)
        part.replace(dest)
    finally:
        part.unlink(missing_ok=True)
    return dest


@transaction.atomic
def _audit(region: Region, count: int, full_ids: bool, fmt: str, name: str, reason: str) -> None:
    audit.record("registry.export_persons", object_type="region", object_id=region.code, region_path=region.path,
                 reason=reason, after={"region": region.code, "rows": count, "full_ids": full_ids, "format": fmt,
                                       "file": name})
