"""The demo city generator: deterministic, valid identifiers, consistent histories, logins, one audit event."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from io import StringIO

import numpy as np
import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from laobao.core import audit
from laobao.core import services as core_services
from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.core.identifiers import (citizen_id_check_char, credit_code_check_char, org_code_check_char,
                                     parse_citizen_id, parse_credit_code, parse_mobile, parse_org_code)
from laobao.core.models import AuditEvent, Region, RegionLevel, User
from laobao.demo import cast, codes, generator, tables
from laobao.demo.users import DEMO_USERS, demo_password
from laobao.registry.models import Employer, EmploymentRelation, Person, PortalLink

SEED = 7


@pytest.fixture
def regions(db):
    with acting_as(None, username="test"):
        core_services.regions_sync()


def _generate(seed=SEED, persons=500, employers=None):
    with acting_as(None, username="cli:demo"):
        return generator.generate(seed=seed, persons=persons, employers=employers, progress=None)


@pytest.fixture
def demo(regions):
    return _generate()


def _snapshot():
    persons = list(Person.objects.order_by("id").values_list("citizen_id", "name", "mobile", "hukou_type"))
    employers = list(Employer.objects.order_by("id").values_list("credit_code", "name", "type", "industry"))
    relations = list(EmploymentRelation.objects.order_by("person__citizen_id", "start_date")
                     .values_list("person__citizen_id", "employer__credit_code", "start_date", "end_date"))
    return persons, employers, relations


def _wipe():
    EmploymentRelation.objects.all().delete()
    Person.objects.all().delete()
    Employer.objects.all().delete()


def test_same_seed_same_city_other_seed_other_city(regions):
    first = _generate()
    snapshot = _snapshot()
    assert first.communities_created > 1000
    _wipe()
    again = _generate()
    assert again.communities_created == 0  # the communities are reused, the people are the same
    assert _snapshot() == snapshot
    _wipe()
    _generate(seed=SEED + 1)
    other = _snapshot()
    assert other[0][: len(cast.PERSONS)] == snapshot[0][: len(cast.PERSONS)]  # the cast is fixed
    assert other[0][len(cast.PERSONS):] != snapshot[0][len(cast.PERSONS):]


def test_every_citizen_id_is_valid_unique_and_agrees_with_sex_and_birth_date(demo):
    rows = list(Person.objects.values_list("citizen_id", "sex", "birth_date", "mobile", "hukou_type",
                                           "hukou_region_code"))
    assert len(rows) == 500
    assert len({r[0] for r in rows}) == 500
    for number, sex, birth, mobile, hukou, hukou_code in rows:
        parsed = parse_citizen_id(number)
        assert (parsed.number, parsed.sex, parsed.birth_date) == (number, sex, birth)
        assert birth <= tables.AS_OF
        if mobile:
            assert parse_mobile(mobile) == mobile
        if hukou != "elsewhere":
            assert hukou_code.startswith("3205")
    prefixes = {r[0][:6] for r in rows}
    assert prefixes & {"320502", "320503", "320504"}  # pre-2012 姑苏 IDs keep their old district codes
    assert any(not p.startswith("32") for p in prefixes)  # migrants from other provinces


def test_every_credit_code_is_valid_and_embeds_its_org_code(demo):
    rows = list(Employer.objects.values_list("credit_code", "org_code", "type", "region__level", "region__valid_to"))
    assert len(rows) == 50
    for credit, org, kind, level, valid_to in rows:
        parsed = parse_credit_code(credit)
        assert parsed.code == credit and parsed.org_code_valid and parsed.org_code == org == parse_org_code(org)
        assert level in (RegionLevel.STREET, RegionLevel.COMMUNITY) and valid_to is None
        assert credit[:2] == {"individual_business": "92", "government": "11", "public_institution": "12",
                              "other": "52"}.get(kind, "91")


def test_every_person_lives_in_a_current_community(demo):
    for level, valid_to, parent_level, parent_valid_to in Person.objects.values_list(
        "residence_region__level", "residence_region__valid_to",
        "residence_region__parent__level", "residence_region__parent__valid_to",
    ):
        assert (level, valid_to) == (RegionLevel.COMMUNITY, None)
        assert (parent_level, parent_valid_to) == (RegionLevel.STREET, None)
    generated = Region.objects.filter(source="synthetic:demo")
    assert all(len(r.code) == 12 and r.code[:9] == r.parent.code[:9] for r in generated.select_related("parent"))


def test_employment_histories_never_overlap(demo):
    periods = defaultdict(list)
    open_per_person = defaultdict(int)
    rows = EmploymentRelation.objects.values_list("person_id", "employer_id", "start_date", "end_date",
                                                  "person__birth_date")
    assert rows.count() > 100
    for person, employer, start, end, birth in rows:
        assert start >= birth + timedelta(days=16 * 365) and (end is None or start <= end <= tables.AS_OF)
        periods[(person, employer)].append((start, end))
        open_per_person[person] += end is None
    assert max(open_per_person.values()) == 1
    for spans in periods.values():
        spans.sort()
        for (_, end), (next_start, _) in zip(spans, spans[1:]):
            assert end is not None and end < next_start


def test_the_fixed_cast_is_there(demo):
    zhang = Person.objects.select_related("residence_region__parent").get(name="张伟", birth_date="1980-03-15")
    assert zhang.citizen_id.startswith("320503") and zhang.residence_region.parent.code == cast.CAST_STREET
    job = EmploymentRelation.objects.get(person=zhang, end_date__isnull=True)
    assert job.employer.name == "苏州河畔纺织有限公司"
    wang = Person.objects.get(name="王芳", birth_date="1980-06-20")
    assert not EmploymentRelation.objects.filter(person=wang, end_date__isnull=True).exists()
    assert EmploymentRelation.objects.filter(person=wang).exists()


def test_one_audit_event_records_the_generation(demo):
    events = AuditEvent.objects.filter(action="demo.generate")
    assert events.count() == 1
    event = events.get()
    assert event.actor_username == "cli:demo" and event.object_id == str(SEED)
    assert event.after["persons"] == Person.objects.count() == 500
    assert event.after["employers"] == Employer.objects.count()
    assert event.after["relations"] == EmploymentRelation.objects.count()
    assert event.after["seed"] == SEED
    assert audit.verify()[1] == []


def test_a_city_with_persons_is_refused(demo):
    with pytest.raises(DomainError) as err:
        _generate()
    assert err.value.problems[0].code == "demo.not_empty"


def test_indexes_and_constraints_survive_the_bulk_load(regions):
    tables_ = [m._meta.db_table for m in (Person, Employer, EmploymentRelation)]

    def constraints():
        with connection.cursor() as cursor:
            return {t: connection.introspection.get_constraints(cursor, t) for t in tables_}

    before = constraints()
    _generate(persons=200)
    assert constraints() == before


def test_vectorized_codes_match_the_scalar_rules():
    rng = np.random.default_rng(1)
    first17 = rng.integers(0, 10, size=(300, 17))
    for digits17, number in zip(first17, codes.to_strings(codes.citizen_ids(first17))):
        text = "".join(map(str, digits17))
        assert number == text + citizen_id_check_char(text)
    bodies = codes.unique_org_bodies(rng, 20_000)
    orgs = codes.to_strings(codes.org_codes(bodies))
    assert len(set(orgs)) == 20_000
    assert all(o[8] == org_code_check_char(o[:8]) for o in orgs[:2000])
    prefix = np.frombuffer(b"91320508" * 2000, dtype=np.uint8).reshape(2000, 8)
    for code in codes.to_strings(codes.credit_codes(prefix, codes.org_codes(bodies[:2000]))):
        assert code[17] == credit_code_check_char(code[:17])


def test_demo_command_prints_logins_and_if_empty_is_idempotent(regions):
    out = StringIO()
    call_command("lb_demo", "--persons", "300", "--seed", str(SEED), "--quiet", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "300 persons" in text
    usernames = [u for u, *_ in DEMO_USERS]
    assert not {"admin", "root", "test"} & set(usernames)
    for username, role, *_ in DEMO_USERS:
        password = demo_password(SEED, username)
        assert f"{username} " in text and password in text
        user = User.objects.get(username=username)
        assert user.role == role and user.region_id is not None
        assert authenticate(username=username, password=password) == user
        validate_password(password, user)
    assert PortalLink.objects.get(user__username="citizen_zhangwei").person.name == "张伟"
    assert PortalLink.objects.get(user__username="employer_hepan").employer.name == "苏州河畔纺织有限公司"
    assert demo_password(SEED, "leader") != demo_password(SEED + 1, "leader")

    again = StringIO()
    call_command("lb_demo", "--if-empty", "--persons", "300", "--seed", str(SEED), stdout=again, stderr=StringIO())
    assert "skipped" in again.getvalue() and demo_password(SEED, "city_officer") in again.getvalue()
    assert Person.objects.count() == 300
    assert AuditEvent.objects.filter(action="demo.generate").count() == 1
    assert User.objects.filter(username__in=usernames).count() == len(usernames)

    with pytest.raises(CommandError):
        call_command("lb_demo", "--persons", "300", stdout=StringIO(), stderr=StringIO())
