"""The benefits indicators (issue 5, Must have 9), registered with :mod:`laobao.kpi.registry`.

Imported once by ``KpiConfig.ready`` (``autodiscover_modules("indicators")``), like the insurance app's.
Set-based: each compute is one grouped query through :func:`laobao.kpi.selectors.scoped` (kind
"indicator"); a benefit counts in its person's residence region. A benefit is *in payment* in a month
when it is ``active`` and its months cover the month (start ≤ month, open or ending on or after it);
the status is today's, so figures for past months count benefits stopped since then as not in payment.

The two rates carry the plan's targets from :mod:`laobao.kpi.targets` (《苏州市劳动和社会保障事业发展
“十一五”规划》四(二)1: 基本养老保险金社会化发放率达到100%；社会化管理服务率达到95%以上，其中社区管理率
达到90%以上; 2005 baselines 一(二)三 and 一(二)五: 发放率 100%, 社区管理率 91%).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import translation

from laobao.core.models import Region, RegionLevel
from laobao.kpi.districts import count_rows, district_labels, district_of, with_district
from laobao.kpi.registry import Indicator, Row, register, share
from laobao.kpi.selectors import month_end, scoped
from laobao.kpi.targets import plan_target

from .models import BankAccount, Benefit, BenefitKind, BenefitRate, BenefitStatus, PaymentLine, ReturnOutcome

PATH = "person__residence_region__path"
KIND_EN = {"pension": "pension", "unemployment": "unemployment benefit", "injury_allowance": "disability allowance",
           "injury_dependant": "dependants' pension", "survivor": "survivors' benefit"}


def _in_payment(user, month: date, region: Region, kind: str | None = None):
    qs = Benefit.objects.filter(status=BenefitStatus.ACTIVE, start_month__lte=month).filter(
        Q(end_month__isnull=True) | Q(end_month__gte=month))
    if kind:
        qs = qs.filter(kind=kind)
    return scoped(qs, user, region, PATH)


def _kind_zh(kind: str) -> str:
    with translation.override("zh-hans"):
        return str(BenefitKind(kind).label)


def bank_paid_rate(user, month: date, region: Region):
    """Pensions in payment with a current bank account at the month end and a payroll line in the month's run
    that the bank did not return as rejected (pending or paid)."""
    end = month_end(month)
    account = BankAccount.objects.filter(person=OuterRef("person"), opened_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    line = PaymentLine.objects.filter(benefit=OuterRef("pk"), run__month=month).exclude(
        payment_return__outcome=ReturnOutcome.REJECTED)
    qs = _in_payment(user, month, region, BenefitKind.PENSION).annotate(acc=Exists(account), paid=Exists(line))
    got = qs.aggregate(n=Count("id"), bank=Count("id", filter=Q(acc=True, paid=True)))
    return share(got["bank"], got["n"])


def community_managed_rate(user, month: date, region: Region):
    """Retirees (pensions in payment) whose residence region is a community (社区/村) ÷ retirees."""
    got = _in_payment(user, month, region, BenefitKind.PENSION).aggregate(
        n=Count("id"), c=Count("id", filter=Q(person__residence_region__level=RegionLevel.COMMUNITY)))
    return share(got["c"], got["n"])


def average_pension(user, month: date, region: Region) -> list[Row]:
    """Average current monthly rate (fen) of pensions in payment by district, rounded half up exactly."""
    current = BenefitRate.objects.filter(benefit=OuterRef("pk"), from_month__lte=month).order_by(
        "-from_month", "-id").values("monthly_fen")[:1]
    qs = with_district(_in_payment(user, month, region, BenefitKind.PENSION), PATH).annotate(
        rate=Subquery(current))
    sums: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for r in qs.values("district").annotate(s=Sum("rate"), n=Count("id")).order_by():
        sums[district_of(r["district"])] += r["s"] or 0
        counts[district_of(r["district"])] += r["n"]
    labels = district_labels({d for d in counts if d})
    return [Row(key=(("district", labels[d][0]),), label_zh=labels[d][1], label_en=labels[d][2],
                value=(2 * sums[d] + counts[d]) // (2 * counts[d]))
            for d in sorted(counts, key=lambda d: labels[d][0])]


def beneficiaries(user, month: date, region: Region) -> list[Row]:
    """Benefits in payment by kind and district (one person may hold several kinds)."""
    return count_rows(_in_payment(user, month, region), PATH, "kind", order=BenefitKind.values,
                      labels=lambda kind: (_kind_zh(kind), KIND_EN.get(kind, kind)))


register(plan_target("benefits.pension_bank_payment_rate").indicator(
    compute=bank_paid_rate,
    definition_zh="当月在发的基本养老金中，月末有有效代发银行账户且当月代发批次有未被银行退回的发放记录的比例；按退休人员现居住地区划统计。",
    definition_en="Share of pensions in payment in the month that have a current bank account at the month end and a "
                  "line in the month's payroll run that the bank did not return as rejected; counted by the retiree's residence region.",
))
register(plan_target("benefits.retiree_community_management_rate").indicator(
    compute=community_managed_rate,
    definition_zh="当月在发基本养老金的退休人员中，现居住地登记到社区（村）一级的比例；按现居住地区划统计。",
    definition_en="Share of retirees with a pension in payment whose residence region is recorded at community "
                  "(village) level; counted by the residence region.",
))
register(Indicator(
    code="benefits.average_pension",
    name_zh="月人均基本养老金（按区）", name_en="Average monthly pension by district",
    unit="分", unit_en="fen",
    definition_zh="当月在发的基本养老金按当月执行的待遇标准（起始月不晚于当月的最新标准）求平均，单位为分，"
                  "整数除法四舍五入；按退休人员现居住地所在区（县级市）分组。",
    definition_en="Average of the monthly rate in force (the latest rate starting on or before the month) of the "
                  "pensions in payment, in fen, divided exactly and rounded half up; by the district of the "
                  "retiree's residence.",
    compute=average_pension, additive=False,
))
register(Indicator(
    code="benefits.beneficiaries",
    name_zh="待遇享受人数（按待遇种类和区）", name_en="Beneficiaries by benefit kind and district",
    unit="人", unit_en="persons",
    definition_zh="当月在发的待遇（正常发放，起始月不晚于当月，且未终止或终止月不早于当月），每项待遇计一次，"
                  "按待遇种类和享受人现居住地所在区（县级市）分组；各种类相加为人次。",
    definition_en="Benefits in payment in the month (active, started on or before it, open or ending on or after "
                  "it), one per benefit, by kind and the district of the person's residence; the sum over kinds "
                  "counts person-benefits.",
    compute=beneficiaries,
))
