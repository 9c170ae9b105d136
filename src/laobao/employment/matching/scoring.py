"""The matching score: a pure function of a job seeker's wishes, a vacancy and the dated weights.

Four components, each a *level* on a ladder (higher = closer) turned into points by the weights of
``employment.matching_weights`` (our own design choice, not law):

- occupation: 4 same code, 3 same minor group (小类), 2 same sub-major group (中类), 1 same major group (大类), 0;
- skill: 2 the seeker's level meets or exceeds the vacancy's (or none required), 1 one level below, 0 lower;
- location: 4 same community, 3 same street, 2 same district, 1 same city, 0;
- wage: 3 the vacancy's minimum reaches the wanted wage (or no wish), 2 the wanted wage lies in the range,
  1 the vacancy's maximum is at least 90% of the wanted wage, 0 lower.

The score is the sum of the points. :func:`score_pair` scores one pair with the reasons; :func:`score_columns`
scores NumPy columns (one seeker against every open vacancy, or one vacancy against every seeker) with the
same ladders, and :func:`top_k` ranks. Both work on :class:`Facts` built by :func:`occupation_keys` and
:func:`place_keys` from codes, so that the column path and the single-pair path cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np

from laobao.core.errors import DomainError
from laobao.policy.params import param

OCCUPATION_CODE = re.compile(r"^[1-8](-\d{2}){0,3}$")
NONE = -1  # a key that is unknown (no community, no street): never equal to anything
COMPONENTS = ("occupation", "skill", "location", "wage")


@dataclass(frozen=True)
class Weights:
    """Points per ladder level, index = level (0 = no match). Non-decreasing, so the score is monotone."""

    occupation: tuple[int, int, int, int, int]
    skill: tuple[int, int, int]
    location: tuple[int, int, int, int, int]
    wage: tuple[int, int, int, int]
    since: date
    reference: str

    def table(self, component: str) -> np.ndarray:
        return np.asarray(getattr(self, component), dtype=np.int16)


def weights_on(day: date) -> Weights:
    p = param("employment.matching_weights", on=day)
    v = p.value
    w = Weights(
        occupation=(0, v["occupation_major"], v["occupation_middle"], v["occupation_minor"], v["occupation_same"]),
        skill=(0, v["skill_one_below"], v["skill_meets"]),
        location=(0, v["location_city"], v["location_district"], v["location_street"], v["location_community"]),
        wage=(0, v["wage_near"], v["wage_within"], v["wage_above"]),
        since=p.since, reference=p.reference,
    )
    for name in COMPONENTS:
        ladder = getattr(w, name)
        if any(b < a for a, b in zip(ladder, ladder[1:])) or ladder[0] < 0:
            raise DomainError.of("employment.matching_weights", "matching.weights_not_monotone",
                                 f"匹配权重“{name}”必须随匹配程度不减：请更正参数文件",
                                 f"The matching weights of {name!r} must not decrease with the match: fix the file")
    return w


# --- keys -----------------------------------------------------------------------------------------

def occupation_keys(code: str) -> tuple[int, int, int, int]:
    """(major, middle, minor, full) integer keys of a level-3 or level-4 code; equal keys = same group.

    ``6-18-01-02`` → (6, 618, 61801, 61801002); a minor group ``6-18-01`` → full 61801999 (its own code)."""
    parts = [int(x) for x in code.split("-")]
    major, middle, minor = parts[0], parts[0] * 100 + parts[1], (parts[0] * 100 + parts[1]) * 100 + parts[2]
    full = minor * 1000 + (parts[3] if len(parts) == 4 else 999)
    return major, middle, minor, full


def place_keys(path: str | None) -> tuple[int, int, int, int]:
    """(city, district, street, community) codes as integers from a region path ``/320500/320508/…/``."""
    codes = [int(c) for c in (path or "").strip("/").split("/") if c]
    codes += [NONE] * (4 - len(codes))
    return codes[0], codes[1], codes[2], codes[3]


def skill_rank(level: int | None) -> int:
    """The qualification level (5 初级 … 1 高级技师; None none) as a rank 0 (none) … 5 (高级技师)."""
    return 0 if level is None else 6 - int(level)


@dataclass(frozen=True)
class Facts:
    """One side of a pair, or columns of many (then every field is a NumPy array of equal length)."""

    occupation: tuple  # (major, middle, minor, full)
    skill: object  # rank 0..5
    place: tuple  # (city, district, street, community)
    wage_min: object  # fen; the seeker's wanted wage (0 = no wish) or the vacancy's minimum
    wage_max: object  # fen; the vacancy's maximum (equal to wage_min for a seeker)


def seeker_facts(*, occupation_code: str, skill_level: int | None, place_path: str | None,
                 wanted_wage_fen: int | None) -> Facts:
    wanted = int(wanted_wage_fen or 0)
    return Facts(occupation_keys(occupation_code), skill_rank(skill_level), place_keys(place_path), wanted, wanted)


def vacancy_facts(*, occupation_code: str, skill_level: int | None, place_path: str | None,
                  wage_min_fen: int, wage_max_fen: int) -> Facts:
    return Facts(occupation_keys(occupation_code), skill_rank(skill_level), place_keys(place_path),
                 int(wage_min_fen), int(wage_max_fen))


# --- one pair ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Component:
    name: str
    level: int
    points: int
    zh: str
    en: str


@dataclass(frozen=True)
class Score:
    total: int
    components: tuple[Component, ...]


_OCC = (("职业不同", "a different occupation"), ("同一大类", "same major group"), ("同一中类", "same sub-major group"),
        ("同一小类", "same minor group"), ("职业相同", "same occupation"))
_SKILL = (("技能等级低于要求两级以上", "skill two or more levels below the requirement"),
          ("技能等级低于要求一级", "skill one level below the requirement"), ("技能等级达到要求", "skill meets the requirement"))
_LOC = (("不在本市", "outside the city"), ("同一城市", "same city"), ("同一区", "same district"), ("同一街道", "same street"),
        ("同一社区", "same community"))
_WAGE = (("工资低于期望", "wage below the wish"), ("工资接近期望（不低于九成）", "wage near the wish (at least 90%)"),
         ("期望工资在岗位工资区间内", "wanted wage within the range"), ("岗位工资不低于期望", "wage at or above the wish"))


def occupation_level(s: Facts, v: Facts) -> int:
    return sum(int(a == b) for a, b in zip(s.occupation, v.occupation))


def skill_level_match(s: Facts, v: Facts) -> int:
    return min(max(int(s.skill) - int(v.skill), -2), 0) + 2


def location_level(s: Facts, v: Facts) -> int:
    return sum(int(a == b and a != NONE) for a, b in zip(s.place, v.place))


def wage_level(s: Facts, v: Facts) -> int:
    wanted = int(s.wage_min)
    if wanted <= 0:
        return 3
    return int(int(v.wage_min) >= wanted) + int(int(v.wage_max) >= wanted) + int(int(v.wage_max) * 10 >= wanted * 9)


def score_pair(seeker: Facts, vacancy: Facts, weights: Weights) -> Score:
    """The score of one seeker for one vacancy, with the reason of every component."""
    levels = (occupation_level(seeker, vacancy), skill_level_match(seeker, vacancy),
              location_level(seeker, vacancy), wage_level(seeker, vacancy))
    components = []
    for name, level, texts in zip(COMPONENTS, levels, (_OCC, _SKILL, _LOC, _WAGE)):
        if name == "skill" and int(vacancy.skill) == 0:
            texts = texts[:2] + (("岗位不要求技能等级", "no skill level required"),)
        elif name == "skill" and level == 2 and int(seeker.skill) > int(vacancy.skill):
            texts = texts[:2] + (("技能等级高于要求", "skill exceeds the requirement"),)
        if name == "wage" and int(seeker.wage_min) <= 0:
            texts = texts[:3] + (("未提出工资期望", "no wage wish"),)
        points = getattr(weights, name)[level]
        components.append(Component(name, level, points, texts[level][0], texts[level][1]))
    return Score(sum(c.points for c in components), tuple(components))


# --- columns ------------------------------------------------------------------------------------------

def _eq(a, b):
    return (np.asarray(a) == np.asarray(b)) & (np.asarray(a) != NONE)


def score_columns(seeker: Facts, vacancy: Facts, weights: Weights) -> np.ndarray:
    """Scores of every pair, as int16; either side may be columns (arrays) and the other one pair of scalars."""
    occ = sum((np.asarray(a) == np.asarray(b)).astype(np.int8) for a, b in zip(seeker.occupation, vacancy.occupation))
    skill = np.clip(np.asarray(seeker.skill, dtype=np.int16) - np.asarray(vacancy.skill, dtype=np.int16), -2, 0) + 2
    loc = sum(_eq(a, b).astype(np.int8) for a, b in zip(seeker.place, vacancy.place))
    wanted = np.asarray(seeker.wage_min, dtype=np.int64)
    vmin, vmax = np.asarray(vacancy.wage_min, dtype=np.int64), np.asarray(vacancy.wage_max, dtype=np.int64)
    wage = np.where(wanted <= 0, 3, (vmin >= wanted).astype(np.int8) + (vmax >= wanted) + (vmax * 10 >= wanted * 9))
    return (weights.table("occupation")[occ] + weights.table("skill")[skill] + weights.table("location")[loc]
            + weights.table("wage")[wage]).astype(np.int16)


def top_k(scores: np.ndarray, k: int, ids: np.ndarray | None = None) -> np.ndarray:
    """Positions of the ``k`` best scores, best first; ties by the smaller id (``ids``; default the position).

    ``argpartition`` finds the k-th best score T; everything above T is in, then the smallest ids at T."""
    n = len(scores)
    if n == 0 or k <= 0:
        return np.empty(0, dtype=np.int64)
    ids = np.arange(n) if ids is None else ids
    if n > k:
        threshold = scores[np.argpartition(scores, n - k)[n - k]]
        above = np.flatnonzero(scores > threshold)
        ties = np.flatnonzero(scores == threshold)
        need = k - len(above)
        if len(ties) > need:
            ties = ties[np.argsort(ids[ties], kind="stable")[:need]]
        chosen = np.concatenate([above, ties])
    else:
        chosen = np.arange(n)
    return chosen[np.lexsort((ids[chosen], -scores[chosen].astype(np.int32)))]
