"""The assessment's fast paths give the same answer as the plain ones (ADR 0012).

gather's one-SUM insurance mask versus the exact conditional MAXes (also when an insurance repeats within a
person's group, which only data written past ``services.enroll`` can contain), and migration 0005's index.
"""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pytest
from assess_fixtures import JIANGSU_2024, declare, enroll, risk, set_limits
from django.db import connection

from laobao.core.context import acting_as
from laobao.insurance.assessment import gather as g
from laobao.insurance.assessment import run
from laobao.insurance.assessment.stream import int_columns
from laobao.insurance.models import Bill, Contribution

JULY = date(2024, 7, 1)


def _exact(personal: bool) -> np.ndarray:
    params = [2024, JULY, JULY, 0, 0, 2024, JULY]
    rows = int_columns(g.SQL[(personal, False, True)], params, len(g.FIELDS))
    rows[:, g.FIELDS.index("cover")] &= 31
    rows = rows if personal else g._employer_regions(rows)
    return rows[np.lexsort(rows.T[::-1])]


@pytest.fixture
def world(city, make_person, make_employer):
    set_limits(2024, *JIANGSU_2024)
    employer = make_employer(city["c11"])
    risk(employer, 2)
    persons = [make_person(city["c11"], name=name) for name in ("赵一", "钱二", "孙三", "李四")]
    enroll(persons[0], employer, date(2024, 1, 1))
    enroll(persons[1], employer, date(2024, 1, 1), insurances=("pension", "medical", "injury"))
    enroll(persons[2], employer, date(2023, 1, 1), end=date(2024, 6, 1))  # ended before July: no line
    enroll(persons[3], None, date(2024, 3, 1), insurances=("pension", "medical"))
    for person, wage in zip(persons[:3], (300_000, 900_000, 1_200_000)):
        declare(person, employer, 2024, wage)
    declare(persons[3], None, 2024, 600_000)
    return {"employer": employer, "persons": persons}


@pytest.mark.parametrize("personal", [False, True])
def test_fast_mask_equals_exact(world, personal):
    fast = g.gather(JULY, 2024, personal=personal)
    fast = fast[np.lexsort(fast.T[::-1])]
    assert len(fast) == 1 + (not personal)
    assert np.array_equal(fast, _exact(personal))


def test_repeated_insurance_is_assessed_once(world, make_person, city):
    """Pension ended in July and started again in July with the same employer: one pension line, not two."""
    twice = make_person(city["c11"], name="重复")
    enroll(twice, world["employer"], date(2024, 1, 1), insurances=("pension",), end=JULY)
    enroll(twice, world["employer"], JULY, insurances=("pension", "medical"))
    declare(twice, world["employer"], 2024, 900_000)
    rows = g.gather(JULY, 2024, personal=False)
    cover = dict(zip(rows[:, 0].tolist(), rows[:, g.FIELDS.index("cover")].tolist()))
    assert cover[twice.pk] == 1 | 2  # pension + medical, the count bits stripped
    with acting_as(None, username="test"):
        run(JULY, progress=io.StringIO())
    mine, same = Contribution.objects.get(person=twice), Contribution.objects.get(person=world["persons"][1])
    assert (mine.pension_base, mine.pension_employer, mine.pension_employee) == \
        (same.pension_base, same.pension_employer, same.pension_employee)
    assert mine.medical_employer == same.medical_employer and mine.injury_base is None
    bill = Bill.objects.get(employer=world["employer"])
    assert bill.lines == 4 + 3 + 2  # five insurances give 4 lines (maternity merged into medical from 2020)


def test_covering_index_exists(db):
    with connection.cursor() as cursor:
        names = {c for c in connection.introspection.get_constraints(cursor, "insurance_enrollment")}
    assert "insurance_enrollment_assess_cover" in names


@pytest.mark.skipif(connection.vendor != "postgresql", reason="binary COPY is PostgreSQL's")
def test_binary_copy_groups_null_patterns(db):
    """Rows with different NULL patterns, fed in two slices to one COPY, come back exactly."""
    from laobao.insurance.assessment.stream import copy_binary_slices

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE t_copy (a bigint, b date, c bigint, d boolean, e smallint)")
    a = np.arange(1, 7, dtype=np.int64)
    b = np.full(6, JULY.toordinal(), dtype=np.int64)
    c = np.array([10, -20, 30, 40, 0, 60], dtype=np.int64)
    d = np.array([True, False, True, True, False, True])
    e = np.array([1, 2, 3, 4, 5, 6], dtype=np.int64)
    c_null = np.array([False, True, False, True, False, False])
    e_null = np.array([True, True, False, False, False, True])
    halves = [([col[s] for col in (a, b, c, d, e)], [None, None, c_null[s], None, e_null[s]])
              for s in (slice(0, 3), slice(3, 6))]
    assert copy_binary_slices("t_copy", ("a", "b", "c", "d", "e"), halves) == 6
    with connection.cursor() as cursor:
        cursor.execute("SELECT a, b, c, d, e FROM t_copy ORDER BY a")
        got = cursor.fetchall()
    want = [(int(a[i]), JULY, None if c_null[i] else int(c[i]), bool(d[i]), None if e_null[i] else int(e[i]))
            for i in range(6)]
    assert got == want
