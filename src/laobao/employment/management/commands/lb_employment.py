"""laobao employment sweep-contacts [--on YYYY-MM-DD] [--region CODE].

End every open 失业登记 without a successful contact for ``employment.no_contact_months`` months (ground
no_contact; set-based, one audit row). One summary line on stdout.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.employment.services import deregister_no_contact
from laobao.kpi.selectors import region_by_code


class Command(BaseCommand):
    help = "Employment services: end registrations without contact (sweep-contacts)"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sweep-contacts"])
        parser.add_argument("--on", help="the day (YYYY-MM-DD; default today)")
        parser.add_argument("--region", help="only this region's subtree (code)")

    def handle(self, *args, action, on=None, region=None, **opts):
        try:
            day = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise CommandError("--on: 请写成 YYYY-MM-DD / write the day as YYYY-MM-DD", returncode=2) from None
        try:
            node = region_by_code(region) if region else None
            with acting_as(None, username="cli:employment"):
                ended = deregister_no_contact(user=None, on=day, region=node)
        except DomainError as exc:
            raise CommandError(f"{exc.text('zh-hans')} / {exc.text('en')}", returncode=1)
        self.stdout.write(f"sweep-contacts {day:%Y-%m-%d}: {len(ended)} registrations ended (no contact)")
