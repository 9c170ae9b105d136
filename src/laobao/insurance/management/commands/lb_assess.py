"""laobao assess --month YYYY-MM [--employer CREDIT_CODE]: the monthly assessment (核定).

Progress goes to stderr; stdout gets exactly one line, ``assessed YYYY-MM: N employers, M lines, due X.XX
yuan``, with the counts of THIS run (a run that finds every payer billed prints zeros and
``(already assessed: N)``).
"""

from __future__ import annotations

import re
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.insurance.assessment import run
from laobao.registry.models import Employer

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(text: str) -> date:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CommandError(f"月份“{text}”无效：请写成 YYYY-MM，例如 2024-03 / "
                           f"invalid month '{text}': write it as YYYY-MM, e.g. 2024-03")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _employer(code: str | None) -> Employer | None:
    if not code:
        return None
    found = Employer.objects.filter(credit_code=code.strip().upper()).first()
    if found is None:
        raise CommandError(f"没有统一社会信用代码为 {code} 的单位：请核对代码 / "
                           f"no employer has the credit code {code}: check the code")
    return found


class Command(BaseCommand):
    help = "Assess a month: one bill per employer and per flexibly employed person (核定)"
    requires_system_checks = []  # a batch: the checks cost seconds and guard nothing it uses

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--employer", default=None, help="unified social credit code: assess this employer only")

    def handle(self, *args, **opts):
        month = _month(opts["month"])
        employer = _employer(opts["employer"])
        try:
            with acting_as(None, username="cli:assess"):
                summary = run(month, employer=employer, progress=sys.stderr)
        except DomainError as exc:
            raise CommandError(exc.text("zh-hans") + "\n" + exc.text("en")) from None
        self.stdout.write(summary.line())
