"""Reading calculator inputs: each reader names the field, the rule and the fix when the value is wrong.

Amounts come in as yuan with at most two decimals ("1854.70", also 1854.7 as a JSON number is
refused: money is text) and are held as integer fen; dates as "YYYY-MM" or "YYYY-MM-DD".
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from laobao.core.errors import DomainError

_MONEY = re.compile(r"^-?\d{1,13}(\.\d{1,2})?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _bad(field: str, code: str, zh: str, en: str) -> DomainError:
    return DomainError.of(field, f"calc.{code}", zh, en)


def required(data: dict, field: str):
    if field not in data or data[field] is None or data[field] == "":
        raise _bad(field, "required", f"缺少字段 {field}：请填写后重新计算", f"Field {field} is missing: fill it in and run again")
    return data[field]


def money(data: dict, field: str, *, optional: bool = False, minimum: int = 0) -> int | None:
    """Yuan with up to two decimals, as text → integer fen."""
    if optional and data.get(field) in (None, ""):
        return None
    raw = required(data, field)
    text = raw if isinstance(raw, str) else str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else None
    if text is None or not _MONEY.match(text.strip()):
        raise _bad(field, "money", f"{field} 应为以元为单位、最多两位小数的金额文本，例如 \"1854.70\"",
                   f"{field} must be an amount in yuan with at most two decimals, as text, e.g. \"1854.70\"")
    fen = int((Decimal(text.strip()) * 100).to_integral_value())
    if fen < minimum:
        raise _bad(field, "negative", f"{field} 不能为负数：请填写 0 或正数", f"{field} cannot be negative: enter 0 or more")
    return fen


def yuan(fen: int | None) -> str | None:
    """Integer fen → "1854.70" (the calculator's output format)."""
    if fen is None:
        return None
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def month(data: dict, field: str, *, optional: bool = False) -> date | None:
    """"YYYY-MM" → the first day of that month."""
    if optional and data.get(field) in (None, ""):
        return None
    raw = required(data, field)
    m = _MONTH.match(str(raw).strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1880:
        raise _bad(field, "month", f"{field} 应为 YYYY-MM 格式的月份，例如 2025-03", f"{field} must be a month as YYYY-MM, e.g. 2025-03")
    return date(int(m.group(1)), int(m.group(2)), 1)


def day(data: dict, field: str, *, optional: bool = False) -> date | None:
    if optional and data.get(field) in (None, ""):
        return None
    raw = str(required(data, field)).strip()
    m = _DAY.match(raw)
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else _fail_day(field)
    except ValueError:
        return _fail_day(field)


def _fail_day(field: str):
    raise _bad(field, "date", f"{field} 不是有效日期：应为 YYYY-MM-DD，例如 2011-01-01",
               f"{field} is not a valid date: use YYYY-MM-DD, e.g. 2011-01-01")


def integer(data: dict, field: str, *, low: int, high: int, optional: bool = False, default: int | None = None):
    if optional and data.get(field) in (None, ""):
        return default
    raw = required(data, field)
    if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.strip().isascii()
                                                               and raw.strip().lstrip("-").isdigit())):
        raise _bad(field, "integer", f"{field} 应为整数（{low}–{high}）", f"{field} must be a whole number ({low}–{high})")
    value = int(raw)
    if not low <= value <= high:
        raise _bad(field, "range", f"{field} 应在 {low} 至 {high} 之间，现为 {value}",
                   f"{field} must be between {low} and {high}; got {value}")
    return value


def decimal(data: dict, field: str, *, low: Decimal, high: Decimal, places: int = 4, optional: bool = False):
    if optional and data.get(field) in (None, ""):
        return None
    raw = required(data, field)
    try:
        if isinstance(raw, float) or isinstance(raw, bool):
            raise InvalidOperation
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _bad(field, "decimal", f"{field} 应为小数文本，例如 \"1.0523\"", f"{field} must be a decimal as text, e.g. \"1.0523\"") from None
    if not value.is_finite() or not low <= value <= high or -value.as_tuple().exponent > places:
        raise _bad(field, "range", f"{field} 应在 {low} 至 {high} 之间、最多 {places} 位小数",
                   f"{field} must be between {low} and {high} with at most {places} decimals")
    return value


def sex(data: dict, field: str = "sex") -> str:
    raw = str(required(data, field)).strip().upper()
    mapping = {"M": "M", "F": "F", "男": "M", "女": "F"}
    if raw not in mapping:
        raise _bad(field, "sex", f"{field} 应为 \"M\"（男）或 \"F\"（女）", f"{field} must be \"M\" (male) or \"F\" (female)")
    return mapping[raw]


def boolean(data: dict, field: str, *, default: bool) -> bool:
    raw = data.get(field, default)
    if not isinstance(raw, bool):
        raise _bad(field, "boolean", f"{field} 应为 true 或 false", f"{field} must be true or false")
    return raw


def half_up(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)
