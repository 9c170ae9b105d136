"""The assessment of a community against the 充分就业社区 criteria held in the parameters.

Each criterion compares a figure with its parameter on ``on``. A parameter without a value (ADR 0017: no citable
text of the standard was found, so the shipped tree has none) leaves the criterion unjudged and named. Result:
``not_met`` (未达标) when any judged criterion fails; otherwise ``incomplete`` (无法评定) when a criterion has no
value; otherwise ``met`` (达标). A share of nobody (no registered unemployed, no hard-to-employ, nobody in the
labor force) meets its criterion: there is no one left to help.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from laobao.kpi.registry import share
from laobao.policy.params import ParameterError, param

from .figures import SERVICES, Figures

MET, NOT_MET, INCOMPLETE = "met", "not_met", "incomplete"
RESULT_LABELS = {MET: ("达标", "met"), NOT_MET: ("未达标", "not met"), INCOMPLETE: ("无法评定", "cannot be assessed")}
PARAMS = {
    "unemployment_rate": "employment.full_employment_max_unemployment_rate",
    "reemployment": "employment.full_employment_min_reemployment_share",
    "zero_families": "employment.full_employment_zero_family_days",
    "hard_placed": "employment.full_employment_min_hard_placed_share",
    "services": "employment.full_employment_services",
}
LABELS = {
    "unemployment_rate": ("社区登记失业率", "registered unemployment rate"),
    "reemployment": ("登记失业人员年内就业比例", "registered unemployed re-employed in the year"),
    "zero_families": ("零就业家庭按期帮扶就业", "zero-employment families helped in time"),
    "hard_placed": ("就业困难人员年内就业比例", "hard-to-employ placed in the year"),
    "services": ("社区就业服务项目齐全", "employment services offered in the community"),
}


@dataclass(frozen=True)
class Criterion:
    code: str
    label_zh: str
    label_en: str
    figure: str          # the community's figure as shown
    standard: str | None  # the criterion as shown; None = the parameter has no value
    met: bool | None     # None = not judged (no value)


@dataclass(frozen=True)
class Assessment:
    criteria: tuple[Criterion, ...]
    result: str

    @property
    def missing(self) -> list[Criterion]:
        return [c for c in self.criteria if c.standard is None]

    @property
    def failed(self) -> list[Criterion]:
        return [c for c in self.criteria if c.met is False]

    @property
    def label_zh(self) -> str:
        return RESULT_LABELS[self.result][0]

    @property
    def label_en(self) -> str:
        return RESULT_LABELS[self.result][1]


def standards(on: date) -> dict:
    """criterion code → the parameter's value on ``on``, or None when it has none."""
    out = {}
    for code, name in PARAMS.items():
        try:
            out[code] = param(name, on).value
        except ParameterError:
            out[code] = None
    return out


def zero_days(on: date) -> int | None:
    value = standards(on)["zero_families"]
    return int(value) if value is not None else None


def pct(ratio) -> Decimal:
    return (Decimal(str(ratio)) * 100).quantize(Decimal("0.01"))


def _text(value) -> str:
    return "—" if value is None else f"{value}%"


def _criterion(code: str, figure: str, standard: str | None, met: bool | None) -> Criterion:
    zh, en = LABELS[code]
    return Criterion(code, zh, en, figure, standard, met if standard is not None else None)


def rate(f: Figures) -> Decimal | None:
    return share(f.unemployed, f.unemployed + f.employed)


def assess(f: Figures, std: dict) -> Assessment:
    r, re_share, hard_share = rate(f), share(f.reemployed, f.registered), share(f.hard_placed, f.hard)
    limit, floor, hard_floor = (pct(std[k]) if std[k] is not None else None
                                for k in ("unemployment_rate", "reemployment", "hard_placed"))
    required = [s for s in (std["services"] or "").split(",") if s] if std["services"] is not None else None
    absent = [s for s in (required or []) if not f.services.get(s)]
    days = std["zero_families"]
    criteria = (
        _criterion("unemployment_rate", _text(r), f"≤ {limit}%" if limit is not None else None,
                   r is None or (limit is not None and r <= limit)),
        _criterion("reemployment", f"{f.reemployed}/{f.registered} = {_text(re_share)}",
                   f"≥ {floor}%" if floor is not None else None, re_share is None or (floor is not None and re_share >= floor)),
        _criterion("zero_families", f"{f.zero_families} / {f.zero_helped if f.zero_helped is not None else '—'} / "
                   f"{f.zero_overdue if f.zero_overdue is not None else '—'}",
                   f"≤ {days}天/days" if days is not None else None, f.zero_overdue == 0),
        _criterion("hard_placed", f"{f.hard_placed}/{f.hard} = {_text(hard_share)}",
                   f"≥ {hard_floor}%" if hard_floor is not None else None,
                   hard_share is None or (hard_floor is not None and hard_share >= hard_floor)),
        _criterion("services", " ".join(f"{SERVICES[s][2]}{f.services.get(s, 0)}" for s in SERVICES if s in (required or SERVICES)),
                   "、".join(SERVICES[s][2] for s in required if s in SERVICES) if required is not None else None,
                   not absent),
    )
    if any(c.met is False for c in criteria):
        return Assessment(criteria, NOT_MET)
    return Assessment(criteria, INCOMPLETE if any(c.standard is None for c in criteria) else MET)
