"""Reconcile check of the compact indexation rates (ADR 0019-D; imported by benefits/reconcile.py):

``benefits.indexation_explained`` — every compact indexation rate names its year's ``IndexationScheme`` and a
base rate of the same benefit (or none: base 0 with a pension of 0); the pension in its figures is the base's
monthly amount; its monthly amount = pension + flat + share + per_year × ⌊months ÷ 12⌋ + age band, so the
explanation the page renders adds up to the rate; and the account part it carries is the base's (what the
payroll draws from the annuity). One set-based query; only the differences come back.
"""

from __future__ import annotations

from django.db import connection

from laobao.ledger.reconcile import MAX_SHOWN, Result, check

from ..payroll.due import _account_sql, _rows


def _get(path: str, column: str = "x.components") -> str:
    """An integer inside a compact rate's index element (the last of the list) or a scheme's texts."""
    if connection.vendor == "postgresql":
        keys = path.split(".")
        expr = column + ("->-1" if column.endswith("components") else "")
        for k in keys[:-1]:
            expr += f"->'{k}'" if not k.isdigit() else f"->{k}"
        last = keys[-1]
        return f"({expr}->>{last if last.isdigit() else repr(last)})::bigint"
    json_path = ("$[#-1]." if column.endswith("components") else "$.") + ".".join(
        f"[{k}]" if k.isdigit() else k for k in path.split(".")).replace(".[", "[")
    return f"json_extract({column}, '{json_path}')"


def _code() -> str:
    if connection.vendor == "postgresql":
        return "x.components->-1->>'code'"
    return "json_extract(x.components, '$[#-1].code')"


@check("benefits.indexation_explained")
def indexation_explained() -> Result:
    p, sh, m, age_x = (_get(f"f.{i}") for i in (0, 1, 3, 4))
    months = _get("f.2")
    flat, per_year = _get("flat_fen", "s.texts"), _get("per_year_fen", "s.texts")
    base_acct = _account_sql()  # on alias r: the base rate
    own_acct = _account_sql().replace("r.components", "x.components")
    sql = (f"SELECT x.id, x.benefit_id FROM benefits_benefitrate x "
           f"LEFT JOIN benefits_benefitrate r ON r.id = {_get('base')} "
           f"LEFT JOIN benefits_indexationscheme s ON s.id = {_get('scheme')} "
           f"WHERE x.reason = 'indexation' AND {_code()} = 'index' AND NOT (s.id IS NOT NULL "
           f"AND x.monthly_fen = {p} + {flat} + {sh} + {per_year} * ({months} / 12) + {age_x} "
           f"AND ((r.id IS NULL AND {_get('base')} = 0 AND {p} = 0 AND {own_acct} = 0) "
           f"OR (r.benefit_id = x.benefit_id AND r.monthly_fen = {p} AND {own_acct} = {base_acct})))")
    bad = _rows(sql, [])
    n = _rows(f"SELECT COUNT(*) FROM benefits_benefitrate x WHERE x.reason = 'indexation' AND {_code()} = 'index'",
              [])[0][0]
    return Result(int(n), [f"rate #{i} of benefit #{b}: its compact explanation does not add up to the rate or "
                           "does not name its scheme and base" for i, b in bad[:MAX_SHOWN]], found=len(bad))
