"""Benefits in the demo city (issue 5): retirees, their bank accounts, two payrolls with a return file,
verifications (a few overdue → suspended), a death with grants, unemployment and maternity claims.

After the insurance history (``history.grow``) and the demo logins. The thousands of retirees who retired
before the system went live are *migrated* set-based (like the registry rows): a pension benefit paid by
this system from ``TAKEOVER`` (2026-05), its start event and its rate (one component: the legacy system's
award, stated as such), a 代发账户 for almost everyone and last year's verification. Everything after goes
through the real batches and services: the pension claims of those who retired in the window (maker and
checker; their back months paid in one payroll line), the payrolls of 2026-05 and 2026-06 (bank files), the bank's return
file of 2026-05 (all paid, one rejected), the account correction, the verification check of 2026-06, a death,
the unemployment claim of 王芳 (the cast's 4050 person) and a few more, maternity claims — each claim taken
by one demo user and approved by another (maker-checker).

Idempotent: the marker audit event says it is done; each story skips what exists.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.bulk import analyze, copy_rows, db_timestamp, next_id, reset_sequences
from laobao.core.errors import DomainError
from laobao.core.models import AuditEvent, User
from laobao.registry.models import Person

from . import tables
from .users import cast_member

MARKER = "demo.benefits"
TAKEOVER = date(2026, 5, 1)          # the first month this system pays the migrated pensions
MONTHS = (date(2026, 5, 1), date(2026, 6, 1))
SOURCE = "demo_pension:"
MIGRATED = ("原系统核定的基本养老金（存量退休人员迁移，演示数据）",
            "basic pension awarded by the legacy system (retiree migrated; demo data)")


def done() -> bool:
    return AuditEvent.objects.filter(action=MARKER).exists()


_STARTED = [0.0, 0.0]


def _say(progress: TextIO | None, text: str) -> None:
    if progress is not None:
        wall, cpu = time.perf_counter() - _STARTED[0], time.process_time() - _STARTED[1]
        progress.write(f"demo benefits: {text} ({wall:.1f} s, CPU {cpu:.1f} s)\n")
        progress.flush()


def grow(*, seed: int, progress: TextIO | None = sys.stderr) -> dict:
    """Load the benefits of the demo city (idempotent); returns counts for the summary line."""
    from laobao.benefits.models import Benefit

    def rng(*key: int) -> np.random.Generator:
        return np.random.Generator(np.random.PCG64([seed, 5, *key]))

    if done():
        return counts()
    _STARTED[:] = [time.perf_counter(), time.process_time()]
    if not Benefit.objects.filter(source__startswith=SOURCE).exists():
        _migrate_retirees(rng(1), progress)
    _verification_check(progress)
    _say(progress, "retirees migrated, overdue verifications suspended")
    _story("pension claims", _pension_claims)
    _story("unemployment", _unemployment)
    _story("maternity", _maternity)
    _say(progress, "pension, unemployment and maternity claims decided")
    for month in MONTHS:
        _payroll(month, progress)
        if month == MONTHS[0]:
            _returns(month, progress)
            _correct_rejected_account()
    _story("death", _death)
    result = counts()
    audit.record(MARKER, object_type="demo", object_id=str(seed), after=result)
    _say(progress, "done")
    return result


def counts() -> dict:
    from laobao.benefits.models import Benefit, MaternityClaim, PaymentLine, PayrollRun

    return {"pensions": Benefit.objects.filter(kind="pension").count(),
            "maternity": MaternityClaim.objects.filter(status="approved").count(),
            "suspended": Benefit.objects.filter(status="suspended").count(),
            "unemployment": Benefit.objects.filter(kind="unemployment").count(),
            "payroll_runs": PayrollRun.objects.count(), "payment_lines": PaymentLine.objects.count()}


def _story(name: str, fn) -> None:
    """A demo without one story is still a demo: say why it was skipped."""
    try:
        with transaction.atomic():
            fn()
    except DomainError as exc:
        sys.stderr.write(f"demo: {name} story skipped ({exc.text('en')})\n")


def _user(username: str):
    return User.objects.filter(username=username).first()


# --- migrated retirees (set-based) -------------------------------------------------------------------------

def _retirees() -> list[tuple[int, date, str, str]]:
    """(person, birth, sex, name) of persons past 60 (men) / 55 (women) at AS_OF with no open pension enrollment."""
    as_of = tables.AS_OF
    men, women = date(as_of.year - 60, as_of.month, as_of.day), date(as_of.year - 55, as_of.month, as_of.day)
    from django.db.models import Q

    from laobao.insurance.models import Enrollment

    working = Enrollment.objects.filter(insurance="pension", end_month__isnull=True).values("person_id")
    rows = (Person.objects.filter(Q(sex="M", birth_date__lte=men) | Q(sex="F", birth_date__lte=women))
            .exclude(pk__in=working).exclude(pk__in=_counter_claimants()).order_by("id")
            .values_list("id", "birth_date", "sex", "name"))
    return list(rows)


def _counter_claimants() -> list[int]:
    """Persons of 姑苏 whose job ended at retirement inside the history window: they claim at the counter."""
    from laobao.insurance.models import Enrollment

    return list(Enrollment.objects.filter(insurance="pension", end_reason="retirement",
                                          person__residence_region__path__contains="/320508/")
                .order_by("person_id").values_list("person_id", flat=True).distinct()[:12])


def _retire_month(birth: date, sex: str) -> date:
    age = 60 if sex == "M" else 55
    return date(birth.year + age, birth.month, 1)


def _migrate_retirees(rng: np.random.Generator, progress) -> None:
    """Benefit + start event + rate + 代发账户 + last verification per retiree, through the bulk path."""
    from laobao.benefits.models import Bank, Benefit, BenefitEvent, BenefitRate, BankAccount, Verification

    people = _retirees()
    n = len(people)
    if not n:
        return
    now = db_timestamp(timezone.now())
    # monthly pension: lognormal around 3,600 yuan (a demo figure), whole yuan
    monthly = (np.exp(rng.normal(np.log(360_000), 0.28, n)) // 100 * 100).astype(np.int64)
    first_b, first_e, first_r = (next_id(m._meta.db_table) for m in (Benefit, BenefitEvent, BenefitRate))
    ids = list(range(first_b, first_b + n))
    banks = list(Bank.objects.filter(issues_cards=True).order_by("code").values_list("id", flat=True)) or \
        list(Bank.objects.order_by("code").values_list("id", flat=True))
    has_account = rng.random(n) >= 0.01        # 1 % have no 代发账户 yet: the payroll holds them
    bank = rng.integers(0, len(banks), n)
    digits = rng.integers(10**14, 10**15, n)   # 20-digit account numbers (no card Luhn rule applies)
    # last verification: most within the year; 0.5 % (at least 3) more than 12 months ago → overdue at 2026-06
    day = rng.integers(0, 330, n)
    late = rng.random(n) < 0.005
    late[rng.choice(n, size=min(3, n), replace=False)] = True
    with transaction.atomic():
        copy_rows(Benefit._meta.db_table, ("id", "person_id", "kind", "fund", "start_month", "end_month", "status",
                                           "source", "created_at"),
                  ((b, p[0], "pension", "fund:pension", TAKEOVER.isoformat(), None, "active", f"{SOURCE}{p[0]}", now)
                   for b, p in zip(ids, people)), total=n, label="demo pensions", progress=progress)
        copy_rows(BenefitEvent._meta.db_table, ("id", "benefit_id", "kind", "month", "reason", "note", "actor_id", "at"),
                  ((first_e + i, b, "start", TAKEOVER.isoformat(), "migration",
                    f"原系统退休时间 {_retire_month(p[1], p[2]):%Y-%m}，自 {TAKEOVER:%Y-%m} 起由本系统发放", None, now)
                   for i, (b, p) in enumerate(zip(ids, people))), total=n, label="demo start events", progress=progress)
        copy_rows(BenefitRate._meta.db_table, ("id", "benefit_id", "from_month", "monthly_fen", "components", "reason",
                                               "key", "created_at"),
                  ((first_r + i, b, TAKEOVER.isoformat(), int(monthly[i]), _components(int(monthly[i])), "award",
                    f"demo-award:{people[i][0]}", now) for i, b in enumerate(ids)),
                  total=n, label="demo rates", progress=progress)
        copy_rows(BankAccount._meta.db_table, ("person_id", "bank_id", "account_no", "holder_name", "opened_on"),
                  ((p[0], banks[int(bank[i])], f"62{int(digits[i]):015d}{i % 1000:03d}", p[3],
                    _retire_month(p[1], p[2]).isoformat()) for i, p in enumerate(people) if has_account[i]),
                  label="demo bank accounts", progress=progress)
        copy_rows(Verification._meta.db_table, ("person_id", "verified_on", "channel", "by_id", "note", "created_at"),
                  ((p[0], (date(2025, 4, 15) if late[i] else date(2025, 7, 20) + timedelta(days=int(day[i]))).isoformat(),
                    ("community", "family", "counter", "self")[i % 4], None, "演示数据", now)
                   for i, p in enumerate(people)), total=n, label="demo verifications", progress=progress)
        reset_sequences(Benefit, BenefitEvent, BenefitRate, BankAccount, Verification)
        audit.record("demo.pensions", object_type="demo", object_id="benefits",
                     after={"pensions": n, "takeover": TAKEOVER.isoformat()})
    analyze(Benefit._meta.db_table, BenefitEvent._meta.db_table, BenefitRate._meta.db_table,
            BankAccount._meta.db_table, Verification._meta.db_table)


def _components(fen: int) -> str:
    import json

    return json.dumps([{"code": "migrated", "zh": MIGRATED[0], "en": MIGRATED[1], "amount_fen": fen,
                        "formula": "原系统核定额 / legacy award"}], ensure_ascii=False)


# --- the batches ---------------------------------------------------------------------------------------------

def _verification_check(progress) -> None:
    from laobao.benefits.community.batch import verify_check
    from laobao.benefits.models import BenefitEvent

    if not BenefitEvent.objects.filter(reason="verification_missed").exists():
        verify_check(MONTHS[1], progress=None)


def _payroll(month: date, progress) -> None:
    from laobao.benefits.models import PayrollRun
    from laobao.benefits.payroll.run import run_payroll

    if PayrollRun.objects.filter(month=month, finished_at__isnull=False).exists():
        return  # an unfinished run (a crash) is run again: the payroll writes only what is missing
    run_payroll(month, Path(settings.VAR_DIR) / "payroll" / f"{month:%Y-%m}", progress=None)
    _say(progress, f"payroll {month:%Y-%m} written")


def _returns(month: date, progress) -> None:
    """The bank's return file of the month: every line paid, one rejected (账户已冻结)."""
    from laobao.benefits.models import PaymentLine, PaymentReturn
    from laobao.benefits.payroll.returns import import_returns

    lines = list(PaymentLine.objects.filter(run__month=month).order_by("id").values_list("id", flat=True))
    if not lines or PaymentReturn.objects.filter(line_id__in=lines[:1]).exists():
        return
    settled = (month + timedelta(days=14)).isoformat()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"demo-returns-{month:%Y-%m}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["line_id", "outcome", "reason", "settled_on"])
            for i, line in enumerate(lines):
                rejected = i == len(lines) // 2
                out.writerow([line, "rejected" if rejected else "paid", "账户已冻结" if rejected else "", settled])
        import_returns(path)
    _say(progress, f"returns {month:%Y-%m}: {len(lines) - 1} paid, 1 rejected")


def _correct_rejected_account() -> None:
    """The retiree whose payment was rejected brings a new card: the next payroll pays both months."""
    from laobao.benefits import services
    from laobao.benefits.models import BankAccount, PaymentReturn

    ret = PaymentReturn.objects.filter(outcome="rejected").select_related("line__person").first()
    if ret is None:
        return
    person = ret.line.person
    current = BankAccount.objects.filter(person=person, closed_on__isnull=True).select_related("bank").first()
    if current is None or current.pk != ret.line.bank_account_id:
        return
    with transaction.atomic():
        services.open_account(user=None, person=person, bank_code=current.bank.code,
                              account_no="62" + current.account_no[2:][::-1], holder_name=person.name,
                              opened_on=max(date(2026, 5, 20), current.opened_on))


def _account(user, person, n: int) -> None:
    from laobao.benefits import services
    from laobao.benefits.models import Bank, BankAccount

    bank = Bank.objects.order_by("code").first()
    if bank and not BankAccount.objects.filter(person=person, closed_on__isnull=True).exists():
        services.open_account(user=user, person=person, bank_code=bank.code, account_no=f"6230{person.pk:013d}{n:03d}",
                              holder_name=person.name, opened_on=date(2026, 3, 1))


# --- stories through the services ------------------------------------------------------------------------------

def _death() -> None:
    """A retiree died in May 2026 after the June payroll paid him: overpayment, grants, account refund."""
    from laobao.benefits.community import services as community
    from laobao.benefits.models import Death, PaymentLine

    if Death.objects.exists():
        return
    paid = (PaymentLine.objects.filter(run__month=MONTHS[1], benefit__kind="pension", benefit__source__startswith=SOURCE)
            .order_by("id").values_list("person_id", flat=True))
    chenjing = cast_member("person", "chenjing")
    pick = next((p for p in paid if chenjing is None or p != chenjing.pk), None)
    if pick is None:
        return
    person = Person.objects.get(pk=pick)
    community.record_death(user=_user("city_officer"), person=person, died_on=date(2026, 5, 18),
                           source="公安户籍注销（演示数据）", heir_name=person.name[0] + "某（子女）",
                           funeral_grant_fen=1_000_000, survivor_grant_fen=3_600_000)


def _pension_claims() -> None:
    """Those who retired in the window claim at the counter (maker 市级经办, checker 姑苏区): the record is their
    own (2024-07 on) plus the archive's deemed months; the maker enters what the parameters lack. Every claim
    with its checks met is approved but the last (left in the checker's queue); a failing check stays received."""
    from decimal import Decimal

    from laobao.benefits.models import PensionClaim
    from laobao.benefits.pension import services

    if PensionClaim.objects.exists():
        return
    maker, checker = _user("city_officer"), _user("district_gusu")
    checked = []
    for n, pk in enumerate(_counter_claimants()):
        person = Person.objects.get(pk=pk)
        data = services.ClaimInput(category=60 if person.sex == "M" else 55, deemed_months=300 + n * 7,
                                   pre_account_index=Decimal("1.0500"), pension_base_fen=891_700,
                                   reference_wages={"2026": 837_600},
                                   note="档案：视同缴费年限（演示数据）；计发基数 8917 元、2026 年参照工资 8376 元为经办录入的演示值")
        try:
            with transaction.atomic():
                claim = services.receive(user=maker, person=person, data=data)
        except DomainError as exc:
            sys.stderr.write(f"demo: pension claim of person {pk} not received ({exc.text('en')})\n")
            continue
        if claim.status == "checked":
            checked.append(claim)
    for claim in checked[:-1]:
        with transaction.atomic():
            services.approve(user=checker, claim=claim)
            _account(maker, claim.person, 700)


def _unemployment() -> None:
    """王芳 (cast, hepan until 2026-01) and up to two others who lost a job in 2026 claim unemployment benefit."""
    from laobao.benefits.models import UnemploymentClaim
    from laobao.benefits.unemployment import selectors, services
    from laobao.registry.models import EmploymentRelation

    if UnemploymentClaim.objects.exists():
        return
    maker, checker = _user("city_officer"), _user("district_gusu")
    wangfang = cast_member("person", "wangfang")
    ended = (EmploymentRelation.objects.filter(end_date__gte=date(2025, 10, 1), end_date__lte=date(2026, 4, 30),
                                               person__residence_region__path__contains="/320508/")
             .exclude(person__relations__end_date__isnull=True).order_by("person_id")
             .values_list("person_id", flat=True).distinct()[:40])
    candidates = ([wangfang.pk] if wangfang else []) + [p for p in ended if not wangfang or p != wangfang.pk]
    approved = 0
    for pk in candidates:
        if approved == 3:
            break
        person = Person.objects.get(pk=pk)
        end = (EmploymentRelation.objects.filter(person=person).order_by("-end_date").values_list("end_date", flat=True)
               .first())
        try:
            with transaction.atomic():
                if not selectors.person_registrations(maker, person).filter(ended_on__isnull=True).exists():
                    services.register(user=maker, person=person, registered_on=end + timedelta(days=10),
                                      involuntary=True, reason="劳动合同期满终止，单位不再续订（演示数据）")
                month = date(end.year, end.month, 1) + timedelta(days=40)
                result = selectors.preview(maker, person, month.replace(day=1))
                if not result.ok:
                    raise DomainError.of("person", "demo.skip", "条件不满足", "conditions not met: " + "; ".join(
                        c["en"] for c in result.checks if not c["ok"]))
                claim = services.receive(user=maker, person=person, month=month.replace(day=1))
                services.approve(user=checker, claim=claim)
                _account(maker, person, 900 + approved)
                approved += 1
        except DomainError as exc:
            if wangfang and pk == wangfang.pk:
                sys.stderr.write(f"demo: 王芳's unemployment claim skipped ({exc.text('en')})\n")


def _maternity() -> None:
    """Two women insured by their employer gave birth in spring 2026: the allowance is paid to them (their
    代发账户; the employer's average wage is the maker's figure where the record has none)."""
    from laobao.benefits.maternity import selectors, services
    from laobao.benefits.models import MaternityClaim
    from laobao.insurance.models import Enrollment

    if MaternityClaim.objects.exists():
        return
    maker, checker = _user("city_officer"), _user("district_gusu")
    women = (Enrollment.objects.filter(insurance="maternity", employer__isnull=False, end_month__isnull=True,
                                       start_month__lte=date(2025, 3, 1), person__sex="F",
                                       person__birth_date__gte=date(1988, 1, 1), person__birth_date__lte=date(1998, 12, 31),
                                       person__residence_region__path__contains="/320508/")
             .order_by("person_id").values_list("person_id", "employer_id")[:30])
    done_ = 0
    for i, (pk, employer_id) in enumerate(women):
        if done_ == 2:
            break
        person = Person.objects.get(pk=pk)
        employer = selectors.person_employers(person).filter(pk=employer_id).first()
        if employer is None:
            continue
        data = services.MaternityInput(birth_date=date(2026, 3, 10 + i), births=1, difficult_birth=i % 2 == 1,
                                       average_wage_fen=820_000, paid_to="person",
                                       note="单位月平均工资按单位申报录入（演示数据）")
        try:
            with transaction.atomic():
                _account(maker, person, 800 + i)
                claim = services.receive(user=maker, person=person, employer=employer, data=data)
                if claim.status != "checked":
                    raise DomainError.of("person", "demo.skip", "条件不满足", "conditions not met")
                services.approve(user=checker, claim=claim)
                done_ += 1
        except DomainError:
            continue


__all__ = ["MARKER", "counts", "done", "grow"]
