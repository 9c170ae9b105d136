"""laobao payroll --month YYYY-MM [--out DIR] [--encoding utf-8|utf-8-sig|gbk] | laobao payroll returns FILE |
laobao payroll reissue --month YYYY-MM [--out DIR] [--encoding …].

The monthly payroll (benefits/payroll/run.py) and the bank's return file (benefits/payroll/returns.py);
file layouts in docs/formats/payroll-bank-file.md. Progress on stderr; the run ends with one line
``payroll YYYY-MM: N payments, X.XX yuan`` (the month's lines and total, the same however often it runs).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from laobao.core.cli_args import month as month_arg
from laobao.benefits.payroll.bankfile import ENCODINGS, yuan_text
from laobao.benefits.payroll.reissue import reissue
from laobao.benefits.payroll.returns import ReturnsRejected, import_returns
from laobao.benefits.payroll.run import run_payroll
from laobao.core.context import acting_as
from laobao.core.errors import DomainError

SHOWN = 20


class Command(BaseCommand):
    help = "Run the monthly benefit payroll, or take in a bank's return file"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["returns", "reissue"],
                            help="returns FILE: the bank's return file; reissue: pay rejected months again (补发)")
        parser.add_argument("file", nargs="?")
        parser.add_argument("--month", help="YYYY-MM: the month to pay")
        parser.add_argument("--out", help="directory of the bank files (default LAOBAO_VAR/payroll/YYYY-MM)")
        parser.add_argument("--encoding", choices=sorted(ENCODINGS), default="utf-8",
                            help="utf-8 (default), utf-8-sig (with BOM) or gbk (GB 18030) for the bank's software")
        parser.add_argument("--chunk", type=int, default=None, help="lines per transaction (default 50,000)")

    def handle(self, *args, action=None, file=None, month=None, out=None, encoding="utf-8", **opts):
        if action == "returns":
            if not file:
                raise CommandError("usage: laobao payroll returns FILE", returncode=2)
            return self._returns(Path(file))
        if not month:
            raise CommandError("usage: laobao payroll [reissue] --month YYYY-MM [--out DIR] | laobao payroll returns FILE",
                               returncode=2)
        m = month_arg(month)
        target = Path(out) if out else Path(settings.VAR_DIR) / "payroll" / f"{m:%Y-%m}"
        if action == "reissue":
            return self._reissue(m, target, encoding)
        with acting_as(None, username="cli:payroll"):
            try:
                result = run_payroll(m, target, encoding=encoding, chunk=opts.get("chunk"), progress=self.stderr)
            except DomainError as exc:
                raise CommandError(f"{exc.text('zh-hans')} / {exc.text('en')}", returncode=1)
        for f in result["files"]:
            self.stderr.write(f"  {f['bank']}: {f['lines']} lines, {yuan_text(f['total_fen'])} yuan → {f['file']}")
        self.stderr.write(f"written now: {result['written']} lines; {result['no_account']} without an account, "
                          f"{result['held']} held ({result['seconds']} s)")
        self.stdout.write(f"payroll {m:%Y-%m}: {result['lines']} payments, {yuan_text(result['total_fen'])} yuan")

    def _reissue(self, m, target: Path, encoding: str):
        with acting_as(None, username="cli:payroll-reissue"):
            try:
                r = reissue(m, target, encoding=encoding, progress=self.stderr)
            except DomainError as exc:
                raise CommandError(f"{exc.text('zh-hans')} / {exc.text('en')}", returncode=1)
        for f in r["files"]:
            self.stderr.write(f"  {f['bank']}: {f['lines']} lines, {yuan_text(f['total_fen'])} yuan → {f['file']}")
        for h in r["held"][:SHOWN]:
            self.stderr.write(f"  held 暂缓: person #{h['person']} benefit #{h['benefit']}: {h['months']} months, "
                              f"{yuan_text(h['amount_fen'])} yuan — 退回账户仍为当前账户 the rejecting account is still "
                              f"current ({h['reason']})")
        which = f"reissue {r['sequence']}" if r["sequence"] else "reissue"
        self.stdout.write(f"payroll {m:%Y-%m} {which}: {r['lines']} payments, {yuan_text(r['total_fen'])} yuan; "
                          f"{len(r['held'])} held")

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
