"""The arithmetic of one month over columns: the base each person is assessed on, then ``assess_columns``.

Long form: one row per (person, payer, insurance) present, indexing the month's ``RateTable``; the results
are pivoted back into the wide layout (one row per person and payer, five insurances side by side).
Everything is int64 fen; no float.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from laobao.policy.rules.contribution import assess_columns

from .gather import FIELDS
from .rates import INSURANCES, PLAIN, RateTable, param_region, unknown_class

FLOOR, CAP, MISSING, NEW_HIRE, NO_RISK_CLASS = 1, 2, 4, 8, 16
_COL = {name: i for i, name in enumerate(FIELDS)}
_SLOT = {"pension": 0, "medical": 1, "unemployment": 2, "maternity": 3}
_INJURY = 1 << INSURANCES.index("injury")  # gather's cover mask: bit k = INSURANCES[k]


@dataclass
class Lines:
    """Wide contribution lines in columns; ``present[:, k]`` says the person is insured in INSURANCES[k]."""

    payer: np.ndarray      # employer id, or −person id for a person paying alone
    person: np.ndarray
    region: np.ndarray     # the payer's region id (0 = none)
    month: np.ndarray      # date ordinal of the contribution month
    adjustment: np.ndarray
    flags: np.ndarray
    wage: np.ndarray
    present: np.ndarray    # (n, 5) bool
    base: np.ndarray       # (n, 5) int64
    employer: np.ndarray
    employee: np.ndarray
    account: np.ndarray    # (n,) pension account credit

    def __len__(self) -> int:
        return len(self.payer)

    def take(self, idx) -> Lines:
        return Lines(**{k: v[idx] for k, v in vars(self).items()})

    @staticmethod
    def concat(parts: list[Lines]) -> Lines:
        return Lines(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in vars(parts[0])})

    @staticmethod
    def empty() -> Lines:
        one = np.zeros(0, dtype=np.int64)
        five = np.zeros((0, 5), dtype=np.int64)
        return Lines(one, one, one, one, one.astype(bool), one, one, five.astype(bool), five, five, five, one)


def wages_used(rows: np.ndarray, table: RateTable, rule: str) -> tuple[np.ndarray, np.ndarray]:
    """The declared wage, or the missing-declaration rule's: ``previous`` (else the floor) or ``cap``."""
    declared, previous = rows[:, _COL["wage"]], rows[:, _COL["previous"]]
    missing = declared < 0
    fallback = np.full(len(rows), table.caps().max() if rule == "cap" else table.floors().min(), dtype=np.int64)
    if rule == "previous":
        fallback = np.where(previous >= 0, previous, fallback)
    flags = np.where(missing, MISSING, 0) | np.where(rows[:, _COL["new_hire"]] == 1, NEW_HIRE, 0)
    return np.where(missing, fallback, declared), flags.astype(np.int64)


def _classes(employers: np.ndarray, risk: dict[int, int]) -> np.ndarray:
    """The risk class of each row's employer (0 = none on file), by a sorted lookup."""
    if not risk:
        return np.zeros(len(employers), dtype=np.int64)
    keys = np.fromiter(risk.keys(), dtype=np.int64, count=len(risk))
    values = np.fromiter(risk.values(), dtype=np.int64, count=len(risk))
    order = np.argsort(keys)
    keys, values = keys[order], values[order]
    pos = np.clip(np.searchsorted(keys, employers), 0, len(keys) - 1)
    return np.where(keys[pos] == employers, values[pos], 0)


def _slots(rows, table: RateTable, codes: dict[int, str], risk: dict[int, int], month: date):
    """(n, 5) rate-table indexes (-1: no line) and the no-risk-class flag."""
    n = len(rows)
    personal = rows[:, _COL["employer"]] == 0
    flat, inverse = np.unique(rows[:, _COL["region"]] * 2 + personal, return_inverse=True)
    uniq = np.stack([flat // 2, flat % 2], axis=1)
    groups = np.stack([table.group(param_region(codes.get(int(r))), bool(p)) for r, p in uniq]) \
        if len(uniq) else np.zeros((0, len(PLAIN) + 9), dtype=np.int64)
    per_row = groups[inverse.reshape(-1)] if n else groups
    slots = np.full((n, 5), -1, dtype=np.int64)
    for k, name in enumerate(INSURANCES):
        if name != "injury":
            slots[:, k] = per_row[:, _SLOT[name]] if n else slots[:, k]
    classes = _classes(rows[:, _COL["employer"]], risk)
    injured = (rows[:, _COL["cover"]] & _INJURY) != 0
    no_class = (~personal) & (classes == 0) & injured
    classes = np.where(classes == 0, 1, classes)  # no class on file: class 1 and flag 16 (ADR 0008)
    if n:
        if classes.max() > 8 or classes.min() < 1:
            raise unknown_class(int(classes.max() if classes.max() > 8 else classes.min()), month)
        slots[:, 3] = per_row[np.arange(n), len(PLAIN) + classes]
        bad = (~personal) & injured & (slots[:, 3] < 0)
        if bad.any():
            raise unknown_class(int(classes[bad][0]), month)
    return slots, no_class


def compute(rows: np.ndarray, month: date, table: RateTable, codes: dict[int, str], risk: dict[int, int],
            rule: str) -> Lines:
    """Assess gathered ``rows`` (see gather.FIELDS) of ``month`` into wide ``Lines``."""
    n = len(rows)
    if not n:
        return Lines.empty()
    wage, flags = wages_used(rows, table, rule)
    slots, no_class = _slots(rows, table, codes, risk, month)
    enrolled = ((rows[:, _COL["cover"], None] >> np.arange(len(INSURANCES))) & 1) == 1
    present = enrolled & (slots >= 0)
    r, k = np.nonzero(present)
    out = assess_columns(wage[r], slots[r, k], table.params())
    base, employer, employee = (np.zeros((n, 5), dtype=np.int64) for _ in range(3))
    base[r, k], employer[r, k], employee[r, k] = out["base"], out["employer"], out["employee"]
    account = np.zeros(n, dtype=np.int64)
    pension = k == 0
    account[r[pension]] = out["account"][pension]
    floors, caps = table.floors(), table.caps()
    flags |= np.where((present & (wage[:, None] < floors[None, :])).any(axis=1), FLOOR, 0)
    flags |= np.where((present & (wage[:, None] > caps[None, :])).any(axis=1), CAP, 0)
    flags |= np.where(no_class, NO_RISK_CLASS, 0)
    employer_col = rows[:, _COL["employer"]]
    payer = np.where(employer_col > 0, employer_col, -rows[:, _COL["person"]])
    return Lines(payer=payer, person=rows[:, _COL["person"]].copy(), region=rows[:, _COL["region"]].copy(),
                 month=np.full(n, month.toordinal(), dtype=np.int64), adjustment=np.zeros(n, dtype=bool),
                 flags=flags, wage=wage, present=present, base=base, employer=employer, employee=employee,
                 account=account)
