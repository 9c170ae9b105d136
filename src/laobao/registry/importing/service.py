"""The import entry points: read, validate every row, then write everything in one transaction or nothing."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from django.db import IntegrityError, transaction

from laobao.core import audit
from laobao.core.errors import DomainError

from ..models import LegacySource, Person
from . import employers, legacy, persons
from .common import (BULK, ImportResult, check_import_allowed, chunks, common_path, id_ranges, read_input,
                     sibling_path)
from .reading import Sheet, read_sheet
from .reports import write_conflict_report, write_error_report


def import_persons(path_or_file, *, user, source: str | None = None, report_path: str | Path | None = None,
                   conflict_report_path: str | Path | None = None) -> ImportResult:
    """Import persons from a CSV/XLSX path or uploaded file; with ``source`` merge a legacy export (并轨).

    Bad rows never raise: the result lists them (``errors``) and ``report_path`` holds the original rows
    plus the error column, and nothing is written. A file that cannot be read at all raises DomainError;
    a user without the import permission raises Forbidden.
    """
    check_import_allowed(user)
    if source is not None and source not in LegacySource.values:
        raise DomainError.of("source", "import.source",
                             f"原系统来源“{source}”未知：请使用 {' 或 '.join(LegacySource.values)}",
                             f"Unknown legacy source '{source}': use {' or '.join(LegacySource.values)}")
    data, filename, location = read_input(path_or_file)
    sheet = read_sheet(data, filename, legacy.COLUMNS if source else persons.COLUMNS)
    result = ImportResult("persons", filename, sheet.sha256, source=source, rows=len(sheet.rows),
                          labels=legacy.LABELS if source else persons.LABELS)
    if source:
        plan = legacy.Merger(sheet, user=user, result=result, source=source).run()
    else:
        to_create = persons.plan(sheet, user=user, result=result)
    if result.errors:
        _reject(result, sheet, location, report_path)
        return result
    with _no_race():
        if source:
            result.written_ids = legacy.write(plan, source=source)
        else:
            for part in chunks(to_create, BULK * 10):
                Person.objects.bulk_create(part, batch_size=BULK)
            result.created = len(to_create)
            result.written_ids = [p.pk for p in to_create]
        _audit("registry.import_persons", result)
    if result.conflict_rows:
        path = Path(conflict_report_path) if conflict_report_path else sibling_path(
            location, filename, result.sha256, ".conflicts.csv")
        result.conflict_report_path = write_conflict_report(result.conflict_rows, path)
    return result


def import_employers(path_or_file, *, user, report_path: str | Path | None = None) -> ImportResult:
    """Import employers from a CSV/XLSX path or uploaded file (all rows or none, like persons)."""
    check_import_allowed(user)
    data, filename, location = read_input(path_or_file)
    sheet = read_sheet(data, filename, employers.COLUMNS)
    result = ImportResult("employers", filename, sheet.sha256, rows=len(sheet.rows), labels=employers.LABELS)
    create, link = employers.plan(sheet, user=user, result=result)
    if result.errors:
        _reject(result, sheet, location, report_path)
        return result
    with _no_race():
        befores = employers.write(create, link)
        result.written_ids = [e.pk for e in create] + [pk for pk, _ in link]
        _audit("registry.import_employers", result, before={"linked": befores} if befores else None)
    return result


@contextmanager
def _no_race():
    """One transaction; a unique key taken by a concurrent registration turns into a clear answer."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise DomainError.of(
            "file", "import.race",
            "导入期间有人登记了文件中的同一人员或单位，本次导入已全部撤销：请重新导入（已登记者将显示为未变或不一致）",
            "Someone registered a person or employer of this file while it was being imported, so the whole "
            "import was rolled back: run it again (that record will then show as unchanged or different)",
        ) from exc


def _reject(result: ImportResult, sheet: Sheet, location, report_path) -> None:
    suffix = ".errors.xlsx" if sheet.fmt == "xlsx" else ".errors.csv"
    path = Path(report_path) if report_path else sibling_path(location, sheet.filename, sheet.sha256, suffix)
    result.report_path = write_error_report(sheet, result.errors, result.labels, path)


def _audit(action: str, result: ImportResult, before: dict | None = None) -> None:
    """The one audit event of an import (inside its transaction): which file, its hash, the counts."""
    audit.record(action, object_type="file", object_id=result.sha256, region_path=common_path(result.paths),
                 before=before,
                 after={"file": result.filename, "sha256": result.sha256, "source": result.source,
                        "rows": result.rows, "created": result.created, "unchanged": result.unchanged,
                        "linked": result.linked, "conflicts": result.conflicts,
                        "record_ids": id_ranges(result.written_ids)})
