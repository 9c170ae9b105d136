"""Dated policy parameters: one accessor for "the value of P on date D in region R".

Every rate, cap, divisor and threshold lives in a YAML file under ``parameters/<topic>/<name>.yaml``
(the parameter's name is ``<topic>.<name>``); the format is described in ``parameters/README.md``.
``load_all()`` reads and checks the whole tree once (cached) and fails, naming the file and the entry,
on anything a reviewer could get wrong: an unknown unit, a YAML float, dates out of order or repeated,
a value of the wrong type, a missing reference or status, a malformed region code.

    >>> from datetime import date
    >>> v = param("collection.late_fee_daily_rate", on=date(2012, 1, 1))
    >>> v.value, v.since.isoformat(), v.reference
    (Decimal('0.0005'), '2011-07-01', '中华人民共和国社会保险法 第八十六条')

Region fallback: the exact code, then its district (first 6 digits), then the city ``320500``, then
the base ``values``; no region means the city as a whole (this system serves Suzhou). At each level the
entry in force on the date applies; a ``null`` entry ends the override from its date (the next level
answers). A base ``null`` or a date before the first base entry raises ``ParameterError`` (code
``param.no_value``). Parameters are files reviewed like code: see docs/adr/0006-policy-parameters.md.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import yaml

from laobao.core.errors import DomainError

SHIPPED = Path(__file__).resolve().parent / "parameters"
# LAOBAO_PARAMETERS names another tree of the same layout (a bureau's reviewed copy with its local values, or a
# test's copy with a value the shipped tree does not have yet); the shipped tree otherwise.
ROOT = Path(os.environ.get("LAOBAO_PARAMETERS") or SHIPPED)
CITY = "320500"
UNITS = ("ratio", "fen", "yuan", "months", "years", "days", "integer", "table", "text")
STATUSES = ("verified", "source-only", "unverified")
FILE_KEYS = {"description", "label", "unit", "table_unit", "values", "regions", "note"}
ENTRY_KEYS = {"value", "reference", "status", "href", "note"}
_REGION = re.compile(r"^3205\d{2}(\d{6})?$")
_NAME_PART = re.compile(r"^[a-z][a-z0-9_]*$")


class ParameterError(DomainError):
    """A parameter is unknown, has no value on the date, or a parameter file is malformed."""


@dataclass(frozen=True)
class ParamValue:
    """The value of one parameter on one date, with where it came from."""

    name: str
    value: Decimal | int | dict | str
    unit: str
    since: date
    reference: str
    status: str
    region: str | None = None  # the code whose override applied; None for the base value
    href: str | None = None
    table_unit: str | None = None

    def as_dict(self) -> dict:
        """JSON-ready: Decimals as strings, dates ISO, table keys as strings."""
        return {"name": self.name, "value": _jsonable(self.value), "unit": self.unit, "table_unit": self.table_unit,
                "since": self.since.isoformat(), "region": self.region, "reference": self.reference,
                "href": self.href, "status": self.status}


@dataclass(frozen=True)
class Entry:
    since: date
    value: Decimal | int | dict | str | None  # None: no value from this date (the entry is `null`)
    reference: str = ""
    status: str = ""
    href: str | None = None


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    label: dict
    unit: str
    table_unit: str | None
    values: tuple[Entry, ...]
    regions: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    path: str = ""

    def at(self, on: date, region: str | None = None) -> ParamValue:
        """The value on ``on`` for ``region`` (see the module docstring for the fallback order)."""
        for code in _chain(region):
            entry = _in_force(self.regions.get(code, ()), on)
            if entry is not None and entry.value is not None:
                return self._value(entry, code)
        entry = _in_force(self.values, on)
        if entry is None or entry.value is None:
            raise self._no_value(on, entry)
        return self._value(entry, None)

    def _value(self, entry: Entry, code: str | None) -> ParamValue:
        return ParamValue(self.name, entry.value, self.unit, entry.since, entry.reference, entry.status, code,
                          entry.href, self.table_unit)

    def _no_value(self, on: date, ended: Entry | None) -> ParameterError:
        if ended is not None:
            zh = f"参数 {self.name} 自 {ended.since.isoformat()} 起不再有值（已废止或尚无可核实的数值），{on.isoformat()} 无值"
            en = (f"parameter {self.name} has no value from {ended.since.isoformat()} on (abolished, or no value "
                  f"that could be verified), so none on {on.isoformat()}")
        else:
            first = self.values[0].since.isoformat() if self.values else None
            zh = f"参数 {self.name} 在 {on.isoformat()} 无值" + (f"（最早自 {first} 起有值）" if first else "（尚无任何数值）")
            en = f"parameter {self.name} has no value on {on.isoformat()}" + (
                f" (its first value applies from {first})" if first else " (no value has been entered yet)")
        return ParameterError.of("on", "param.no_value", zh + "。", en + ".")


def load_all(root: Path | None = None) -> MappingProxyType[str, Parameter]:
    """Every parameter under ``root`` (default: the package's tree) by name, checked; cached per root."""
    return _load(Path(root or ROOT).resolve())


def parameter(name: str, root: Path | None = None) -> Parameter:
    try:
        return load_all(root)[name]
    except KeyError:
        raise ParameterError.of("name", "param.unknown", f"没有名为 {name} 的参数；用 laobao params list 查看全部参数名。",
                                f"there is no parameter named {name}; `laobao params list` shows every name.") from None


def param(name: str, on: date | str, region: str | None = None, *, root: Path | None = None) -> ParamValue:
    """The value of parameter ``name`` on date ``on`` in ``region`` (a 6- or 12-digit code, or None)."""
    return parameter(name, root).at(parse_date(on), check_region(region))


def parse_date(on: date | str) -> date:
    if isinstance(on, datetime):
        return on.date()
    if isinstance(on, date):
        return on
    try:
        return date.fromisoformat(str(on).strip())
    except ValueError:
        raise ParameterError.of("on", "param.bad_date", f"日期 {on!r} 无效，请写成 YYYY-MM-DD，例如 2010-05-01。",
                                f"the date {on!r} is not valid; write it as YYYY-MM-DD, e.g. 2010-05-01.") from None


def check_region(region: str | None) -> str | None:
    if region is None or region == "":
        return None
    code = str(region).strip()
    if not _REGION.match(code):
        raise ParameterError.of("region", "param.bad_region",
                                f"地区代码 {region!r} 无效：应为苏州市（3205 开头）的 6 位或 12 位代码，例如 320506。",
                                f"the region code {region!r} is not valid: give a 6- or 12-digit Suzhou code "
                                f"(starting 3205), e.g. 320506.")
    return code


def _chain(region: str | None) -> list[str]:
    """Override levels to try, most specific first: the code, its district, the city."""
    if region is None:
        return [CITY]
    return list(dict.fromkeys([region, region[:6], CITY]))


def _in_force(entries: tuple[Entry, ...], on: date) -> Entry | None:
    """The last entry dated on or before ``on`` (entries are ascending), or None."""
    found = None
    for entry in entries:
        if entry.since > on:
            break
        found = entry
    return found


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


@lru_cache(maxsize=16)
def _load(root: Path) -> MappingProxyType[str, Parameter]:
    found: dict[str, Parameter] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml"):
            rel = path.relative_to(root).as_posix()
            found[_name(rel)] = _read(path, rel, _name(rel))
    return MappingProxyType(found)


def _name(rel: str) -> str:
    parts = rel.rsplit(".", 1)[0].split("/")
    if len(parts) < 2 or not all(_NAME_PART.match(p) for p in parts) or not rel.endswith(".yaml"):
        raise ParameterError.of("file", "param.invalid", f"参数文件 {rel} 的路径应为 <主题>/<名称>.yaml（小写字母、数字、下划线）。",
                                f"parameter file {rel}: the path must be <topic>/<name>.yaml "
                                f"(lower-case letters, digits, underscores).")
    return ".".join(parts)


# ---- reading and checking one file -------------------------------------------------------------------------------

class _Defect(Exception):
    """A problem found in a file: (where, zh, en); ``_read`` adds the file's name."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that refuses a repeated key (PyYAML would silently keep the last one). libyaml's parser when
    PyYAML has it (the same documents, ~5× faster: every command start-up reads all parameter files)."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    out: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise _Defect(f"line {key_node.start_mark.line + 1}", f"键 {key} 重复出现", f"the key {key} appears twice")
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _read(path: Path, rel: str, name: str) -> Parameter:
    try:
        return _parameter(yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader), rel, name)  # noqa: S506
    except _Defect as exc:
        where, zh, en = exc.args
    except yaml.YAMLError as exc:
        where, zh, en = "YAML", f"不是有效的 YAML：{exc}", f"not valid YAML: {exc}"
    raise ParameterError.of("file", "param.invalid", f"参数文件 {rel}（{where}）有误：{zh}。改正该文件后再加载。",
                            f"parameter file {rel} ({where}): {en}. Fix the file and load again.")


def _parameter(doc, rel: str, name: str) -> Parameter:
    if not isinstance(doc, dict) or "values" not in doc:
        raise _Defect("top level", "文件应是含 description、label、unit、values 的映射",
                      "the file must be a mapping with description, label, unit and values")
    unknown = sorted(set(map(str, doc)) - FILE_KEYS)
    if unknown:
        raise _Defect(f"key {unknown[0]}", f"未知的键；允许：{', '.join(sorted(FILE_KEYS))}",
                      f"unknown key; allowed: {', '.join(sorted(FILE_KEYS))}")
    description, label = doc.get("description"), doc.get("label")
    if not isinstance(description, str) or not description.strip():
        raise _Defect("description", "缺少说明 description", "the description is missing")
    if not isinstance(label, dict) or not all(isinstance(label.get(k), str) and label[k].strip() for k in ("zh", "en")):
        raise _Defect("label", "label 需有中文 zh 和英文 en", "label needs both zh and en")
    unit, table_unit = _units(doc.get("unit"), doc.get("table_unit"))
    regions = doc.get("regions") or {}
    if not isinstance(regions, dict):
        raise _Defect("regions", "regions 应是以地区代码为键的映射", "regions must be a mapping keyed by region code")
    overrides = {_region_key(code): _entries(raw, unit, table_unit, f"regions {code}") for code, raw in regions.items()}
    return Parameter(name, description.strip(), {"zh": label["zh"], "en": label["en"]}, unit, table_unit,
                     _entries(doc["values"], unit, table_unit, "values"), overrides, rel)


def _units(unit, table_unit) -> tuple[str, str | None]:
    if unit not in UNITS:
        raise _Defect("unit", f"未知单位 {unit!r}；可用：{', '.join(UNITS)}",
                      f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    ok = table_unit in UNITS and table_unit != "table" if unit == "table" else table_unit is None
    if not ok:
        raise _Defect("table_unit", f"unit: table 须有 table_unit（表内数值的单位），其他单位不得有；当前为 {table_unit!r}",
                      f"a table needs table_unit (its cells' unit), no other unit may have one; got {table_unit!r}")
    return unit, table_unit


def _region_key(code) -> str:
    if not isinstance(code, str) or not _REGION.match(code):
        raise _Defect(f"regions {code}", "地区代码应为加引号的苏州市 6 位或 12 位代码（3205 开头），例如 \"320506\"",
                      "a region code must be a quoted 6- or 12-digit Suzhou code (starting 3205), e.g. \"320506\"")
    return code


def _entries(raw, unit: str, table_unit: str | None, where: str) -> tuple[Entry, ...]:
    if not isinstance(raw, dict):
        raise _Defect(where, "应是以生效日期为键的映射", "must be a mapping keyed by effective date")
    entries: list[Entry] = []
    for key, item in raw.items():
        since = _date_key(key, where)
        at = f"{where} {since.isoformat()}"
        if entries and since <= entries[-1].since:
            raise _Defect(at, f"日期须严格递增且不重复（上一条为 {entries[-1].since}）",
                          f"dates must be strictly ascending and unique (the previous entry is {entries[-1].since})")
        if item is None and (not entries or entries[-1].value is None):
            raise _Defect(at, "null 只能结束一个已有的值", "null can only end an existing value")
        entries.append(Entry(since, None) if item is None else _entry(item, since, unit, table_unit, at))
    return tuple(entries)


def _date_key(key, where: str) -> date:
    if isinstance(key, date) and not isinstance(key, datetime):
        return key
    try:
        return date.fromisoformat(key)
    except (TypeError, ValueError):
        raise _Defect(f"{where} {key}", "键应是生效日期 YYYY-MM-DD", "the key must be an effective date YYYY-MM-DD") from None


def _entry(item, since: date, unit: str, table_unit: str | None, at: str) -> Entry:
    if not isinstance(item, dict) or "value" not in item:
        raise _Defect(at, "条目应为 {value, reference, status} 或 null",
                      "an entry must be {value, reference, status} or null")
    extra = sorted(set(map(str, item)) - ENTRY_KEYS)
    if extra:
        raise _Defect(at, f"未知的键 {extra[0]}；允许：{', '.join(sorted(ENTRY_KEYS))}",
                      f"unknown key {extra[0]}; allowed: {', '.join(sorted(ENTRY_KEYS))}")
    reference, status, href = item.get("reference"), item.get("status"), item.get("href")
    if not isinstance(reference, str) or not reference.strip():
        raise _Defect(at, "缺少出处 reference（文件号和条款）", "the reference (document and article) is missing")
    if status not in STATUSES:
        raise _Defect(at, f"status 应为 {' / '.join(STATUSES)}，当前为 {status!r}", f"status must be one of "
                      f"{', '.join(STATUSES)}; got {status!r}")
    if href is not None and not isinstance(href, str):
        raise _Defect(at, "href 应是网址字符串", "href must be a URL string")
    value = _table(item["value"], table_unit, at) if unit == "table" else _scalar(item["value"], unit, at)
    return Entry(since, value, reference.strip(), status, href)


def _table(raw, table_unit: str, at: str) -> dict:
    if not isinstance(raw, dict) or not raw:
        raise _Defect(at, "表格参数的 value 应是非空映射（行键: 数值）", "a table's value must be a non-empty mapping (row: cell)")
    rows = {}
    for key, cell in raw.items():
        where = f"{at} row {key}"
        if isinstance(key, (bool, float)) or not isinstance(key, (int, str)):
            raise _Defect(where, "行键应是整数或字符串", "a row key must be an integer or a string")
        if isinstance(cell, dict):  # a row of named cells, e.g. {spouse: "0.4", other: "0.3"}
            rows[key] = {k: _scalar(v, table_unit, f"{where}.{k}") for k, v in cell.items()}
        else:  # null: this row has no value (e.g. no monthly allowance for grades 7-10)
            rows[key] = None if cell is None else _scalar(cell, table_unit, where)
    return rows


def _scalar(raw, unit: str, at: str):
    """Check one value against its unit and convert it: Decimal from quoted strings, int, or text."""
    if isinstance(raw, float):
        raise _Defect(at, f"数值 {raw} 是 YAML 浮点数；小数请加引号写成字符串，例如 \"0.08\"",
                      f"the value {raw} is a YAML float; write decimals as quoted strings, e.g. \"0.08\"")
    integer = isinstance(raw, int) and not isinstance(raw, bool)
    if unit == "text" and isinstance(raw, str) and raw.strip():
        return raw
    if integer and unit in ("fen", "integer", "months", "years", "days"):
        return raw
    number = _decimal(raw) if isinstance(raw, str) and unit not in ("text", "fen", "integer") else None
    if number is not None and number >= 0 and (unit != "yuan" or number.as_tuple().exponent >= -2):
        return number
    zh, en = _SHAPES[unit]
    raise _Defect(at, f"数值 {raw!r} 不符合单位 {unit}（应为{zh}）", f"the value {raw!r} does not fit the unit {unit} ({en})")


def _decimal(raw: str) -> Decimal | None:
    try:
        number = Decimal(raw.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


_SHAPES = {
    "ratio": ("加引号的非负小数，如 \"0.08\"", "a quoted non-negative decimal such as \"0.08\""),
    "yuan": ("加引号的金额，至多两位小数，如 \"1854.70\"", "a quoted amount with at most two decimals, e.g. \"1854.70\""),
    "fen": ("整数分，如 861300", "an integer number of fen, e.g. 861300"),
    "integer": ("整数", "an integer"),
    **{u: ("整数或加引号的非负小数，如 15 或 \"15.5\"", "an integer or a quoted non-negative decimal, e.g. 15 or \"15.5\"")
       for u in ("months", "years", "days")},
    "text": ("非空文字", "non-empty text"),
}
