"""The calculator: one engine behind the CLI (`laobao calc`), the API (`POST /api/v1/calc/{rule}`) and the pages.

A rule adapter reads the JSON input with :mod:`.fields` (bilingual errors naming the field), fetches
the parameters in force, calls the pure rule and returns a flat JSON object: the result fields
(amounts as yuan text "1854.70", dates as "YYYY-MM" / "YYYY-MM-DD"), ``parameters`` (each with its
value, unit, the date it applies from, the region whose value applied, its reference and status)
and ``formula`` (the formula with the numbers filled in).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from laobao.core.errors import DomainError


@dataclass(frozen=True)
class Input:
    """One input field: its JSON name, its labels, its kind (money, month, date, int, decimal, sex, bool, text)."""

    name: str
    label_zh: str
    label_en: str
    kind: str
    help_zh: str = ""
    help_en: str = ""
    default: object = None
    choices: tuple = ()


@dataclass(frozen=True)
class Output:
    name: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Rule:
    name: str
    title_zh: str
    title_en: str
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]
    compute: Callable[[dict], dict]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs)


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.name in RULES:
        raise ValueError(f"calculator rule {rule.name} registered twice")
    RULES[rule.name] = rule
    return rule


def rules() -> dict[str, Rule]:
    from . import adapters  # noqa: F401  (registers the rules on first use)

    return RULES


def run(name: str, data) -> dict:
    """Run calculator rule ``name`` on the JSON object ``data``; raise DomainError on bad input."""
    rule = rules().get(name)
    if rule is None:
        raise DomainError.of("rule", "calc.rule", f"没有名为“{name}”的计算：可用 {', '.join(sorted(RULES))}",
                             f"There is no calculation named '{name}': use one of {', '.join(sorted(RULES))}")
    if not isinstance(data, dict):
        raise DomainError.of("input", "calc.input", "输入应为 JSON 对象，例如 {\"wage\": \"8000.00\"}",
                             "The input must be a JSON object, e.g. {\"wage\": \"8000.00\"}")
    unknown = sorted(set(data) - set(rule.fields))
    if unknown:
        raise DomainError.of(unknown[0], "calc.unknown_field",
                             f"未知字段 {', '.join(unknown)}：“{name}”接受 {', '.join(rule.fields)}",
                             f"Unknown field {', '.join(unknown)}: '{name}' accepts {', '.join(rule.fields)}")
    return {"rule": name, **rule.compute(data)}


def _plain(value, unit: str):
    """A parameter value as JSON text: fen as yuan, decimals and ints as text, tables as objects."""
    if isinstance(value, dict):
        return {str(k): _plain(x, unit) for k, x in value.items()}
    if unit == "fen" and isinstance(value, int):
        from .fields import yuan

        return yuan(value)
    return None if value is None else str(value)


def parameters_out(values) -> list[dict]:
    """The parameters a calculation used, for its output (each once, in the order used)."""
    out, seen = [], set()
    for v in values:
        key = (v.name, v.since, v.region)
        if key in seen:
            continue
        seen.add(key)
        unit = (getattr(v, "table_unit", None) or "") if v.unit == "table" else v.unit
        out.append({"name": v.name, "value": _plain(v.value, unit), "unit": "yuan" if v.unit == "fen" else v.unit,
                    "since": v.since.isoformat(), "region": v.region, "reference": v.reference, "status": v.status})
    return out
