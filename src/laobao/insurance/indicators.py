"""The insurance app's indicators (issue 4 item 7), registered with :mod:`laobao.kpi.registry`.

Set-based: each compute is one or two grouped queries through :func:`laobao.kpi.selectors.scoped`
(kind "indicator"). Bills count in the payer's region (``Bill.region``); insured persons in their
residence region. Collection rate 征缴率 = paid ÷ due (Σ principal + credit_used allocated by the month end
on the positive items of the year's bills up to the month); the pension and medical rates carry the plan's
targets (kpi/targets.py: ≥ 96 %, 四(二)1 and 四(二)2).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import translation

from laobao.core.models import Region
from laobao.kpi.districts import count_rows
from laobao.kpi.registry import Indicator, Row, register, share
from laobao.kpi.selectors import month_end, scoped
from laobao.kpi.targets import plan_target

from . import bases
from .models import Allocation, BillItem, Enrollment, Insurance

INSURANCE_EN = {"pension": "pension", "medical": "medical", "unemployment": "unemployment",
                "injury": "work injury", "maternity": "maternity"}
PAID_KINDS = ("principal", "credit_used")


def _zh(code: str) -> str:
    with translation.override("zh-hans"):
        return str(Insurance(code).label)


def insured_by_insurance(user, month: date, region: Region) -> list[Row]:
    """Enrollments covering ``month`` (one per person and insurance), by insurance and residence district."""
    qs = Enrollment.objects.filter(start_month__lte=month).filter(Q(end_month__isnull=True) | Q(end_month__gte=month))
    path = "person__residence_region__path"
    return count_rows(scoped(qs, user, region, path), path, "insurance", order=Insurance.values,
                      labels=lambda ins: (_zh(ins), INSURANCE_EN[ins]))


def _year_items(user, month: date, region: Region):
    """Positive items of the bills of ``month``'s year, January to ``month``, in the region."""
    qs = BillItem.objects.filter(due_fen__gt=0, bill__month__gte=date(month.year, 1, 1), bill__month__lte=month)
    return scoped(qs, user, region, "bill__region__path")


def _due_paid(items, end: date) -> tuple[dict, dict]:
    due = {r["insurance"]: r["s"] for r in items.values("insurance").annotate(s=Sum("due_fen")).order_by()}
    paid_rows = (Allocation.objects.filter(item__in=items, kind__in=PAID_KINDS, allocated_on__lte=end)
                 .values("item__insurance").annotate(s=Sum("amount_fen")).order_by())
    paid = {r["item__insurance"]: r["s"] for r in paid_rows}
    return due, paid


def collection_rates(user, month: date, region: Region) -> list[Row]:
    due, paid = _due_paid(_year_items(user, month, region), month_end(month))
    return [Row(key=(("insurance", ins),), label_zh=_zh(ins), label_en=INSURANCE_EN[ins],
                value=share(paid.get(ins, 0), due[ins])) for ins in Insurance.values if ins in due]


def _collection_rate(insurance: str):
    def compute(user, month: date, region: Region):
        items = _year_items(user, month, region).filter(insurance=insurance)
        due, paid = _due_paid(items, month_end(month))
        return share(paid.get(insurance, 0), due.get(insurance, 0))
    return compute


def _last_overdue_month(end: date) -> date:
    """The latest contribution month whose due date (bases.due_date, as collection.arrears) is before ``end``."""
    first = end.replace(day=1)
    if bases.due_date(first) < end:
        return first
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def arrears_by_insurance(user, month: date, region: Region) -> list[Row]:
    """Outstanding principal at the month end on items past their due date, in yuan (exact), by insurance.

    An item is due by its contribution month's due date (``bases.due_date``; an adjustment is late from its
    own month's), the rule ``collection.arrears`` applies."""
    end = month_end(month)
    items = BillItem.objects.filter(due_fen__gt=0, month__lte=_last_overdue_month(end), bill__month__lte=month)
    items = scoped(items, user, region, "bill__region__path")
    due, paid = _due_paid(items, end)
    return [Row(key=(("insurance", ins),), label_zh=_zh(ins), label_en=INSURANCE_EN[ins],
                value=Decimal(due[ins] - paid.get(ins, 0)).scaleb(-2))
            for ins in Insurance.values if ins in due and due[ins] - paid.get(ins, 0) > 0]


register(Indicator(
    code="insurance.insured_by_insurance",
    name_zh="参保人数（按险种和区）", name_en="Insured persons by insurance and district",
    unit="人", unit_en="persons",
    definition_zh="当月在保的参保登记（参保起始月不晚于当月，且未终止或终止月不早于当月），每人每险种计一次，"
                  "按险种和参保人现居住地所在区（县级市）分组；各险种相加为人次，不是人数。",
    definition_en="Enrollments covering the month (start month on or before it, open or ending on or after it), one "
                  "per person and insurance, grouped by insurance and the district of the person's residence; the "
                  "sum over insurances counts person-insurances, not persons.",
    compute=insured_by_insurance,
))

_RATE_ZH = ("当年1月至当月核定的应缴（正数明细，单位和个人部分合计）中，截至当月末已缴（冲抵本金和留抵冲缴）的比例；"
            "按缴费单位（或个人）所在区划统计。")
_RATE_EN = ("Share of the amount due on the bills of January to the month of the year (positive items, employer and "
            "employee share) that was paid (principal and credit used) by the month end; counted by the payer's region.")

register(Indicator(
    code="insurance.collection_rate_by_insurance",
    name_zh="社会保险费征缴率（按险种）", name_en="Contribution collection rate by insurance",
    unit="%", unit_en="%", definition_zh=_RATE_ZH, definition_en=_RATE_EN,
    compute=collection_rates, additive=False,
))
for _ins in ("pension", "medical"):
    register(plan_target(f"insurance.{_ins}_collection_rate").indicator(
        compute=_collection_rate(_ins), definition_zh=f"{_zh(_ins)}保险：" + _RATE_ZH,
        definition_en=f"{INSURANCE_EN[_ins].capitalize()} insurance: " + _RATE_EN))

register(Indicator(
    code="insurance.arrears_by_insurance",
    name_zh="欠缴社会保险费（按险种）", name_en="Contribution arrears by insurance",
    unit="元", unit_en="yuan",
    definition_zh="截至月末已核定、且所属月份的缴费期限已过而尚未缴清的应缴本金（不含滞纳金），按险种分组，"
                  "按缴费单位（或个人）所在区划统计。",
    definition_en="Principal still unpaid at the month end on billed items whose contribution month's due date has "
                  "passed (late fees excluded), "
                  "grouped by insurance, counted by the payer's region.",
    compute=arrears_by_insurance,
))
