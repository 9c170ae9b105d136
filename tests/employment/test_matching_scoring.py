"""Matching score (pure): the NumPy columns equal the single-pair score, the score is monotone in each
component, the top-k ranking is the full sort's head. No database."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from laobao.employment.matching.columns import VacancyColumns
from laobao.employment.matching.scoring import (Weights, occupation_keys, place_keys, score_columns, score_pair,
                                                seeker_facts, top_k, vacancy_facts, weights_on)

W = weights_on(date(2026, 11, 27))

codes = st.builds(lambda a, b, c, d: f"{a}-0{b}-0{c}" + (f"-0{d}" if d else ""),
                  st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 3))
paths = st.builds(lambda d, s, c: "/320500/" + (f"32050{d}/" if d else "") + (f"32050{d}00{s}000/" if d and s else "")
                  + (f"32050{d}00{s}00{c}/" if d and s and c else ""),
                  st.integers(0, 3), st.integers(0, 2), st.integers(0, 2))
levels = st.one_of(st.none(), st.integers(1, 5))
wages = st.integers(0, 1_000_000)


@st.composite
def vacancies(draw):
    low = draw(wages)
    return dict(occupation_code=draw(codes), skill_level=draw(levels), place_path=draw(paths), wage_min_fen=low,
                wage_max_fen=low + draw(st.integers(0, 500_000)))


@st.composite
def seekers(draw):
    return dict(occupation_code=draw(codes), skill_level=draw(levels), place_path=draw(paths),
                wanted_wage_fen=draw(st.one_of(st.none(), wages)))


def _pair(s, v):
    return score_pair(seeker_facts(**s), vacancy_facts(**v), W).total


def test_weights_are_our_design_and_monotone():
    assert "非法规" in W.reference
    for ladder in (W.occupation, W.skill, W.location, W.wage):
        assert list(ladder) == sorted(ladder)


def test_keys():
    assert occupation_keys("6-18-01-02") == (6, 618, 61801, 61801002)
    assert occupation_keys("6-18-01") == (6, 618, 61801, 61801999)
    assert place_keys("/320500/320508/") == (320500, 320508, -1, -1)


@settings(max_examples=60, deadline=None)
@given(seekers(), st.lists(vacancies(), min_size=1, max_size=40))
def test_columns_equal_single_pairs(s, vs):
    cols = VacancyColumns.build(range(1, len(vs) + 1), [v["occupation_code"] for v in vs],
                                [v["skill_level"] for v in vs], [v["place_path"] for v in vs],
                                [v["wage_min_fen"] for v in vs], [v["wage_max_fen"] for v in vs])
    facts = seeker_facts(**s)
    fast = cols.scores(facts, W)
    generic = score_columns(facts, cols_facts(cols), W)
    expected = [_pair(s, vs[i - 1]) for i in cols.ids.tolist()]  # rows are sorted by occupation
    assert fast.tolist() == expected
    assert generic.tolist() == expected
    for i in range(len(vs)):  # the facts rebuilt from the columns score the same
        assert score_pair(facts, cols.facts(i), W).total == expected[i]


@settings(max_examples=80, deadline=None)
@given(seekers(), st.lists(vacancies(), min_size=0, max_size=120), st.integers(1, 25), st.randoms())
def test_pruned_top_equals_ranking_every_vacancy(s, vs, k, rnd):
    """The staged top (minor group, sub-major, major, all) is exactly the head of the full sort by (-score, id)."""
    ids = list(range(1, len(vs) + 1))
    rnd.shuffle(ids)
    cols = VacancyColumns.build(ids, [v["occupation_code"] for v in vs], [v["skill_level"] for v in vs],
                                [v["place_path"] for v in vs], [v["wage_min_fen"] for v in vs],
                                [v["wage_max_fen"] for v in vs])
    rows, scores = cols.top(seeker_facts(**s), W, k)
    expected = sorted(((-_pair(s, v), i) for i, v in zip(ids, vs)))[:k]
    assert list(zip((-scores).tolist(), cols.ids[rows].tolist())) == expected


def cols_facts(cols):
    from laobao.employment.matching.scoring import Facts

    occ = cols.occupation_skill // 6
    return Facts(tuple(k[occ] for k in cols.occupation_keys), cols.skill.astype(np.int16),
                 tuple(k[cols.place] for k in cols.place_keys), cols.wage_min, cols.wage_max)


@settings(max_examples=80, deadline=None)
@given(seekers(), vacancies(), st.integers(1, 300_000))
def test_monotone_in_each_component(s, v, raise_by):
    base = _pair(s, v)
    assert _pair(s, {**v, "occupation_code": s["occupation_code"]}) >= base  # the same occupation
    assert _pair(s, {**v, "place_path": s["place_path"]}) >= base  # the same place
    assert _pair(s, {**v, "wage_min_fen": v["wage_min_fen"] + raise_by, "wage_max_fen": v["wage_max_fen"] + raise_by}) >= base
    assert _pair(s, {**v, "wage_max_fen": v["wage_max_fen"] + raise_by}) >= base
    if v["skill_level"] is not None:  # a lower requirement: level number up (5 初级) or none at all
        easier = None if v["skill_level"] == 5 else v["skill_level"] + 1
        assert _pair(s, {**v, "skill_level": easier}) >= base
    if s["skill_level"] is not None and s["skill_level"] > 1:  # a more skilled seeker
        assert _pair({**s, "skill_level": s["skill_level"] - 1}, v) >= base


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 100), min_size=0, max_size=200), st.integers(1, 30))
def test_top_k_is_the_head_of_the_full_sort(scores, k):
    arr = np.asarray(scores, dtype=np.int16)
    expected = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
    assert top_k(arr, k).tolist() == expected


def test_reasons_name_each_component():
    s = seeker_facts(occupation_code="4-03-02-01", skill_level=4, place_path="/320500/320508/320508001000/320508001901/",
                     wanted_wage_fen=400_000)
    v = vacancy_facts(occupation_code="4-03-02-02", skill_level=4, place_path="/320500/320508/320508001000/",
                      wage_min_fen=350_000, wage_max_fen=450_000)
    score = score_pair(s, v, W)
    by = {c.name: c for c in score.components}
    assert (by["occupation"].zh, by["occupation"].points) == ("同一小类", W.occupation[3])
    assert (by["skill"].zh, by["skill"].points) == ("技能等级达到要求", W.skill[2])
    assert (by["location"].zh, by["location"].points) == ("同一街道", W.location[3])
    assert (by["wage"].zh, by["wage"].points) == ("期望工资在岗位工资区间内", W.wage[2])
    assert score.total == sum(c.points for c in score.components)


def test_a_custom_weight_table_changes_only_the_points():
    w = Weights((0, 1, 2, 3, 4), (0, 1, 2), (0, 1, 2, 3, 4), (0, 1, 2, 3), date(2006, 1, 1), "test")
    s = seeker_facts(occupation_code="1-01-00", skill_level=None, place_path=None, wanted_wage_fen=None)
    v = vacancy_facts(occupation_code="1-01-00", skill_level=None, place_path="/320500/", wage_min_fen=0, wage_max_fen=0)
    assert score_pair(s, v, w).total == 4 + 2 + 0 + 3
