"""Medical insurance during the unemployment benefit (失业保险条例第十九条; 社会保险法第四十八条: 失业人员应当缴纳的
基本医疗保险费从失业保险基金中支付，个人不缴纳).

For every month of unemployment benefit a payroll line pays, the unemployment fund pays the month's medical
contribution (parameter ``unemployment.medical_contribution``, fen per person and month): one
``UnemploymentMedical`` row per (benefit, month), written in the chunk transaction of the line that first pays
the month (unique: a re-run, a reissue, or the re-payment of a rejected month adds nothing; the person was
covered that month whatever the bank did), and per chunk one ledger entry ``payroll-medical:<first line id>``
Dr ``fund:unemployment`` / Cr ``fund:medical``. A month without a parameter value is written nowhere and
named on stderr (never a silent zero); a later run cannot fill it in (the month is then paid).
Reconcile ``benefits.unemployment_medical_posted`` (payroll/checks.py): Σ rows = Σ those postings.
"""

from __future__ import annotations

import numpy as np

from laobao.ledger.batch import Entry, post_batch, write_columns
from laobao.policy import params
from laobao.policy.params import ParameterError

from .due import _cols, _in_ids, _ids_param, _mi_sql, _rows, month_date, month_iso, month_text

FUND = "fund:unemployment"
PARAM = "unemployment.medical_contribution"
KIND = "unemployment_medical"


FILE = "unemployment/medical_contribution.yaml"


def _parameter() -> params.Parameter:
    """The one parameter file, read and checked by the parameter loader itself (``params._read``, the same
    checks as ``load_all``) without parsing the whole tree of ~70 files (0.3–0.5 s) in every payroll run."""
    if params._load.cache_info().currsize:  # the tree is loaded already (a web process, the tests)
        return params.parameter(PARAM)
    return params._read(params.ROOT / FILE, FILE, PARAM)


class Rates:
    """The parameter per month index, read once per month; months without a value are remembered."""

    def __init__(self):
        self.cache: dict[int, tuple[int, str] | None] = {}
        self.missing: set[int] = set()
        self.parameter: params.Parameter | None = None

    def at(self, m: int) -> tuple[int, str] | None:
        if m not in self.cache:
            try:
                self.parameter = self.parameter or _parameter()
                v = self.parameter.at(month_date(m))
                self.cache[m] = (int(v.value), v.since.isoformat())
            except ParameterError:
                self.cache[m] = None
        if self.cache[m] is None:
            self.missing.add(m)
        return self.cache[m]

    def missing_text(self) -> str:
        return ", ".join(month_text(m) for m in sorted(self.missing))


def _existing(benefits: np.ndarray) -> np.ndarray:
    """Keys benefit << 20 | month of the rows already written for ``benefits``."""
    if not benefits.size:
        return np.zeros(0, dtype=np.int64)
    b, m = _cols(_rows("SELECT benefit_id, " + _mi_sql("month") + " FROM benefits_unemploymentmedical WHERE "
                       + _in_ids("benefit_id"), [_ids_param(np.unique(benefits))]), 2)
    return np.sort((b << 20) | m)


def write(c: dict, ids: np.ndarray, lo: int, hi: int, rates: Rates, now: str, today) -> int:
    """Inside the chunk's transaction: the rows and the entry of the chunk's unemployment months."""
    if FUND not in c["funds"]:
        return 0
    u = c["funds"].index(FUND)
    msel = (c["month_line"] >= lo) & (c["month_line"] < hi)
    msel[msel] = c["fund"][c["month_line"][msel]] == u
    if not msel.any():
        return 0
    line, month = c["month_line"][msel], c["month"][msel]
    benefit = c["benefit"][line]
    fresh = ~np.isin((benefit << 20) | month, _existing(benefit))
    found = [rates.at(m) for m in month.tolist()]
    has = np.array([f is not None for f in found], dtype=bool) & fresh
    if not has.any():
        return 0
    amount = np.array([f[0] if f else 0 for f in found], dtype=np.int64)[has]
    since = [f[1] for f, h in zip(found, has.tolist()) if h]
    line, month, benefit = line[has], month[has], benefit[has]
    n = int(has.sum())
    write_columns("benefits_unemploymentmedical", (
        "benefit_id", "person_id", "line_id", "month", "amount_fen", "parameter_since", "created_at"), [
        benefit, c["person"][line], ids[line - lo], [month_iso(m) for m in month.tolist()], amount, since, [now] * n])
    total = int(amount.sum())
    post_batch(kind=KIND, progress=None, entries=[Entry(
        f"payroll-medical:{int(ids[0])}", f"失业人员基本医疗保险费 {n} 人月（失业保险基金支付）", today,
        [(FUND, total, 0), ("fund:medical", 0, total)])])
    return n
