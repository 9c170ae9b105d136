"""laobao bases limits set|list, laobao bases import FILE --employer CODE — 缴费基数上下限 and declarations.

* ``limits set --year Y --floor YUAN --cap YUAN [--insurance X] --reference TEXT``: the city's published
  floor and cap of contribution year Y (blank insurance = every insurance without its own row).
* ``limits list``: every year's limits.
* ``import FILE --employer CODE``: the 基数申报 template (XLSX or CSV) of one employer, all rows or none; with a
  bad row nothing is written, the error report is saved next to the file (or --report) and the exit code is 1.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.insurance import services
from laobao.insurance.hall.imports import import_declarations
from laobao.insurance.models import BaseLimit, Insurance
from laobao.policy.rules.contribution.exact import yuan
from laobao.registry.models import Employer

SHOWN_ERRORS = 20


def _fen(text: str) -> int:
    if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", text or ""):
        raise CommandError(f"金额“{text}”无效：请填写元，最多两位小数 / invalid amount '{text}': give yuan with at most "
                           "two decimals", returncode=2)
    return int(Decimal(text) * 100)


def _fail(exc: DomainError) -> CommandError:
    return CommandError(exc.text("zh-hans") + "\n" + exc.text("en"), returncode=1)


class Command(BaseCommand):
    help = "Contribution base limits (set, list) and the yearly base declaration import"
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        limits = sub.add_parser("limits").add_subparsers(dest="limits_action", required=True)
        put = limits.add_parser("set")
        put.add_argument("--year", type=int, required=True)
        put.add_argument("--floor", required=True, help="下限（元）/ floor in yuan")
        put.add_argument("--cap", required=True, help="上限（元）/ cap in yuan")
        put.add_argument("--insurance", default="", choices=["", *Insurance.values])
        put.add_argument("--reference", required=True, help="依据：文件名称和文号 / the published notice")
        limits.add_parser("list")
        imp = sub.add_parser("import")
        imp.add_argument("file")
        imp.add_argument("--employer", required=True, help="统一社会信用代码 / the employer's credit code")
        imp.add_argument("--report", help="where to write the per-row error report")

    def handle(self, *args, action, **opts):
        with acting_as(None, username="cli:bases"):
            if action == "import":
                return self._import(opts)
            if opts["limits_action"] == "set":
                return self._set(opts)
        return self._list()

    def _set(self, opts):
        try:
            row = services.set_limits(user=None, year=opts["year"], floor_fen=_fen(opts["floor"]),
                                      cap_fen=_fen(opts["cap"]), insurance=opts["insurance"],
                                      reference=opts["reference"])
        except DomainError as exc:
            raise _fail(exc) from None
        self.stdout.write(f"limits {row.year} {row.insurance or 'all'}: floor {yuan(row.floor_fen)}, "
                          f"cap {yuan(row.cap_fen)} yuan ({row.reference})")

    def _list(self):
        rows = BaseLimit.objects.order_by("-year", "insurance")
        for row in rows:
            self.stdout.write(f"{row.year}\t{row.insurance or 'all'}\t{yuan(row.floor_fen)}\t{yuan(row.cap_fen)}\t"
                              f"{row.reference}")
        if not rows:
            self.stdout.write("尚未设置任何年度的缴费基数上下限 / no contribution base limits are set")

    def _import(self, opts):
        code = (opts["employer"] or "").strip().upper()
        employer = Employer.objects.filter(credit_code=code).first() or Employer.objects.filter(org_code=code).first()
        if employer is None:
            raise CommandError(f"没有代码为 {code} 的单位 / no employer has the code {code}", returncode=1)
        try:
            result = import_declarations(opts["file"], user=None, employer=employer, report_path=opts["report"])
        except DomainError as exc:
            raise _fail(exc) from None
        if result.errors:
            for err in result.errors[:SHOWN_ERRORS]:
                self.stderr.write(err.message(result.labels))
            raise CommandError(result.summary(), returncode=1)
        self.stdout.write(result.summary())
