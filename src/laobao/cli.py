"""The ``laobao`` command: everything an operator does without a browser.

``laobao X ...`` runs the Django management command ``lb_X`` (``laobao import persons FILE`` →
``lb_import persons FILE``); any other Django command is reachable as ``laobao django CMD``.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {"demo", "serve", "migrate", "users", "validate", "import", "export", "audit", "indicators"}

USAGE = """usage: laobao COMMAND [ARGS]

  demo [--seed N] [--persons N]        load the synthetic demo city
  serve [--host H] [--port P]          serve the app with gunicorn (production WSGI server)
  migrate                              create or upgrade the database and load the region tree
  users add USERNAME --role R --region CODE    add a user (password from stdin or generated)
  users token USERNAME                 issue an API token (shown once)
  users unlock USERNAME                unlock a locked account
  validate id NUMBER | credit-code CODE | org-code CODE
  import persons|employers FILE [--source wuzhong|xiangcheng] [--report FILE]
  export persons --region CODE FILE [--reason TEXT]
  audit verify                         check the hash chain of the audit log
  indicators --month YYYY-MM [--region CODE] [--json]
  django COMMAND ...                   any Django management command
"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    name, rest = argv[0], argv[1:]
    if name == "demo":
        os.environ.setdefault("LAOBAO_ENV", "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laobao.settings")
    if name == "django":
        command = rest
    elif name in COMMANDS:
        command = [f"lb_{name}", *rest]
    else:
        print(f"laobao: unknown command '{name}'\n\n{USAGE}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["laobao", *command])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
