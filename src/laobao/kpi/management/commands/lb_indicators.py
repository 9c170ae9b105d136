"""laobao indicators --month YYYY-MM [--region CODE] [--json] | --targets [--json]

Prints every registered indicator for the state at the end of the month, for the region's subtree
(default: the whole city). The operator at the machine reads the whole city. ``--targets`` prints the
plan's targets table instead, marking which targets an indicator already computes.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from laobao.core.errors import DomainError
from laobao.kpi import selectors, targets
from laobao.kpi.registry import Baseline, Indicator, Target, is_registered


def _unit(unit: str, unit_en: str) -> str:
    """"人 (persons)", but "%" once."""
    return unit if unit == unit_en else f"{unit} ({unit_en})"


def _fmt_target(t: Target, unit: str) -> str:
    note = f"，{t.note_zh} / {t.note_en}" if t.note_zh else ""
    return f"目标 target: {t.direction} {t.value} {unit}（{t.year}{note}） — {t.source}"


def _fmt_baseline(b: Baseline, unit: str) -> str:
    note = f"（{b.note_zh} / {b.note_en}）" if b.note_zh else ""
    return f"2005年基数 2005 baseline: {b.value} {unit}{note} — {b.source}"


def _fmt_value(value) -> str:
    return "—（无法计算 / not defined）" if value is None else str(value)


def _plan_lines(ind: Indicator | targets.PlanTarget) -> list[str]:
    lines = []
    if ind.target:
        lines.append("  " + _fmt_target(ind.target, _unit(ind.unit, ind.unit_en)))
    if ind.baseline_2005:
        lines.append("  " + _fmt_baseline(ind.baseline_2005, _unit(ind.unit, ind.unit_en)))
    return lines


class Command(BaseCommand):
    help = "Print the registered indicators for a month and a region (the state at the end of the month)"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument("--region", help="region code (default: the whole city)")
        parser.add_argument("--json", action="store_true", dest="as_json", help="machine-readable output")
        parser.add_argument("--targets", action="store_true", help="print the plan's targets table instead")

    def handle(self, *args, month, region, as_json: bool, **opts):
        if opts["targets"]:
            return self._targets(as_json=as_json)
        try:
            if not month:
                raise DomainError.of("month", "month.required", "请用 --month YYYY-MM 指定月份，例如 --month 2010-12",
                                     "Give the month with --month YYYY-MM, e.g. --month 2010-12")
            first = selectors.parse_month(month)
            where = selectors.region_by_code(region) if region else None
            results = selectors.evaluate(None, first, where)
        except DomainError as exc:
            raise CommandError(exc.text("zh-hans") + "\n" + exc.text("en"), returncode=1) from None
        if as_json:
            self._json([r.as_dict() for r in results])
        else:
            self._text(results, first)

    def _json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _text(self, results, first) -> None:
        region = results[0].region if results else selectors.city_root()
        end = selectors.month_end(first)
        self.stdout.write(f"指标 Indicators — {region.name} {region.name_en} ({region.code}) — "
                          f"{first:%Y-%m}（{end.isoformat()} 月末状态 / state at month end）")
        for r in results:
            ind = r.indicator
            self.stdout.write("")
            self.stdout.write(f"{ind.code}  {ind.name_zh} / {ind.name_en}")
            self.stdout.write(f"  {_fmt_value(r.value)} {_unit(ind.unit, ind.unit_en)}")
            for row in r.rows:
                key = " ".join(v for _, v in row.key if v)
                self.stdout.write(f"    {row.label_zh} / {row.label_en} [{key}]: {_fmt_value(row.value)}")
            for line in _plan_lines(ind):
                self.stdout.write(line)

    def _targets(self, *, as_json: bool) -> None:
        if as_json:
            return self._json([t.as_dict() for t in targets.PLAN_TARGETS])
        self.stdout.write(f"规划目标 Plan targets — {targets.PLAN}")
        for t in targets.PLAN_TARGETS:
            state = "已计算 computed" if is_registered(t.code) else "待计算 not computed yet"
            self.stdout.write("")
            self.stdout.write(f"{t.code}  {t.name_zh} / {t.name_en}  [{t.section}] {state}")
            for line in _plan_lines(t):
                self.stdout.write(line)

