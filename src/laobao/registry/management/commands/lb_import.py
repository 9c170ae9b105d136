"""laobao import persons|employers FILE [--source wuzhong|xiangcheng] [--report OUT] [--conflicts OUT].

All rows or none: with a bad row nothing is written, the per-row error report is saved (next to the
file unless --report) and the exit code is 1. Formats and rules: docs/IMPORT_FORMATS.md.
"""

from django.core.management.base import BaseCommand, CommandError

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.registry.imports import import_employers, import_persons
from laobao.registry.models import LegacySource

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = "Import persons or employers from CSV/XLSX; --source merges a legacy district export (并轨)"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["persons", "employers"])
        parser.add_argument("file")
        parser.add_argument("--source", choices=LegacySource.values,
                            help="merge a legacy export of this district's old system (persons only)")
        parser.add_argument("--report", help="where to write the per-row error report (default: FILE.errors.csv)")
        parser.add_argument("--conflicts",
                            help="where to write the merge conflict report (default: FILE.conflicts.csv)")

    def handle(self, *args, kind, file, source, report, conflicts, **opts):
        if kind == "employers" and source:
            raise CommandError("--source 仅用于人员并轨 / --source applies to persons only", returncode=2)
        with acting_as(None, username="cli:import"):
            try:
                if kind == "persons":
                    result = import_persons(file, user=None, source=source, report_path=report,
                                            conflict_report_path=conflicts)
                else:
                    result = import_employers(file, user=None, report_path=report)
            except DomainError as exc:
                raise CommandError(exc.text("zh-hans") + "\n" + exc.text("en"), returncode=1) from None
        if result.errors:
            for err in result.errors[:SHOWN_ERRORS]:
                self.stderr.write(err.message(result.labels))
            more = len(result.errors) - SHOWN_ERRORS
            if more > 0:
                self.stderr.write(f"… 另有 {more} 行错误，见错误报告 / {more} more rows with errors: see the report")
            raise CommandError(result.summary(), returncode=1)
        self.stdout.write(result.summary())
        if result.conflict_report_path:
            self.stdout.write(f"conflict report / 冲突清单: {result.conflict_report_path}")
