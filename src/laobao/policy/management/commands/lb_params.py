"""laobao params show NAME [--on YYYY-MM-DD] [--region CODE] [--json] | params list [--json]

``show`` prints the value of one parameter on a date (default: today) for a region, with the date it
applies from, the region whose override applied, its reference and its status. ``list`` prints every
parameter with its unit, label and how many dated values it has. A bad name, date or region code gets a
bilingual message and exit code 2; a malformed parameter file exits 1.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from laobao.policy.params import Parameter, ParameterError, ParamValue, check_region, load_all, parameter, parse_date

STATUS = {"verified": "已核实 verified", "source-only": "单一来源 source-only", "unverified": "未核实 UNVERIFIED"}


def _money(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def _shown(value, unit: str) -> str:
    if unit == "fen":
        return f"{value} 分 fen（{_money(value)} 元 yuan）"
    if unit == "ratio":
        return f"{value}（{(value * 100).normalize():f}%）"
    return f"{value} {unit}" if unit not in ("text", "integer") else str(value)


class Command(BaseCommand):
    help = "Show a policy parameter's value on a date (and its source), or list every parameter"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="the value of one parameter on a date")
        show.add_argument("name", help="e.g. contribution.pension_employer_rate")
        show.add_argument("--on", default=None, help="YYYY-MM-DD (default: today)")
        show.add_argument("--region", default=None, help="6- or 12-digit region code (default: the base value)")
        show.add_argument("--json", action="store_true", dest="as_json")
        listing = sub.add_parser("list", help="every parameter")
        listing.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, action: str, as_json: bool, **opts):
        try:
            if action == "show":
                return self._show(opts["name"], opts["on"], opts["region"], as_json)
            return self._list(as_json)
        except ParameterError as exc:
            code = 1 if exc.problems[0].code == "param.invalid" else 2
            raise CommandError(exc.text("zh-hans") + "\n" + exc.text("en"), returncode=code) from None

    def _show(self, name: str, on: str | None, region: str | None, as_json: bool) -> None:
        day = parse_date(on) if on is not None else date.today()
        p = parameter(name)
        v = p.at(day, check_region(region))
        if as_json:
            data = {**v.as_dict(), "on": day.isoformat(), "asked_region": region, "label": p.label,
                    "description": p.description}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self._text(p, v, day, region)

    def _text(self, p: Parameter, v: ParamValue, day: date, region: str | None) -> None:
        self.stdout.write(f"{p.name}  {p.label['zh']} / {p.label['en']}")
        self.stdout.write(f"  日期 on:           {day.isoformat()}" + (f"  地区 region: {region}" if region else ""))
        if isinstance(v.value, dict):
            self.stdout.write(f"  值 value ({v.table_unit} by row):")
            for key, cell in v.value.items():
                self.stdout.write(f"    {key}: {'—' if cell is None else _shown(cell, v.table_unit)}")
        else:
            self.stdout.write(f"  值 value:          {_shown(v.value, v.unit)}")
        self.stdout.write(f"  单位 unit:         {v.unit}")
        self.stdout.write(f"  起始 since:        {v.since.isoformat()}")
        self.stdout.write(f"  适用地区 applied:  {v.region or '基准值 base value'}")
        self.stdout.write(f"  出处 reference:    {v.reference}" + (f"  <{v.href}>" if v.href else ""))
        self.stdout.write(f"  状态 status:       {STATUS[v.status]}")

    def _list(self, as_json: bool) -> None:
        params = load_all()
        if as_json:
            rows = [self._row(p) for p in params.values()]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for p in params.values():
            row = self._row(p)
            span = f"{row['first']} 起 from, {row['entries']} 条 entries" if row["first"] else "尚无数值 no values yet"
            if row["ended"]:
                span += f", {row['ended']} 起无值 none from {row['ended']}"
            extra = f" [{', '.join(row['statuses'])}]" if row["statuses"] else ""
            extra += f"  地区覆盖 regions: {', '.join(row['regions'])}" if row["regions"] else ""
            self.stdout.write(f"{p.name:<42} {p.unit:<8} {p.label['zh']} / {p.label['en']}  ({span}){extra}")

    @staticmethod
    def _row(p: Parameter) -> dict:
        every = [e for entries in (p.values, *p.regions.values()) for e in entries]
        last = p.values[-1] if p.values else None
        return {"name": p.name, "unit": p.unit, "label": p.label, "entries": len(p.values),
                "first": p.values[0].since.isoformat() if p.values else None,
                "ended": last.since.isoformat() if last is not None and last.value is None else None,
                "regions": sorted(p.regions), "statuses": sorted({e.status for e in every if e.value is not None}),
                "file": p.path}
