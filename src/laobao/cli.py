"""The ``laobao`` command: everything an operator does without a browser.

``laobao X ...`` runs the Django management command ``lb_X`` (``laobao import persons FILE`` →
``lb_import persons FILE``); any other Django command is reachable as ``laobao django CMD``.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {"demo", "serve", "migrate", "users", "import", "export", "audit", "indicators", "params", "reconcile",
            "assess", "payments", "accounts", "bases", "transfers", "payroll", "benefits",
            "payouts", "training", "employment"}

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
  reconcile                            prove the ledger identities; exit 1 on any difference
  assess --month YYYY-MM [--employer CODE]     the monthly assessment (核定) of every payer
  payments import FILE | apply-credit [--on DATE]   take in a bank or tax payment file
  accounts credit-interest --year YYYY credit the year's interest to individual accounts
  bases limits set|list | bases import FILE --employer CODE   base floor and cap, declarations
  transfers out|in ...                 transfer of insurance records (关系转移接续)
  payroll [reissue] --month YYYY-MM [--out DIR] | payroll returns FILE   the benefit payroll, 补发, bank returns
  payouts run [--date YYYY-MM-DD] [--out DIR] | payouts returns FILE   one-time benefit payments (bank files)
  benefits index --year YYYY | benefits verify-check --month YYYY-MM   indexation, verification check
  training subsidies --month YYYY-MM   pay the month's eligible training subsidies (培训补贴)
  employment sweep-contacts [--on DATE] [--region CODE]   end registrations without contact (失业登记)
  employment communities [--year YYYY] [--region CODE]   full-employment communities table (充分就业社区)
  employment welfare-subsidies --month YYYY-MM | pay-subsidies [--date D] [--out DIR] | subsidy-returns FILE
                                       公益性岗位补贴; bank files of the employment fund's subsidies
  indicators --month YYYY-MM [--region CODE] [--json]
  params show NAME [--on YYYY-MM-DD] [--region CODE] [--json] | params list [--json]
  calc RULE --json '{...}' | --json -  run a calculation (contribution, retirement, pension, ...)
  django COMMAND ...                   any Django management command
"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    name, rest = argv[0], argv[1:]
    if name == "validate":  # pure: needs no settings, works on any machine
        return validate(rest)
    if name == "calc":  # pure too: parameters are files in the package; starts in a fraction of a second
        return calc(rest)
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
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(["laobao", *command])
    except SystemExit as exc:
        return int(exc.code or 0)
    except OperationalError as exc:
        print(f"laobao: 无法连接数据库，请检查 DATABASE_URL 或先运行 laobao migrate / "
              f"cannot use the database ({exc}): check DATABASE_URL or run laobao migrate first", file=sys.stderr)
        return 1
    return 0


def validate(args: list[str]) -> int:
    """laobao validate id|credit-code|org-code VALUE: print the normalized value (exit 0) or the reason (exit 1)."""
    from laobao.core.errors import DomainError
    from laobao.core.identifiers import parse_citizen_id, parse_credit_code, parse_org_code

    parsers = {"id": lambda v: _describe_id(parse_citizen_id(v)), "credit-code": lambda v: parse_credit_code(v).code,
               "org-code": parse_org_code}
    if len(args) != 2 or args[0] not in parsers:
        print("usage: laobao validate id|credit-code|org-code VALUE", file=sys.stderr)
        return 2
    try:
        print(parsers[args[0]](args[1]))
    except DomainError as exc:
        print(exc.text("zh-hans") + "\n" + exc.text("en"), file=sys.stderr)
        return 1
    return 0


def calc(args: list[str]) -> int:
    """laobao calc RULE --json '{...}' | --json -: print the calculation as JSON; exit 2 on bad input."""
    import argparse
    import json

    from laobao.core.errors import DomainError
    from laobao.policy import calc as engine

    parser = argparse.ArgumentParser(prog="laobao calc", description="Run a calculator rule")
    parser.add_argument("rule")
    parser.add_argument("--json", dest="payload", required=True, help="the input as a JSON object, or - for stdin")
    opts = parser.parse_args(args)
    text = sys.stdin.read() if opts.payload == "-" else opts.payload
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        error = DomainError.of("input", "calc.json", f"输入不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）",
                               f"The input is not valid JSON (line {exc.lineno}, column {exc.colno})")
        print(json.dumps(error.as_dict(), ensure_ascii=False, indent=2), file=sys.stderr)
        return 2
    try:
        result = engine.run(opts.rule, data)
    except DomainError as exc:
        print(json.dumps(exc.as_dict(), ensure_ascii=False, indent=2), file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _describe_id(cid) -> str:
    return cid.number + (f"  (upgraded from {cid.upgraded_from})" if cid.upgraded_from else "")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
