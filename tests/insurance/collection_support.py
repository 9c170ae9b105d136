"""Bills written directly with the ORM for the collection tests, posted exactly as the assessment contract says.

``make_bill(payer, month, lines)``: lines are (person, month, {insurance: (employer_fen, employee_fen)}, account_fen);
items are the sums per insurance and month; ``bill:<id>`` posts Dr receivable Σ positive items, Cr fund:<ins>
per positive insurance item; a negative item Dr fund:<ins> / Cr credit:<payer>.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils import timezone

from laobao.core.context import acting_as
from laobao.insurance import bases
from laobao.insurance.models import Bill, BillItem, Contribution
from laobao.ledger import services as ledger
from laobao.registry.models import Employer

FIELDS = {"pension": ("pension_employer", "pension_employee"), "medical": ("medical_employer", "medical_employee"),
          "unemployment": ("unemployment_employer", "unemployment_employee"), "injury": ("injury_employer", None),
          "maternity": ("maternity_employer", None)}


def payer_of(payer) -> str:
    return f"employer:{payer.pk}" if isinstance(payer, Employer) else f"person:{payer.pk}"


def make_bill(payer, month: date, lines) -> Bill:
    is_emp = isinstance(payer, Employer)
    items: dict = defaultdict(lambda: [0, 0, 0])
    for person, m, amounts, account in lines:
        for ins, (er, ee) in amounts.items():
            row = items[(ins, m)]
            row[0] += er
            row[1] += ee
            if ins == "pension":
                row[2] += account
    bill = Bill.objects.create(employer=payer if is_emp else None, person=None if is_emp else payer, month=month,
                               region=payer.region if is_emp else payer.residence_region,
                               due_date=bases.due_date(month), issued_at=timezone.now(), run="test",
                               due_fen=sum(er + ee for er, ee, _ in items.values()), lines=len(lines))
    for (ins, m), (er, ee, acc) in items.items():
        BillItem.objects.create(bill=bill, insurance=ins, month=m, employer_fen=er, employee_fen=ee, account_fen=acc,
                                due_fen=er + ee)
    for person, m, amounts, account in lines:
        kw = {"account": account if "pension" in amounts else None}
        for ins, (er, ee) in amounts.items():
            kw[FIELDS[ins][0]] = er
            kw[ins + "_base"] = 500000
            if FIELDS[ins][1]:
                kw[FIELDS[ins][1]] = ee
        Contribution.objects.create(bill=bill, person=person, month=m, adjustment=m != month, wage_fen=500000, **kw)
    _post(bill, payer_of(payer), items)
    return bill


def _post(bill, payer: str, items) -> None:
    positive = sum(er + ee for er, ee, _ in items.values() if er + ee > 0)
    lines = [(f"receivable:{payer}", positive, 0)] if positive else []
    per_ins: dict = defaultdict(int)
    for (ins, _), (er, ee, _) in items.items():
        per_ins[ins] += 0
        if er + ee > 0:
            lines.append((f"fund:{ins}", 0, er + ee))
        elif er + ee < 0:
            lines += [(f"fund:{ins}", -(er + ee), 0), (f"credit:{payer}", 0, -(er + ee))]
    with acting_as(None, username="test"):
        ledger.post(key=f"bill:{bill.pk}", kind="assessment", lines=lines, memo="test bill",
                    value_date=bill.due_date)


def simple_bill(payer, person, month: date, pension=(16000, 8000), medical=(7000, 2000), account=8000) -> Bill:
    """One person, pension and medical: due 240.00 + 90.00 = 330.00 by default."""
    return make_bill(payer, month, [(person, month, {"pension": pension, "medical": medical}, account)])


def write_csv(path, rows, header="bank_ref,channel,payer_code,amount,paid_on", encoding="utf-8") -> str:
    text = header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)
    path.write_bytes(text.encode(encoding))
    return str(path)
