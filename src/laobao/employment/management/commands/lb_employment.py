"""laobao employment sweep-contacts [--on YYYY-MM-DD] [--region CODE].
laobao employment communities --year Y [--region CODE]   (充分就业社区 table; helper F: employment/communities/cli.py)

End every open 失业登记 without a successful contact for ``employment.no_contact_months`` months (ground
no_contact; set-based, one audit row). One summary line on stdout.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.employment.services import deregister_no_contact
from laobao.employment.welfare import cli as welfare_cli
from laobao.kpi.selectors import region_by_code


class Command(BaseCommand):
    help = "Employment services: end registrations without contact (sweep-contacts)"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sweep-contacts", "communities", *welfare_cli.ACTIONS])
        parser.add_argument("file", nargs="?", help="subsidy-returns: the bank's return file")
        parser.add_argument("--month", help="welfare-subsidies: YYYY-MM")
        parser.add_argument("--date", help="pay-subsidies: the run day (YYYY-MM-DD; default today)")
        parser.add_argument("--out", help="pay-subsidies: directory of the bank files")
        parser.add_argument("--encoding", choices=["utf-8", "utf-8-sig", "gbk"], default="utf-8")
        parser.add_argument("--on", help="the day (YYYY-MM-DD; default today)")
        parser.add_argument("--region", help="only this region's subtree (code)")
        parser.add_argument("--year", type=int, help="communities: the year (default this year)")

    def handle(self, *args, action, on=None, region=None, **opts):
        if action == "communities":
            from laobao.employment.communities.cli import communities

            return communities(self, year=opts.get("year"), region=region)
        if action in welfare_cli.ACTIONS:  # 公益性岗位补贴 and subsidy bank files (employment/welfare/cli.py)
            return welfare_cli.handle(self, action, month=opts.get("month"), day=opts.get("date"),
                                      out=opts.get("out"), encoding=opts.get("encoding") or "utf-8",
                                      file=opts.get("file"))
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
