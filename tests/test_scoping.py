"""Fail closed: the edge cases where other systems leaked (security.md B2, the openIMIS lessons)."""

from datetime import date

import pytest

from laobao.core import scoping
from laobao.core.models import Role
from laobao.registry import selectors


def test_each_role_reads_only_its_kinds(city, make_user):
    for role in Role:
        user = make_user(role, city["city"])
        for kind in ("person", "employer", "relation", "region", "audit", "indicator"):
            assert scoping.can_read(user, kind) == (kind in scoping.READS[role])


@pytest.mark.parametrize("case", ["no_region", "unknown_role", "empty_role", "inactive", "abolished_region", "anonymous"])
def test_fail_closed(case, city, make_user, make_person):
    make_person(city["c11"])
    from django.contrib.auth.models import AnonymousUser

    from laobao.core.models import Region

    if case == "anonymous":
        user = AnonymousUser()
    else:
        user = make_user(Role.CITY_OFFICER, city["city"])
        if case == "no_region":
            user.region = None
        elif case == "unknown_role":
            user.role = "superhero"
        elif case == "empty_role":
            user.role = ""
        elif case == "inactive":
            user.is_active = False
        elif case == "abolished_region":
            user.region = Region.objects.get(code="320502")  # 沧浪区, abolished in 2012
            assert user.region.valid_to < date.today()
    assert scoping.region_prefix(user) is None
    assert selectors.persons_visible(user).count() == 0
    assert selectors.employers_visible(user).count() == 0
    assert selectors.relations_visible(user).count() == 0
    assert not scoping.can(user, "registry.write")


def test_record_without_region_is_seen_by_nobody(city, make_user, make_person):
    from laobao.registry.models import Person

    p = make_person(city["c11"])
    Person.objects.filter(pk=p.pk).update(residence_region=None)
    officer = make_user(Role.CITY_OFFICER, city["city"])
    assert selectors.persons_visible(officer).count() == 0


def test_subtree_prefix_does_not_match_a_sibling_with_a_longer_code(city, make_user, make_person):
    # Paths end with "/", so a node's prefix can never match a sibling whose code merely starts the same.
    worker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    mine, sibling = make_person(city["c11"]), make_person(city["c12"])
    assert list(selectors.persons_visible(worker)) == [mine]
    assert sibling not in selectors.persons_visible(worker)


def test_revocation_takes_effect_on_the_next_call(city, make_user, make_person):
    p = make_person(city["c21"])
    officer = make_user(Role.DISTRICT_OFFICER, city["gusu"])
    assert p in selectors.persons_visible(officer)
    officer.region = city["c11"]
    officer.save()
    assert p not in selectors.persons_visible(officer)
