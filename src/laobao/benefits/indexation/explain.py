"""A rate's explanation lines (组成与公式), whichever form the rate stores.

Full form (awards, corrections, death, injury, unemployment, indexation rates written before 0012): the
``components`` are the lines themselves — {code, zh, en, amount_fen, formula}.
Compact form (indexation since 0012, ADR 0019-D): ``components`` = ``[{"code": "account", "amount_fen": A},
{"code": "index", "scheme": S, "base": R, "f": [pension, share, months, age, extra]}]`` — the last element names
the year's ``IndexationScheme`` (texts stored once), the base rate it adjusts and the person's figures; the
first (absent when A = 0) carries the base's account part for the readers that take it from the components
(the payroll's annuity debit, death's recovery of the account part). The explanation is the base's explanation
(recursively: a base may itself be compact) followed by the four lines ``rule.render(texts, *f)``, which is what
``rule.lines`` gave when the rate was written (a test compares).
"""

from __future__ import annotations

from laobao.policy.rules.checks import yuan
from laobao.policy.rules.pension import indexation as rule

INDEX = "index"


def compact(components) -> dict | None:
    """The index element of a compact rate's components, or None for the full form."""
    if components and isinstance(components[-1], dict) and components[-1].get("code") == INDEX:
        return components[-1]
    return None


def explain(rates) -> dict[int, list[dict]]:
    """Rate id → its explanation lines, for ``rates`` (every rate of one or more benefits: the bases are found
    among them; a base that is not is read). Two queries at most beyond the rates given."""
    from ..models import BenefitRate, IndexationScheme

    by_id = {r.id: r for r in rates}
    schemes: dict[int, dict] = {}
    out: dict[int, list[dict]] = {}

    def lines(rate) -> list[dict]:
        if rate.id not in out:
            ix = compact(rate.components)
            if ix is None:
                out[rate.id] = list(rate.components or [])
            else:
                if ix["scheme"] not in schemes:
                    schemes.update(IndexationScheme.objects.filter(pk=ix["scheme"]).values_list("id", "texts"))
                head = lines(by_id.get(ix["base"]) or BenefitRate.objects.get(pk=ix["base"])) if ix["base"] else []
                out[rate.id] = head + rule.render(schemes[ix["scheme"]], *ix["f"])
        return out[rate.id]

    wanted = {ix["scheme"] for r in rates if (ix := compact(r.components))}
    if wanted:
        schemes.update(IndexationScheme.objects.filter(pk__in=wanted).values_list("id", "texts"))
    for r in rates:
        lines(r)
    return out


def explanation(rate) -> list[dict]:
    """One rate's lines (reads its bases and scheme as needed)."""
    return explain([rate])[rate.id]


def history(rates, events) -> list:
    """A benefit's events as the person page lists them: the stored ``BenefitEvent`` rows, and for each compact
    indexation rate the event it stands for (kind rate, reason indexation, "<year>年调待（<month> 起） +X 元",
    no actor), which the batch no longer writes as a row (ADR 0019-D): placed by time, after the rows of the
    same instant. Full-form indexation rates had their event row written; they add nothing here."""
    from ..models import BenefitEvent, EventKind

    derived = []
    for r in rates:
        ix = compact(r.components)
        if ix is not None:
            up = r.monthly_fen - ix["f"][0]  # the increase: new rate − the pension before the adjustment
            note = f"{r.key.split(':')[1]}年调待（{r.from_month:%Y-%m} 起） +{yuan(up)} 元"
            derived.append(BenefitEvent(benefit_id=r.benefit_id, kind=EventKind.RATE, month=r.from_month,
                                        reason="indexation", note=note, at=r.created_at))
    out, derived = [], sorted(derived, key=lambda e: e.at)
    for e in events:  # the rows keep their order (by id); each derived event goes before the first later row
        while derived and e.at is not None and derived[0].at < e.at:
            out.append(derived.pop(0))
        out.append(e)
    return out + derived
