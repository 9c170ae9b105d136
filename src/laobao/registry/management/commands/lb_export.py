"""laobao export persons --region CODE FILE [--full-ids --reason TEXT]: CSV or XLSX by the file's extension.

ID and mobile numbers are masked unless --full-ids (which needs --reason); every export is audited.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.registry.exports import export_persons


class Command(BaseCommand):
    help = "Export the persons living in a region's subtree to CSV or XLSX (IDs masked unless --full-ids)"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["persons"])
        parser.add_argument("file", help="output file: .csv or .xlsx")
        parser.add_argument("--region", required=True, help="region code (city, district, street or community)")
        parser.add_argument("--reason", default="", help="why the data are exported (required with --full-ids)")
        parser.add_argument("--full-ids", action="store_true", help="export full ID and mobile numbers")

    def handle(self, *args, kind, file, region, reason, full_ids, **opts):
        path = Path(file)
        with acting_as(None, username="cli:export"):
            try:
                stats: dict = {}
                export_persons(None, region, path.suffix, full_ids=full_ids, reason=reason, dest=path, stats=stats)
            except DomainError as exc:
                raise CommandError(exc.text("zh-hans") + "\n" + exc.text("en"), returncode=1) from None
        ids = "full IDs" if full_ids else "IDs masked"
        self.stdout.write(f"exported persons: {stats['rows']} rows ({ids}) → {path}")
