"""Benefits (待遇): the core every kind of benefit shares, and the pension claim (养老金申领).

Months are stored as the first day of the month. Amounts are integer fen. State changes of a benefit
happen only through services, each leaving a ``BenefitEvent``; what is due for a month is the latest
``BenefitRate`` with ``from_month`` ≤ that month. Events and rates are append-only (database triggers,
migration 0001), like the journal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laobao.registry.models import Person


class Bank(models.Model):
    """A bank payroll files go to (代发银行), by its CNAPS bank category code (行别代码, e.g. 102)."""

    code = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=60)
    issues_cards = models.BooleanField(default=True)  # 16–19 digit numbers are cards: Luhn-checked
    reference = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BankAccount(models.Model):
    """代发账户 of a person. A correction closes the row and adds a new one (never edits): payroll files
    name the row they paid to. One current (``closed_on`` null) account per person."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bank_accounts")
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="accounts")
    account_no = models.CharField(max_length=30)
    holder_name = models.CharField(max_length=50)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(closed_on__isnull=True),
                                    name="one_current_bank_account_per_person"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                                   name="bank_account_dates"),
        ]


def luhn_ok(digits: str) -> bool:
    """The card check digit (ISO/IEC 7812)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def account_no_problem(account_no: str, bank: Bank) -> str | None:
    """None when acceptable; else the reason (digits 12–30; a 16–19 digit card of a card bank passes Luhn)."""
    if not account_no.isdigit() or not 12 <= len(account_no) <= 30:
        return "digits"
    if bank.issues_cards and 16 <= len(account_no) <= 19 and not luhn_ok(account_no):
        return "luhn"
    return None


class BenefitKind(models.TextChoices):
    PENSION = "pension", _("基本养老金")
    UNEMPLOYMENT = "unemployment", _("失业保险金")
    INJURY_ALLOWANCE = "injury_allowance", _("伤残津贴")
    INJURY_DEPENDANT = "injury_dependant", _("供养亲属抚恤金")
    SURVIVOR = "survivor", _("遗属待遇")


class BenefitStatus(models.TextChoices):
    ACTIVE = "active", _("正常发放")
    SUSPENDED = "suspended", _("暂停发放")
    STOPPED = "stopped", _("终止发放")


class Benefit(models.Model):
    """待遇: one benefit of a person, paid from ``fund`` (a ledger code) from ``start_month`` on.

    ``source`` names what created it (e.g. ``pension_claim:YL202611270001``) and is unique: a second
    approval of the same claim cannot create a second benefit.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="benefits")
    kind = models.CharField(max_length=20, choices=BenefitKind.choices)
    fund = models.CharField(max_length=40)
    start_month = models.DateField()
    end_month = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=BenefitStatus.choices, default=BenefitStatus.ACTIVE)
    source = models.CharField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "-start_month"]
        indexes = [models.Index(fields=["kind", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(kind="pension"), name="one_pension_per_person"),
            models.CheckConstraint(condition=Q(end_month__isnull=True) | Q(end_month__gte=models.F("start_month")),
                                   name="benefit_months"),
        ]


class EventKind(models.TextChoices):
    START = "start", _("开始发放")
    SUSPEND = "suspend", _("暂停")
    RESUME = "resume", _("恢复")
    STOP = "stop", _("终止")
    RATE = "rate", _("调整标准")


class BenefitEvent(models.Model):
    """One change of a benefit's state, with its month, reason code and who made it (append-only)."""

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="events",
                                db_constraint=False)  # ADR 0010 on PostgreSQL (migration 0010): proved by reconcile
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    month = models.DateField()
    reason = models.CharField(max_length=40)
    note = models.CharField(max_length=300, blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["benefit", "at", "id"]


class RateReason(models.TextChoices):
    AWARD = "award", _("核定")
    INDEXATION = "indexation", _("调待")
    CORRECTION = "correction", _("更正")


class BenefitRate(models.Model):
    """待遇标准 from a month on, with its explanation (``components``: amount, formula, parameters each).

    Append-only; ``key`` is unique (``award:<claim_no>``, ``index:<year>:<benefit>``) so a rerun adds nothing.
    Indexation rates since migration 0012 store a compact form (the year's ``IndexationScheme``, the base rate,
    the person's figures, the base's ``account`` part; ADR 0019-D): read a rate's lines through
    ``benefits.indexation.explain.explain``, never ``components`` directly.
    """

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="rates",
                                db_constraint=False)  # ADR 0010 on PostgreSQL (migration 0010): proved by reconcile
    from_month = models.DateField()
    monthly_fen = models.BigIntegerField()
    components = models.JSONField(default=list)
    reason = models.CharField(max_length=12, choices=RateReason.choices)
    key = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["benefit", "from_month", "id"]
        constraints = [models.CheckConstraint(condition=Q(monthly_fen__gte=0), name="rate_not_negative")]


class ClaimStatus(models.TextChoices):
    RECEIVED = "received", _("已受理（条件未满足）")
    CHECKED = "checked", _("已审核，待复核")
    APPROVED = "approved", _("已核准")
    REJECTED = "rejected", _("不予核准")
    WITHDRAWN = "withdrawn", _("已撤回")


class RetireOption(models.TextChoices):
    NORMAL = "normal", _("按法定退休年龄")
    EARLY = "early", _("弹性提前退休")
    LATE = "late", _("弹性延迟退休")


OPEN_CLAIM = (ClaimStatus.RECEIVED, ClaimStatus.CHECKED)


class PensionClaim(models.Model):
    """养老金申领 at the counter: received by a maker, decided by a different checker (maker-checker).

    ``category`` is the original statutory age on the person's file (男 60, 女干部 55, 女工人 50).
    ``deemed_months`` and ``pre_account_index`` come from the archive (视同缴费, entered by the maker with
    ``note``); ``pension_base_fen`` and ``reference_wages`` ({year: fen}) are the maker's figures where the
    parameters or base limits have none. ``checks`` is the list of {code, ok, zh, en}; ``calculation`` the
    inputs and the rule's result with its explanation. Status: received (a check fails) / checked (all
    pass) → approved | rejected | withdrawn.
    """

    claim_no = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pension_claims")
    received_on = models.DateField()
    category = models.PositiveSmallIntegerField()
    option = models.CharField(max_length=6, choices=RetireOption.choices, default=RetireOption.NORMAL)
    shift_months = models.PositiveSmallIntegerField(default=0)
    retire_month = models.DateField()
    deemed_months = models.PositiveIntegerField(default=0)
    pre_account_index = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    pension_base_fen = models.BigIntegerField(null=True, blank=True)
    reference_wages = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=10, choices=ClaimStatus.choices)
    checks = models.JSONField(default=list)
    calculation = models.JSONField(null=True, blank=True)
    first_payment_month = models.DateField(null=True, blank=True)
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_zh = models.CharField(max_length=500, blank=True, default="")
    rejection_en = models.CharField(max_length=500, blank=True, default="")
    benefit = models.OneToOneField(Benefit, null=True, blank=True, on_delete=models.PROTECT, related_name="claim")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "received_on"])]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status__in=["received", "checked"]),
                                    name="one_open_pension_claim_per_person"),
        ]

    def __str__(self) -> str:
        return self.claim_no


# -- payroll (发放) ---------------------------------------------------------------------------------------------

class PayrollRun(models.Model):
    """One month's payroll (月度发放). ``lines``/``total_fen`` and ``files`` (per bank: file name, lines,
    total, sha256) are refreshed when a run of the month finishes; a re-run that finds nothing due leaves
    them as they were. ``sequence`` 0 is the monthly run; a reissue (``laobao payroll reissue``) of rejected
    lines after the account was corrected is a supplementary run of the month, sequence 1, 2…"""

    month = models.DateField()
    sequence = models.PositiveSmallIntegerField(default=0)  # 0 = the monthly run, 1, 2… = reissues (补发) of the month
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    lines = models.PositiveIntegerField(default=0)
    total_fen = models.BigIntegerField(default=0)
    files = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-month", "-sequence"]
        constraints = [models.UniqueConstraint(fields=["month", "sequence"], name="one_payroll_run_per_month_and_sequence")]


class PaymentLine(models.Model):
    """发放明细: one line of a bank file — what one benefit is paid in one run, to the account row named.

    Append-only (database triggers, migration 0002); unique (run, benefit), so a re-run of the month adds
    nothing. ``annuity_fen`` is the part debited to the person's annuity account (the account pension while
    that balance lasts); the rest comes from ``fund``. The status is derived: pending until a
    ``PaymentReturn`` names the line, then that return's outcome."""

    # Indexes: (run, benefit) unique and (benefit, run) serve the run and benefit lookups; person has its own
    # (the person's page); no index on bank_account (nothing looks lines up by account). Fewer indexes = a
    # cheaper payroll write (issue 5 speed target).
    # No database foreign keys (ADR 0010, PostgreSQL; migration 0007): reconcile
    # `benefits.payroll_rows_name_their_parents` proves the references, the tables are append-only.
    run = models.ForeignKey(PayrollRun, on_delete=models.PROTECT, related_name="payment_lines", db_index=False,
                            db_constraint=False)
    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="payment_lines", db_index=False,
                                db_constraint=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="payment_lines",
                                     db_index=False, db_constraint=False)
    bank_code = models.CharField(max_length=3)
    fund = models.CharField(max_length=40)
    amount_fen = models.BigIntegerField()
    annuity_fen = models.BigIntegerField(default=0)
    first_month = models.DateField()
    last_month = models.DateField()
    month_count = models.PositiveSmallIntegerField()
    months_text = models.CharField(max_length=400)
    # The month a line paying exactly one month pays (migration 0011, ADR 0018): such a line has NO PaymentMonth
    # row; a line paying several months (back pay) has its PaymentMonth rows and no single_month — never both
    # (reconcile `benefits.single_month_or_month_rows`). Lines written before 0011 keep their rows and NULL here.
    # Readers of paid months read the view `PaidMonth` (both kinds), never PaymentMonth alone.
    single_month = models.DateField(null=True, blank=True)
    # Σ amount of the benefit's lines not rejected when this line was written, this line included (NULL before
    # 0011): lets the next monthly run take a benefit's paid total from its previous line (payroll/due.py).
    paid_cum_fen = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "benefit"], name="one_payment_line_per_run_and_benefit"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0) & Q(annuity_fen__gte=0)
                                   & Q(annuity_fen__lte=models.F("amount_fen")), name="payment_line_amounts"),
        ]
        indexes = [models.Index(fields=["benefit", "run"], name="benefits_line_benefit")]


class PaymentMonth(models.Model):
    """What a back-pay line pays for each of its entitlement months (since migration 0011 only lines paying
    several months write these rows; a single-month line carries ``single_month``). Append-only.
    Read paid months through ``PaidMonth`` (the view of both), never this table alone."""

    line = models.ForeignKey(PaymentLine, on_delete=models.PROTECT, related_name="month_rows", db_index=False,
                             db_constraint=False)  # ADR 0010, as PaymentLine
    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="+", db_index=False,
                                db_constraint=False)
    month = models.DateField()
    amount_fen = models.BigIntegerField()

    class Meta:
        ordering = ["line", "month"]
        constraints = [
            models.UniqueConstraint(fields=["line", "month"], name="one_payment_month_per_line"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_month_positive"),
        ]
        indexes = [models.Index(fields=["benefit", "month"], name="benefits_paymonth_benefit")]


class PaidMonth(models.Model):
    """What a line pays per entitlement month, as every reader sees it: the database view
    ``benefits_paidmonth`` (migration 0011, ADR 0018) = the PaymentMonth rows UNION ALL the single-month lines
    (``single_month``, the line's amount). paid(m) of a benefit = Σ amounts of its months whose line was not
    rejected. Read-only (unmanaged); ``id`` = the PaymentMonth id, or minus the line id for a single-month line."""

    line = models.ForeignKey(PaymentLine, on_delete=models.DO_NOTHING, related_name="paid_months",
                             db_constraint=False)
    benefit = models.ForeignKey(Benefit, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    month = models.DateField()
    amount_fen = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "benefits_paidmonth"
        ordering = ["line", "month"]


class ReturnOutcome(models.TextChoices):
    PAID = "paid", _("已到账")
    REJECTED = "rejected", _("被退回")


class PaymentReturn(models.Model):
    """The bank's answer for one line (回盘): paid or rejected with the bank's reason. One per line
    (unique), append-only: a line's status never changes twice; a rejected line's months are paid again
    by a new line of a later run after the account is corrected."""

    line = models.OneToOneField(PaymentLine, on_delete=models.PROTECT, related_name="payment_return")
    outcome = models.CharField(max_length=8, choices=ReturnOutcome.choices)
    reason = models.CharField(max_length=200, blank=True, default="")
    settled_on = models.DateField()
    file_sha = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line"]


# -- community management (社会化管理): entitlement verification and death ----------------------------------------

class VerificationChannel(models.TextChoices):
    COMMUNITY = "community", _("社区认证")
    FAMILY = "family", _("家属代为认证")
    COUNTER = "counter", _("窗口认证")
    SELF = "self", _("本人自助认证")


class Verification(models.Model):
    """领取资格认证: one proof that a person drawing a benefit is alive and entitled, by the channel named.
    Append-only (database triggers, migration 0003); the latest ``verified_on`` (or the pension's award when
    there is none) starts the period of ``benefits.verification_period_months``."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="verifications")
    verified_on = models.DateField()
    channel = models.CharField(max_length=10, choices=VerificationChannel.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "-verified_on", "-id"]
        indexes = [models.Index(fields=["person", "verified_on"], name="benefits_verif_person")]


class Death(models.Model):
    """死亡登记: one per person. Every benefit ends with the month of death (nothing is due from the next month);
    the funeral grant and survivor grant are the caseworker's amounts (Jiangsu's are not in the parameters:
    ``*_manual`` says so); the inheritable individual account (annuity + pension account balances) is refunded
    to the heir. Append-only."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="death")
    died_on = models.DateField()
    source = models.CharField(max_length=100)  # e.g. 公安户籍注销, 医院死亡证明, 家属申报
    heir_name = models.CharField(max_length=50, blank=True, default="")
    funeral_grant_fen = models.BigIntegerField(default=0)
    survivor_grant_fen = models.BigIntegerField(default=0)
    grants_manual = models.BooleanField(default=True)  # amounts entered by the caseworker, not from parameters
    account_refund_fen = models.BigIntegerField(default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(funeral_grant_fen__gte=0) & Q(survivor_grant_fen__gte=0)
                                              & Q(account_refund_fen__gte=0), name="death_amounts")]


class Overpayment(models.Model):
    """多发待遇: months paid (lines not rejected) after a benefit's end (death), to recover from the person's
    estate: ledger ``overpayment:<benefit>`` Dr receivable:person:<pid> / Cr the fund (and the annuity
    account for the account part). One per benefit and cause; append-only."""

    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="overpayments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(max_length=20, default="death")
    first_month = models.DateField()
    last_month = models.DateField()
    months_text = models.CharField(max_length=400)
    amount_fen = models.BigIntegerField()
    annuity_fen = models.BigIntegerField(default=0)
    key = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["benefit", "first_month"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0) & Q(annuity_fen__gte=0)
                                              & Q(annuity_fen__lte=models.F("amount_fen")), name="overpayment_amounts")]


from .maternity.models import MaternityClaim  # noqa: E402,F401  (生育津贴申领, benefits/maternity/)
from .unemployment.models import UnemploymentClaim, UnemploymentRegistration  # noqa: E402,F401  (失业, benefits/unemployment/)
from .payouts.models import EmployerBankAccount, Payout, PayoutLine, PayoutReturn, PayoutRun  # noqa: E402,F401  (一次性待遇发放, benefits/payouts/)
from .payroll.models import UnemploymentMedical  # noqa: E402,F401  (失业期间医疗保险费, benefits/payroll/)
from .injury.models import InjuryAward, InjuryCase  # noqa: E402,F401  (工伤, benefits/injury/)
from .indexation.models import IndexationScheme  # noqa: E402,F401  (调待方案, benefits/indexation/)
