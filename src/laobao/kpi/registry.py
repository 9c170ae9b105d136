"""The one registry of named indicators (指标).

An :class:`Indicator` is a code, a name and unit in Chinese and English, a definition (口径), the
plan's target and 2005 baseline where the plan gives them, and a ``compute`` function that reads the
records for one month and one region through a selector scoped to the user. Each app registers its
own indicators from an ``indicators`` module (autodiscovered by :class:`laobao.kpi.apps.KpiConfig`).

Only indicators that can actually be computed are registered: the plan's targets for capabilities
not built yet live as data in :mod:`laobao.kpi.targets`, waiting for a compute function.

Values are exact: counts are ``int``; shares are ``Decimal`` percentages quantized to 0.01 with
ROUND_HALF_UP (:func:`share`); ``None`` means "not defined" (e.g. a share of zero cases), never 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Union

Value = Union[int, Decimal, None]
TargetValue = Union[int, Decimal, str]

DIRECTIONS = ("≤", "≥", "=")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
CENT = Decimal("0.01")


class RegistryError(ValueError):
    """A programming error in an indicator definition (bad code, duplicate code, bad target)."""


@dataclass(frozen=True)
class Target:
    """A target of the plan: ``direction`` ``value`` by ``year`` (e.g. ≤ 4.5 % in 2010), citing its section."""

    value: TargetValue
    direction: str
    year: int
    source: str
    note_zh: str = ""
    note_en: str = ""

    def met(self, value: Value) -> bool | None:
        """Whether ``value`` meets the target; None when it cannot be judged (no value, ratio targets)."""
        if value is None or isinstance(self.value, str):
            return None
        if self.direction == "≤":
            return value <= self.value
        if self.direction == "≥":
            return value >= self.value
        return value == self.value

    def as_dict(self) -> dict:
        return {"value": json_value(self.value), "direction": self.direction, "year": self.year,
                "source": self.source, "note_zh": self.note_zh, "note_en": self.note_en}

    def text(self) -> str:
        return f"{self.direction} {self.value}"


@dataclass(frozen=True)
class Baseline:
    """The plan's figure for 2005 (the end of the 10th five-year plan), citing its section."""

    value: TargetValue
    source: str
    note_zh: str = ""
    note_en: str = ""

    def as_dict(self) -> dict:
        return {"value": json_value(self.value), "source": self.source, "note_zh": self.note_zh,
                "note_en": self.note_en}


@dataclass(frozen=True)
class Row:
    """One breakdown row: its key (ordered dimension → value pairs), labels and value."""

    key: tuple[tuple[str, str], ...]
    label_zh: str
    label_en: str
    value: Value

    def as_dict(self) -> dict:
        return {"key": dict(self.key), "label_zh": self.label_zh, "label_en": self.label_en,
                "value": json_value(self.value)}


Compute = Callable[..., Union[Value, "list[Row]"]]


@dataclass(frozen=True)
class Indicator:
    """A named indicator. ``compute(user, month, region)`` returns a value or a list of :class:`Row`.

    ``user`` is the reader (None = the operator at the CLI, whole city); ``month`` is the first day of
    the month and the figure is the state at the end of that month; ``region`` is the region whose
    subtree is counted. ``additive`` says the rows of a breakdown add up to the indicator's value
    (counts); for shares it is False and the value of a breakdown is None.
    """

    code: str
    name_zh: str
    name_en: str
    unit: str
    unit_en: str
    definition_zh: str
    definition_en: str
    compute: Compute = field(compare=False, repr=False)
    target: Target | None = None
    baseline_2005: Baseline | None = None
    additive: bool = True

    @property
    def app(self) -> str:
        """The app that owns (and computes) the indicator: the code's prefix."""
        return self.code.split(".", 1)[0]


def _check(indicator: Indicator) -> None:
    if not CODE_RE.match(indicator.code):
        raise RegistryError(f"indicator code {indicator.code!r} must look like 'app.snake_case_name'")
    for name in ("name_zh", "name_en", "unit", "unit_en", "definition_zh", "definition_en"):
        if not str(getattr(indicator, name)).strip():
            raise RegistryError(f"indicator {indicator.code}: {name} is empty")
    if not callable(indicator.compute):
        raise RegistryError(f"indicator {indicator.code}: compute is not callable")
    if indicator.target is not None and indicator.target.direction not in DIRECTIONS:
        raise RegistryError(f"indicator {indicator.code}: target direction must be one of {DIRECTIONS}")


class IndicatorRegistry:
    """An ordered set of indicators keyed by code; a second indicator with the same code is refused."""

    def __init__(self) -> None:
        self._by_code: dict[str, Indicator] = {}

    def register(self, indicator: Indicator) -> Indicator:
        _check(indicator)
        if indicator.code in self._by_code:
            raise RegistryError(f"indicator {indicator.code!r} is already registered")
        self._by_code[indicator.code] = indicator
        return indicator

    def all(self) -> list[Indicator]:
        return sorted(self._by_code.values(), key=lambda i: i.code)

    def get(self, code: str) -> Indicator:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"no indicator {code!r}") from None

    def __contains__(self, code: str) -> bool:
        return code in self._by_code


_default = IndicatorRegistry()


def register(indicator: Indicator) -> Indicator:
    """Add ``indicator`` to the registry (call it at import time of an app's ``indicators`` module)."""
    return _default.register(indicator)


def all_indicators() -> list[Indicator]:
    """Every registered indicator, ordered by code."""
    return _default.all()


def get(code: str) -> Indicator:
    """The indicator with ``code``; KeyError if none is registered."""
    return _default.get(code)


def is_registered(code: str) -> bool:
    return code in _default


def share(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` as a percentage, exact to 0.01 (ROUND_HALF_UP); None if nothing to divide."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def json_value(value):
    """JSON form of a value: ints stay numbers, Decimals become strings (exact), None stays null."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
