"""A Hypothesis state machine over the whole money path, through the real services and batches.

Steps: hire (enroll), declare or correct a base, self-enroll, assess the next month, pay (full, partial, late,
duplicate file, unknown payer), apply held credit, reverse a payment (冲正, twice: refused), refund held credit,
claim a suspense payment, credit a finished year's interest, transfer a record out. After every step:
every journal entry balances, balances are the sums of their lines, no individual account is negative,
receivables equal items less payments, nothing is paid beyond what was due plus credit — all of
``laobao reconcile`` — and a few identities computed here independently of the code under test.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from conftest import make_credit_code
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, event
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.insurance import assessment, declarations, services
from laobao.insurance.collection import corrections, interest
from laobao.insurance.collection.services import apply_credit, import_payments
from laobao.insurance.models import Allocation, Bill, BillItem, Enrollment, Payment, PaymentReversal, Transfer
from laobao.insurance.transfers import services as transfers
from laobao.ledger import reconcile, selectors
from laobao.ledger.models import JournalLine
from laobao.registry.models import EmploymentRelation

FIRST = date(2024, 7, 1)
LAST = date(2026, 6, 1)  # months stay in the past: services refuse future months


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


class MoneyMachine(RuleBasedStateMachine):
    """The world: one employer, four persons, months from 2024-07 on."""

    def __init__(self):
        super().__init__()
        self.tmp: Path = TMP
        self.files = 0

    @initialize()
    def world(self):
        city, make_person, make_employer = WORLD
        self.employer = make_employer(city["c11"], name="状态机纺织有限公司")
        self.persons = [make_person(city["c11"], name=n) for n in ("张一", "王二", "李三", "赵四")]
        self.month = FIRST  # the next month to assess
        self.last_file: Path | None = None
        self.atomic = transaction.atomic()  # each example starts from the same empty books
        self.atomic.__enter__()
        with acting_as(None, username="state-machine"):
            for year, floor, cap in ((2024, 487_900, 2_439_600), (2025, 502_500, 2_512_800)):
                services.set_limits(user=None, year=year, floor_fen=floor, cap_fen=cap, reference="test: 江苏省 2024")
            for person, wage in zip(self.persons[:2], (450_000, 900_000)):  # two insured from the first month
                services.hire(user=None, person=person, employer=self.employer, start_date=FIRST,
                              contract_kind="open", wage_fen=wage)

    def teardown(self):
        if hasattr(self, "atomic"):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    # --- enrollment and bases -----------------------------------------------------------------------------

    @precondition(lambda self: self.month <= LAST)
    @rule(who=st.integers(0, 3), wage=st.integers(300_000, 3_000_000), back=st.integers(0, 2))
    def hire(self, who, wage, back):
        person = self.persons[who]
        if EmploymentRelation.objects.filter(person=person, end_date__isnull=True).exists() or \
                Enrollment.objects.filter(person=person).exists():
            return
        start = self.month
        for _ in range(back):  # back-dated into assessed months: adjustments next time
            start = date(start.year - (start.month == 1), (start.month - 2) % 12 + 1, 1)
        start = max(start, FIRST)
        with acting_as(None, username="state-machine"):
            services.hire(user=None, person=person, employer=self.employer, start_date=start, contract_kind="open",
                          wage_fen=wage)

    @rule(who=st.integers(0, 3), wage=st.integers(100_000, 4_000_000))
    def declare(self, who, wage):
        person = self.persons[who]
        year = assessment_year(self.month)
        with acting_as(None, username="state-machine"):
            try:
                declarations.declare(user=None, person=person, employer=self.employer, year=year, wage_fen=wage)
            except DomainError:
                pass  # not employed with it that year: refused, nothing written

    @rule(who=st.integers(0, 3), at_floor=st.booleans())
    def self_enroll(self, who, at_floor):
        person = self.persons[who]
        if Enrollment.objects.filter(person=person).exists() or self.month > LAST:
            return
        base = 502_500 if at_floor else 800_000
        with acting_as(None, username="state-machine"):
            services.enroll_self(user=None, person=person, insurances=["pension", "medical"], start_month=self.month,
                                 base_fen=base if assessment_year(self.month) == 2025 else base * 487_900 // 502_500)

    # --- the batches -------------------------------------------------------------------------------------------

    @precondition(lambda self: self.month <= LAST)
    @rule(months=st.integers(1, 4))
    def assess(self, months):
        for _ in range(months):
            if self.month > LAST:
                return
            with acting_as(None, username="state-machine"):
                assessment.run(self.month, progress=None)
                again = assessment.run(self.month, progress=None)  # running a month again changes nothing
            assert again.lines == 0 and again.due_fen == 0
            self.month = _next(self.month)

    @precondition(lambda self: self.month > FIRST)
    @rule(share=st.sampled_from([100, 100, 60, 130]), late_days=st.sampled_from([0, 0, 20, 400]),
          unknown=st.booleans())
    def pay(self, share, late_days, unknown):
        bill = Bill.objects.filter(due_fen__gt=0).order_by("-month", "-id").first()
        if bill is None:
            return
        amount = max(bill.due_fen * share // 100, 1)
        payer = self.employer.credit_code if bill.employer_id else bill.person.citizen_id
        if unknown:
            payer = make_credit_code(99_999_990)  # a valid credit code no employer has: suspense
        day = min(bill.due_date + timedelta(days=late_days), date(2026, 11, 1))
        self.files += 1
        path = self.tmp / f"pay{self.files}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["bank_ref", "channel", "payer_code", "amount", "paid_on"])
            out.writerow([f"SM{id(self)}-{self.files}", "bank", payer, f"{amount // 100}.{amount % 100:02d}",
                          day.isoformat()])
        with acting_as(None, username="state-machine"):
            try:
                import_payments(path, progress=None)
            except DomainError:
                return  # an invalid payer code is reported per row, nothing written
        self.last_file = path

    # --- corrections: 冲正、退款、认领 -----------------------------------------------------------------------------

    @rule(pick=st.integers(0, 1000))
    def reverse(self, pick):
        refs = list(Payment.objects.filter(reversal__isnull=True).order_by("id").values_list("bank_ref", flat=True))
        if not refs:
            return
        ref = refs[pick % len(refs)]
        with acting_as(None, username="state-machine"):
            try:
                corrections.reverse_payment(user=None, bank_ref=ref, reason="状态机冲正")
            except DomainError:
                event("reverse: refused")
                return  # a claimed suspense payment, or held credit already refunded: refused, nothing written
            event("reverse: done")
            before = (Allocation.objects.count(), JournalLine.objects.count())
            try:
                corrections.reverse_payment(user=None, bank_ref=ref, reason="状态机再次冲正")
                raise AssertionError("a payment was reversed twice")
            except DomainError:
                pass
        assert (Allocation.objects.count(), JournalLine.objects.count()) == before

    @rule(share=st.sampled_from([100, 50, 101]))
    def refund(self, share):
        credit = selectors.balance(f"credit:employer:{self.employer.pk}")
        owed = max(selectors.balance(f"receivable:employer:{self.employer.pk}"), 0)
        if credit <= 0:
            return
        amount = max(credit * share // 100, 1)
        with acting_as(None, username="state-machine"):
            try:
                corrections.refund_credit(user=None, payer=self.employer, amount_fen=amount,
                                          bank_account="工行 6222 0000 1111", reason="状态机退款")
            except DomainError:
                assert amount > credit - owed  # only beyond the credit left after arrears
                event("refund: refused")
                return
        event("refund: done")
        assert amount <= credit - owed
        assert selectors.balance(f"credit:employer:{self.employer.pk}") == credit - amount

    @rule()
    def claim(self):
        waiting = corrections.suspense_payments(None)
        if not waiting:
            return
        with acting_as(None, username="state-machine"):
            corrections.claim_payment(user=None, bank_ref=waiting[0]["bank_ref"], payer=self.employer,
                                      reason="状态机认领")
        event("claim: done")

    @precondition(lambda self: self.month > FIRST)
    @rule()
    def use_credit(self):
        with acting_as(None, username="state-machine"):
            apply_credit(date(2026, 11, 1), progress=None)

    @precondition(lambda self: self.last_file is not None)
    @rule()
    def pay_same_file_again(self):
        before = (Allocation.objects.count(), JournalLine.objects.count())
        with acting_as(None, username="state-machine"):
            import_payments(self.last_file, progress=None)
        assert (Allocation.objects.count(), JournalLine.objects.count()) == before

    @precondition(lambda self: self.month > date(2025, 1, 1))
    @rule(year=st.sampled_from([2024, 2025]))
    def credit_interest(self, year):
        if self.month <= date(year, 12, 1):
            return  # the year is not over in this world
        with acting_as(None, username="state-machine"):
            interest.credit_interest(year, progress=None)
            again = interest.credit_interest(year, progress=None)
        assert again["entries"] == 0

    @rule(who=st.integers(0, 3))
    def transfer_out(self, who):
        person = self.persons[who]
        if not Enrollment.objects.filter(person=person, insurance="pension", end_month__isnull=True).exists():
            return
        month = min(_prev(self.month), LAST)
        with acting_as(None, username="state-machine"):
            try:
                transfers.transfer_out(user=None, person=person, insurance="pension", counterpart_code="310000",
                                       counterpart_name="上海市", month=month)
            except DomainError:
                pass  # arrears or months not yet paid: refused, nothing written

    # --- invariants ----------------------------------------------------------------------------------------------

    @invariant()
    def books_balance(self):
        failed = {name: r.differences[:3] for name, r in reconcile.run_all() if r.count}
        assert not failed

    @invariant()
    def paid_never_exceeds_due_plus_credit(self):
        for item in BillItem.objects.filter(due_fen__gt=0):
            paid = Allocation.objects.filter(item=item, kind__in=["principal", "credit_used"]).aggregate(
                s=Sum("amount_fen"))["s"] or 0
            assert paid <= item.due_fen

    @invariant()
    def every_payment_is_fully_used(self):
        for payment in _payments_with_allocations():
            assert payment[1] == payment[2] or payment[3]  # allocated in full, or waiting in suspense

    @invariant()
    def accounts_not_negative(self):
        # individual accounts, held credit and suspense (the bank account and the funds hold every payer's money:
        # in this one-employer world a refund followed by a reversal may overdraw them, as it would a real account)
        for prefix in ("personal:", "credit:", "suspense:"):
            for code, fen in selectors.balances(prefix).items():
                assert fen >= 0, code

    @invariant()
    def transferred_out_means_closed(self):
        for t in Transfer.objects.filter(direction="out"):
            assert not Enrollment.objects.filter(person=t.person, insurance=t.insurance, end_month__isnull=True).exists()


def _prev(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def assessment_year(month: date) -> int:
    from laobao.insurance.bases import contribution_year

    return contribution_year(min(month, LAST))


def _payments_with_allocations():
    from laobao.insurance.models import Payment

    for p in Payment.objects.all():
        used = Allocation.objects.filter(payment=p).aggregate(s=Sum("amount_fen"))["s"] or 0
        reversed_ = PaymentReversal.objects.filter(payment=p).exists()
        yield p.pk, (0 if reversed_ else p.amount_fen), used, p.employer_id is None and p.person_id is None


TMP: Path
WORLD: tuple


def test_money_state_machine(city, make_person, make_employer, tmp_path):
    global TMP, WORLD
    TMP, WORLD = tmp_path, (city, make_person, make_employer)
    run_state_machine_as_test(MoneyMachine, settings=hsettings(
        max_examples=12, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
