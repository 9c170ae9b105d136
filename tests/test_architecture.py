"""House rules that a reviewer would otherwise have to remember (security.md B3, H2; style.md §2, §14)."""

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "laobao"
APPS = ["core", "registry", "kpi", "policy", "ledger", "insurance", "benefits"]


def _py(paths):
    for path in paths:
        yield from (p for p in Path(path).rglob("*.py") if "migrations" not in p.parts)


def test_no_unscoped_querysets_in_views_or_api():
    """Views and the API read through selectors only; `Model.objects` there would bypass jurisdiction."""
    thin = [*SRC.glob("*/views.py"), *(SRC / "api").glob("*.py")]
    offenders = [f"{p.relative_to(SRC)}:{n}" for p in thin for n, line in enumerate(p.read_text().splitlines(), 1)
                 if re.search(r"\b[A-Z]\w*\.objects\b", line)]
    assert thin and offenders == []


def test_no_float_anywhere_near_data():
    offenders = []
    for p in _py([SRC]):
        tree = ast.parse(p.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float":
                offenders.append(f"{p.relative_to(SRC)}:{node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr == "FloatField":
                offenders.append(f"{p.relative_to(SRC)}:{node.lineno}")
    assert offenders == []


def _only_quoted_identifiers(node: ast.JoinedStr) -> bool:
    """An f-string whose every hole is ``quote_name(...)``: identifiers, never values."""
    holes = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    return all(isinstance(h, ast.Call) and getattr(h.func, "attr", getattr(h.func, "id", "")) == "quote_name"
               for h in holes)


def test_no_raw_sql_built_by_formatting():
    """SQL text is constant; values travel as parameters; identifiers only through quote_name (security.md C3)."""
    offenders = []
    for p in _py([SRC]):
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("execute", "raw", "extra", "copy"):
                arg = node.args[0] if node.args else None
                if isinstance(arg, ast.BinOp) or (isinstance(arg, ast.JoinedStr) and not _only_quoted_identifiers(arg)):
                    offenders.append(f"{p.relative_to(SRC)}:{node.lineno}")
    assert offenders == []


def test_every_app_has_a_readme_with_its_contract():
    for app in APPS:
        text = (SRC / app / "README.md").read_text()
        for heading in ("Models", "Services", "Selectors", "API", "Depends on"):
            assert re.search(rf"^#+ .*{heading}", text, re.M) or heading in text, (app, heading)


def test_services_write_audit_rows():
    """Every public function in a services module that writes also records an audit event."""
    for path in SRC.glob("*/services.py"):
        tree = ast.parse(path.read_text())
        for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")):
            source = ast.unparse(fn)
            writes = re.search(r"\.(save|create|update|delete|bulk_create)\(", source)
            if writes:
                assert "audit.record" in source, f"{path.parent.name}.services.{fn.name} writes without audit"
