"""Read the pension parameters through the parameter files (``laobao.policy.params``), on the retirement month.

- ``wages.pension_base`` → C in fen (养老金计发基数); when it has no value for the month, C must come from
  the approval form (input ``pension_base``).
- ``pension.divisor_table`` → 计发月数 by whole age.
- ``pension.transitional`` → the region's transitional formula name and coefficient (Jiangsu: NOT verified).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .pension import PensionParams

P_BASE = "wages.pension_base"
P_DIVISOR = "pension.divisor_table"
P_TRANSITIONAL = "pension.transitional"


def _pension_base(on: date, region: str | None):
    """The ParamValue of C on ``on``, or None when no file gives one for that date."""
    from laobao.policy.params import ParameterError, param

    try:
        return param(P_BASE, on=on, region=region)
    except ParameterError:
        return None


def _fen(value) -> int:
    """A pension base parameter value → fen (files in fen give ints; in yuan, Decimals)."""
    if isinstance(value, int):
        return value
    return int((Decimal(value) * 100).to_integral_value())


def params_for(on: date, region: str | None = None) -> PensionParams:
    """The pension parameters in force on ``on`` (the retirement month) in ``region``."""
    from laobao.policy.params import param

    base = _pension_base(on, region)
    divisor = param(P_DIVISOR, on=on, region=region)
    trans = param(P_TRANSITIONAL, on=on, region=region)
    coefficient = trans.value.get("coefficient")
    return PensionParams(
        pension_base=_fen(base.value) if base is not None else None,
        divisor_table={int(k): int(v) for k, v in divisor.value.items()},
        transitional_formula=str(trans.value.get("formula", "none")),
        transitional_coefficient=Decimal(coefficient) if coefficient is not None else None,
        sources=tuple(v for v in (base, divisor, trans) if v is not None),
    )
