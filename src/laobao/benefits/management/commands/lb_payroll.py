"""laobao payroll --month YYYY-MM [--out DIR] [--encoding utf-8|utf-8-sig|gbk] | laobao payroll returns FILE.

The monthly payroll (benefits/payroll/run.py) and the bank's return file (benefits/payroll/returns.py);
file layouts in docs/formats/payroll-bank-file.md. Progress on stderr; the run ends with one line
``payroll YYYY-MM: N payments, X.XX yuan`` (the month's lines and total, the same however often it runs).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from laobao.core.cli_args import month as month_arg
from laobao.benefits.payroll.bankfile import ENCODINGS, yuan_text
from laobao.benefits.payroll.returns import ReturnsRejected, import_returns
from laobao.benefits.payroll.run import run_payroll
from laobao.core.context import acting_as
from laobao.core.errors import DomainError

SHOWN = 20


class Command(BaseCommand):
    help = "Run the monthly benefit payroll, or take in a bank's return file"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["returns"], help="returns FILE: the bank's return file")
        parser.add_argument("file", nargs="?")
        parser.add_argument("--month", help="YYYY-MM: the month to pay")
        parser.add_argument("--out", help="directory of the bank files (default LAOBAO_VAR/payroll/YYYY-MM)")
        parser.add_argument("--encoding", choices=sorted(ENCODINGS), default="utf-8",
                            help="utf-8 (default), utf-8-sig (with BOM) or gbk (GB 18030) for the bank's software")

    def handle(self, *args, action=None, file=None, month=None, out=None, encoding="utf-8", **opts):
        if action == "returns":
            if not file:
                raise CommandError("usage: laobao payroll returns FILE", returncode=2)
            return self._returns(Path(file))
        if not month:
            raise CommandError("usage: laobao payroll --month YYYY-MM [--out DIR] | laobao payroll returns FILE",
                               returncode=2)
        m = month_arg(month)
        target = Path(out) if out else Path(settings.VAR_DIR) / "payroll" / f"{m:%Y-%m}"
        with acting_as(None, username="cli:payroll"):
            try:
                result = run_payroll(m, target, encoding=encoding, progress=self.stderr)
            except DomainError as exc:
                raise CommandError(f"{exc.text('zh-hans')} / {exc.text('en')}", returncode=1)
        for f in result["files"]:
            self.stderr.write(f"  {f['bank']}: {f['lines']} lines, {yuan_text(f['total_fen'])} yuan → {f['file']}")
        self.stderr.write(f"written now: {result['written']} lines; {result['no_account']} without an account, "
                          f"{result['held']} held ({result['seconds']} s)")
        self.stdout.write(f"payroll {m:%Y-%m}: {result['lines']} payments, {yuan_text(result['total_fen'])} yuan")

    def _returns(self, path: Path):
        if not path.is_file():
            raise CommandError(f"找不到文件 {path} / no such file: {path}", returncode=1)
        with acting_as(None, username="cli:payroll-returns"):
            try:
                s = import_returns(path)
            except ReturnsRejected as exc:
                for line in exc.errors[:SHOWN]:
                    self.stderr.write(line)
                raise CommandError(f"回盘未导入：{len(exc.errors)} 处错误，未写入任何数据 / returns rejected: "
                                   f"{len(exc.errors)} errors, nothing was written", returncode=1)
        self.stdout.write(f"returns: {s['rows']} rows, {s['paid']} paid ({yuan_text(s['paid_fen'])} yuan), "
                          f"{s['rejected']} rejected ({yuan_text(s['rejected_fen'])} yuan), {s['already']} already recorded")
