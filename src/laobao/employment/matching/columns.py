"""The open vacancies as NumPy columns, built once and ranked for one seeker in well under a millisecond.

The column path of :mod:`.scoring` made fast, with the same result as scoring every vacancy:

- a vacancy's occupation and place are indexes into the few distinct occupations and places, so for one seeker
  the occupation × skill points are computed on a small table (distinct occupations × 6 skill ranks) and
  gathered with one ``take``, the place points likewise; only the wage is compared per vacancy;
- rows are sorted by occupation code, so the vacancies of the seeker's minor group, sub-major group and major
  group are nested slices. :meth:`VacancyColumns.top` ranks the narrowest slice first and widens only while the
  k-th best score found does not exceed the best score any row outside the slice could reach (its occupation
  points + the maximum skill, location and wage points). Strictly greater, so ties (broken by the smaller
  vacancy id) are decided exactly as over all rows. Usually a few hundred rows are scored instead of 50,000.

Pure: no database here (``selectors`` loads it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scoring import Facts, Weights, occupation_keys, place_keys, skill_rank, top_k

SKILL_RANKS = 6  # 0 none … 5 高级技师


def _keys(values: np.ndarray, key_of) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Index of each value into its distinct values, and the distinct values' keys as 4 int64 columns."""
    distinct, index = np.unique(values, return_inverse=True)
    keys = np.array([key_of(v) for v in distinct.tolist()], dtype=np.int64).reshape(len(distinct), 4)
    return index.astype(np.int32).reshape(-1), tuple(keys[:, i] for i in range(4))


@dataclass
class VacancyColumns:
    ids: np.ndarray  # int64; rows sorted by occupation (full code key), then id
    occupation_keys: tuple[np.ndarray, ...]  # 4 columns over the distinct codes
    place_keys: tuple[np.ndarray, ...]  # 4 columns over the distinct places
    row_groups: tuple[np.ndarray, ...]  # per row: (major, middle, minor) keys, sorted (nested slices)
    occupation_skill: np.ndarray  # int32: occupation index × 6 + required skill rank
    place: np.ndarray  # int32: place index
    skill: np.ndarray  # int8: required skill rank
    wage_min: np.ndarray  # int64 fen
    wage_max: np.ndarray
    wage_max10: np.ndarray  # wage_max × 10, for the "at least 90%" step

    @classmethod
    def build(cls, ids, occupation_codes, skill_levels, paths, wage_min, wage_max) -> "VacancyColumns":
        """From parallel sequences (occupation codes of level 3 or 4, skill levels 5…1 or None, region paths)."""
        ids = np.asarray(list(ids), dtype=np.int64)
        codes = np.asarray([str(c) for c in occupation_codes] or [""])[: len(ids)]
        places = np.asarray([p or "" for p in paths] or [""])[: len(ids)]
        skill = np.asarray([skill_rank(s) for s in skill_levels], dtype=np.int8).reshape(-1)
        occ_index, occ_keys = _keys(codes, occupation_keys) if len(ids) else (np.zeros(0, np.int32), _empty())
        place_index, plc_keys = _keys(places, place_keys) if len(ids) else (np.zeros(0, np.int32), _empty())
        full = occ_keys[3][occ_index]
        order = np.lexsort((ids, full))
        occ_index, place_index, skill = occ_index[order], place_index[order], skill[order]
        wmin = np.asarray(list(wage_min), dtype=np.int64).reshape(-1)[order]
        wmax = np.asarray(list(wage_max), dtype=np.int64).reshape(-1)[order]
        return cls(ids=ids[order], occupation_keys=occ_keys, place_keys=plc_keys,
                   row_groups=tuple(occ_keys[i][occ_index] for i in range(3)),
                   occupation_skill=(occ_index * SKILL_RANKS + skill).astype(np.int32), place=place_index,
                   skill=skill, wage_min=wmin, wage_max=wmax, wage_max10=wmax * 10)

    def __len__(self) -> int:
        return len(self.ids)

    def facts(self, i: int) -> Facts:
        """The single-pair facts of row ``i`` (for the reasons of a shown match)."""
        occ, plc = self.occupation_skill[i] // SKILL_RANKS, self.place[i]
        return Facts(tuple(int(k[occ]) for k in self.occupation_keys), int(self.skill[i]),
                     tuple(int(k[plc]) for k in self.place_keys), int(self.wage_min[i]), int(self.wage_max[i]))

    def _tables(self, seeker: Facts, weights: Weights) -> tuple:
        """The seeker's points per distinct occupation × skill rank and per distinct place (small arrays)."""
        occ_level = sum((k == key).astype(np.int8) for k, key in zip(self.occupation_keys, seeker.occupation))
        skill_level = np.clip(int(seeker.skill) - np.arange(SKILL_RANKS, dtype=np.int16), -2, 0) + 2
        occ_skill = weights.table("occupation")[occ_level][:, None] + weights.table("skill")[skill_level][None, :]
        loc_level = sum(((k == key) & (key != -1)).astype(np.int8) for k, key in zip(self.place_keys, seeker.place))
        return occ_skill.ravel(), weights.table("location")[loc_level], int(seeker.wage_min), weights.table("wage")

    def _score_rows(self, tables: tuple, start: int, stop: int) -> np.ndarray:
        occ_skill, location, wanted, wage = tables
        rows = slice(start, stop)
        total = occ_skill.take(self.occupation_skill[rows]) + location.take(self.place[rows])
        if wanted <= 0:
            return total + wage[3]
        level = (self.wage_min[rows] >= wanted).view(np.int8) + (self.wage_max[rows] >= wanted).view(np.int8)
        level += (self.wage_max10[rows] >= wanted * 9).view(np.int8)
        return total + wage.take(level)

    def scores(self, seeker: Facts, weights: Weights, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Scores of rows ``start:stop`` for one seeker (int16), equal to ``score_pair`` row by row."""
        return self._score_rows(self._tables(seeker, weights), start, len(self.ids) if stop is None else stop)

    def _stages(self, seeker: Facts, weights: Weights):
        """(start, stop, bound): the seeker's minor, sub-major and major group slices, then all rows; ``bound`` is
        the best score a row outside the slice can reach."""
        rest = weights.skill[-1] + weights.location[-1] + weights.wage[-1]
        n = len(self.ids)
        for level in (2, 1, 0):  # minor group, sub-major group, major group
            column, key = self.row_groups[level], seeker.occupation[level]
            start, stop = int(np.searchsorted(column, key, "left")), int(np.searchsorted(column, key, "right"))
            yield start, stop, weights.occupation[level] + rest
        yield 0, n, None

    def top(self, seeker: Facts, weights: Weights, k: int = 20) -> tuple[np.ndarray, np.ndarray]:
        """Row positions of the ``k`` best vacancies (ties: smaller id first), best first, and their scores."""
        tables = self._tables(seeker, weights)
        for start, stop, bound in self._stages(seeker, weights):
            if bound is not None and stop - start < k:
                continue
            scores = self._score_rows(tables, start, stop)
            best = top_k(scores, k, self.ids[start:stop])
            if bound is None or scores[best[-1]] > bound:
                return best + start, scores[best]
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int16)


def _empty() -> tuple[np.ndarray, ...]:
    return tuple(np.zeros(0, dtype=np.int64) for _ in range(4))
