"""Import of the hall templates (XLSX or CSV): every row through the same services as the forms.

All or nothing: the rows are applied in file order inside one transaction, each in its own savepoint so
that every bad row is found and reported (row number, column, Chinese and English); if any row fails
the whole transaction is rolled back and the per-row error report (the registry's, every original row
plus an error column) is written. A row already applied (the same hire start, the same leaving date,
the same declared wage) is counted "unchanged", so the same file imported twice creates nothing new.
Reading, result types and the error report are the registry's (``registry.importing``).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from laobao.core import audit
from laobao.core.errors import DomainError, Problem
from laobao.core.identifiers import parse_citizen_id
from laobao.registry.importing.common import ImportResult, RowError, read_input, sibling_path
from laobao.registry.importing.reading import Row, read_sheet
from laobao.registry.importing.reports import write_error_report
from laobao.registry.models import Employer, EmploymentRelation, Person

from .. import declarations, services
from ..models import ContractKind, Insurance, Reason
from .templates import CHANGES, DECLARATIONS, Template, check_version

#: a service's field → the template column it came from
COLUMN_OF = {"start_date": "date", "end_date": "date", "start_month": "date", "end_month": "date",
             "wage_fen": "wage", "insurance": "insurances", "end_reason": "reason", "employer": "date",
             "contract_start": "date"}
ACTIONS = {"增员": "hire", "入职": "hire", "hire": "hire", "减员": "leave", "离职": "leave", "leave": "leave"}
CONTRACTS = {str(label): value for value, label in ContractKind.choices} | {v: v for v in ContractKind.values}
INSURANCES = {str(label): value for value, label in Insurance.choices} | {v: v for v in Insurance.values}
REASONS = {"离职": Reason.LEAVE, "退休": Reason.RETIREMENT, "死亡": Reason.DEATH, "转出": Reason.TRANSFER_OUT,
           "暂停": Reason.SUSPENSION} | {r.value: r.value for r in services.END_REASONS}
_MONEY = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


class HallImportResult(ImportResult):
    def summary(self) -> str:
        if self.errors:
            return super().summary()
        return (f"imported {self.kind}: {self.created} applied, {self.unchanged} unchanged, 0 errors / "
                f"已导入：办理 {self.created} 行，未变 {self.unchanged} 行")


class RowFailed(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__()
        self.problems = problems


def _bad(column: str, code: str, zh: str, en: str) -> RowFailed:
    return RowFailed([Problem(column, code, zh, en)])


def person_by_id(citizen_id: str, name: str) -> Person:
    """The registered person with this ID number, if ``name`` is theirs (the name is never shown back)."""
    number = parse_citizen_id(citizen_id).number
    person = Person.objects.filter(citizen_id=number).first()
    if person is None:
        raise DomainError.of("citizen_id", "hall.unknown_person",
                             "该身份证号的人员尚未在人员库登记：请先到经办窗口办理人员登记",
                             "No person with this ID number is registered: register the person at the counter first")
    if " ".join((name or "").split()) != person.name:
        raise DomainError.of("name", "hall.name_mismatch", "姓名与身份证号登记的姓名不一致：请核对身份证号和姓名",
                             "The name differs from the one registered for this ID number: check the ID number "
                             "and the name")
    return person


def _person(row: Row) -> Person:
    try:
        return person_by_id(row.get("citizen_id"), row.get("name"))
    except DomainError as exc:
        field = exc.problems[0].field
        raise RowFailed([dataclasses.replace(p, field=field) for p in exc.problems]) from None


def _date(text: str, column: str, *, required: bool = True) -> date | None:
    text = (text or "").strip()
    if not text and not required:
        return None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise _bad(column, "hall.date", f"日期“{text}”无法识别：请写成 YYYY-MM-DD，如 2024-07-01",
               f"The date '{text}' is not recognised: write YYYY-MM-DD, e.g. 2024-07-01")


def _fen(text: str, column: str = "wage") -> int:
    text = (text or "").strip().replace(",", "")
    if not _MONEY.match(text):
        raise _bad(column, "hall.money", f"金额“{text}”无效：请填写以元为单位、最多两位小数的非负数，如 6500 或 6500.50",
                   f"The amount '{text}' is invalid: enter yuan with at most two decimals, e.g. 6500 or 6500.50")
    try:
        return int(Decimal(text) * 100)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise _bad(column, "hall.money", "金额无效", "Invalid amount") from None


def _choice(text: str, table: dict, column: str, zh: str, en: str, default=None):
    text = (text or "").strip()
    if not text and default is not None:
        return default
    if text in table:
        return table[text]
    names = "、".join(k for k in table if not k.isascii())
    raise _bad(column, f"hall.{column}", f"{zh}“{text}”无效：请填写 {names} 之一",
               f"Unknown {en} '{text}': use one of {', '.join(sorted(set(table.values())))}")


def _insurances(text: str) -> tuple[str, ...]:
    parts = [p for p in re.split(r"[、,，;；\s]+", (text or "").strip()) if p]
    if not parts:
        return tuple(services.ALL_INSURANCES)
    return tuple(_choice(p, INSURANCES, "insurances", "险种", "insurance") for p in parts)


def _check_employer(row: Row, employer: Employer) -> None:
    code = (row.get("credit_code") or "").strip().upper()
    if code and code != (employer.credit_code or ""):
        raise _bad("credit_code", "hall.other_employer",
                   "统一社会信用代码与本单位不一致：只能导入本单位的数据，请核对后删除他单位的行",
                   "The credit code is not this employer's: import only this employer's rows")


def _hire(row: Row, *, user, employer: Employer) -> str:
    person = _person(row)
    start = _date(row.get("date"), "date")
    if EmploymentRelation.objects.filter(person=person, employer=employer, start_date=start).exists():
        return declarations.UNCHANGED
    if not (row.get("wage") or "").strip():
        raise _bad("wage", "hall.wage_required", "增员须填写起薪（元/月）", "A hire needs the starting wage (yuan a month)")
    kind = _choice(row.get("contract_kind"), CONTRACTS, "contract_kind", "合同类型", "contract kind")
    services.hire(user=user, person=person, employer=employer, start_date=start, contract_kind=kind,
                  contract_end=_date(row.get("contract_end"), "contract_end", required=False),
                  position=row.get("position"), wage_fen=_fen(row.get("wage")),
                  insurances=_insurances(row.get("insurances")))
    return declarations.CREATED


def _leave(row: Row, *, user, employer: Employer) -> str:
    person = _person(row)
    end = _date(row.get("date"), "date")
    reason = _choice(row.get("reason"), REASONS, "reason", "减员原因", "reason", default=Reason.LEAVE)
    relations = EmploymentRelation.objects.filter(person=person, employer=employer)
    current = relations.filter(end_date__isnull=True).first()
    if current is None:
        if relations.filter(end_date=end).exists():
            return declarations.UNCHANGED
        raise _bad("citizen_id", "hall.not_employed", "此人目前不是本单位在职职工，无法减员：请核对身份证号",
                   "This person is not a current employee of this employer and cannot leave: check the ID number")
    services.leave(user=user, relation=current, end_date=end, reason=reason)
    return declarations.CREATED


def _declare(row: Row, *, user, employer: Employer) -> str:
    person = _person(row)
    year_text = (row.get("year") or "").strip()
    if not re.fullmatch(r"\d{4}", year_text):
        raise _bad("year", "hall.year", f"申报年度“{year_text}”无效：请填写四位年份，如 2024",
                   f"The year '{year_text}' is invalid: give four digits, e.g. 2024")
    _, status = declarations.declare(user=user, person=person, employer=employer, year=int(year_text),
                                     wage_fen=_fen(row.get("wage")))
    return declarations.CREATED if status == declarations.UPDATED else status


def _apply_changes(row: Row, *, user, employer: Employer) -> str:
    action = _choice(row.get("action"), ACTIONS, "action", "变动类型", "action")
    return (_hire if action == "hire" else _leave)(row, user=user, employer=employer)


HANDLERS = {"changes": _apply_changes, "declarations": _declare}


def _apply(row: Row, template: Template, *, user, employer: Employer) -> str:
    if row.problems:
        raise RowFailed(list(row.problems))
    _check_employer(row, employer)
    try:
        with transaction.atomic():
            return HANDLERS[template.key](row, user=user, employer=employer)
    except DomainError as exc:
        raise RowFailed([dataclasses.replace(p, field=COLUMN_OF.get(p.field, p.field)) for p in exc.problems]) from None


def import_file(path_or_file, template: Template, *, user, employer: Employer,
                report_path: str | Path | None = None) -> HallImportResult:
    """Import a filled template for ``employer``: all rows or none; see the module docstring."""
    services.hall_actor(user, employer)  # Forbidden before a byte is read
    data, filename, location = read_input(path_or_file)
    check_version(data, template)
    sheet = read_sheet(data, filename, list(template.columns))
    result = HallImportResult(template.key, filename, sheet.sha256, rows=len(sheet.rows), labels=template.labels)
    with transaction.atomic():
        for row in sheet.rows:
            try:
                status = _apply(row, template, user=user, employer=employer)
            except RowFailed as exc:
                result.errors.append(RowError(row.number, exc.problems))
                continue
            result.created += status == declarations.CREATED
            result.unchanged += status == declarations.UNCHANGED
        if result.errors:
            transaction.set_rollback(True)
        else:
            audit.record(f"insurance.import_{template.key}", object_type="file", object_id=sheet.sha256,
                         region_path=employer.region.path,
                         after={"file": filename, "sha256": sheet.sha256, "employer": employer.pk, "rows": result.rows,
                                "applied": result.created, "unchanged": result.unchanged})
    if result.errors:
        suffix = ".errors.xlsx" if sheet.fmt == "xlsx" else ".errors.csv"
        path = Path(report_path) if report_path else sibling_path(location, filename, sheet.sha256, suffix)
        result.report_path = write_error_report(sheet, result.errors, result.labels, path)
    return result


def import_changes(path_or_file, *, user, employer: Employer, report_path=None) -> HallImportResult:
    return import_file(path_or_file, CHANGES, user=user, employer=employer, report_path=report_path)


def import_declarations(path_or_file, *, user, employer: Employer, report_path=None) -> HallImportResult:
    return import_file(path_or_file, DECLARATIONS, user=user, employer=employer, report_path=report_path)
