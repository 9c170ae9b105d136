"""The calculator pages (养老金测算 and the others): open to everyone, no login, no personal data stored.

A caseworker opens them pre-filled from a person's record (``?person=<id>``: birth month and sex
come from the citizen ID, read through the registry's scoped selector, so only a person in the
caseworker's jurisdiction can pre-fill).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from laobao.core.errors import DomainError, NotFound
from laobao.registry import selectors as registry

from . import calc


def _english() -> bool:
    return (get_language() or "").startswith("en")


def index(request):
    return render(request, "policy/calc_index.html", {"rules": _menu()})


def _menu() -> list[dict]:
    english = _english()
    return [{"name": r.name, "title": r.title_en if english else r.title_zh} for r in calc.rules().values()]


def _prefill(request) -> dict:
    """Facts a caseworker's person record gives: birth month and sex (never the ID number itself)."""
    pk = request.GET.get("person", "")
    if not (pk.isascii() and pk.isdigit()) or not request.user.is_authenticated:
        return {}
    try:
        person = registry.person_get(request.user, int(pk))
    except (NotFound, OverflowError):
        raise Http404 from None
    facts = {"birth_month": person.birth_date.strftime("%Y-%m"), "sex": person.sex}
    if person.sex == "M":
        facts["original_age"] = 60  # women: 55 or 50 depends on the post, which the registry does not hold
    return facts


@require_http_methods(["GET", "POST"])
def rule_page(request, name: str):
    rule = calc.rules().get(name)
    if rule is None:
        raise Http404
    values = {**{f.name: f.default for f in rule.inputs if f.default is not None}, **_prefill(request)}
    result, problems = None, []
    if request.method == "POST":
        values = {f.name: request.POST.get(f.name, "").strip() for f in rule.inputs}
        data = {k: _coerce(rule, k, v) for k, v in values.items() if v != "" or _kind(rule, k) == "bool"}
        try:
            result = calc.run(name, data)
        except DomainError as exc:
            problems = [{"field": p.field, "text": p.text(get_language() or "zh-hans")} for p in exc.problems]
    english = _english()
    return render(request, "policy/calc_rule.html", {
        "rule": rule, "title": rule.title_en if english else rule.title_zh, "rules": _menu(),
        "fields": [{"name": f.name, "label": f.label_en if english else f.label_zh, "kind": f.kind,
                    "help": f.help_en if english else f.help_zh, "choices": f.choices,
                    "value": values.get(f.name, ""), "error": next((p["text"] for p in problems if p["field"] == f.name), "")}
                   for f in rule.inputs],
        "problems": [p for p in problems if p["field"] not in {f.name for f in rule.inputs}],
        "result": _present(rule, result, english) if result else None,
    }, status=422 if problems else 200)


def _kind(rule, name: str) -> str:
    return next(f.kind for f in rule.inputs if f.name == name)


def _coerce(rule, name: str, value: str):
    """Form text → the JSON type the engine expects (booleans and integers; money and dates stay text).

    An unticked checkbox sends nothing, which means false."""
    kind = _kind(rule, name)
    if kind == "bool":
        return value in ("1", "true", "on")
    if kind == "int" and value.isascii() and value.lstrip("-").isdigit():
        return int(value)
    return value


def _shown(value):
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


def _present(rule, result: dict, english: bool) -> dict:
    labels = {o.name: (o.label_en if english else o.label_zh) for o in rule.outputs}
    rows = [{"label": labels.get(k, k), "value": _shown(v)} for k, v in result.items()
            if k in labels and v is not None and not isinstance(v, (list, dict))]
    parameters = [{**p, "value": _flat(p["value"])} for p in result.get("parameters", [])]
    return {"rows": rows, "formula": result.get("formula", ""), "parameters": parameters, "lines": result.get("lines")}


def _flat(value) -> str:
    """A table parameter as a readable line ("40: 233 · 41: 230 …") rather than Python's dict text."""
    if isinstance(value, dict):
        return " · ".join(f"{k}: {_flat(v)}" for k, v in value.items())
    return "" if value is None else str(value)
