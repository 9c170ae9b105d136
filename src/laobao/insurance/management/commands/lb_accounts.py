"""laobao accounts credit-interest --year YYYY: the year's interest on every individual pension account.

Method and rate from the parameters (collection.account_interest_method, pension.crediting_rate);
idempotent: a second run for the same year posts nothing. See insurance/collection/interest.py.
"""

from django.core.management.base import BaseCommand, CommandError

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.insurance.collection.interest import credit_interest
from laobao.policy.rules.contribution.exact import yuan


class Command(BaseCommand):
    help = "Credit the yearly interest of the individual pension accounts"
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ci = sub.add_parser("credit-interest", help="credit the interest of one year")
        ci.add_argument("--year", type=int, required=True)

    def handle(self, *args, action, year, **opts):
        with acting_as(None, username="cli:accounts-interest"):
            try:
                out = credit_interest(year, progress=self.stderr)
            except DomainError as exc:
                raise CommandError(f"{exc.text('zh-hans')} / {exc.text('en')}", returncode=1)
        self.stdout.write(f"interest {year} ({out['method']}, rate {out['rate']}): {out['accounts']} accounts, "
                          f"{yuan(out['interest_fen'])} yuan in {out['entries']} entries; "
                          f"{out['skipped_done']} already credited; {out['review_count']} to review "
                          f"({out['seconds']} s)")
        for code in out["review"]:
            self.stdout.write(f"  review: {code} (debits in the year or negative opening)")
