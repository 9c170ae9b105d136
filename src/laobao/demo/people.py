"""The synthetic population as NumPy columns: age, sex, hukou, residence, citizen ID, name, mobile.

Everything is drawn from one ``numpy.random.Generator`` in a fixed order, so a seed gives the
same people. No per-person Python object is made until the rows are streamed to the database.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import cast, codes, tables
from .names import GIVEN, SURNAMES, SUZHOU_BOOST
from .regions import Place

URBAN, RURAL, ELSEWHERE = 0, 1, 2
HUKOU_NAMES = np.array(["urban", "rural", "elsewhere"])
_EPOCH = np.datetime64("1925-01-01")  # earliest birth date the generator can draw (AS_OF - 96 years)


@dataclass
class Population:
    birth: np.ndarray  # datetime64[D]
    male: np.ndarray  # bool
    hukou: np.ndarray  # URBAN / RURAL / ELSEWHERE
    hukou_code: np.ndarray  # int, GB/T 2260
    residence: np.ndarray  # region id of the community
    citizen_id: list[str]
    name: list[str]
    mobile: np.ndarray  # str, "" when none

    def __len__(self) -> int:
        return len(self.male)

    def age(self) -> np.ndarray:
        return ((np.datetime64(tables.AS_OF) - self.birth).astype(np.int64) / 365.2425).astype(np.int64)


def _p(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    return w / w.sum()


def generate(rng: np.random.Generator, count: int, communities: list[Place], cast_community: int) -> Population:
    """``count`` persons: the fixed cast first, then random ones."""
    fixed = cast.PERSONS
    n_random = max(count - len(fixed), 0)
    n = len(fixed) + n_random
    as_of = np.datetime64(tables.AS_OF)

    band = rng.choice(len(tables.AGE_BANDS), size=n_random, p=_p(tables.AGE_BANDS))
    days = (band * 5 * 365.2425 + rng.random(n_random) * 5 * 365.2425).astype(np.int64)
    birth = np.concatenate([np.array([p.birth for p in fixed], dtype="datetime64[D]"), as_of - days])
    age = ((as_of - birth).astype(np.int64) / 365.2425).astype(np.int64)
    male = np.concatenate([[p.sex == "M" for p in fixed], rng.random(n_random) < 0.505])

    share = np.where(age < 18, tables.MIGRANT_SHARE["child"],
                     np.where(age < 60, tables.MIGRANT_SHARE["work"], tables.MIGRANT_SHARE["old"]))
    migrant = rng.random(n) < share
    district, residence = _residence(rng, n, migrant, communities)
    hukou, hukou_code, prefix = _hukou(rng, birth, age, migrant, district)

    for i, p in enumerate(fixed):  # the cast overrides whatever was drawn for its rows
        hukou[i] = {"urban": URBAN, "rural": RURAL, "elsewhere": ELSEWHERE}[p.hukou_type]
        hukou_code[i], prefix[i], residence[i] = int(p.hukou_region_code), int(p.prefix), cast_community
    cast_halves = np.array([p.seq_half for p in fixed], dtype=np.int64)
    ids = _citizen_ids(rng, prefix, birth, male, cast_halves)
    names = _names(rng, birth, male, hukou)
    names[: len(fixed)] = [p.name for p in fixed]
    mobile = _mobiles(rng, age)
    mobile[: len(fixed)] = [p.mobile for p in fixed]
    return Population(birth, male, hukou, hukou_code, residence, ids, names, mobile)


def _residence(rng, n, migrant, communities: list[Place]):
    """District (locals by population, migrants by jobs) and then a community of it, uniformly."""
    by_district: dict[str, list[int]] = {}
    for c in communities:
        by_district.setdefault(c.district, []).append(c.id)
    names = [d for d in tables.DISTRICT_POPULATION if d in by_district]
    local_p = _p([tables.DISTRICT_POPULATION[d] for d in names])
    migrant_p = _p([tables.DISTRICT_EMPLOYERS[d] for d in names])
    district = np.where(migrant, rng.choice(len(names), size=n, p=migrant_p), rng.choice(len(names), size=n, p=local_p))
    residence = np.zeros(n, dtype=np.int64)
    for i, code in enumerate(names):
        mask = district == i
        pool = np.array(by_district[code], dtype=np.int64)
        residence[mask] = pool[rng.integers(0, len(pool), size=int(mask.sum()))]
    return np.array(names)[district], residence


def _hukou(rng, birth, age, migrant, district):
    n = len(birth)
    county = np.isin(district, list(tables.COUNTY_CITIES))
    rural = rng.random(n) < np.where(county, tables.RURAL_SHARE["county"], tables.RURAL_SHARE["urban"])
    hukou = np.where(migrant, ELSEWHERE, np.where(rural, RURAL, URBAN)).astype(np.int8)
    origin_codes = np.array([int(c) for c, _ in tables.MIGRANT_ORIGINS], dtype=np.int64)
    origin = origin_codes[rng.choice(len(origin_codes), size=n, p=_p([w for _, w in tables.MIGRANT_ORIGINS]))]
    district_code = district.astype(np.int64)
    hukou_code = np.where(migrant, origin, district_code)
    prefix = district_code.copy()
    before = birth < np.datetime64(tables.MERGER_DATE)
    for code, (old, new) in tables.LOCAL_ID_PREFIXES.items():
        mask = district == code
        for when, choices in ((before, old), (~before, new)):
            m = mask & when
            prefix[m] = np.array(choices, dtype=np.int64)[rng.integers(0, len(choices), size=int(m.sum()))]
    moved_in = (~migrant) & (age >= 18) & (rng.random(n) < 0.06)  # born elsewhere, hukou moved to Suzhou
    prefix = np.where(migrant | moved_in, origin, prefix)
    return hukou, hukou_code, prefix


def _citizen_ids(rng, prefix, birth, male, cast_halves) -> list[str]:
    """GB 11643 numbers; the sequence is unique per (address code, birth date, sex).

    Rows are grouped by that key; each group starts at a random sequence (the cast's fixed one for
    its group, as the cast comes first and the sort is stable) and counts up from there.
    """
    n = len(prefix)
    day = (birth - _EPOCH).astype(np.int64)
    key = (prefix * 40_000 + day) * 2 + male
    start = rng.integers(0, 500, size=n)
    start[: len(cast_halves)] = cast_halves
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    first = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    rank = np.arange(n) - group_start
    if n and rank.max() >= 500:
        raise ValueError("more than 500 persons of one sex share an address code and birth date")
    half = np.empty(n, dtype=np.int64)
    half[order] = (start[order][group_start] + rank) % 500
    years = birth.astype("datetime64[Y]")
    months = birth.astype("datetime64[M]")
    yyyymmdd = ((years.astype(np.int64) + 1970) * 10_000
                + (months.astype(np.int64) % 12 + 1) * 100
                + (birth - months).astype(np.int64) + 1)
    first17 = np.concatenate([codes.digits(prefix, 6), codes.digits(yyyymmdd, 8), codes.digits(half * 2 + male, 3)],
                             axis=1)
    return codes.to_strings(codes.citizen_ids(first17))


def _names(rng, birth, male, hukou) -> list[str]:
    n = len(birth)
    surnames = np.array([s for s, _ in SURNAMES])
    national = np.array([w for _, w in SURNAMES], dtype=np.float64)
    local = national * np.array([SUZHOU_BOOST.get(s, 1.0) for s, _ in SURNAMES])
    is_local = hukou != ELSEWHERE
    pick = np.where(is_local, rng.choice(len(surnames), size=n, p=_p(local)),
                    rng.choice(len(surnames), size=n, p=_p(national)))
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    era = np.where(year < 1970, "old", np.where(year < 1995, "mid", "new"))
    one = np.empty(n, dtype="U1")
    two = np.empty(n, dtype="U1")
    for (e, sex), chars in GIVEN.items():
        mask = (era == e) & (male == (sex == "M"))
        pool = np.array(list(chars))
        k = int(mask.sum())
        one[mask] = pool[rng.integers(0, len(pool), size=k)]
        two[mask] = pool[rng.integers(0, len(pool), size=k)]
    two = np.where(rng.random(n) < 0.22, "", two)  # a one-character given name
    return np.char.add(np.char.add(surnames[pick], one), two).tolist()


def _mobiles(rng, age) -> np.ndarray:
    n = len(age)
    prefixes = np.array(tables.MOBILE_PREFIXES, dtype=np.int64)
    number = prefixes[rng.integers(0, len(prefixes), size=n)] * 100_000_000 + rng.integers(0, 100_000_000, size=n)
    has = (age >= 16) & ((age < 75) | (rng.random(n) < 0.6))
    return np.where(has, number.astype("U11"), "")
