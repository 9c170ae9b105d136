"""``laobao employment communities [--year Y] [--region CODE]``: the 充分就业社区 table for the operator.

One block per district (the region's subtree; default the whole city): per community its figures and the
assessment, then the count assessed 达标. The criteria and the ones without a value come first.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils import timezone

from laobao.core.errors import DomainError
from laobao.kpi.selectors import region_by_code

from . import selectors
from .assessment import LABELS, MET, PARAMS, standards
from .figures import as_of

HEADER = ("代码/code", "社区/community", "失业/从业", "失业率%", "就业/登记", "零就业 认定/帮扶/逾期", "困难 就业/人数",
          "服务/services", "结果/result")


def _line(cells) -> str:
    return " | ".join(str(c) for c in cells)


def communities(cmd, *, year: int | None, region: str | None) -> None:
    this_year = timezone.localdate().year
    year = year or this_year
    if not 2000 <= year <= this_year:
        raise CommandError(f"--year {year}: 请填写2000年至{this_year}年之间的年份 / give a year from 2000 to {this_year}",
                           returncode=2)
    try:
        node = region_by_code(region) if region else selectors.region_for(None, None)
    except DomainError as exc:
        raise CommandError(f"{exc.text('zh-hans')} / {exc.text('en')}", returncode=1) from None
    start, on = as_of(year)
    values = standards(on)
    out = cmd.stdout
    out.write(f"充分就业社区 / full-employment communities {node.name} ({node.code}) {year}, as of {on:%Y-%m-%d}")
    for code, name in PARAMS.items():
        shown = "无标准值 / no value" if values[code] is None else values[code]
        out.write(f"  {LABELS[code][0]} / {LABELS[code][1]} [{name}]: {shown}")
    rows = selectors.table(None, node, year)
    out.write(_line(HEADER))
    district = None
    for r in rows:
        if r.region.path[:15] != district:
            district = r.region.path[:15]
            out.write(f"-- {district.strip('/').split('/')[-1]}")
        f, a = r.figures, r.assessment
        result = f"{a.label_zh}/{a.label_en}"
        if a.failed:
            result += " 未达到/failed: " + ", ".join(c.code for c in a.failed)
        if a.missing:
            result += " 无标准值/no value: " + ", ".join(c.code for c in a.missing)
        out.write(_line((r.region.code, r.region.name, f"{f.unemployed}/{f.employed}", a.criteria[0].figure,
                         a.criteria[1].figure, a.criteria[2].figure, a.criteria[3].figure, a.criteria[4].figure,
                         result)))
    met = sum(1 for r in rows if r.assessment.result == MET)
    out.write(f"{len(rows)} communities, {met} 达标/met")
