"""laobao benefits index --year YYYY | laobao benefits verify-check --month YYYY-MM.

index: the year's pension indexation (调待, benefits/indexation/run.py) of every pension in payment, from
the parameter pension.indexation; idempotent (rate key index:<year>:<benefit>), back pay by the payroll.
verify-check: suspend every pension whose entitlement verification is overdue (benefits/community/batch.py).
Progress on stderr, one summary line on stdout.
"""


from django.core.management.base import BaseCommand, CommandError

from laobao.core.cli_args import month as month_arg
from laobao.benefits.community.batch import verify_check
from laobao.benefits.indexation.run import run_indexation
from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.policy.rules.checks import yuan


class Command(BaseCommand):
    help = "Pension indexation (index --year) and the entitlement verification check (verify-check --month)"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["index", "verify-check"])
        parser.add_argument("--year", type=int, help="index: the year of the adjustment")
        parser.add_argument("--month", help="verify-check: YYYY-MM, the first month not paid when overdue")

    def handle(self, *args, action, year=None, month=None, **opts):
        try:
            if action == "index":
                if not year:
                    raise CommandError("usage: laobao benefits index --year YYYY", returncode=2)
                with acting_as(None, username="cli:benefits"):
                    r = run_indexation(year, progress=self.stderr)
                self.stdout.write(f"indexation {year}: {r['benefits']} pensions from {r['effective']:%Y-%m}, "
                                  f"+{yuan(r['increase_fen'])} yuan a month")
            else:
                if not month:
                    raise CommandError("usage: laobao benefits verify-check --month YYYY-MM", returncode=2)
                with acting_as(None, username="cli:benefits"):
                    r = verify_check(month_arg(month), progress=self.stderr)
                self.stdout.write(f"verify-check {r['month']:%Y-%m}: {r['suspended']} pensions suspended "
                                  f"(period {r['period_months']} months)")
        except DomainError as exc:
            raise CommandError(f"{exc.text('zh-hans')} / {exc.text('en')}", returncode=1)
