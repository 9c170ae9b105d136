"""The two writes of 关系转移接续: one transaction each, validated, scoped, audited, posted to the ledger.

Ledger (the postings contract, key ``transfer:<certificate_no>``; zero lines are left out, an entry with
nothing to move is not posted):

- out: Dr ``personal:<person>:<insurance>`` the account balance, Dr ``fund:pension`` the pooled amount /
  Cr ``transfer:<cert>`` their sum (payable to the other region);
- in:  Dr ``transfer:<cert>`` / Cr ``personal:<person>:<insurance>`` the account, Cr ``fund:pension`` the pooled.

Scope: ``check_write`` on the person's residence region (the bureau that holds the person's record); the
enrollment is closed through ``insurance.services.stop``, which checks the enrollment's own region too.

Enrollment on a transfer-in: the hall enrolls the person with their new employer as usual; ``transfer_in``
enrolls only when asked (``employer=`` or ``self_enroll=True``), from the transfer month, reason transfer_in.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.ledger import services as ledger
from laobao.registry.models import Employer, Person
from laobao.registry.services import check_write

from .. import services as enrollment
from ..models import Contribution, Direction, Enrollment, Insurance, Reason, Transfer
from . import compute, incoming
from .incoming import bad

CITY = "320500"


def _insurance(value) -> str:
    if value not in compute.TRANSFERABLE:
        raise bad("insurance", "insurance", "只能办理养老或医疗保险的关系转移接续：请选择 pension 或 medical",
                  "Only pension and medical insurance records can be transferred: choose pension or medical")
    return value


def _month(value) -> date:
    month = value.replace(day=1) if isinstance(value, date) else incoming.parse_month(value)
    if month > timezone.localdate().replace(day=1):
        raise bad("month", "future", "转移月份不能晚于本月：请填写实际办理的月份",
                  "The transfer month cannot be after this month: give the month the transfer is made")
    return month


def _locked_person(person: Person) -> Person:
    """Serialize transfers of one person (a no-op on SQLite, whose single writer serializes anyway)."""
    return Person.objects.select_for_update().get(pk=person.pk)


def snapshot(t: Transfer) -> dict:
    """What the audit log keeps: ids, months and amounts, never the person's ID number."""
    return {"person": t.person_id, "insurance": t.insurance, "direction": t.direction,
            "counterpart_code": t.counterpart_code, "month": f"{t.month:%Y-%m}", "certificate_no": t.certificate_no,
            "months": t.months, "wages_fen": t.wages_fen, "account_fen": t.account_fen, "pooled_fen": t.pooled_fen}


def _post(t: Transfer) -> None:
    account, pooled, cert = t.account_fen, t.pooled_fen, f"transfer:{t.certificate_no}"
    sides = [(compute.account_code(t.person_id, t.insurance), account), ("fund:pension", pooled)]
    sides = [(code, fen) for code, fen in sides if fen > 0]
    if not sides:
        return
    total = account + pooled
    if t.direction == Direction.OUT:
        lines = [(code, fen, 0) for code, fen in sides] + [(cert, 0, total)]
        memo = f"关系转出 {t.insurance} → {t.counterpart_name}"
    else:
        lines = [(cert, total, 0)] + [(code, 0, fen) for code, fen in sides]
        memo = f"关系转入 {t.insurance} ← {t.counterpart_name}"
    ledger.post(key=cert, kind=f"transfer_{t.direction}", lines=lines, memo=memo[:300], value_date=timezone.localdate())


# --- transfer out ---------------------------------------------------------------------------------------------

def _check_out(person: Person, insurance: str, month: date, preview: compute.OutPreview) -> list[Enrollment]:
    periods = list(Enrollment.objects.filter(person=person, insurance=insurance).order_by("-start_month"))
    label = Insurance(insurance).label
    if not periods:
        raise bad("insurance", "not_enrolled", f"此人在本市没有{label}保险参保记录：无可转出的关系",
                  f"This person has no {insurance} enrollment here: there is no record to transfer out")
    done = Transfer.objects.filter(person=person, insurance=insurance, direction=Direction.OUT,
                                   month__gte=periods[0].start_month).first()
    if done is not None:
        raise bad("insurance", "already_out", f"该{label}保险关系已于 {done.month:%Y-%m} 转出（凭证 {done.certificate_no}）",
                  f"This {insurance} record was already transferred out in {done.month:%Y-%m} "
                  f"(certificate {done.certificate_no})")
    if preview.unpaid:
        shown = "、".join(preview.unpaid[:12]) + ("等" if len(preview.unpaid) > 12 else "")
        raise bad("month", "arrears", f"此人 {shown} 共 {len(preview.unpaid)} 个月{label}保险费未缴清：请先补缴欠费再办理转出",
                  f"{len(preview.unpaid)} month(s) of {insurance} contributions are not fully paid "
                  f"({', '.join(preview.unpaid[:12])}): settle the arrears before transferring out")
    if preview.account_fen < 0:
        raise bad("account", "negative_account", "个人账户余额为负：请先核对账户流水",
                  "The individual account balance is negative: check the account's journal first")
    return periods


@transaction.atomic
def transfer_out(*, user, person: Person, insurance: str, counterpart_code: str, counterpart_name: str,
                 month) -> Transfer:
    """Transfer ``insurance`` of ``person`` out at ``month``: certificate, closed enrollment, ledger entry."""
    insurance, month = _insurance(insurance), _month(month)
    code, name = incoming.check_counterpart(counterpart_code, counterpart_name)
    check_write(user, person.residence_region)
    person = _locked_person(person)
    preview = compute.preview(person.pk, insurance, month)
    periods = _check_out(person, insurance, month, preview)
    open_period = next((e for e in periods if e.end_month is None), None)
    if open_period is not None:
        enrollment.stop(user=user, enrollment=open_period, end_month=month, reason=Reason.TRANSFER_OUT)
    transfer = Transfer.objects.create(
        person=person, insurance=insurance, direction=Direction.OUT, counterpart_code=code, counterpart_name=name,
        month=month, certificate_no=f"pending-{person.pk}-{timezone.now():%Y%m%d%H%M%S%f}",
        months=preview.months, wages_fen=preview.wages_fen, account_fen=preview.account_fen,
        pooled_fen=preview.pooled_fen, history=preview.history)
    transfer.certificate_no = f"{CITY}-{transfer.created_at:%Y}-{transfer.pk:08d}"
    transfer.save(update_fields=["certificate_no"])
    _post(transfer)
    audit.record("transfer.out", object_type="transfer", object_id=transfer.pk,
                 region_path=person.residence_region.path if person.residence_region_id else "",
                 after=snapshot(transfer) | {"share": str(preview.share) if preview.share is not None else None})
    return transfer


# --- transfer in ----------------------------------------------------------------------------------------------

def _months_on_record(person: Person, insurance: str, months: set[str], certificate_no: str) -> list[str]:
    base = compute.COLUMNS[insurance][0]
    firsts = sorted(incoming.parse_month(m) for m in months)
    paid_here = {f"{m:%Y-%m}" for m in Contribution.objects.filter(
        person=person, month__in=firsts, **{f"{base}__isnull": False}).values_list("month", flat=True)}
    periods = [(f"{e.start_month:%Y-%m}", f"{e.end_month:%Y-%m}" if e.end_month else "9999-12")
               for e in Enrollment.objects.filter(person=person, insurance=insurance)]
    enrolled = {m for m in months for start, end in periods if start <= m <= end}
    earlier = {row["month"] for t in Transfer.objects.filter(person=person, insurance=insurance, direction=Direction.IN)
               .exclude(certificate_no=certificate_no) for row in t.history}
    return sorted(months & (paid_here | enrolled | earlier))


def _same(t: Transfer, fields: dict) -> bool:
    return all(getattr(t, k) == v for k, v in fields.items())


def _replay(existing: Transfer, fields: dict) -> Transfer:
    if _same(existing, fields):
        return existing
    raise bad("certificate_no", "certificate_reused",
              f"凭证编号 {existing.certificate_no} 已登记过另一笔内容不同的转移（#{existing.pk}）：请核对凭证",
              f"Certificate {existing.certificate_no} was already recorded with different content "
              f"(#{existing.pk}): check the certificate")


def _enroll(user, person: Person, insurance: str, month: date, employer: Employer | None, self_enroll: bool):
    if employer is not None or self_enroll:
        enrollment.enroll(user=user, person=person, insurance=insurance, start_month=month, employer=employer,
                          reason=Reason.TRANSFER_IN)


@transaction.atomic
def transfer_in(*, user, person: Person, insurance: str, counterpart_code: str, counterpart_name: str, month,
                history, account_fen: int, pooled_fen: int, certificate_no: str, employer: Employer | None = None,
                self_enroll: bool = False) -> Transfer:
    """Record an incoming transfer; idempotent on ``certificate_no`` (same content → the existing transfer)."""
    insurance, month = _insurance(insurance), _month(month)
    code, name = incoming.check_counterpart(counterpart_code, counterpart_name)
    cert = incoming.check_certificate_no(certificate_no)
    rows = incoming.check_history(history, month)
    amounts = {"account_fen": account_fen, "pooled_fen": pooled_fen}
    for field, value in amounts.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= incoming.MAX_FEN:
            raise bad(field, "amount", "金额应为不小于 0 的整数（分）", "Amounts are whole fen, zero or more")
    if insurance != Insurance.PENSION and pooled_fen:
        raise bad("pooled_fen", "no_pooled", "医疗保险转移只转个人账户余额，统筹基金转移额应为 0（人社部发〔2009〕191号）",
                  "A medical transfer moves the account balance only: the pooled amount must be 0")
    check_write(user, person.residence_region)
    person = _locked_person(person)
    fields = {"person_id": person.pk, "insurance": insurance, "direction": Direction.IN, "counterpart_code": code,
              "counterpart_name": name, "month": month, "months": len(rows),
              "wages_fen": compute.wages_since_1998(rows), "history": rows, **amounts}
    existing = Transfer.objects.filter(certificate_no=cert).first()
    if existing is not None:
        return _replay(existing, fields)
    overlap = _months_on_record(person, insurance, {r["month"] for r in rows}, cert)
    if overlap:
        shown = "、".join(overlap[:12]) + ("等" if len(overlap) > 12 else "")
        raise bad("history", "overlap",
                  f"转入明细与本市已有记录重复的月份：{shown}（共 {len(overlap)} 个月）：同一月份不能重复计算缴费，请与转出地核对后更正",
                  f"Months of the incoming history already on record here: {', '.join(overlap[:12])} "
                  f"({len(overlap)} in all): a month cannot count twice; check with the other region and correct")
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(certificate_no=cert, **fields)
    except IntegrityError:  # a concurrent request with the same certificate won the race
        return _replay(Transfer.objects.get(certificate_no=cert), fields)
    _post(transfer)
    _enroll(user, person, insurance, month, employer, self_enroll)
    audit.record("transfer.in", object_type="transfer", object_id=transfer.pk,
                 region_path=person.residence_region.path if person.residence_region_id else "",
                 after=snapshot(transfer))
    return transfer
