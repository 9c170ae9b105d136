"""Enrollment (参保登记): one row per person, insurance and covered period (months, first day stored)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laobao.registry.models import Employer, Person


class Insurance(models.TextChoices):
    PENSION = "pension", _("养老")
    MEDICAL = "medical", _("医疗")
    UNEMPLOYMENT = "unemployment", _("失业")
    INJURY = "injury", _("工伤")
    MATERNITY = "maternity", _("生育")


# Flexibly employed persons and individual businesses (no employer) may enroll in these only.
FLEXIBLE_INSURANCES = frozenset({Insurance.PENSION, Insurance.MEDICAL})


class Reason(models.TextChoices):
    HIRE = "hire", _("增员/入职")
    LEAVE = "leave", _("减员/离职")
    SUSPENSION = "suspension", _("暂停")
    TRANSFER_IN = "transfer_in", _("转入")
    TRANSFER_OUT = "transfer_out", _("转出")
    RETIREMENT = "retirement", _("退休")
    DEATH = "death", _("死亡")
    SELF_ENROLLMENT = "self_enrollment", _("个人参保")


class Enrollment(models.Model):
    """``person`` is insured in ``insurance`` from ``start_month`` to ``end_month`` inclusive (open while null).

    Months are stored as the first day of the month (the service normalizes and checks it). ``employer``
    null means the person enrolled themselves (flexibly employed / individual business).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrollments")
    insurance = models.CharField(max_length=16, choices=Insurance.choices)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="enrollments")
    start_month = models.DateField()
    end_month = models.DateField(null=True, blank=True)
    start_reason = models.CharField(max_length=16, choices=Reason.choices)
    end_reason = models.CharField(max_length=16, choices=Reason.choices, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "insurance", "-start_month"]
        constraints = [
            models.UniqueConstraint(fields=["person", "insurance"], condition=Q(end_month__isnull=True),
                                    name="one_open_enrollment_per_insurance"),
            models.CheckConstraint(condition=Q(end_month__isnull=True) | Q(end_month__gte=models.F("start_month")),
                                   name="enrollment_months"),
        ]
        indexes = [models.Index(fields=["employer", "insurance", "end_month"]),
                   models.Index(fields=["insurance", "start_month"])]

    def __str__(self) -> str:
        return f"{self.person} {self.insurance} {self.start_month:%Y-%m}"


# --- 增员登记：the hire data that labor contract filing (劳动合同备案) will link to -------------------------

class ContractKind(models.TextChoices):
    FIXED = "fixed", _("固定期限")
    OPEN = "open", _("无固定期限")
    TASK = "task", _("以完成一定工作任务为期限")


class HireReport(models.Model):
    """What the employer reported with a hire (增员): contract, post and starting wage.

    One per employment relation. The wage is the first year's declared base of the new hire.
    """

    relation = models.OneToOneField("registry.EmploymentRelation", on_delete=models.PROTECT,
                                    related_name="hire_report")
    contract_kind = models.CharField(max_length=8, choices=ContractKind.choices)
    contract_start = models.DateField()
    contract_end = models.DateField(null=True, blank=True)
    position = models.CharField(max_length=60, blank=True, default="")
    wage_fen = models.BigIntegerField()
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(wage_fen__gte=0), name="hire_wage_non_negative"),
            models.CheckConstraint(condition=Q(contract_end__isnull=True) | Q(contract_end__gte=models.F("contract_start")),
                                   name="hire_contract_dates"),
        ]


# --- 缴费基数：limits, declarations, risk classes ----------------------------------------------------------

class BaseLimit(models.Model):
    """缴费基数上下限 of one contribution year, per insurance (``insurance`` blank = every insurance).

    Set by the city from its published notice; the assessment refuses a year without limits.
    """

    year = models.PositiveSmallIntegerField()
    insurance = models.CharField(max_length=16, blank=True, default="", choices=Insurance.choices)
    floor_fen = models.BigIntegerField()
    cap_fen = models.BigIntegerField()
    reference = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "insurance"]
        constraints = [
            models.UniqueConstraint(fields=["year", "insurance"], name="one_base_limit_per_year_insurance"),
            models.CheckConstraint(condition=Q(floor_fen__gt=0) & Q(cap_fen__gte=models.F("floor_fen")),
                                   name="base_limit_order"),
        ]


class DeclarationKind(models.TextChoices):
    DECLARED = "declared", _("年度申报")
    NEW_HIRE = "new_hire", _("新参保")
    SELF = "self", _("个人选择")


class BaseDeclaration(models.Model):
    """缴费基数申报: the average monthly wage of the previous year (or a self-chosen base) for one contribution year.

    ``employer`` null = a flexibly employed person's own base. A correction updates the row (audited) and
    leaves a ``Recheck`` so closed months are adjusted in the next bill, never edited.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="base_declarations")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="base_declarations")
    year = models.PositiveSmallIntegerField()
    wage_fen = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=DeclarationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "employer", "year"], condition=Q(employer__isnull=False),
                                    name="one_declaration_per_employer_year"),
            models.UniqueConstraint(fields=["person", "year"], condition=Q(employer__isnull=True),
                                    name="one_self_declaration_per_year"),
            models.CheckConstraint(condition=Q(wage_fen__gte=0), name="declaration_wage_non_negative"),
        ]
        indexes = [models.Index(fields=["employer", "year"])]


class EmployerRiskClass(models.Model):
    """工伤保险行业风险类别 of an employer from a month on (the rate comes from the parameters)."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="risk_classes")
    from_month = models.DateField()
    risk_class = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employer", "from_month"], name="one_risk_class_per_month")]


class Recheck(models.Model):
    """A closed month of a person must be assessed again (back-dated hire, base correction, 补缴).

    The next assessment of the payer puts the differences as adjustment lines in its current bill and
    marks the recheck done with that bill (``done_bill``); nothing already billed is edited.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="rechecks")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="rechecks")
    from_month = models.DateField()
    reason = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    done_bill = models.ForeignKey("Bill", null=True, blank=True, on_delete=models.PROTECT, related_name="rechecks")

    class Meta:
        indexes = [models.Index(fields=["employer", "done_bill"])]


# --- 核定：bills, their items and lines --------------------------------------------------------------------

class Bill(models.Model):
    """应缴 — one per payer and month: an employer, or a flexibly employed person (``person``) paying alone.

    Written once by the assessment batch and never changed; its items carry the amounts due.
    ``region`` is the payer's region (for jurisdiction); ``lines`` counts person × insurance lines.
    """

    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="bills")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="own_bills")
    month = models.DateField()
    region = models.ForeignKey("core.Region", null=True, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    issued_at = models.DateTimeField()
    run = models.CharField(max_length=40)
    due_fen = models.BigIntegerField()
    lines = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(employer__isnull=True) ^ Q(person__isnull=True), name="bill_one_payer"),
            models.UniqueConstraint(fields=["employer", "month"], condition=Q(employer__isnull=False),
                                    name="one_bill_per_employer_month"),
            models.UniqueConstraint(fields=["person", "month"], condition=Q(person__isnull=False),
                                    name="one_bill_per_person_month"),
        ]
        indexes = [models.Index(fields=["month"])]


class BillItem(models.Model):
    """One insurance and contribution month of a bill: the unit a payment is allocated to.

    ``month`` is the bill's month for regular items and the corrected month for adjustments; an
    adjustment that lowers what was due is negative and is settled as credit.
    """

    # ADR 0010; no index of its own: the unique (bill, insurance, month) index serves every lookup by bill (0007)
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="items", db_constraint=False, db_index=False)
    insurance = models.CharField(max_length=16, choices=Insurance.choices)
    month = models.DateField()
    employer_fen = models.BigIntegerField()
    employee_fen = models.BigIntegerField()
    account_fen = models.BigIntegerField(default=0)
    due_fen = models.BigIntegerField()
    # Σ principal + credit_used allocated to the item (reversing rows included), kept by the DATABASE: a trigger
    # on insurance_allocation adds every inserted row; no code writes it, the item's other columns stay
    # append-only, and reconcile proves it equals Σ allocations (migration 0007, ADR 0015).
    paid_fen = models.BigIntegerField(db_default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bill", "insurance", "month"], name="one_item_per_bill_insurance_month"),
            models.CheckConstraint(condition=Q(due_fen=models.F("employer_fen") + models.F("employee_fen")),
                                   name="item_due_is_sum"),
        ]


class Contribution(models.Model):
    """One person's month on a bill, all five insurances in one row (the wide line layout, ADR 0008).

    Null columns: the person is not insured in that insurance that month. Work-injury and maternity are
    paid by the employer alone. ``month`` is the contribution month (earlier than the bill's for
    adjustments, whose amounts are the differences and may be negative). ``flags``: 1 base raised to
    the floor, 2 lowered to the cap, 4 no declaration (the parameters' rule), 8 new hire's first year,
    16 no work-injury risk class on file (class 1 used).
    """

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="contributions", db_index=False,
                             db_constraint=False)  # ADR 0010: proved by reconcile, not checked per row
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contributions", db_index=False,
                               db_constraint=False)
    month = models.DateField()
    adjustment = models.BooleanField(default=False)
    flags = models.PositiveSmallIntegerField(default=0)
    wage_fen = models.BigIntegerField()
    pension_base = models.BigIntegerField(null=True)
    pension_employer = models.BigIntegerField(null=True)
    pension_employee = models.BigIntegerField(null=True)
    account = models.BigIntegerField(null=True)
    medical_base = models.BigIntegerField(null=True)
    medical_employer = models.BigIntegerField(null=True)
    medical_employee = models.BigIntegerField(null=True)
    unemployment_base = models.BigIntegerField(null=True)
    unemployment_employer = models.BigIntegerField(null=True)
    unemployment_employee = models.BigIntegerField(null=True)
    injury_base = models.BigIntegerField(null=True)
    injury_employer = models.BigIntegerField(null=True)
    maternity_base = models.BigIntegerField(null=True)
    maternity_employer = models.BigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["person", "month"], name="contribution_person_month"),
                   models.Index(fields=["bill"], name="contribution_bill")]


# --- 征缴：payments and their allocation -------------------------------------------------------------------

class Channel(models.TextChoices):
    BANK = "bank", _("银行")
    TAX = "tax", _("税务")
    COUNTER = "counter", _("柜台")


class Payment(models.Model):
    """实缴 — one payment from a bank or tax bureau file, once per ``bank_ref`` however often imported.

    ``employer``/``person`` is the matched payer; unmatched payments (unknown payer code) keep only
    ``payer_code`` and sit in suspense until a caseworker assigns them.
    """

    bank_ref = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    payer_code = models.CharField(max_length=18)
    # no single-column indexes: (employer, paid_on) and (person, paid_on) below serve every lookup (migration 0007)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="payments",
                                 db_index=False)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="payments",
                               db_index=False)
    amount_fen = models.BigIntegerField()
    paid_on = models.DateField()
    source = models.CharField(max_length=200, blank=True, default="")
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_positive")]
        indexes = [models.Index(fields=["employer", "paid_on"]), models.Index(fields=["person", "paid_on"])]


class AllocationKind(models.TextChoices):
    PRINCIPAL = "principal", _("本金")
    LATE_FEE = "late_fee", _("滞纳金")
    CREDIT_HELD = "credit_held", _("多缴留抵")
    CREDIT_USED = "credit_used", _("留抵冲缴")


class Allocation(models.Model):
    """How money was applied to bills, append-only. Paid of an item = Σ principal + Σ credit_used on it.

    ``principal``/``late_fee``: from ``payment`` to ``item``; ``credit_held``: the part of ``payment`` left
    over (no item); ``credit_used``: from the payer's credit (ledger account ``credit:…``, no payment) to
    ``item``. The payer's credit balance is the ledger's, which also holds negative adjustments.

    A reversing row (冲正, ``collection.corrections``) names the row it undoes in ``reverses`` and copies its kind,
    item, payment and allocated_on with a negative amount (all or part of it): every Σ nets it, and the late fee
    of a reversed piece cancels exactly (``fees.piece_fees`` is odd in the amount).
    """

    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations",
                                db_constraint=False)  # ADR 0010
    item = models.ForeignKey(BillItem, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations",
                             db_constraint=False, db_index=False)  # allocation_item_paid below leads with item
    kind = models.CharField(max_length=12, choices=AllocationKind.choices)
    amount_fen = models.BigIntegerField()
    allocated_on = models.DateField()
    # 冲正: a reversing row undoes (part of) the row it names: same kind, item, payment and allocated_on,
    # a negative amount (collection.corrections). Every Σ over allocations thus nets the reversal.
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by",
                                 db_constraint=False, db_index=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(reverses__isnull=True, amount_fen__gt=0) |
                                   Q(reverses__isnull=False, amount_fen__lt=0), name="allocation_sign"),
            models.CheckConstraint(condition=Q(kind="credit_held", item__isnull=True, payment__isnull=False) |
                                   Q(kind="credit_used", item__isnull=False, payment__isnull=True) |
                                   Q(kind__in=["principal", "late_fee"], item__isnull=False, payment__isnull=False),
                                   name="allocation_source_and_target"),
        ]
        # item first (every lookup by item), then what paid needs: the record's probes read the index only
        indexes = [models.Index(fields=["item", "amount_fen", "kind"], name="allocation_item_paid"),
                   models.Index(fields=["reverses"], condition=Q(reverses__isnull=False), name="allocation_reverses")]


# --- 冲正、退款、认领：corrections by a caseworker, append-only (collection.corrections) -------------------------

class PaymentReversal(models.Model):
    """冲正 of one payment: its ledger entry reversed, its allocations undone by reversing rows.

    ``summary`` holds what was undone (fen): principal, late_fee, credit_held, credit_used undone to keep the
    payer's credit from going negative, and the ``account:<item>`` entries reversed.
    """

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="reversal")
    reason = models.CharField(max_length=200)
    reversed_on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(max_length=150)
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)


class CreditRefund(models.Model):
    """退款 of held credit to the payer: ``refund:<id>`` Dr credit:<payer> / Cr bank:collection."""

    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds")
    amount_fen = models.BigIntegerField()
    bank_account = models.CharField(max_length=100)
    reason = models.CharField(max_length=200)
    refunded_on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(employer__isnull=True) ^ Q(person__isnull=True), name="refund_one_payer"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="refund_positive"),
        ]


class PaymentClaim(models.Model):
    """认领 of a suspense payment (``payment``, no payer) by a payer: a new matched payment ``claim_payment``
    (bank_ref ``claim:<payment_id>:<n>``, same amount and day) is allocated like an imported one, and
    ``claim:<payment_id>:<n>`` moves the money out of suspense. Reversing ``claim_payment`` returns it there."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="claims")
    claim_payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="claimed_from")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(employer__isnull=True) ^ Q(person__isnull=True), name="claim_one_payer"),
        ]


# --- 关系转移接续 -------------------------------------------------------------------------------------------

class Direction(models.TextChoices):
    OUT = "out", _("转出")
    IN = "in", _("转入")


class Transfer(models.Model):
    """关系转移接续 of one insurance of a person to or from another pooling region.

    ``history`` is the month-by-month record carried (months, bases, amounts) as on the certificate
    (参保缴费凭证); ``account_fen`` the individual account balance, ``pooled_fen`` the pooled-fund amount.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfers")
    insurance = models.CharField(max_length=16, choices=Insurance.choices)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    counterpart_code = models.CharField(max_length=12)
    counterpart_name = models.CharField(max_length=100)
    month = models.DateField()
    certificate_no = models.CharField(max_length=40, unique=True)
    months = models.PositiveIntegerField()
    wages_fen = models.BigIntegerField()
    account_fen = models.BigIntegerField()
    pooled_fen = models.BigIntegerField()
    history = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["person", "insurance"])]
