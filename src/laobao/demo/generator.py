"""The demo city generator: communities, persons, employers and employment relations for one seed.

One transaction: communities, all rows (written through :mod:`laobao.core.bulk`) and the single
``demo.generate`` audit event commit together or not at all. A crash leaves nothing half-loaded,
and the audit row can never describe rows that are not there. (Chunked commits would bound the
transaction's size, but neither backend needs that at two million persons, and a partial city
would be worse than none.)
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from functools import partial
from itertools import repeat
from typing import TextIO

import numpy as np
from django.db import transaction
from django.utils import timezone

from laobao.core import audit
from laobao.core.bulk import analyze, copy_rows, db_timestamp, indexes_deferred, next_id, reset_sequences
from laobao.core.errors import DomainError
from laobao.core.models import Region, RegionLevel
from laobao.registry.models import Employer, EmploymentRelation, Person

from . import employers as employers_mod, people, relations as relations_mod, tables
from .regions import current_places, ensure_communities
from .users import cast_community

DEFAULT_SEED = 2006
DEFAULT_PERSONS = 20_000
PERSON_COLUMNS = ("id", "citizen_id", "legacy_id15", "name", "sex", "birth_date", "hukou_type",
                  "hukou_region_code", "residence_region_id", "mobile", "created_at", "updated_at")
EMPLOYER_COLUMNS = ("id", "credit_code", "org_code", "name", "type", "industry", "size", "region_id", "status",
                    "created_at", "updated_at")
RELATION_COLUMNS = ("person_id", "employer_id", "start_date", "end_date", "created_at", "updated_at")


@dataclass
class Summary:
    seed: int
    persons: int
    employers: int
    relations: int
    communities_created: int
    seconds: float


def city_is_empty() -> bool:
    return not Person.objects.exists()


def generate(*, seed: int = DEFAULT_SEED, persons: int = DEFAULT_PERSONS, employers: int | None = None,
             progress: TextIO | None = sys.stderr) -> Summary:
    """Generate and load the demo city. Refuses a database that already holds persons."""
    started = time.perf_counter()
    say = partial(_say, progress, started)
    employers = max(persons // 10, 1) if employers is None else employers
    rng = np.random.Generator(np.random.PCG64(seed))
    with transaction.atomic():
        if not city_is_empty():
            raise DomainError.of(
                "persons", "demo.not_empty",
                "数据库中已有人员数据，不能再生成演示城市：请使用新的数据库，或加 --if-empty 跳过生成",
                "The database already holds persons, so the demo city cannot be generated: use a fresh "
                "database, or pass --if-empty to skip generation",
            )
        created, pop, emp, rel = _draw(rng, persons, employers, say)
        _load(pop, emp, rel, progress, say)
        summary = Summary(seed, len(pop), len(emp), len(rel), created, 0.0)
        city = Region.objects.filter(parent__isnull=True).order_by("code").first()
        counts = {k: v for k, v in asdict(summary).items() if k != "seconds"}
        audit.record("demo.generate", object_type="demo", object_id=str(seed), region_path=city.path if city else "",
                     after=counts | {"as_of": str(tables.AS_OF)})
    summary.seconds = round(time.perf_counter() - started, 1)
    say("committed")
    return summary


def _draw(rng: np.random.Generator, persons: int, employers: int, say):
    """Communities (created), then the population, the employers and the relations (in memory)."""
    created = ensure_communities(rng)
    communities = current_places(RegionLevel.COMMUNITY)
    streets = current_places(RegionLevel.STREET)
    home = cast_community()
    if home is None:
        raise DomainError.of("regions", "demo.no_regions", "区划树未加载：请先运行 laobao migrate",
                             "The region tree is not loaded: run laobao migrate first")
    districts = dict(Region.objects.filter(level=RegionLevel.DISTRICT).values_list("code", "name"))
    say("regions ready")
    pop = people.generate(rng, persons, communities, home.id)
    say(f"{len(pop)} persons generated")
    emp = employers_mod.generate(rng, employers, streets, communities, home.id, districts)
    rel = relations_mod.generate(rng, pop, emp.headcount, (emp.status == "active").astype(np.float64))
    say(f"{len(emp)} employers, {len(rel)} relations generated")
    return created, pop, emp, rel


def _load(pop, emp, rel, progress, say) -> None:
    """Write the rows through the bulk path; indexes rebuilt once (PostgreSQL), statistics refreshed."""
    now = db_timestamp(timezone.now())
    db_tables = [m._meta.db_table for m in (Person, Employer, EmploymentRelation)]
    with indexes_deferred(*db_tables):
        person_ids = _write_persons(pop, now, progress)
        employer_ids = _write_employers(emp, now, progress)
        _write_relations(rel, person_ids, employer_ids, now, progress)
        say("rows written")
    say("indexes and constraints in place")
    reset_sequences(Person, Employer, EmploymentRelation)
    analyze(Region._meta.db_table, *db_tables)


def _say(progress: TextIO | None, started: float, text: str) -> None:
    if progress is not None:
        progress.write(f"demo: {text} ({time.perf_counter() - started:.1f} s)\n")
        progress.flush()


def _chunks(n: int, size: int = 50_000):
    for lo in range(0, n, size):
        yield lo, min(lo + size, n)


def _write_persons(pop: people.Population, now: str, progress) -> np.ndarray:
    first = next_id(Person._meta.db_table)
    ids = np.arange(first, first + len(pop), dtype=np.int64)
    sex = np.where(pop.male, "M", "F")
    birth = pop.birth.astype(str)
    hukou = people.HUKOU_NAMES[pop.hukou]
    hukou_code = pop.hukou_code.astype(str)

    def rows():
        for lo, hi in _chunks(len(pop)):
            yield from zip(ids[lo:hi].tolist(), pop.citizen_id[lo:hi], repeat(""), pop.name[lo:hi],
                           sex[lo:hi].tolist(), birth[lo:hi].tolist(), hukou[lo:hi].tolist(),
                           hukou_code[lo:hi].tolist(), pop.residence[lo:hi].tolist(), pop.mobile[lo:hi].tolist(),
                           repeat(now), repeat(now))

    copy_rows(Person._meta.db_table, PERSON_COLUMNS, rows(), total=len(pop), label="persons", progress=progress)
    return ids


def _write_employers(emp: employers_mod.Employers, now: str, progress) -> np.ndarray:
    first = next_id(Employer._meta.db_table)
    ids = np.arange(first, first + len(emp), dtype=np.int64)
    rows = zip(ids.tolist(), emp.credit_code, emp.org_code, emp.name, emp.type.tolist(), emp.industry.tolist(),
               emp.size.tolist(), emp.region.tolist(), emp.status.tolist(), repeat(now), repeat(now))
    copy_rows(Employer._meta.db_table, EMPLOYER_COLUMNS, rows, total=len(emp), label="employers", progress=progress)
    return ids


def _write_relations(rel: relations_mod.Relations, person_ids, employer_ids, now: str, progress) -> None:
    order = np.lexsort((rel.start, rel.person))  # by person, then start: a person's history reads in order
    person = person_ids[rel.person[order]]
    employer = employer_ids[rel.employer[order]]
    start = rel.start[order].astype(str)
    end = rel.end[order]
    end_text = np.where(np.isnat(end), None, end.astype(str).astype(object))

    def rows():
        for lo, hi in _chunks(len(rel)):
            yield from zip(person[lo:hi].tolist(), employer[lo:hi].tolist(), start[lo:hi].tolist(),
                           end_text[lo:hi].tolist(), repeat(now), repeat(now))

    copy_rows(EmploymentRelation._meta.db_table, RELATION_COLUMNS, rows(), total=len(rel), label="relations",
              progress=progress)


__all__ = ["DEFAULT_PERSONS", "DEFAULT_SEED", "Summary", "city_is_empty", "generate"]
