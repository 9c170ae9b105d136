"""laobao audit verify [--anchor SEQ:HASH] | head: check the hash chain; print its head for safe keeping.

``verify`` exits 1 and lists every break if a row was changed, deleted or moved; with ``--anchor``
(the output of an earlier ``laobao audit head``, kept outside the database) it also finds rows
deleted from the end of the log.
"""

from django.core.management.base import BaseCommand, CommandError

from laobao.core import audit


class Command(BaseCommand):
    help = "Verify the audit log's hash chain"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument("--anchor", help="SEQ:HASH printed by an earlier `laobao audit head`")

    def handle(self, *args, action, anchor=None, **opts):
        if action == "head":
            seq, digest = audit.head()
            self.stdout.write(f"{seq}:{digest}")
            return
        try:
            parsed = (int(anchor.split(":")[0]), anchor.split(":")[1]) if anchor else None
        except (ValueError, IndexError):
            raise CommandError("--anchor 格式应为 SEQ:HASH / --anchor must be SEQ:HASH", returncode=2) from None
        checked, breaks = audit.verify(anchor=parsed)
        for b in breaks:
            self.stderr.write(f"seq {b.seq}: {b.problem}")
        if breaks:
            raise CommandError(f"audit chain BROKEN: {len(breaks)} problem(s) in {checked} rows", returncode=1)
        self.stdout.write(f"audit chain OK: {checked} rows verified")
