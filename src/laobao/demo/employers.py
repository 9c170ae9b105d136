"""Synthetic employers: type by ownership, GB/T 4754 section, size, region, credit code, a plausible name."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from laobao.core.identifiers import credit_code_check_char, org_code_check_char

from . import cast, codes, tables
from .names import (ASSOCIATIONS, FOREIGN_TRADE, INDUSTRY_WORDS, INSTITUTIONS, PLACE_FIRST, PLACE_SECOND, SHOPS,
                    TRADE_CHARS)
from .regions import Place

ENTERPRISES = {"private", "foreign", "hmt", "joint_stock", "state_owned", "collective"}
GOVERNMENT_UNITS = ("街道办事处", "镇人民政府", "街道劳动保障所", "镇财政所", "街道社区服务中心")
_SUFFIX = {"private": "有限公司", "joint_stock": "股份有限公司", "state_owned": "集团有限公司", "collective": "厂"}


@dataclass
class Employers:
    credit_code: list[str]
    org_code: list[str]
    name: list[str]
    type: np.ndarray
    industry: np.ndarray
    size: np.ndarray
    region: np.ndarray  # region id
    status: np.ndarray
    headcount: np.ndarray  # expected workers, for placing employees

    def __len__(self) -> int:
        return len(self.name)


def _p(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    return w / w.sum()


def _pick(rng, table, size) -> np.ndarray:
    labels = np.array([row[0] for row in table])
    return labels[rng.choice(len(table), size=size, p=_p([row[1] for row in table]))]


def generate(rng: np.random.Generator, count: int, streets: list[Place], communities: list[Place],
             cast_region: int, district_names: dict[str, str]) -> Employers:
    fixed = cast.EMPLOYERS
    m = max(count - len(fixed), 0)
    kind = _pick(rng, tables.EMPLOYER_TYPES, m)
    section = _pick(rng, tables.ENTERPRISE_SECTIONS, m)
    section = np.where(kind == "individual_business", _pick(rng, tables.SHOP_SECTIONS, m), section)
    section = np.where(kind == "public_institution", _pick(rng, tables.INSTITUTION_SECTIONS, m), section)
    section = np.where(np.isin(kind, ["government", "other"]), "S", section)
    size = _pick(rng, tables.SIZES, m)
    size = np.where(kind == "individual_business", "micro", size)
    size = np.where((kind == "government") & (size == "micro"), "small", size)
    status = _pick(rng, (("active", 95), ("suspended", 3), ("cancelled", 2)), m)
    district, region = _regions(rng, m, streets, communities)

    authority = dict((t, a) for t, _, a in tables.EMPLOYER_TYPES)
    credit_region = np.array([tables.CREDIT_REGION.get(d, d) for d in district.tolist()], dtype="U6")
    prefix = np.char.add(np.array([authority[k] for k in kind.tolist()], dtype="U2"), credit_region)
    org = codes.org_codes(codes.unique_org_bodies(rng, m))
    prefix_ascii = np.frombuffer("".join(prefix.tolist()).encode(), dtype=np.uint8).reshape(m, 8)
    credit = codes.to_strings(codes.credit_codes(prefix_ascii, org)) if m else []
    names = _names(rng, kind, section, district, district_names)

    fixed_org = [c.org_body + org_code_check_char(c.org_body) for c in fixed]
    fixed_credit = [c.credit_prefix + o for c, o in zip(fixed, fixed_org)]
    fixed_credit = [c + credit_code_check_char(c) for c in fixed_credit]
    heads = dict((s, h) for s, _, h in tables.SIZES)
    size_all = np.concatenate([[c.size for c in fixed], size])
    return Employers(
        credit_code=fixed_credit + credit,
        org_code=fixed_org + (codes.to_strings(org) if m else []),
        name=[c.name for c in fixed] + names,
        type=np.concatenate([[c.type for c in fixed], kind]),
        industry=np.concatenate([[c.industry for c in fixed], section]),
        size=size_all,
        region=np.concatenate([[cast_region] * len(fixed), region]).astype(np.int64),
        status=np.concatenate([["active"] * len(fixed), status]),
        headcount=np.array([heads[s] for s in size_all.tolist()], dtype=np.float64),
    )


def _regions(rng, m, streets: list[Place], communities: list[Place]):
    """District weighted by where firms are, then a street (60 %) or a community (40 %) in it."""
    districts = [d for d in tables.DISTRICT_EMPLOYERS if any(s.district == d for s in streets)]
    weights = _p([tables.DISTRICT_EMPLOYERS[d] for d in districts])
    district = np.array(districts)[rng.choice(len(districts), size=m, p=weights)]
    in_street = rng.random(m) < 0.6
    region = np.zeros(m, dtype=np.int64)
    for code in districts:
        for level_mask, places in ((in_street, streets), (~in_street, communities)):
            pool = np.array([p.id for p in places if p.district == code], dtype=np.int64)
            if len(pool) == 0:
                pool = np.array([p.id for p in streets if p.district == code], dtype=np.int64)
            mask = (district == code) & level_mask
            region[mask] = pool[rng.integers(0, len(pool), size=int(mask.sum()))]
    return district, region


def _names(rng, kind, section, district, district_names) -> list[str]:
    m = len(kind)
    trade_chars = np.array(list(TRADE_CHARS))
    trade = np.char.add(trade_chars[rng.integers(0, len(trade_chars), m)],
                        trade_chars[rng.integers(0, len(trade_chars), m)])
    place = np.char.add(np.array(list(PLACE_FIRST))[rng.integers(0, len(PLACE_FIRST), m)],
                        np.array(list(PLACE_SECOND))[rng.integers(0, len(PLACE_SECOND), m)])
    k = rng.integers(0, 1 << 30, size=m).tolist()
    trade, place = trade.tolist(), place.tolist()
    out = []
    for i, (t, s, d, r) in enumerate(zip(kind.tolist(), section.tolist(), district.tolist(), k)):
        city = tables.CITY_PREFIX.get(d, "苏州")
        if t in _SUFFIX:
            words = INDUSTRY_WORDS[s]
            out.append(f"{city}{'市' if t == 'state_owned' else ''}{trade[i]}{words[r % len(words)]}{_SUFFIX[t]}")
        elif t in ("foreign", "hmt"):
            words = INDUSTRY_WORDS[s]
            brand = FOREIGN_TRADE[r % len(FOREIGN_TRADE)] if t == "foreign" else trade[i]
            out.append(f"{brand}{words[(r >> 8) % len(words)]}（{city}）有限公司")
        elif t == "individual_business":
            out.append(f"{district_names.get(d, '')}{trade[i][0]}记{SHOPS[r % len(SHOPS)]}")
        elif t == "public_institution":
            units = INSTITUTIONS.get(s, INSTITUTIONS["Q"])
            out.append(f"{district_names.get(d, '')}{place[i]}{units[r % len(units)]}")
        elif t == "government":
            out.append(f"{district_names.get(d, '')}{place[i]}{GOVERNMENT_UNITS[r % len(GOVERNMENT_UNITS)]}")
        else:
            out.append(f"苏州市{trade[i]}{ASSOCIATIONS[r % len(ASSOCIATIONS)]}")
    return out
