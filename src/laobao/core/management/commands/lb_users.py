"""laobao users add|token|unlock: user administration from the machine's shell."""

import sys

from django.core.management.base import BaseCommand, CommandError

from laobao.core import services
from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.core.models import User


class Command(BaseCommand):
    help = "Add users, issue API tokens, unlock accounts"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a user bound to a role and a region")
        add.add_argument("username")
        add.add_argument("--role", required=True)
        add.add_argument("--region", required=True, help="region code of the user's jurisdiction")
        add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        token = sub.add_parser("token", help="issue an API token (printed once)")
        token.add_argument("username")
        token.add_argument("--days", type=int, default=90)
        unlock = sub.add_parser("unlock", help="unlock an account locked after failed logins")
        unlock.add_argument("username")

    def handle(self, *args, action, **opts):
        with acting_as(None, username="cli:users"):
            try:
                getattr(self, f"_{action}")(**opts)
            except DomainError as exc:
                raise CommandError(exc.text("zh-hans") + "\n" + exc.text("en"), returncode=1) from None

    def _user(self, username):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在 / no such user: {username}", returncode=1)
        return user

    def _add(self, username, role, region, password_stdin, **_):
        password = None
        if password_stdin or not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\n") or None
        user, password_used = services.user_add(username=username, role=role, region_code=region, password=password)
        self.stdout.write(f"added {user.username} ({role} @ {region})")
        if password is None:
            self.stdout.write(f"password (shown once): {password_used}")

    def _token(self, username, days, **_):
        self.stdout.write(services.token_create(user=self._user(username), days=days))

    def _unlock(self, username, **_):
        services.user_unlock(user=self._user(username))
        self.stdout.write(f"unlocked {username}")
