"""Employment histories: a current job for most people of working age, earlier jobs, retirements.

A person has at most one open relation, and an earlier job always ends before the next one
starts, so no two periods of one person with one employer overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import cast, tables
from .people import ELSEWHERE, Population

YEAR = 365.2425


@dataclass
class Relations:
    person: np.ndarray  # index into the population
    employer: np.ndarray  # index into the employers
    start: np.ndarray  # datetime64[D]
    end: np.ndarray  # datetime64[D], NaT while open

    def __len__(self) -> int:
        return len(self.person)


def _days(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).astype(np.int64).astype("timedelta64[D]")


def generate(rng: np.random.Generator, pop: Population, headcount: np.ndarray, active: np.ndarray) -> Relations:
    n, first = len(pop), len(cast.PERSONS)
    as_of = np.datetime64(tables.AS_OF)
    age = pop.age()
    adult = pop.birth + _days(18 * YEAR)
    retire_age = np.where(pop.male, 60, 55)
    working = (age >= 18) & (age < retire_age)
    working[:first] = False  # the cast has its own story
    employed = working & (rng.random(n) < np.where(pop.hukou == ELSEWHERE, 0.88, 0.78))

    current_p = headcount * active
    current_p = current_p / current_p.sum()
    any_p = headcount / headcount.sum()
    parts = []

    idx = np.flatnonzero(employed)
    tenure = np.minimum(rng.exponential(5 * YEAR, len(idx)), (as_of - adult[idx]).astype(np.int64))
    start = as_of - _days(tenure)
    still_open = np.full(len(idx), np.datetime64("NaT"), "datetime64[D]")
    parts.append((idx, rng.choice(len(headcount), len(idx), p=current_p), start, still_open))

    # an earlier job for some of them, ending shortly before the current one started
    has_past = (rng.random(len(idx)) < 0.45) & ((start - adult[idx]).astype(np.int64) > 60)
    p_idx, p_next = idx[has_past], start[has_past]
    p_end = p_next - _days(1 + rng.integers(0, 180, len(p_idx)))
    p_start = np.maximum(p_end - _days(30 + rng.exponential(3 * YEAR, len(p_idx))), adult[p_idx])
    ok = p_start <= p_end
    parts.append((p_idx[ok], rng.choice(len(headcount), len(p_idx), p=any_p)[ok], p_start[ok], p_end[ok]))

    # the unemployed: half of them lost a job in the last three years
    lost = np.flatnonzero(working & ~employed & (rng.random(n) < 0.5))
    l_end = np.maximum(as_of - _days(rng.integers(30, 1000, len(lost))), adult[lost])
    l_start = np.maximum(l_end - _days(30 + rng.exponential(4 * YEAR, len(lost))), adult[lost])
    parts.append((lost, rng.choice(len(headcount), len(lost), p=any_p), l_start, l_end))

    # retirees under 80: most ended a long job at the retirement age
    retired = np.flatnonzero((age >= retire_age) & (age < 80) & (rng.random(n) < 0.6))
    retired = retired[retired >= first]
    r_end = pop.birth[retired] + _days(retire_age[retired] * YEAR)
    r_start = np.maximum(r_end - _days(rng.integers(10, 36, len(retired)) * YEAR), adult[retired])
    parts.append((retired, rng.choice(len(headcount), len(retired), p=any_p), r_start, r_end))

    parts.append(_cast_jobs())
    return Relations(*(np.concatenate([p[i] for p in parts]) for i in range(4)))


def _cast_jobs():
    keys = [e.key for e in cast.EMPLOYERS]
    rows = [(i, keys.index(k), s, e) for i, p in enumerate(cast.PERSONS) for k, s, e in p.jobs]
    return (
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.int64),
        np.array([r[2] for r in rows], dtype="datetime64[D]"),
        np.array([r[3] if r[3] else "NaT" for r in rows], dtype="datetime64[D]"),
    )
