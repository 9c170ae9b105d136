"""Tests as data: every case under ``tests/policy/cases/`` runs through the calculator, one test per case.

A case file is ``tests/policy/cases/<domain>/<rule>.yaml`` and holds a list of cases (or a mapping with
an optional ``rule:`` and a ``cases:`` list)::

    - name: 2024-01 retirement, Nanjing approval form
      source: 江苏省企业职工基本养老金核定表 (…)     # or "derived from 国发〔2005〕38号 …"
      input: {birth_month: "1963-12", sex: M, …}  # what `laobao calc RULE --json` takes; amounts "1854.70"
      output: {basic_pension: "2042.01", …}       # the fields to check; other result fields are ignored
    - name: a negative wage is refused
      source: derived from the contract of the calculator
      input: {wage: "-1.00", …}
      error: wage                                 # a problem code or field the refusal must name

The calculator rule is the case's ``rule``, else the file's ``rule``, else the file name (underscores as
hyphens: ``late_fee.yaml`` → ``late-fee``) if the calculator knows it, else the domain folder's name.
Expected values compare by kind: strings exactly ("1854.70" must come out as "1854.70"); a yuan string
against an integer result in fen (185470); a number against a numeric string by value; dates as ISO
text. YAML floats are refused everywhere: write decimals as strings. Until ``laobao.policy.calc`` exists
each case is skipped with the reason; the files' shape is checked regardless.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
import yaml

from laobao.core.errors import DomainError

CASES = Path(__file__).resolve().parent / "cases"
YUAN = re.compile(r"^-?\d+\.\d{2}$")


def _files() -> list[Path]:
    return sorted(CASES.rglob("*.yaml")) if CASES.is_dir() else []


def _rel(path: Path) -> str:
    return path.relative_to(CASES).as_posix()


def _read(path: Path) -> tuple[str | None, list]:
    """(file-level rule, cases) in either shape; a shape error raises ValueError."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(doc, dict):
        return doc.get("rule"), doc.get("cases")
    return None, doc


def _collect():
    for path in _files():
        try:
            rule, cases = _read(path)
        except yaml.YAMLError:
            continue  # test_case_file_shape reports it
        for i, case in enumerate(cases if isinstance(cases, list) else []):
            name = case.get("name", f"#{i + 1}") if isinstance(case, dict) else f"#{i + 1}"
            yield pytest.param(path, rule, case, id=f"{_rel(path)}::{name}")


def _floats(value, where: str) -> list[str]:
    if isinstance(value, float):
        return [where]
    if isinstance(value, dict):
        return [f for k, v in value.items() for f in _floats(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in _floats(v, f"{where}[{i}]")]
    return []


@pytest.mark.parametrize("path", _files(), ids=_rel)
def test_case_file_shape(path):
    """Every case has a name, a source, an input and an expected output or error; no YAML floats."""
    rule, cases = _read(path)
    assert isinstance(cases, list) and cases, f"{_rel(path)}: expected a non-empty list of cases"
    assert rule is None or isinstance(rule, str)
    names = []
    for i, case in enumerate(cases):
        where = f"{_rel(path)} case {case.get('name', i + 1) if isinstance(case, dict) else i + 1}"
        assert isinstance(case, dict), f"{where}: a case is a mapping"
        assert isinstance(case.get("name"), str) and case["name"].strip(), f"{where}: name is missing"
        assert isinstance(case.get("source"), str) and case["source"].strip(), f"{where}: source is missing"
        assert isinstance(case.get("input"), dict), f"{where}: input must be a mapping"
        assert ("output" in case) != ("error" in case), f"{where}: give either output or error"
        assert "output" not in case or isinstance(case["output"], dict), f"{where}: output must be a mapping"
        assert _floats(case, "case") == [], f"{where}: YAML floats at {_floats(case, 'case')}; quote decimals"
        names.append(case["name"])
    assert len(names) == len(set(names)), f"{_rel(path)}: case names repeat"


def _engine(path: Path):
    if importlib.util.find_spec("laobao.policy.calc") is None:
        pytest.skip(f"{_rel(path)}: laobao.policy.calc is not written yet, so these cases cannot run")
    engine = importlib.import_module("laobao.policy.calc")  # an import error inside calc fails, never skips
    if not callable(getattr(engine, "run", None)):
        pytest.skip(f"{_rel(path)}: laobao.policy.calc has no run(rule, input) yet")
    return engine


def _known(engine) -> set[str] | None:
    rules = getattr(engine, "rules", None)
    found = rules() if callable(rules) else getattr(engine, "RULES", None)
    return set(found) if found is not None else None


def _rule(engine, path: Path, file_rule: str | None, case: dict) -> str:
    explicit = case.get("rule") or file_rule
    if explicit:
        return explicit  # an explicit name the calculator lacks fails in run(): a typo must not skip
    candidates = [path.stem.replace("_", "-"), path.parent.name.replace("_", "-")]
    known = _known(engine)
    if known is None:
        return candidates[0]
    for candidate in candidates:
        if candidate in known:
            return candidate
    pytest.skip(f"{_rel(path)}: the calculator has no rule {' or '.join(candidates)} yet "
                f"(known: {', '.join(sorted(known))}); name it with `rule:` in the file")


def _as_json(value):
    """YAML input as the JSON the CLI would receive: dates as ISO text, nested values alike."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)) if isinstance(value, (int, str, Decimal)) else None
    except InvalidOperation:
        return None


def _mismatches(expected, actual, where: str = "output") -> list[str]:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected a mapping, got {actual!r}"]
        missing = [f"{where}.{k}: missing from the result" for k in expected if k not in actual]
        found = [m for k, v in expected.items() if k in actual for m in _mismatches(v, actual[k], f"{where}.{k}")]
        return missing + found
    if isinstance(expected, list):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            return [f"{where}: expected {len(expected)} items, got {actual!r}"]
        return [m for i, (e, a) in enumerate(zip(expected, actual)) for m in _mismatches(e, a, f"{where}[{i}]")]
    return [] if _same(expected, actual) else [f"{where}: expected {expected!r}, got {actual!r}"]


def _same(expected, actual) -> bool:
    if expected is None or isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, date):
        expected = expected.isoformat()
    if isinstance(expected, str) and isinstance(actual, str):
        return expected == actual
    if isinstance(expected, str) and YUAN.match(expected) and isinstance(actual, int):
        return int(Decimal(expected) * 100) == actual  # a yuan amount against a result in fen
    e, a = _number(expected), _number(actual)
    return e is not None and a is not None and e == a


def _refused_as(err: DomainError, expected) -> bool:
    problems = err.problems
    if isinstance(expected, dict):
        return any(all(getattr(p, k, None) == v for k, v in expected.items()) for p in problems)
    return any(expected in (p.code, p.field) for p in problems)


@pytest.mark.parametrize("path,file_rule,case", list(_collect()))
def test_case(path, file_rule, case):
    engine = _engine(path)
    rule = _rule(engine, path, file_rule, case)
    data = _as_json(case["input"])
    if "error" in case:
        with pytest.raises(DomainError) as err:
            engine.run(rule, data)
        assert _refused_as(err.value, case["error"]), (case["error"], err.value.as_dict())
        return
    result = engine.run(rule, data)
    problems = _mismatches(case["output"], result)
    assert not problems, f"{case['name']} ({case['source']}):\n  " + "\n  ".join(problems)


# ---- the runner's own comparison rules ---------------------------------------------------------------------------

def test_comparison_rules():
    assert _same("1854.70", "1854.70") and not _same("1854.70", "1854.7")  # the format is part of the contract
    assert _same("1854.70", 185470) and not _same("1854.70", 185471)      # yuan text against fen
    assert _same(12, 12) and _same(12, "12") and _same("137.3", Decimal("137.3"))
    assert _same(date(2025, 3, 1), "2025-03-01") and _same(None, None) and not _same(None, 0)
    assert _same(True, True) and not _same(True, 1) and not _same(1, True)
    assert _mismatches({"a": "1.00", "b": [1, 2]}, {"a": 100, "b": [1, 2], "extra": 9}) == []
    assert _mismatches({"a": "1.00", "c": 1}, {"a": "1.0"}) == [
        "output.c: missing from the result", "output.a: expected '1.00', got '1.0'"]
    assert _as_json({"d": date(2024, 1, 31), "l": [date(2024, 2, 1)]}) == {"d": "2024-01-31", "l": ["2024-02-01"]}
    assert _floats({"input": {"wage": 8000.5}}, "case") == ["case.input.wage"]


def test_refusal_matching():
    err = DomainError.of("wage", "calc.negative", "工资不能为负", "the wage cannot be negative")
    assert _refused_as(err, "wage") and _refused_as(err, "calc.negative") and not _refused_as(err, "month")
    assert _refused_as(err, {"field": "wage", "code": "calc.negative"}) and not _refused_as(err, {"field": "month"})
