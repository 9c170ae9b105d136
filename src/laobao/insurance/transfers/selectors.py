"""Reads of transfers, scoped: a transfer is visible when its person is (deny by default, 404 outside)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from laobao.core.errors import DomainError, NotFound
from laobao.core.identifiers import parse_citizen_id
from laobao.core.scoping import can
from laobao.policy.params import param
from laobao.policy.rules.contribution.exact import percent
from laobao.registry.models import Person
from laobao.registry.selectors import persons_visible

from ..models import Insurance, Transfer
from . import compute


def transfers_visible(user) -> QuerySet[Transfer]:
    """``user`` None is the operator at the machine (CLI): the whole city, like the services."""
    if user is None:
        return Transfer.objects.all()
    return Transfer.objects.filter(person__in=persons_visible(user))


def person_transfers(user, person: Person) -> QuerySet[Transfer]:
    return transfers_visible(user).filter(person=person).order_by("-created_at", "-id")


def transfer_get(user, pk) -> Transfer:
    transfer = transfers_visible(user).select_related("person__residence_region").filter(pk=pk).first()
    if transfer is None:
        raise NotFound
    return transfer


def preview_out(user, person: Person, insurance: str, month: date) -> compute.OutPreview:
    """What a transfer-out would carry, for a person the user can see (no write)."""
    if user is not None and not persons_visible(user).filter(pk=person.pk).exists():
        raise NotFound
    return compute.preview(person.pk, insurance, month.replace(day=1))


# --- the certificate ------------------------------------------------------------------------------------------

LABELS = {"pension": "养老", "medical": "医疗"}  # the certificate is Chinese whatever the page language
BUREAU = "苏州市劳动和社会保障局 社会保险经办机构（320500）"
BASIS = ("依据：国办发〔2009〕66号《城镇企业职工基本养老保险关系转移接续暂行办法》第三条、第四条——个人账户储存额全部转移；"
         "统筹基金以本人1998年1月1日后各年度实际缴费工资为基数，按12%的总和转移。医疗保险依人社部发〔2009〕191号只转移个人账户余额。")


def masked_id(number: str) -> str:
    try:
        return parse_citizen_id(number).masked()
    except DomainError:
        return (number[:4] + "*" * 10 + number[-4:]) if len(number) > 8 else "*" * len(number)


def periods_of(history: list[dict]) -> list[dict]:
    """Consecutive months with the same employer, as (employer, from, to, months)."""
    out: list[dict] = []
    for row in history:
        last = out[-1] if out else None
        if last and last["employer"] == row["employer"] and _next(last["to"]) == row["month"]:
            last["to"], last["months"] = row["month"], last["months"] + 1
        else:
            out.append({"employer": row["employer"] or "—", "from": row["month"], "to": row["month"], "months": 1})
    return out


def _next(month: str) -> str:
    year, m = int(month[:4]), int(month[5:7])
    return f"{year + (m == 12):04d}-{m % 12 + 1:02d}"


def certificate_data(user, transfer: Transfer) -> dict:
    """Everything the certificate prints; the full ID only for a viewer with the reveal right (or the CLI)."""
    person = transfer.person
    full = user is None or can(user, "person.reveal_id")
    share = None
    if transfer.insurance == Insurance.PENSION:
        share = percent(param(compute.POOLED_PARAM, on=transfer.month).value)
    return {"name": person.name, "citizen_id": person.citizen_id if full else masked_id(person.citizen_id),
            "insurance_label": LABELS[transfer.insurance], "month": f"{transfer.month:%Y-%m}",
            "counterpart_name": transfer.counterpart_name, "counterpart_code": transfer.counterpart_code,
            "certificate_no": transfer.certificate_no, "months": transfer.months, "wages_fen": transfer.wages_fen,
            "account_fen": transfer.account_fen, "pooled_fen": transfer.pooled_fen, "share_percent": share,
            "issued_on": f"{transfer.created_at:%Y-%m-%d}", "bureau": BUREAU, "basis": BASIS,
            "history": transfer.history, "periods": periods_of(transfer.history)}


def person_by_ref(user, ref: str) -> Person:
    """A person named by record number or citizen ID (15 or 18 digits); ``user`` None: the whole city (CLI)."""
    qs = Person.objects.all() if user is None else persons_visible(user)
    text = str(ref or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 12:
        person = qs.filter(pk=int(text)).first()
    else:
        try:
            person = qs.filter(citizen_id=parse_citizen_id(text).number).first()
        except DomainError:
            person = None
    if person is None:
        raise DomainError.of("person", "transfer.person", f"找不到人员“{text}”：请填写档案号或公民身份号码",
                             f"No person '{text}': give the record number or the citizen ID")
    return person
