"""The welfare and subsidy-payment subcommands of ``laobao employment`` (called by lb_employment):

- ``welfare-subsidies --month YYYY-MM``: the month's public-welfare post subsidies (welfare/subsidies.py);
- ``pay-subsidies [--date YYYY-MM-DD] [--out DIR] [--encoding E]``: bank files for every owed subsidy (welfare,
  re-employment certificate employer subsidies, training subsidies; welfare/payments.py);
- ``subsidy-returns FILE``: the bank's return file for them (welfare/returns.py).
Formats: docs/formats/employment-subsidy-bank-file.md.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from laobao.core.context import acting_as
from laobao.ledger.bankfile import ReturnsRejected, yuan_text

from . import payments, returns, subsidies

ACTIONS = ["welfare-subsidies", "pay-subsidies", "subsidy-returns"]
SHOWN = 20


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{what}: 请写成 {'YYYY-MM' if what == '--month' else 'YYYY-MM-DD'} / "
                           f"write {what} as {'YYYY-MM' if what == '--month' else 'YYYY-MM-DD'}", returncode=2) from None


def handle(cmd, action: str, *, month=None, day=None, out=None, encoding="utf-8", file=None) -> None:
    if action == "welfare-subsidies":
        if not month:
            raise CommandError("usage: laobao employment welfare-subsidies --month YYYY-MM", returncode=2)
        first = _date(month + "-01", "--month")
        with acting_as(None, username="cli:welfare-subsidies"):
            result = subsidies.run(first, progress=cmd.stderr)
        cmd.stdout.write(result.line())
    elif action == "pay-subsidies":
        when = _date(day, "--date") if day else timezone.localdate()
        target = Path(out) if out else Path(settings.VAR_DIR) / "subsidies" / f"{when:%Y-%m-%d}"
        with acting_as(None, username="cli:pay-subsidies"):
            result = payments.run_payments(when, target, encoding=encoding, progress=cmd.stderr)
        for f in result["files"]:
            cmd.stderr.write(f"  {f['bank']}: {f['lines']} lines, {yuan_text(f['total_fen'])} yuan → {f['file']}")
        cmd.stdout.write(f"subsidy payments {when:%Y-%m-%d}: {result['lines']} payments, "
                         f"{yuan_text(result['total_fen'])} yuan")
    else:
        _returns(cmd, file)


def _returns(cmd, file) -> None:
    if not file or not Path(file).is_file():
        raise CommandError(f"找不到文件 {file} / no such file: {file}", returncode=1 if file else 2)
    with acting_as(None, username="cli:subsidy-returns"):
        try:
            s = returns.import_returns(Path(file))
        except ReturnsRejected as exc:
            for line in exc.errors[:SHOWN]:
                cmd.stderr.write(line)
            raise CommandError(f"回盘未导入：{len(exc.errors)} 处错误，未写入任何数据 / returns rejected: "
                               f"{len(exc.errors)} errors, nothing was written", returncode=1) from None
    cmd.stdout.write(f"returns: {s['rows']} rows, {s['paid']} paid ({yuan_text(s['paid_fen'])} yuan), "
                     f"{s['rejected']} rejected ({yuan_text(s['rejected_fen'])} yuan), {s['already']} already recorded")
