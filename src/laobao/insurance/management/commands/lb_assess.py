"""laobao assess --month YYYY-MM [--employer CREDIT_CODE]: the monthly assessment (核定).

Progress goes to stderr; stdout gets exactly one line, ``assessed YYYY-MM: N employers, M lines, due X.XX
yuan``, with the counts of THIS run (a run that finds every payer billed prints zeros and
``(already assessed: N)``).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from laobao.core.cli_args import month as month_arg
from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.insurance.assessment import run
from laobao.registry.models import Employer


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
        month = month_arg(opts["month"])
        employer = _employer(opts["employer"])
        try:
            with acting_as(None, username="cli:assess"):
                summary = run(month, employer=employer, progress=sys.stderr)
        except DomainError as exc:
            raise CommandError(exc.text("zh-hans") + "\n" + exc.text("en")) from None
        self.stdout.write(summary.line())
