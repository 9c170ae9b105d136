"""Shared fixtures: the real region tree plus a few communities, users of every role, a small cast."""

from __future__ import annotations

import re

import pytest

from laobao.core import services as core_services
from laobao.core.context import acting_as
from laobao.core.identifiers import citizen_id_check_char, credit_code_check_char, org_code_check_char
from laobao.core.models import Region, RegionLevel
from laobao.registry import services as registry

# Region layout used by the jurisdiction tests:
#   Gusu 320508 ─ street S1 ─ community C11 (own), C12 (sibling)
#               └ street S2 ─ community C21 (other street)
#   Wuzhong 320506 ─ street S3 ─ community C31 (other district)


_ID_RUN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def full_ids(text: str) -> list[str]:
    """Valid 18-character citizen IDs written out in ``text`` (not runs of digits inside tokens, e.g. CSRF)."""
    from laobao.core.errors import DomainError
    from laobao.core.identifiers import parse_citizen_id

    found = []
    for run in _ID_RUN.findall(text):
        try:
            parse_citizen_id(run)
        except DomainError:
            continue
        found.append(run)
    return found


def make_id(prefix6: str = "320508", birth: str = "19800101", seq: int = 123) -> str:
    first17 = f"{prefix6}{birth}{seq:03d}"
    return first17 + citizen_id_check_char(first17)


def make_credit_code(n: int, region6: str = "320508") -> str:
    body = f"{n:08d}"
    org = body + org_code_check_char(body)
    first17 = "91" + region6 + org
    return first17 + credit_code_check_char(first17)


def _community(street: Region, seq: int) -> Region:
    code = street.code[:9] + f"{seq:03d}"
    return Region.objects.create(
        code=code, name=f"测试社区{code[-4:]}", name_en=f"Test Community {code[-4:]}", level=RegionLevel.COMMUNITY,
        kind="community", parent=street, path=street.path + code + "/", source="test fixture",
    )


@pytest.fixture
def city(db):
    with acting_as(None, username="test"):
        core_services.regions_sync()
    streets = {}
    for district in ("320508", "320506"):
        streets[district] = list(
            Region.objects.filter(parent__code=district, level=RegionLevel.STREET, valid_to__isnull=True).order_by("code")[:2]
        )
    s1, s2 = streets["320508"]
    s3 = streets["320506"][0]
    tree = {
        "city": Region.objects.get(code="320500"),
        "gusu": Region.objects.get(code="320508"),
        "wuzhong": Region.objects.get(code="320506"),
        "s1": s1, "s2": s2, "s3": s3,
        "c11": _community(s1, 901), "c12": _community(s1, 902), "c21": _community(s2, 901), "c31": _community(s3, 901),
    }
    return tree


@pytest.fixture
def make_user(db):
    counter = iter(range(10_000))

    def make(role: str, region: Region | None, **extra):
        from laobao.core.models import User

        user = User.objects.create(username=f"{role}-{next(counter)}", role=role, region=region, **extra)
        user.set_password("correct horse battery staple")
        user.save()
        return user

    return make


@pytest.fixture
def make_person(city):
    counter = iter(range(1, 999))

    def make(region: Region, name: str = "张伟", **kw):
        seq = next(counter)
        with acting_as(None, username="test"):
            return registry.person_register(
                user=None, citizen_id=kw.pop("citizen_id", make_id(seq=seq)), name=name,
                hukou_type=kw.pop("hukou_type", "urban"), hukou_region_code=kw.pop("hukou_region_code", "320508"),
                residence_region_code=region.code, mobile=kw.pop("mobile", f"1391234{seq:04d}"),
            )

    return make


@pytest.fixture
def make_employer(city):
    counter = iter(range(1, 999))

    def make(region: Region, name: str = "苏州河畔纺织有限公司", **kw):
        n = next(counter)
        with acting_as(None, username="test"):
            return registry.employer_register(
                user=None, credit_code=kw.pop("credit_code", make_credit_code(n)), name=f"{name}{n}",
                type=kw.pop("type", "private"), industry=kw.pop("industry", "C"), size=kw.pop("size", "small"),
                region_code=region.code,
            )

    return make


@pytest.fixture(autouse=True)
def _keep_test_connection_open(monkeypatch):
    """`laobao X` ends by closing database connections (Django's run_from_argv); inside a test that
    would close the test transaction's connection on PostgreSQL."""
    from django.core.management import base

    monkeypatch.setattr(base.connections, "close_all", lambda: None)


@pytest.fixture
def parameter_tree(tmp_path, monkeypatch):
    """A copy of the shipped parameter tree with files replaced: ``put(rel, yaml_text)`` writes
    ``<topic>/<name>.yaml`` into the copy and makes it the tree this process (``params.ROOT``) and its
    subprocesses (``LAOBAO_PARAMETERS``) read. For values the shipped tree does not have (yet)."""
    import shutil

    from laobao.policy import params

    root = tmp_path / "parameters"

    def put(rel: str, text: str):
        if not root.exists():
            shutil.copytree(params.SHIPPED, root)
        (root / rel).write_text(text, encoding="utf-8")
        monkeypatch.setattr(params, "ROOT", root)
        monkeypatch.setenv("LAOBAO_PARAMETERS", str(root))
        return root

    return put


TRAINING_SUBSIDY_YAML = """\
description: test copy / test copy
label: {zh: 培训补贴标准（每人）, en: training subsidy per trainee}
unit: table
table_unit: fen
values:
  2006-01-01:
    value: {reemployment: 60000, entrepreneurship: 100000, rural: 40000, enterprise: 30000}
    reference: test fixture (not a Suzhou figure)
    status: unverified
"""


@pytest.fixture
def training_subsidy_values(parameter_tree):
    """Training subsidy standards for tests (the shipped parameter has none: no citable notice was found)."""
    return parameter_tree("training/subsidy_per_trainee.yaml", TRAINING_SUBSIDY_YAML)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the bureau's default language: a page requested in English (cookie or
    header) leaves English active in the thread, which made a later test in the same worker see English labels."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
