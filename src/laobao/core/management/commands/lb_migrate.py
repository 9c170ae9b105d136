"""laobao migrate: apply the database migrations, then load or update the region tree (idempotent)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from laobao.core import services
from laobao.core.context import acting_as


class Command(BaseCommand):
    help = "Create or upgrade the database and load the region tree"

    def handle(self, *args, **opts):
        call_command("migrate", interactive=False, verbosity=opts["verbosity"])
        with acting_as(None, username="cli:migrate"):
            created, updated = services.regions_sync()
        self.stdout.write(f"regions: {created} created, {updated} updated")
