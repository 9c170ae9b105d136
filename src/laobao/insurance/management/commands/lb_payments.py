"""laobao payments import FILE [--report OUT] | apply-credit [--on YYYY-MM-DD] | reverse BANK_REF --reason R |
refund --employer CODE|--person ID --amount YUAN --to ACCOUNT --reason R | claim BANK_REF --employer CODE|--person ID
--reason R.

``import``: the bank / tax payment file (docs/IMPORT_FORMATS.md, "Payment file"). All rows or none: with a
bad row nothing is written, every bad row is listed (and saved to FILE.errors.txt or --report), exit 1.
Each ``bank_ref`` is posted once however often the file is imported. ``apply-credit``: apply held
credit (overpayments, negative adjustments) to what the payers owe, oldest first. ``reverse`` (冲正),
``refund`` (退款 of held credit) and ``claim`` (认领 of a suspense payment): collection.corrections.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.insurance.collection import corrections
from laobao.insurance.collection.paymentfile import parse_amount
from laobao.insurance.collection.services import ImportRejected, apply_credit, import_payments
from laobao.policy.rules.contribution.exact import yuan
from laobao.registry.models import Employer, Person

SHOWN = 20


class Command(BaseCommand):
    help = "Import a bank/tax payment file, or apply held credit to outstanding bills"
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a payment file (CSV)")
        imp.add_argument("file")
        imp.add_argument("--report", help="where to write the per-row error report (default: FILE.errors.txt)")
        cred = sub.add_parser("apply-credit", help="apply held credit to outstanding items")
        cred.add_argument("--on", type=date.fromisoformat, default=None, help="allocation date (default today)")
        rev = sub.add_parser("reverse", help="冲正: reverse a posted payment (its allocations and entries)")
        rev.add_argument("bank_ref")
        rev.add_argument("--reason", required=True)
        ref = sub.add_parser("refund", help="退款: refund a payer's held credit")
        ref.add_argument("--amount", required=True, help="yuan, e.g. 70.00")
        ref.add_argument("--to", required=True, dest="bank_account", help="bank and account number refunded to")
        ref.add_argument("--reason", required=True)
        claim = sub.add_parser("claim", help="认领: assign a suspense payment to a payer")
        claim.add_argument("bank_ref")
        claim.add_argument("--reason", required=True)
        for p in (ref, claim):
            who = p.add_mutually_exclusive_group(required=True)
            who.add_argument("--employer", help="统一社会信用代码 credit code")
            who.add_argument("--person", help="公民身份号码 citizen ID")

    def handle(self, *args, action, **opts):
        with acting_as(None, username=f"cli:payments-{action}"):
            if action == "import":
                return self._import(opts["file"], opts.get("report"))
            if action in ("reverse", "refund", "claim"):
                try:
                    return self._correct(action, opts)
                except DomainError as exc:
                    raise CommandError(f"{exc.text('zh-hans')} / {exc.text('en')}", returncode=1)
            totals = apply_credit(opts.get("on"))
            self.stdout.write(f"credit applied: {totals.get('credit_used', 0)} fen, "
                              f"late fees charged {totals.get('late_fee', 0)} fen")

    def _import(self, file: str, report: str | None):
        if not Path(file).is_file():
            raise CommandError(f"找不到文件 {file} / file not found: {file}", returncode=2)
        try:
            result = import_payments(file, progress=self.stderr)
        except ImportRejected as exc:
            out = Path(report or f"{file}.errors.txt")
            out.write_text("".join(f"{e}\n" for e in exc.errors), encoding="utf-8")
            for e in exc.errors[:SHOWN]:
                self.stderr.write(str(e))
            raise CommandError(f"导入失败：{len(exc.errors)} 行有错误，未写入任何数据（报告：{out}） / "
                               f"import rejected: {len(exc.errors)} bad row(s), nothing written (report: {out})",
                               returncode=1)
        except DomainError as exc:
            raise CommandError(f"{exc.text('zh-hans')} / {exc.text('en')}", returncode=1)
        self.stdout.write(result.line())

    def _payer(self, opts):
        if opts.get("employer"):
            found = Employer.objects.filter(credit_code=opts["employer"].strip().upper()).first()
        else:
            found = Person.objects.filter(citizen_id=opts["person"].strip().upper()).first()
        if found is None:
            raise CommandError("找不到该缴费人 / payer not found", returncode=2)
        return found

    def _correct(self, action: str, opts) -> None:
        if action == "reverse":
            r = corrections.reverse_payment(user=None, bank_ref=opts["bank_ref"], reason=opts["reason"])
            s = r.summary
            self.stdout.write(f"reversed {opts['bank_ref']}: principal {yuan(s['principal'])}, late fee "
                              f"{yuan(s['late_fee'])}, credit held {yuan(s['credit_held'])}, credit uses undone "
                              f"{yuan(s['credit_used_undone'])}, account entries reversed {len(s['accounts_reversed'])}")
        elif action == "refund":
            r = corrections.refund_credit(user=None, payer=self._payer(opts), amount_fen=parse_amount(opts["amount"]),
                                          bank_account=opts["bank_account"], reason=opts["reason"])
            self.stdout.write(f"refunded {yuan(r.amount_fen)} yuan (refund #{r.pk})")
        else:
            c = corrections.claim_payment(user=None, bank_ref=opts["bank_ref"], payer=self._payer(opts),
                                          reason=opts["reason"])
            self.stdout.write(f"claimed {opts['bank_ref']} as {c.claim_payment.bank_ref}")
