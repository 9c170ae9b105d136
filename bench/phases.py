"""The measured phases of bench/run.py (Django is set up before this module is imported)."""

from __future__ import annotations

import random
import sys
import time
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from laobao.core.context import acting_as
from laobao.core.models import User
from laobao.demo import generator
from laobao.demo.users import ensure_users
from laobao.registry.models import Person
from laobao.registry.selectors import person_by_citizen_id, person_search

from measure import time_each

WARMUP = 20


def migrate() -> float:
    started = time.perf_counter()
    call_command("lb_migrate", verbosity=0, stdout=StringIO())
    return round(time.perf_counter() - started, 1)


def load(seed: int, persons: int, employers: int | None) -> dict:
    """Generate and load the city: wall-clock time of the whole transaction, commit included."""
    started = time.perf_counter()
    with acting_as(None, username="cli:bench"):
        summary = generator.generate(seed=seed, persons=persons, employers=employers, progress=sys.stderr)
    seconds = round(time.perf_counter() - started, 1)
    return {"seconds": seconds, "persons": summary.persons, "employers": summary.employers,
            "relations": summary.relations, "communities_created": summary.communities_created}


def officer(seed: int) -> User:
    with acting_as(None, username="cli:bench"):
        ensure_users(seed)
    return User.objects.select_related("region").get(username="city_officer")


def sample_persons(seed: int, count: int) -> list[tuple[str, str]]:
    """``count`` random existing persons as (citizen ID, name), in random order."""
    bounds = Person.objects.order_by("id").values_list("id", flat=True)
    low, high = bounds.first(), bounds.last()
    rng = random.Random(seed)
    ids = rng.sample(range(low, high + 1), min(count, high - low + 1))
    found = Person.objects.filter(id__in=ids).values_list("id", "citizen_id", "name")
    rows = {pk: (cid, name) for pk, cid, name in found}
    return [rows[pk] for pk in ids if pk in rows]


def lookups(user: User, citizen_ids: list[str]) -> dict:
    """Exact lookup by citizen ID at the selector level (registry.selectors.person_by_citizen_id)."""
    return time_each(lambda cid: person_by_citizen_id(user, cid), citizen_ids,
                     check=lambda person: person is not None, warmup=100)


def name_searches(user: User, names: list[str]) -> dict:
    """The name search behind the page, at the selector level (exact name, then prefix)."""
    return time_each(lambda name: person_search(user, name), names, check=bool, warmup=WARMUP)


def pages(user: User, sample: list[tuple[str, str]]) -> dict:
    """GET /persons/?q=… through the whole Django stack (middleware, session, template), logged in."""
    try:
        url = reverse("person_search")
    except NoReverseMatch:
        return {"note": "no URL named person_search (the search page does not exist yet)"}
    client = Client()
    client.force_login(user)

    def get(query: str):
        return client.get(url, {"q": query})

    def get_followed(query: str):  # an exact ID hit redirects to the person page: time both requests
        return client.get(url, {"q": query}, follow=True)

    ok = lambda response: response.status_code == 200  # noqa: E731
    return {
        "url": url,
        "by_name": time_each(get, [name for _, name in sample], check=ok, warmup=WARMUP),
        "by_id": time_each(get_followed, [cid for cid, _ in sample], check=ok, warmup=WARMUP),
    }
