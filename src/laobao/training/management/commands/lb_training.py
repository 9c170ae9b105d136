"""laobao training subsidies --month YYYY-MM: pay the month's eligible training subsidies (training/subsidies.py).

Ends with one line ``training subsidies YYYY-MM: N subsidies, X.XX yuan`` (what this run paid: 0 when nothing is
new); progress goes to stderr.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from laobao.core.context import acting_as
from laobao.training.subsidies import run


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise CommandError(f"月份 {text!r} 无效，请写成 YYYY-MM / the month {text!r} is not YYYY-MM", returncode=2) from None


class Command(BaseCommand):
    help = "Training subsidies (培训补贴) of a month"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["subsidies"])
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, action, month, **opts):
        with acting_as(None, username="cli:training"):
            result = run(_month(month), progress=self.stderr)
        self.stdout.write(result.line())
