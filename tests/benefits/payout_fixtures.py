"""Helpers of the one-time payout tests (no tests here): an employer's 单位账户 through the service, the payout
run and return files through the command. Amounts are plain fixtures, not published cases."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command

from laobao.benefits.payouts.services import open_employer_account
from laobao.core.context import acting_as

EMPLOYER_NO = "1102020109000012342"  # 19 digits at a card bank: Luhn-valid
EMPLOYER_NO2 = "1102020109000012359"


def employer_account(employer, number=EMPLOYER_NO, bank="102", user=None, opened_on=None):
    with acting_as(user, username="test"):
        return open_employer_account(user=user, employer=employer, bank_code=bank, account_no=number,
                                     opened_on=opened_on)


def run(out: Path, day="2026-11-27") -> str:
    buf = io.StringIO()
    call_command("lb_payouts", "run", "--date", day, "--out", str(out), stdout=buf, stderr=io.StringIO())
    return buf.getvalue().strip()


def returns(path: Path) -> str:
    buf = io.StringIO()
    call_command("lb_payouts", "returns", str(path), stdout=buf, stderr=io.StringIO())
    return buf.getvalue().strip()


def return_file(tmp: Path, rows: list[tuple], name="return.csv") -> Path:
    path = tmp / name
    path.write_text("line_id,outcome,reason,settled_on\n" + "".join(",".join(map(str, r)) + "\n" for r in rows),
                    encoding="utf-8")
    return path
