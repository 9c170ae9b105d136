"""laobao payouts run [--date YYYY-MM-DD] [--out DIR] [--encoding …] | laobao payouts returns FILE.

One-time benefit payments through the bank (benefits/payouts/run.py, returns.py); file layouts in
docs/formats/payroll-bank-file.md ("One-time payments"). The run ends with one line
``payouts YYYY-MM-DD: N payments, X.XX yuan`` (the lines this invocation put in files: 0 when nothing is new).
"""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from laobao.benefits.payouts.returns import import_returns
from laobao.benefits.payouts.run import run_payouts
from laobao.benefits.payroll.bankfile import ENCODINGS, yuan_text
from laobao.benefits.payroll.returns import ReturnsRejected
from laobao.core.context import acting_as

SHOWN = 20
USAGE = "usage: laobao payouts run [--date YYYY-MM-DD] [--out DIR] | laobao payouts returns FILE"


class Command(BaseCommand):
    help = "Pay one-time benefits through bank files, or take in a bank's return file for them"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run", "returns"])
        parser.add_argument("file", nargs="?")
        parser.add_argument("--date", help="YYYY-MM-DD: the day of the run (default today)")
        parser.add_argument("--out", help="directory of the bank files (default LAOBAO_VAR/payouts/YYYY-MM-DD)")
        parser.add_argument("--encoding", choices=sorted(ENCODINGS), default="utf-8")

    def handle(self, *args, action, file=None, date=None, out=None, encoding="utf-8", **opts):
        if action == "returns":
            if not file:
                raise CommandError(USAGE, returncode=2)
            return self._returns(Path(file))
        day = _day(date) if date else timezone.localdate()
        target = Path(out) if out else Path(settings.VAR_DIR) / "payouts" / f"{day:%Y-%m-%d}"
        with acting_as(None, username="cli:payouts"):
            result = run_payouts(day, target, encoding=encoding, progress=self.stderr)
        for f in result["files"]:
            self.stderr.write(f"  {f['bank']}: {f['lines']} lines, {yuan_text(f['total_fen'])} yuan → {f['file']}")
        self.stdout.write(f"payouts {day:%Y-%m-%d}: {result['lines']} payments, {yuan_text(result['total_fen'])} yuan")

    def _returns(self, path: Path):
        if not path.is_file():
            raise CommandError(f"找不到文件 {path} / no such file: {path}", returncode=1)
        with acting_as(None, username="cli:payouts-returns"):
            try:
                s = import_returns(path)
            except ReturnsRejected as exc:
                for line in exc.errors[:SHOWN]:
                    self.stderr.write(line)
                raise CommandError(f"回盘未导入：{len(exc.errors)} 处错误，未写入任何数据 / returns rejected: "
                                   f"{len(exc.errors)} errors, nothing was written", returncode=1)
        self.stdout.write(f"returns: {s['rows']} rows, {s['paid']} paid ({yuan_text(s['paid_fen'])} yuan), "
                          f"{s['rejected']} rejected ({yuan_text(s['rejected_fen'])} yuan), {s['already']} already recorded")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”应为 YYYY-MM-DD / the date '{text}' must be YYYY-MM-DD", returncode=2) from None
