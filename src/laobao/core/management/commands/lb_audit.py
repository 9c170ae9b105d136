"""laobao audit verify: walk the hash chain; exit 1 and list every break if a row was changed, deleted or moved."""

from django.core.management.base import BaseCommand, CommandError

from laobao.core import audit


class Command(BaseCommand):
    help = "Verify the audit log's hash chain"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **opts):
        checked, breaks = audit.verify()
        for b in breaks:
            self.stderr.write(f"seq {b.seq}: {b.problem}")
        if breaks:
            raise CommandError(f"audit chain BROKEN: {len(breaks)} problem(s) in {checked} rows", returncode=1)
        self.stdout.write(f"audit chain OK: {checked} rows verified")
