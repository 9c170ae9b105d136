"""Community management of retirees (社会化管理): entitlement verification (领取资格认证) and death.

``verify`` records one verification (community, family member, counter or the retiree; append-only) and
resumes, with back pay, every benefit of the person that the verification batch suspended.
``record_death`` (one per person) ends every benefit with the month of death (nothing due from the next
month; a stop event), computes what was paid for later months as an ``Overpayment`` to recover
(``overpayment:<benefit>``: Dr receivable:person:<pid> / Cr the fund, and Cr personal:<pid>:annuity for
the account part), records the funeral grant and survivor grant the caseworker enters (Jiangsu's amounts
are not in the parameters: ``benefits.funeral_grant`` / ``benefits.survivor_grant`` say "manual") —
``death:<pid>:grants`` Dr fund:pension / Cr payable:heir:<pid> — and refunds the inheritable individual
account (personal:<pid>:annuity + personal:<pid>:pension balances after the recovery) to the heir:
``death:<pid>:account`` Dr personal… / Cr payable:heir:<pid>. The overpayment is then recovered from what the
heir is owed as far as it goes (``net_overpayment``, default; an assumption of common practice, UNVERIFIED
for Jiangsu): ``death:<pid>:offset`` Dr payable:heir / Cr receivable:person; the rest stays receivable.
One transaction each, audited.

``payable:heir:<pid>`` (kind payable) rather than ``payable:bank:<bank>``: what the heir is owed after the
offset is ordered as a payout ``death:<pid>`` (benefits/payouts) to the heir — a registered person passed as
``heir`` (paid to their 代发账户), or with only ``heir_name`` an order without payee that waits until an officer
names the registered heir; ``laobao payouts run`` moves it to ``payable:bank:<bank>`` in a bank file. Open enrollments end with the month of death (insurance.services.stop, reason death).
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.errors import DomainError
from laobao.insurance import services as enrollment_services
from laobao.insurance.models import Enrollment, Reason
from laobao.ledger import services as ledger
from laobao.ledger.selectors import balance
from laobao.registry.models import Person
from laobao.registry.services import check_write

from .. import services as core
from ..models import (Benefit, BenefitEvent, BenefitRate, BenefitStatus, Death, EventKind, Overpayment,
                      Verification, VerificationChannel)
from ..payroll.due import mi, month_date
from ..payouts.services import order_payout
from ..payroll.run import months_text

SUSPEND_REASON = "verification_missed"


def _err(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, code, zh, en)


def _person_locked(person: Person) -> Person:
    return Person.objects.select_for_update(of=("self",)).select_related("residence_region").get(pk=person.pk)


def _path(person: Person) -> str:
    return person.residence_region.path if person.residence_region_id else ""


def _add_month(m: date, n: int = 1) -> date:
    return month_date(mi(m) + n)


@transaction.atomic
def verify(*, user, person: Person, channel: str, verified_on: date | None = None, note: str = "") -> Verification:
    """领取资格认证 of ``person``; resumes (with back pay) what a missed verification suspended."""
    person = _person_locked(person)
    check_write(user, person.residence_region, "benefit.write")
    day = verified_on or timezone.localdate()
    if channel not in VerificationChannel.values:
        raise _err("channel", "verification.channel", "认证方式应为社区、家属代办、窗口或本人自助",
                   "the channel must be community, family, counter or self")
    if day > timezone.localdate():
        raise _err("verified_on", "verification.future", "认证日期不能晚于今天", "the verification cannot be in the future")
    if Death.objects.filter(person=person).exists():
        raise _err("person", "verification.dead", "此人已登记死亡，不能认证：如登记有误请联系经办机构更正",
                   "this person is recorded as dead and cannot be verified: ask the office to correct the record")
    v = Verification.objects.create(person=person, verified_on=day, channel=channel, by=user, note=note[:300])
    resumed = []
    for b in Benefit.objects.filter(person=person, status=BenefitStatus.SUSPENDED):
        last = b.events.filter(kind=EventKind.SUSPEND).order_by("-id").first()
        if last is not None and last.reason == SUSPEND_REASON:
            core.resume(user=user, benefit=b, month=max(day.replace(day=1), last.month), reason="verified",
                        back_pay=True, note=f"认证 #{v.pk}")
            resumed.append(b.pk)
    audit.record("verification.record", object_type="person", object_id=person.pk, region_path=_path(person),
                 after={"verification": v.pk, "verified_on": day.isoformat(), "channel": channel, "resumed": resumed})
    return v


def _paid_after(benefit_id: int, month: date) -> list[tuple[date, int]]:
    """(month, paid fen) of every month after ``month`` paid by a line not rejected."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.month, SUM(m.amount_fen) FROM benefits_paidmonth m JOIN benefits_paymentline l "
            "ON l.id = m.line_id LEFT JOIN benefits_paymentreturn x ON x.line_id = l.id "
            "WHERE m.benefit_id = %s AND m.month > %s AND (x.outcome IS NULL OR x.outcome = 'paid') "
            "GROUP BY m.month ORDER BY m.month", [benefit_id, month])
        rows = cursor.fetchall()
    return [(m if isinstance(m, date) else date.fromisoformat(str(m)), int(fen)) for m, fen in rows]


def _annuity_part(benefit: Benefit, months: list[tuple[date, int]], after: date) -> int:
    """The account part (个人账户养老金) of the overpaid months, as the payroll drew it from the annuity: the
    rate's ``account`` component of each month, at most what was paid, at most what the lines took from
    the annuity account."""
    if benefit.kind != "pension" or not months:
        return 0
    rates = list(BenefitRate.objects.filter(benefit=benefit).order_by("from_month", "id")
                 .values_list("from_month", "components"))
    part = 0
    for m, fen in months:
        comps = [c for f, c in rates if f <= m]
        acct = sum(c.get("amount_fen", 0) for c in (comps[-1] if comps else []) if c.get("code") == "account")
        part += min(acct, fen)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(l.annuity_fen), 0) FROM benefits_paymentline l LEFT JOIN "
                       "benefits_paymentreturn x ON x.line_id = l.id WHERE l.benefit_id = %s AND l.last_month > %s "
                       "AND (x.outcome IS NULL OR x.outcome = 'paid')", [benefit.pk, after])
        drawn = int(cursor.fetchone()[0])
    return min(part, drawn)


def _stop(user, benefit: Benefit, death_month: date, day: date) -> Overpayment | None:
    first_free = _add_month(death_month)
    if benefit.start_month > death_month:  # died before the first month due: a zero rate, nothing is ever due
        BenefitRate.objects.create(benefit=benefit, from_month=benefit.start_month, monthly_fen=0, reason="correction",
                                   key=f"death:{benefit.pk}", components=[{"code": "death", "zh": "死亡（待遇开始前）",
                                   "en": "died before the benefit started", "amount_fen": 0, "formula": ""}])
        Benefit.objects.filter(pk=benefit.pk).update(end_month=benefit.start_month, status=BenefitStatus.STOPPED)
    else:
        Benefit.objects.filter(pk=benefit.pk).update(end_month=death_month, status=BenefitStatus.STOPPED)
    BenefitEvent.objects.create(benefit=benefit, kind=EventKind.STOP, month=first_free, reason="death",
                                note=f"{day.isoformat()} 死亡，次月起停发", actor=user)
    months = _paid_after(benefit.pk, death_month)
    if not months:
        return None
    amount = sum(f for _, f in months)
    annuity = _annuity_part(benefit, months, death_month)
    over = Overpayment.objects.create(
        benefit=benefit, person_id=benefit.person_id, cause="death", first_month=months[0][0],
        last_month=months[-1][0], months_text=months_text([mi(m) for m, _ in months]), amount_fen=amount,
        annuity_fen=annuity, key=f"overpayment:death:{benefit.pk}")
    pid = benefit.person_id
    lines = [(f"receivable:person:{pid}", amount, 0), (benefit.fund, 0, amount - annuity)]
    if annuity:
        lines.append((f"personal:{pid}:annuity", 0, annuity))
    ledger.post(key=f"overpayment:{benefit.pk}", kind="overpayment", value_date=timezone.localdate(),
                memo=f"死亡后多发待遇追回 {over.months_text} / overpayment after death", lines=[l for l in lines if l[1] or l[2]])
    return over


def _grants_and_refund(person: Person, funeral: int, survivor: int, day: date) -> int:
    pid, today = person.pk, timezone.localdate()
    if funeral + survivor:
        ledger.post(key=f"death:{pid}:grants", kind="death_grant", value_date=today,
                    memo="丧葬补助金、遗属抚恤金（经办人录入）/ funeral and survivor grants",
                    lines=[("fund:pension", funeral + survivor, 0), (f"payable:heir:{pid}", 0, funeral + survivor)])
    parts = [(code, balance(code)) for code in (f"personal:{pid}:annuity", f"personal:{pid}:pension")]
    parts = [(c, b) for c, b in parts if b > 0]
    refund = sum(b for _, b in parts)
    if refund:
        ledger.post(key=f"death:{pid}:account", kind="account_inheritance", value_date=today,
                    memo="个人账户余额继承 / inheritable individual account",
                    lines=[(c, b, 0) for c, b in parts] + [(f"payable:heir:{pid}", 0, refund)])
    return refund


def _close_enrollments(person: Person, death_month: date) -> None:
    # As at a pension approval: the death record is the authority, every open enrollment ends with the month of
    # death wherever the employer is registered (user None = no second jurisdiction check; audited).
    for e in Enrollment.objects.filter(person=person, end_month__isnull=True).select_related("employer__region"):
        enrollment_services.stop(user=None, enrollment=e, end_month=max(death_month, e.start_month), reason=Reason.DEATH)


def _offset(person: Person, overpaid: int, owed_to_heir: int) -> int:
    """Recover the overpayment from what the fund owes the heir (抵扣), as far as it goes:
    ``death:<pid>:offset`` Dr payable:heir:<pid> / Cr receivable:person:<pid>. The rest stays receivable."""
    fen = min(overpaid, owed_to_heir)
    if fen > 0:
        pid = person.pk
        ledger.post(key=f"death:{pid}:offset", kind="overpayment_offset", value_date=timezone.localdate(),
                    memo="多发待遇从应付遗属款项中抵扣 / overpayment recovered from what the heir is owed",
                    lines=[(f"payable:heir:{pid}", fen, 0), (f"receivable:person:{pid}", 0, fen)])
    return max(fen, 0)


def _heir_checked(person: Person, heir: Person | None) -> None:
    if heir is None:
        return
    if heir.pk == person.pk:
        raise _err("heir", "death.heir_is_deceased", "继承人不能是死者本人", "the heir cannot be the deceased")
    if Death.objects.filter(person=heir).exists():
        raise _err("heir", "death.heir_dead", "所选继承人已登记死亡：请选择其他继承人", "the chosen heir is recorded as dead: choose another")


def _order_heir_payout(person: Person, heir: Person | None, heir_name: str, fen: int) -> None:
    """What this death left in payable:heir:<pid> goes to the heir through the bank (benefits/payouts): to the
    registered person chosen as heir (their 代发账户), or — heir not registered — an order without payee that
    waits until an officer names the registered heir (payouts.services.assign_payee)."""
    if fen > 0:
        order_payout(key=f"death:{person.pk}", payable_code=f"payable:heir:{person.pk}", amount_fen=fen,
                     person=heir, memo=f"丧葬补助金、抚恤金及个人账户继承（{person.name}）",
                     source=f"death:{person.pk}", payee_name=heir.name if heir else heir_name, subject=person)


@transaction.atomic
def record_death(*, user, person: Person, died_on: date, source: str, heir_name: str = "",
                 funeral_grant_fen: int = 0, survivor_grant_fen: int = 0, net_overpayment: bool = True,
                 heir: Person | None = None) -> Death:
    """死亡登记: stop every benefit from the next month, recover overpayments, grants, account refund."""
    person = _person_locked(person)
    check_write(user, person.residence_region, "benefit.write")
    if Death.objects.filter(person=person).exists():
        raise _err("person", "death.already", "此人的死亡已经登记", "this person's death is already recorded")
    if died_on > timezone.localdate():
        raise _err("died_on", "death.future", "死亡日期不能晚于今天", "the date of death cannot be in the future")
    if died_on < person.birth_date:
        raise _err("died_on", "death.before_birth", "死亡日期不能早于出生日期", "the date of death cannot be before birth")
    if not (source or "").strip():
        raise _err("source", "death.source", "请填写死亡信息来源（如公安户籍注销、死亡医学证明、家属申报）",
                   "give the source of the death record (e.g. household registration, death certificate, family)")
    for name, fen in (("funeral_grant_fen", funeral_grant_fen), ("survivor_grant_fen", survivor_grant_fen)):
        if not isinstance(fen, int) or fen < 0:
            raise _err(name, "death.amount", "金额应为不小于 0 的整数分", "the amount must be integer fen, 0 or more")
    _heir_checked(person, heir)
    heir_name = heir.name if heir is not None and not (heir_name or "").strip() else heir_name
    death_month = died_on.replace(day=1)
    overs = [o for b in Benefit.objects.filter(person=person).order_by("id")
             if b.end_month is None or b.end_month > death_month
             for o in [_stop(user, b, death_month, died_on)] if o is not None]
    _close_enrollments(person, death_month)
    refund = _grants_and_refund(person, funeral_grant_fen, survivor_grant_fen, died_on)
    owed = funeral_grant_fen + survivor_grant_fen + refund
    if net_overpayment:
        owed -= _offset(person, sum(o.amount_fen for o in overs), owed)
    _order_heir_payout(person, heir, heir_name, owed)
    death = Death.objects.create(person=person, died_on=died_on, source=source.strip()[:100], heir_name=heir_name[:50],
                                 funeral_grant_fen=funeral_grant_fen, survivor_grant_fen=survivor_grant_fen,
                                 grants_manual=True, account_refund_fen=refund, recorded_by=user)
    audit.record("death.record", object_type="person", object_id=person.pk, region_path=_path(person),
                 after={"died_on": died_on.isoformat(), "source": death.source, "overpayments":
                        [(o.benefit_id, o.months_text, o.amount_fen) for o in overs], "funeral_grant_fen":
                        funeral_grant_fen, "survivor_grant_fen": survivor_grant_fen, "account_refund_fen": refund})
    return death
