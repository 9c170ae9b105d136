"""“充分就业社区”占社区比例 (plan 四(一): 90%以上的社区实现“充分就业社区”目标), from the community assessments.

The year to date at the month end. While a criterion has no value (ADR 0017: the shipped tree has none, no citable
standard was found) no community can be assessed 达标 and the share is undefined (None) — nothing is computed.
"""

from __future__ import annotations

from datetime import date

from laobao.kpi.registry import share
from laobao.kpi.selectors import month_end
from laobao.kpi.targets import plan_target

from .assessment import MET, standards


def full_employment_share(user, month: date, region):
    from .selectors import table  # the selectors import the employment indicators: import late

    on = month_end(month)
    if any(v is None for v in standards(on).values()):
        return None
    rows = table(user, region, month.year, today=on)
    return share(sum(1 for r in rows if r.assessment.result == MET), len(rows))


def register_all() -> None:
    from laobao.kpi.registry import register

    register(plan_target("employment.full_employment_community_share").indicator(
        compute=full_employment_share, additive=False,
        definition_zh="月末（本年1月1日至月末）按参数中的充分就业社区标准评定为“达标”的社区数 ÷ 区域内社区数。各项标准见 "
                      "employment.full_employment_* 参数；任一项标准尚无数值时不计算（无值）。",
        definition_en="Communities assessed 'met' against the full-employment community criteria in the parameters "
                      "(year to date at the month end) ÷ communities in the region. The criteria are the "
                      "employment.full_employment_* parameters; while one has no value the share is not computed."))


register_all()
