"""Unemployment benefit: who may draw it and for how many months.

失业保险条例（国务院令第258号，1999-01-22）第十四条 and 社会保险法 第四十五条: an unemployed
person draws unemployment benefit when (1) the employer and the person had paid contributions for
at least one year before the job was lost, (2) the job was lost against the person's will, and
(3) the person has registered as unemployed and seeks work. Conditions (2) and (3) are facts the
caseworker establishes; they are passed in as booleans.

条例 第十七条 and 社会保险法 第四十六条: cumulative contributions of at least 1 and under 5 years give
at most 12 months; at least 5 and under 10 years, 18 months; 10 years or more, 24 months. After
re-employment the contribution time is counted afresh; on a new loss of job the months due but not
drawn in the earlier spell are added, the total never exceeding 24 months.

Reading chosen here (say so at the counter): the person must meet the one-year condition in the
new spell before any months, carried ones included, are paid (第十四条 applies to every spell).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ..checks import bad, need_bool, need_column, need_int, used

REFERENCE = "失业保险条例（国务院令第258号）第十四条、第十七条；社会保险法 第四十五条、第四十六条"

P_MIN = "unemployment.min_contribution_months"
P_BANDS = "unemployment.duration_bands"
P_MAX = "unemployment.max_months"


@dataclass(frozen=True)
class EntitlementParams:
    """Parameter values for the rule; ``bands`` maps minimum contribution months → benefit months."""

    min_contribution_months: int
    bands: tuple[tuple[int, int], ...]
    max_months: int
    sources: tuple = field(default=(), compare=False)

    def __post_init__(self):
        bands = tuple(sorted((int(k), int(v)) for k, v in self.bands))
        if not bands or bands[0][0] > self.min_contribution_months:
            raise ValueError("duration bands must start at or below the minimum contribution")
        object.__setattr__(self, "bands", bands)


@dataclass(frozen=True)
class Entitlement:
    eligible: bool
    months: int
    band_months: int
    carried_months: int
    reasons: tuple[str, ...]
    explain: dict


def params_for(on: date, region: str | None = None) -> EntitlementParams:
    from laobao.policy.params import param

    mn, bands, mx = (param(n, on=on, region=region) for n in (P_MIN, P_BANDS, P_MAX))
    return EntitlementParams(int(mn.value), tuple(bands.value.items()), int(mx.value), (mn, bands, mx))


def band_months(contribution_months: int, params: EntitlementParams) -> int:
    """The band's maximum months for a contribution record (0 below the first band)."""
    months = 0
    for threshold, band in params.bands:
        if contribution_months >= threshold:
            months = band
    return months


def entitlement(contribution_months: int, params: EntitlementParams, *, carried_months: int = 0,
                involuntary: bool = True, registered: bool = True) -> Entitlement:
    """Eligibility and benefit months for one unemployed person."""
    contribution_months = need_int("contribution_months", contribution_months, minimum=0)
    carried_months = need_int("carried_months", carried_months, minimum=0, maximum=params.max_months)
    involuntary = need_bool("involuntary", involuntary)
    registered = need_bool("registered", registered)
    reasons = []
    if contribution_months < params.min_contribution_months:
        reasons.append(f"contribution_months {contribution_months} < {params.min_contribution_months}")
    if not involuntary:
        reasons.append("job not lost involuntarily (非因本人意愿中断就业: no)")
    if not registered:
        reasons.append("not registered as unemployed (失业登记: no)")
    band = band_months(contribution_months, params)
    eligible = not reasons
    months = min(params.max_months, band + carried_months) if eligible else 0
    formula = (
        f"eligible = contribution_months {contribution_months} ≥ {params.min_contribution_months}"
        f" and involuntary={involuntary} and registered={registered} → {eligible}; "
        f"months = min({params.max_months}, band({contribution_months}) {band} + carried {carried_months})"
        f" = {months}" if eligible else
        f"eligible = False ({'; '.join(reasons)}) → months = 0"
    )
    return Entitlement(eligible, months, band, carried_months, tuple(reasons), {
        "formula": formula, "params": used(params.sources, P_MIN, P_BANDS, P_MAX), "reference": REFERENCE})


def entitlement_column(contribution_months, params: EntitlementParams, carried_months=None,
                       involuntary=None, registered=None) -> tuple[np.ndarray, np.ndarray]:
    """Column twin of :func:`entitlement`: returns (eligible bool array, months int64 array)."""
    contrib = need_column("contribution_months", contribution_months)
    carried = (np.zeros_like(contrib) if carried_months is None else
               need_column("carried_months", carried_months, maximum=params.max_months))
    if carried.shape != contrib.shape:
        raise bad("carried_months", "carried_months.shape", "carried_months 列长度与 contribution_months 不一致",
                  "carried_months column length differs from contribution_months")
    thresholds = np.array([t for t, _ in params.bands], dtype=np.int64)
    band_values = np.array([0] + [m for _, m in params.bands], dtype=np.int64)
    band = band_values[np.searchsorted(thresholds, contrib, side="right")]
    eligible = contrib >= params.min_contribution_months
    for name, flags in (("involuntary", involuntary), ("registered", registered)):
        if flags is not None:
            flags = np.asarray(flags)
            if flags.dtype != np.bool_ or flags.shape != contrib.shape:
                raise bad(name, f"{name}.type", f"{name} 列应为与其他列等长的布尔数组",
                          f"{name} column must be a boolean array as long as the others")
            eligible = eligible & flags
    months = np.where(eligible, np.minimum(params.max_months, band + carried), 0)
    return eligible, months.astype(np.int64)
