"""滞纳金 — the late fee on social insurance contributions not paid in time.

社会保险费征缴暂行条例 (国务院令第259号, 1999-01-22) 第十三条: "缴费单位未按规定缴纳和代扣代缴社会保险费
的，由劳动保障行政部门或者税务机关责令限期缴纳；逾期仍不缴纳的，除补缴欠缴数额外，从欠缴之日起，按日加收
千分之二的滞纳金。滞纳金并入社会保险基金。" — 0.2% a day.

社会保险法 (in force 2011-07-01) 第八十六条: "用人单位未按时足额缴纳社会保险费的，由社会保险费征收机构责令限期
缴纳或者补足，并自欠缴之日起，按日加收万分之五的滞纳金" — 0.05% a day.

    fee = arrears × Σ (daily rate in force on the day) over the late days

Days: "自欠缴之日起" — the first late day is the day after the due date (the last day on which the
contribution could be paid in time), the last one is the payment date: days = payment − due. This is
the counting of the tax administration on which the 0.05% was modelled (税收征收管理法实施细则
第七十五条: "…缴纳期限届满次日起至…实际缴纳或者解缴税款之日止"); some cities stop the day before payment
(Beijing 2011: "自欠缴之日起至申报补缴成功的前一日止"), which is one day fewer — a local variant, not
implemented. The counting for social insurance is therefore a convention, UNVERIFIED.

A period straddling 2011-07-01 is split day by day: days before it at 0.2%, days from it at 0.05%.
This follows the tax precedent for the same change of rate (国税发〔2001〕54号: days before 2001-05-01 at
2‰, after at 0.5‰; UNVERIFIED here). Note 人社部令第13号 第二十九条 (SOURCE-ONLY) leaves arrears that
arose before 2011-07-01 to "国家和地方人民政府的有关规定": a region may have its own rule (Beijing charged
no fee on them) — that is a parameter (a regional override of the rate schedule), not code.

Rounding: the fee of one arrears item is rounded once, to the fen, ROUND_HALF_UP (house rule; no
statute states one).

Not applied: a cap of the fee at the arrears. 行政强制法 第四十五条 limits a 滞纳金 imposed as
administrative enforcement to the amount owed; whether that reaches the statutory social insurance
late fee is disputed (courts have gone both ways) — an open legal question for the bureau, UNVERIFIED.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from laobao.core.errors import DomainError
from laobao.policy.rules.contribution.exact import (
    check_product, half_up, negative, numerators, percent, scale_of, times, yuan,
)

REFERENCE = "社会保险费征缴暂行条例 第十三条; 社会保险法 第八十六条"
PARAM = "collection.late_fee_daily_rate"
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class LateFeeParams:
    """The daily rate schedule: ((since, rate or None), …) ascending; None = no fee from that day."""

    schedule: tuple[tuple[date, Decimal | None], ...]
    sources: tuple = field(default=(), compare=False)

    def __post_init__(self):
        days = [since for since, _ in self.schedule]
        if not days or days != sorted(set(days)):
            raise ValueError("the late-fee schedule must be non-empty, ascending and without duplicates")


@dataclass(frozen=True)
class Segment:
    start: date      # first late day in this segment
    end: date        # last late day in this segment
    days: int
    rate: Decimal


@dataclass(frozen=True)
class LateFee:
    arrears: int     # fen
    due: date
    paid: date
    days: int
    fee: int         # fen
    segments: tuple[Segment, ...]
    explain: dict


def _segments(first: date, last: date, params: LateFeeParams) -> list[Segment]:
    schedule = params.schedule
    if first < schedule[0][0]:
        raise DomainError.of("due", "late_fee.no_rate",
                             f"{first} 早于滞纳金规定的施行日 {schedule[0][0]}，没有费率。",
                             f"No late-fee rate before {schedule[0][0]} (late days start {first}).")
    out = []
    for i, (since, rate) in enumerate(schedule):
        until = schedule[i + 1][0] - timedelta(days=1) if i + 1 < len(schedule) else date.max
        start, end = max(first, since), min(last, until)
        if start <= end and rate:
            out.append(Segment(start, end, (end - start).days + 1, Decimal(rate)))
    return out


def late_fee(arrears_fen: int, due: date, paid: date, params: LateFeeParams) -> LateFee:
    """The late fee on ``arrears_fen`` due on ``due`` (last day in time) and paid on ``paid``."""
    if arrears_fen < 0:
        raise negative("arrears", arrears_fen)
    days = max(0, (paid - due).days)
    segments = _segments(due + timedelta(days=1), paid, params) if days else []
    weighted = sum((seg.rate * seg.days for seg in segments), Decimal(0))
    fee = half_up(times(arrears_fen, weighted))
    parts = " + ".join(f"{percent(s.rate)} × {s.days}天({s.start}…{s.end})" for s in segments) or "0"
    formula = f"{yuan(arrears_fen)} × ({parts}) = {yuan(fee)}"
    return LateFee(arrears=arrears_fen, due=due, paid=paid, days=days, fee=fee, segments=tuple(segments),
                   explain={"formula": formula, "params": list(params.sources), "reference": REFERENCE})


def _day_numbers(column) -> np.ndarray:
    return np.asarray(column, dtype="datetime64[D]").astype(np.int64)


def late_fee_columns(arrears_fen: np.ndarray, due: np.ndarray, paid: np.ndarray,
                     params: LateFeeParams) -> dict[str, np.ndarray]:
    """The same fee over columns (dates as ``datetime64[D]``); returns int64 ``days`` and ``fee``."""
    arrears = np.asarray(arrears_fen, dtype=np.int64)
    due_d, paid_d = _day_numbers(due), _day_numbers(paid)
    if arrears.size and arrears.min() < 0:
        raise negative("arrears", int(arrears.min()))
    days = np.maximum(paid_d - due_d, 0)
    first = due_d + 1
    late = days > 0
    starts = [(since - _EPOCH).days for since, _ in params.schedule]
    if late.any() and int(first[late].min()) < starts[0]:
        raise DomainError.of("due", "late_fee.no_rate", f"滞纳日早于 {params.schedule[0][0]}，没有费率。",
                             f"No late-fee rate before {params.schedule[0][0]}.")
    rates = [rate or Decimal(0) for _, rate in params.schedule]
    d = scale_of(rates)
    n = numerators(rates, d)
    weighted = np.zeros(arrears.shape, dtype=np.int64)
    for i, start in enumerate(starts):
        if not n[i]:
            continue
        lo = np.maximum(first, start)
        hi = paid_d if i + 1 == len(starts) else np.minimum(paid_d, starts[i + 1] - 1)
        weighted += n[i] * np.maximum(hi - lo + 1, 0)
    if arrears.size:
        check_product(int(arrears.max()), max(int(weighted.max()), d), "arrears")
    fee = arrears * weighted
    fee *= 2
    fee += d
    fee //= 2 * d
    return {"days": days, "fee": fee}


def params_for(region: str | None = None) -> LateFeeParams:
    """The whole dated schedule of the daily late-fee rate in ``region``, read through the parameter files.

    The schedule changes only where the base values or an override of the region's chain (code, district,
    city) changes; the value at each such date is asked of ``param()``, so the region fallback is the loader's.
    """
    from laobao.policy.params import CITY, ParameterError, check_region, param, parameter

    code = check_region(region)
    spec = parameter(PARAM)
    chain = [CITY] if code is None else [code, code[:6], CITY]
    dates = sorted({e.since for e in spec.values} | {e.since for c in chain for e in spec.regions.get(c, ())})
    schedule, sources = [], []
    for since in dates:
        try:
            value = param(PARAM, on=since, region=code)
        except ParameterError:
            schedule.append((since, None))
            continue
        schedule.append((since, Decimal(value.value)))
        sources.append(value)
    return LateFeeParams(schedule=tuple(schedule), sources=tuple(sources))
