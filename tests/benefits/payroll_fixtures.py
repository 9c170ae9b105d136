"""The fixture world of the payroll tests (no tests here): pensions written directly (a benefit, its start
event and award rate, as an approved claim leaves them), bank accounts through the services, and helpers
to run the payroll and write return files. Amounts are plain fixtures, not published cases."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from django.core.management import call_command

from laobao.benefits import services
from laobao.benefits.models import Benefit, BenefitEvent, BenefitRate, PaymentLine
from laobao.benefits.payroll.returns import import_returns
from laobao.benefits.payroll.run import run_payroll
from laobao.core.context import acting_as
from laobao.ledger import services as ledger

CARD = "6222020000000000000"  # 19 digits, Luhn-valid
CARD2 = "6222020000000000018"
BASIC, ACCOUNT = 250_000, 50_000  # 2,500.00 + 500.00 yuan a month


def components(basic=BASIC, account=ACCOUNT):
    return [{"code": "basic", "zh": "基础养老金", "en": "basic pension", "amount_fen": basic, "formula": "test"},
            {"code": "account", "zh": "个人账户养老金", "en": "account pension", "amount_fen": account, "formula": "test"}]


def pension(person, start: date, *, basic=BASIC, account=ACCOUNT, key=None) -> Benefit:
    with acting_as(None, username="test"):
        b = Benefit.objects.create(person=person, kind="pension", fund="fund:pension", start_month=start,
                                   source=key or f"test:{person.pk}")
        BenefitEvent.objects.create(benefit=b, kind="start", month=start, reason="test")
        BenefitRate.objects.create(benefit=b, from_month=start, monthly_fen=basic + account,
                                   components=components(basic, account), reason="award", key=f"award:test:{b.pk}")
    return b


def rate(benefit, from_month: date, basic: int, account: int = ACCOUNT, key: str = "index") -> BenefitRate:
    return BenefitRate.objects.create(benefit=benefit, from_month=from_month, monthly_fen=basic + account,
                                      components=components(basic, account), reason="indexation",
                                      key=f"{key}:{benefit.pk}:{from_month:%Y%m}")


def bank_account(person, number=CARD, bank="102", user=None):
    with acting_as(user, username="test"):
        return services.open_account(user=user, person=person, bank_code=bank, account_no=number,
                                     holder_name=person.name)


def annuity(person, fen: int) -> None:
    with acting_as(None, username="test"):
        ledger.post(key=f"test-account:{person.pk}", kind="test", value_date=date(2025, 12, 31),
                    memo="test account", lines=[("fund:pension", fen, 0), (f"personal:{person.pk}:pension", 0, fen)])
        ledger.post(key=f"test-annuity:{person.pk}", kind="test", value_date=date(2025, 12, 31),
                    memo="test annuity", lines=[(f"personal:{person.pk}:pension", fen, 0),
                                                (f"personal:{person.pk}:annuity", 0, fen)])


def run(month: date, out: Path, **kw) -> dict:
    with acting_as(None, username="test"):
        return run_payroll(month, out, progress=io.StringIO(), **kw)


def cli(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("lb_payroll", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def returns_file(path: Path, rows: list[tuple]) -> Path:
    text = "line_id,outcome,reason,settled_on\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    return path


def take_returns(path: Path) -> dict:
    with acting_as(None, username="test"):
        return import_returns(path)


def lines_of(benefit) -> list[PaymentLine]:
    return list(PaymentLine.objects.filter(benefit=benefit).select_related("run").order_by("id"))


# A test fixture value, not Suzhou's figure (the shipped parameter has none: no citable notice was found).
MEDICAL_YAML = """\
description: test copy / test copy
label: {zh: 失业人员基本医疗保险费, en: medical contribution of benefit recipients}
unit: fen
values:
  2011-07-01: {value: 30000, reference: test fixture (not a Suzhou figure), status: unverified}
"""
