"""laobao transfers out|in — 关系转移接续 at the machine (the operator: the whole city).

    laobao transfers out --person ID --insurance pension --to CODE --name NAME --month YYYY-MM
                         [--pdf FILE] [--json FILE]
        transfers the record out: prints the summary, writes the certificate PDF (参保缴费凭证; default
        ./certificate-<no>.pdf) and, with --json, the transfer as JSON that `transfers in` accepts.
    laobao transfers in --file F.json
        records one incoming transfer (a JSON object) or several (a list), each with: person (record number or
        citizen ID), insurance, counterpart_code, counterpart_name, month (YYYY-MM), certificate_no, account_fen,
        pooled_fen, history (rows: month, employer, base_fen, employer_fen, employee_fen, account_fen, paid) and
        optionally self_enroll. Idempotent: a certificate already recorded with the same content is skipped.
    laobao transfers in --file HISTORY.csv|.xlsx --person ID --insurance pension --from CODE --name NAME
                        --month YYYY-MM --cert NO --account YUAN [--pooled YUAN]
        the same with the history as a table (columns: 月份,单位,缴费基数,单位缴费,个人缴费,记账额,是否已缴; yuan).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.insurance.documents.certificate import certificate_pdf
from laobao.insurance.transfers import incoming, selectors, services
from laobao.policy.rules.contribution.exact import yuan


def _fail(exc: DomainError) -> CommandError:
    return CommandError(exc.text("zh-hans") + "\n" + exc.text("en"), returncode=1)


def summary(t) -> str:
    arrow = "→" if t.direction == "out" else "←"
    return (f"transfer {t.direction} {t.certificate_no}: person {t.person_id} {t.insurance} {t.month:%Y-%m} "
            f"{arrow} {t.counterpart_name} ({t.counterpart_code}); {t.months} months, wages since 1998 "
            f"{yuan(t.wages_fen)} yuan, account {yuan(t.account_fen)} yuan, pooled {yuan(t.pooled_fen)} yuan")


def as_json(t) -> dict:
    return {"person": str(t.person.citizen_id), "insurance": t.insurance, "counterpart_code": "320500",
            "counterpart_name": "苏州市社会保险经办机构", "month": f"{t.month:%Y-%m}", "certificate_no": t.certificate_no,
            "account_fen": t.account_fen, "pooled_fen": t.pooled_fen, "history": t.history}


class Command(BaseCommand):
    help = "Transfer an insurance record out (certificate PDF) or record an incoming transfer"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        out = sub.add_parser("out")
        out.add_argument("--person", required=True)
        out.add_argument("--insurance", default="pension")
        out.add_argument("--to", required=True, dest="code")
        out.add_argument("--name", required=True)
        out.add_argument("--month", required=True)
        out.add_argument("--pdf")
        out.add_argument("--json", dest="json_path")
        inn = sub.add_parser("in")
        inn.add_argument("--file", required=True)
        for flag in ("--person", "--from", "--name", "--month", "--cert", "--account"):
            inn.add_argument(flag)
        inn.add_argument("--insurance", default="pension")
        inn.add_argument("--pooled", default="0")

    def handle(self, *args, action, **opts):
        with acting_as(None, username=f"cli:transfers-{action}"):
            try:
                return self._out(**opts) if action == "out" else self._in(**opts)
            except DomainError as exc:
                raise _fail(exc) from None

    def _out(self, *, person, insurance, code, name, month, pdf, json_path, **_):
        who = selectors.person_by_ref(None, person)
        t = services.transfer_out(user=None, person=who, insurance=insurance, counterpart_code=code,
                                  counterpart_name=name, month=month)
        path = Path(pdf or f"certificate-{t.certificate_no}.pdf")
        path.write_bytes(certificate_pdf(selectors.certificate_data(None, t)))
        self.stdout.write(summary(t))
        self.stdout.write(f"certificate: {path}")
        if json_path:
            Path(json_path).write_text(json.dumps(as_json(t), ensure_ascii=False, indent=1), encoding="utf-8")
            self.stdout.write(f"json: {json_path}")

    def _in(self, *, file, **opts):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {file}", returncode=1)
        items = self._json_items(path) if path.suffix.lower() == ".json" else [self._table_item(path, opts)]
        with transaction.atomic():  # all or nothing
            done = [self._one(n, item) for n, item in enumerate(items, start=1)]
        for t in done:
            self.stdout.write(summary(t))
        self.stdout.write(f"transfers in: {len(done)} recorded or already on record")

    def _json_items(self, path: Path) -> list[dict]:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"JSON 无法解析 / invalid JSON: {exc}", returncode=1) from None
        items = data if isinstance(data, list) else [data]
        if not all(isinstance(i, dict) for i in items):
            raise CommandError("JSON 应为对象或对象列表 / JSON must be an object or a list of objects", returncode=1)
        return items

    def _table_item(self, path: Path, o: dict) -> dict:
        missing = [f for f in ("person", "from", "name", "month", "cert", "account") if not o.get(f)]
        if missing:
            raise CommandError("缺少参数 / missing: " + ", ".join(f"--{m}" for m in missing), returncode=1)
        return {"person": o["person"], "insurance": o["insurance"], "counterpart_code": o["from"],
                "counterpart_name": o["name"], "month": o["month"], "certificate_no": o["cert"],
                "account_fen": incoming.parse_yuan(o["account"], "account"),
                "pooled_fen": incoming.parse_yuan(o["pooled"], "pooled"),
                "history": incoming.rows_from_upload(path.name, path.read_bytes())}

    def _one(self, n: int, item: dict):
        try:
            return services.transfer_in(
                user=None, person=selectors.person_by_ref(None, item.get("person")),
                insurance=item.get("insurance", "pension"), counterpart_code=item.get("counterpart_code"),
                counterpart_name=item.get("counterpart_name"), month=item.get("month"), history=item.get("history"),
                account_fen=item.get("account_fen"), pooled_fen=item.get("pooled_fen", 0),
                certificate_no=item.get("certificate_no"), self_enroll=bool(item.get("self_enroll")))
        except DomainError as exc:
            raise DomainError.of(f"item[{n}]", exc.problems[0].code, f"第{n}笔：{exc.text('zh-hans')}",
                                 f"item {n}: {exc.text('en')}") from None
