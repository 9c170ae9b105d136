"""laobao payments import FILE [--report OUT] | payments apply-credit [--on YYYY-MM-DD].

``import``: the bank / tax payment file (docs/IMPORT_FORMATS.md, "Payment file"). All rows or none: with a
bad row nothing is written, every bad row is listed (and saved to FILE.errors.txt or --report), exit 1.
Each ``bank_ref`` is posted once however often the file is imported. ``apply-credit``: apply held
credit (overpayments, negative adjustments) to what the payers owe, oldest first.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.insurance.collection.services import ImportRejected, apply_credit, import_payments

SHOWN = 20


class Command(BaseCommand):
    help = "Import a bank/tax payment file, or apply held credit to outstanding bills"
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a payment file (CSV)")
        imp.add_argument("file")
        imp.add_argument("--report", help="where to write the per-row error report (default: FILE.errors.txt)")
        cred = sub.add_parser("apply-credit", help="apply held credit to outstanding items")
        cred.add_argument("--on", type=date.fromisoformat, default=None, help="allocation date (default today)")

    def handle(self, *args, action, **opts):
        with acting_as(None, username=f"cli:payments-{action}"):
            if action == "import":
                return self._import(opts["file"], opts.get("report"))
            totals = apply_credit(opts.get("on"))
            self.stdout.write(f"credit applied: {totals.get('credit_used', 0)} fen, "
                              f"late fees charged {totals.get('late_fee', 0)} fen")

    def _import(self, file: str, report: str | None):
        if not Path(file).is_file():
            raise CommandError(f"找不到文件 {file} / file not found: {file}", returncode=2)
        try:
            result = import_payments(file, progress=self.stderr)
        except ImportRejected as exc:
            out = Path(report or f"{file}.errors.txt")
            out.write_text("".join(f"{e}\n" for e in exc.errors), encoding="utf-8")
            for e in exc.errors[:SHOWN]:
                self.stderr.write(str(e))
            raise CommandError(f"导入失败：{len(exc.errors)} 行有错误，未写入任何数据（报告：{out}） / "
                               f"import rejected: {len(exc.errors)} bad row(s), nothing written (report: {out})",
                               returncode=1)
        except DomainError as exc:
            raise CommandError(f"{exc.text('zh-hans')} / {exc.text('en')}", returncode=1)
        self.stdout.write(result.line())
