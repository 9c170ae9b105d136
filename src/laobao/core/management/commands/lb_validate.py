"""laobao validate id NUMBER | credit-code CODE | org-code CODE: exit 0 with the normalized value, 1 with the reason."""

from django.core.management.base import BaseCommand, CommandError

from laobao.core.errors import DomainError
from laobao.core.identifiers import parse_citizen_id, parse_credit_code, parse_org_code


class Command(BaseCommand):
    help = "Validate a citizen ID (GB 11643), a credit code (GB 32100) or an organization code (GB 11714)"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["id", "credit-code", "org-code"])
        parser.add_argument("value")

    def handle(self, *args, kind, value, **opts):
        try:
            if kind == "id":
                cid = parse_citizen_id(value)
                extra = f"  (upgraded from {cid.upgraded_from})" if cid.upgraded_from else ""
                self.stdout.write(f"{cid.number}{extra}")
            elif kind == "credit-code":
                self.stdout.write(parse_credit_code(value).code)
            else:
                self.stdout.write(parse_org_code(value))
        except DomainError as exc:
            raise CommandError(exc.text("zh-hans") + "\n" + exc.text("en"), returncode=1) from None
