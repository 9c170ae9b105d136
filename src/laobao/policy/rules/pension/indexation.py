"""Yearly pension indexation (调待): what one retiree's pension rises by, line by line, or a whole column.

The national notice of each year sets only the overall level (e.g. 3% for 2024, 2% for 2025 of last
year's average pension); each province splits it into (1) a flat amount per person (定额调整), (2) a
share of the person's pension before the adjustment and (3) an amount per full contribution year,
deemed years included (挂钩调整), and (4) extra amounts for the elderly by age band (倾斜调整; the highest
band reached applies alone). All four come from the parameter ``pension.indexation`` of the year
(:func:`scheme`); a cell that is missing (Jiangsu's split is not entered: UNVERIFIED) refuses the
calculation rather than guessing.

Amount = flat + round_half_up(pension × share) + per_year × ⌊months ÷ 12⌋ + band(age). The column form
(:func:`increase_columns`) is exact int64 arithmetic and equals the single form row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import numpy as np

from ..checks import bad, ratio, share_of, share_of_column, yuan

P_INDEXATION = "pension.indexation"
NEEDED = ("flat_fen", "share", "per_year_fen")


@dataclass(frozen=True)
class Scheme:
    """One year's adjustment as the parameters define it."""

    year: int
    effective: date  # first day of the effective month
    flat_fen: int
    share: Decimal
    per_year_fen: int
    bands: tuple[tuple[int, int], ...] = ()  # (minimum age, extra fen), ascending by age
    age_on: date | None = None  # the day ages are counted on (default: the effective day)
    reference: str = ""
    status: str = ""

    @property
    def age_day(self) -> date:
        return self.age_on or self.effective


@dataclass(frozen=True)
class Increase:
    amount_fen: int
    lines: list[dict]  # explanation: code, zh, en, amount_fen, formula (the rate's components)


def _int(cell: str, name: str, year: int) -> int:
    try:
        value = int(str(cell).strip())
    except ValueError:
        raise bad(name, "indexation.cell", f"{year} 年调待参数 {name} 应为整数分，当前为“{cell}”",
                  f"the {year} indexation cell {name} must be integer fen, got '{cell}'") from None
    if value < 0:
        raise bad(name, "indexation.cell", f"{year} 年调待参数 {name} 不能为负", f"the {year} cell {name} cannot be negative")
    return value


def parse_scheme(year: int, value: dict, reference: str = "", status: str = "") -> Scheme:
    """The cells of one year's entry (all text) → a :class:`Scheme`; missing split cells are refused."""
    missing = [k for k in NEEDED if k not in value]
    if missing:
        raise bad("year", "indexation.no_local_split",
                  f"{year} 年调待的本地办法（{', '.join(missing)}）尚未录入参数 pension.indexation：请按江苏当年通知录入后再计算",
                  f"the local split of the {year} indexation ({', '.join(missing)}) is not in the parameter "
                  "pension.indexation: enter it from the Jiangsu notice of the year first")
    try:
        y, m = (int(p) for p in str(value.get("effective_month", f"{year}-01")).split("-"))
        share = Decimal(str(value["share"]).strip())
        bands = tuple(sorted((int(a), _int(f, "age_bands", year)) for a, f in
                             (p.split(":") for p in str(value.get("age_bands", "")).split(",") if p.strip())))
        age_on = None
        if value.get("age_on"):
            am, ad = (int(p) for p in str(value["age_on"]).split("-"))
            age_on = date(year, am, ad)
    except (ValueError, InvalidOperation):
        raise bad("year", "indexation.cell", f"{year} 年调待参数格式有误：{value}",
                  f"the {year} indexation parameter is malformed: {value}") from None
    if not share.is_finite() or share < 0:
        raise bad("share", "indexation.cell", "调整比例应为非负小数", "the share must be a non-negative decimal")
    return Scheme(year, date(y, m, 1), _int(value["flat_fen"], "flat_fen", year), share,
                  _int(value["per_year_fen"], "per_year_fen", year), bands, age_on, reference, status)


def scheme(year: int, region: str | None = "320500", *, root=None) -> Scheme:
    """The scheme of ``year`` from the parameter; a year without its own entry has no indexation."""
    from laobao.policy.params import param

    pv = param(P_INDEXATION, date(year, 12, 31), region, root=root)
    if pv.since.year != year:
        raise bad("year", "indexation.no_year", f"参数 pension.indexation 没有 {year} 年的调整",
                  f"the parameter pension.indexation has no adjustment for {year}")
    return parse_scheme(year, pv.value, pv.reference, pv.status)


def age_at(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def band_of(s: Scheme, age: int) -> int:
    extra = 0
    for minimum, fen in s.bands:
        if age >= minimum:
            extra = fen
    return extra


def increase(s: Scheme, pension_fen: int, contribution_months: int, age: int) -> Increase:
    """One retiree: the four lines (zero lines are kept so the explanation is complete)."""
    if pension_fen < 0 or contribution_months < 0 or age < 0:
        raise bad("pension_fen", "indexation.input", "养老金、缴费月数和年龄不能为负",
                  "pension, contribution months and age cannot be negative")
    share = share_of(pension_fen, s.share)
    extra = band_of(s, age)
    per_year = s.per_year_fen * (contribution_months // 12)
    return Increase(s.flat_fen + share + per_year + extra, lines(s, pension_fen, contribution_months, age, share, extra))


def lines(s: Scheme, pension_fen: int, contribution_months: int, age: int, share: int, extra: int) -> list[dict]:
    """The four explanation lines (zero lines kept, so the explanation is complete), given the computed
    share and age-band amounts (the single and the column form both explain through here): the scheme's
    :func:`texts` filled with the person's figures by :func:`render`."""
    return render(texts(s), pension_fen, share, contribution_months, age, extra)


def _esc(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def texts(s: Scheme) -> dict:
    """What one year's explanation says for everyone, with the person's figures left as ``str.format`` fields
    (``{pension}``, ``{share}``, ``{years}``, ``{months}``, ``{per_year}``, ``{age}``, ``{extra}``): the labels,
    the formula wording, the flat amount and the amount per year, the notice (reference, status). Stored once
    per year (benefits ``IndexationScheme``); :func:`render` makes the lines of one person from it."""
    tag = f"{s.year}年调待"
    bands = "；".join(f"满{a}岁 {yuan(f)}" for a, f in s.bands) if s.bands else "无高龄档"
    return {"year": s.year, "flat_fen": s.flat_fen, "per_year_fen": s.per_year_fen,
            "reference": s.reference, "status": s.status, "lines": [
                _text("index_flat", f"{tag}·定额调整", f"{s.year} indexation: flat amount", "flat",
                      _esc(f"每人每月 {yuan(s.flat_fen)} 元")),
                _text("index_share", f"{tag}·按本人养老金挂钩", f"{s.year} indexation: share of the pension", "share",
                      "调整前 {pension} × " + _esc(str(s.share)) + " = {share}（四舍五入到分）"),
                _text("index_years", f"{tag}·按缴费年限挂钩", f"{s.year} indexation: per contribution year", "per_year",
                      _esc(yuan(s.per_year_fen)) + " × {years} 年（缴费 {months} 个月，满整年计） = {per_year}"),
                _text("index_age", f"{tag}·高龄倾斜", f"{s.year} indexation: age band", "extra",
                      _esc(s.age_day.isoformat()) + " 年满 {age} 周岁 → {extra}（" + _esc(bands) + "）"),
            ]}


def _text(code: str, zh: str, en: str, amount: str, formula: str) -> dict:
    return {"code": code, "zh": zh, "en": en, "amount": amount, "formula": formula}


def render(t: dict, pension_fen: int, share: int, contribution_months: int, age: int, extra: int) -> list[dict]:
    """The four lines of one person from the year's :func:`texts` and the person's figures (pension before
    the adjustment, share, contribution months, age, age-band amount; all integers)."""
    years = contribution_months // 12
    per_year = t["per_year_fen"] * years
    amounts = {"flat": t["flat_fen"], "share": share, "per_year": per_year, "extra": extra}
    fields = {"pension": yuan(pension_fen), "share": yuan(share), "years": years, "months": contribution_months,
              "per_year": yuan(per_year), "age": age, "extra": yuan(extra)}
    return [_line(x["code"], x["zh"], x["en"], amounts[x["amount"]], x["formula"].format(**fields)) for x in t["lines"]]


def _line(code: str, zh: str, en: str, fen: int, formula: str) -> dict:
    return {"code": code, "zh": zh, "en": en, "amount_fen": int(fen), "formula": formula}


def increase_columns(s: Scheme, pension_fen, contribution_months, age) -> dict[str, np.ndarray]:
    """Column twin of :func:`increase`: int64 columns flat, share, years, age and total."""
    pension_fen = np.asarray(pension_fen, dtype=np.int64)
    months = np.asarray(contribution_months, dtype=np.int64)
    age = np.asarray(age, dtype=np.int64)
    if (pension_fen < 0).any() or (months < 0).any() or (age < 0).any():
        raise bad("pension_fen", "indexation.input", "养老金、缴费月数和年龄不能为负",
                  "pension, contribution months and age cannot be negative")
    num, den = ratio(s.share)
    share = share_of_column(pension_fen, num, den)
    per_year = s.per_year_fen * (months // 12)
    extra = np.zeros(age.size, dtype=np.int64)
    for minimum, fen in s.bands:  # ascending: a higher band overwrites a lower one
        extra[age >= minimum] = fen
    flat = np.full(pension_fen.size, s.flat_fen, dtype=np.int64)
    return {"flat": flat, "share": share, "years": per_year, "age": extra, "total": flat + share + per_year + extra}
