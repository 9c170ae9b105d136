"""The jurisdiction matrix (security.md B1, B2, B4): every role × every page and API operation × records
in the own community, a sibling community, another street, another district and no region.

The endpoints come from the URLconf (every named pattern) and from the OpenAPI schema of /api/v1
(every operation). Each one must be classified in ``WEB`` or ``API`` below: the kind of record it
exposes, how to build its URL for a fixture object, and its operation class. A new endpoint makes
``test_every_endpoint_is_classified`` fail until someone classifies it here.

What "visible" means is written out per role in ``ROLES`` (not derived from ``core.scoping``), so a
change to the policy has to be made twice, deliberately. For every role and surface (web pages with
a session, the API with a session, the API with a bearer token) the matrix asserts:

- detail: 200 inside the role's sight, 403/404 outside it;
- list and search: the visible records are there, and no token (name, masked ID, credit code,
  region code, audit object reference, conflict value) of any record outside the role's sight
  appears in the body; API list items carry only visible ids; region counts count only visible rows;
- write and create: refused (403/404) outside the sight or without the action, not refused inside,
  and a refused create leaves nothing behind;
- everywhere: never a 5xx, never a full citizen ID (regex ``\\d{17}[\\dXx]``) except the one a
  permitted reveal returns (and, on web search pages, the query the user typed themselves).
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from laobao.core import services as core_services
from laobao.core.context import acting_as
from laobao.core.identifiers import parse_citizen_id
from laobao.core.models import Region, RegionLevel, Role, User
from laobao.registry import services as registry
from laobao.registry.models import Employer, EmploymentRelation, MergeConflict, Person, PortalLink

from conftest import _community, make_credit_code, make_id

LOCS = ("c11", "c12", "c21", "c31", "none")
COMMUNITIES = ("c11", "c12", "c21", "c31")
REGION_KEYS = ("c11", "c12", "c21", "c31", "s1", "gusu", "city")
NAMES = {  # loc → (person, employer, legacy value of the person's merge conflict); none is a substring of another
    "c11": ("蔺甲", "邬甲纺织厂", "芈甲"), "c12": ("蔺乙", "邬乙纺织厂", "芈乙"), "c21": ("蔺丙", "邬丙纺织厂", "芈丙"),
    "c31": ("蔺丁", "邬丁纺织厂", "芈丁"), "none": ("蔺戊", "邬戊纺织厂", "芈戊"),
}
FULL_ID = re.compile(r"(?<![0-9])\d{17}[\dXx](?![0-9A-Za-z])")
DENIED = {403, 404}
WRITE_ACTIONS = {"registry.write", "person.reveal_id", "conflict.resolve"}

# --- the policy, written out per role ---------------------------------------------------------------
# binding: the region node the user is bound to; kinds: what the role reads; actions: what it may do.
# Self-service roles (citizen, employer user) see only what their portal link gives them, and the
# back-office pages refuse them altogether.
STAFF_KINDS = frozenset({"person", "employer", "relation", "region", "conflict"})
WRITER_ACTIONS = frozenset({"registry.write", "person.reveal_id", "conflict.resolve", "hall.write",
                            "benefit.write", "vacancy.post", "employment.write", "training.write"})
OFFICER_ACTIONS = WRITER_ACTIONS | {"registry.import", "registry.export", "benefit.approve", "collection.correct",
                                    "employment.approve"}  # district and city officers


@dataclass(frozen=True)
class RoleSpec:
    binding: str
    kinds: frozenset = frozenset()
    actions: frozenset = frozenset()
    self_sight: dict | None = None  # kind → locs, for the self-service roles


ROLES: dict[str, RoleSpec] = {
    Role.COMMUNITY_CASEWORKER: RoleSpec("c11", STAFF_KINDS, WRITER_ACTIONS),
    Role.STREET_OFFICER: RoleSpec("s1", STAFF_KINDS, WRITER_ACTIONS),
    Role.DISTRICT_OFFICER: RoleSpec("gusu", STAFF_KINDS, OFFICER_ACTIONS),
    Role.CITY_OFFICER: RoleSpec("city", STAFF_KINDS, OFFICER_ACTIONS),
    Role.INSPECTOR: RoleSpec("c11", frozenset({"person", "employer", "relation", "region"}), frozenset({"person.reveal_id"})),
    Role.ARBITRATOR: RoleSpec("c11", frozenset({"person", "employer", "relation", "region"}), frozenset({"person.reveal_id"})),
    Role.FUND_SUPERVISOR: RoleSpec("c11", frozenset({"employer", "region"})),
    Role.LEADER: RoleSpec("c11", frozenset({"region"})),
    # hall.write: the employer hall's hires, leavers and declarations (insurance.services.hall_actor)
    Role.EMPLOYER_USER: RoleSpec("c11", frozenset(), frozenset({"hall.write", "vacancy.post"}),
                                 self_sight={"employer": {"c11"}, "person": {"c11"}, "relation": {"c11"}}),
    Role.CITIZEN: RoleSpec("c11", self_sight={"person": {"c11"}, "relation": {"c11"}}),
    Role.AUDITOR: RoleSpec("c11", frozenset({"audit", "region"})),
    Role.SYSTEM_ADMIN: RoleSpec("c11", frozenset({"region"})),
    Role.SECURITY_ADMIN: RoleSpec("c11", frozenset({"region"})),
}
# Communities inside each binding's jurisdiction, and the region nodes (of REGION_KEYS) it may open.
SCOPE = {"c11": {"c11"}, "s1": {"c11", "c12"}, "gusu": {"c11", "c12", "c21"}, "city": set(COMMUNITIES)}
REGION_SCOPE = {"c11": {"c11"}, "s1": {"s1", "c11", "c12"}, "gusu": {"gusu", "s1", "c11", "c12", "c21"},
                "city": set(REGION_KEYS)}


def sight(role: str, surface: str) -> dict[str, set[str]]:
    """kind → the fixture keys the role may see through ``surface`` ("web", "api-session", "api-token")."""
    spec = ROLES[role]
    kinds = ("person", "employer", "relation", "conflict", "region", "audit")
    if spec.self_sight is not None:
        if surface == "web":  # "portal": the web pages self-service roles open too (Endpoint.portal)
            return {k: set() for k in kinds}
        return {k: set(spec.self_sight.get(k, ())) for k in kinds}
    out = {k: (set(SCOPE[spec.binding]) if k in spec.kinds else set()) for k in kinds}
    out["region"] = set(REGION_SCOPE[spec.binding]) if "region" in spec.kinds else set()
    return out


# --- the fixture world: built once for the module, rolled back at its end ---------------------------

@dataclass
class World:
    regions: dict[str, Region]
    persons: dict[str, Person]
    employers: dict[str, Employer]
    relations: dict[str, EmploymentRelation]
    conflicts: dict[str, MergeConflict]
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def obj(self, kind: str, key: str):
        return {"person": self.persons, "employer": self.employers, "relation": self.relations,
                "conflict": self.conflicts, "region": self.regions}[kind][key]

    def keys(self, kind: str) -> tuple[str, ...]:
        return REGION_KEYS if kind == "region" else LOCS

    # Tokens: strings whose presence in a body proves the record was read.
    def person_tokens(self, loc: str) -> set[str]:
        p = self.persons[loc]
        return {p.name, parse_citizen_id(p.citizen_id).masked(), f"person:{p.pk}<"} | self.region_tokens(loc)

    def employer_tokens(self, loc: str) -> set[str]:
        e = self.employers[loc]
        return {e.name, e.credit_code, f"employer:{e.pk}<"} | self.region_tokens(loc)

    def relation_tokens(self, loc: str) -> set[str]:
        return {f"relation:{self.relations[loc].pk}<"} | self.person_tokens(loc) | self.employer_tokens(loc)

    def conflict_tokens(self, loc: str) -> set[str]:
        return {self.conflicts[loc].legacy_value, f"conflict:{self.conflicts[loc].pk}<"} | self.person_tokens(loc)

    def region_tokens(self, key: str) -> set[str]:
        return {self.regions[key].code} if key in COMMUNITIES else set()

    def all_tokens(self) -> set[str]:
        out = set()
        for loc in LOCS:
            out |= self.relation_tokens(loc) | self.conflict_tokens(loc)
        return out

    def allowed_tokens(self, seen: dict[str, set[str]]) -> set[str]:
        out = set()
        for kind, tokens in (("person", self.person_tokens), ("employer", self.employer_tokens),
                             ("relation", self.relation_tokens), ("conflict", self.conflict_tokens),
                             ("region", self.region_tokens)):
            for key in seen[kind]:
                out |= tokens(key)
        for loc in seen["audit"]:  # the audit log of the subtree: references, paths, before/after snapshots
            out |= self.relation_tokens(loc)
        return out


def _build_world() -> World:
    with acting_as(None, username="matrix"):
        core_services.regions_sync()
        streets = {d: list(Region.objects.filter(parent__code=d, level=RegionLevel.STREET, valid_to__isnull=True)
                           .order_by("code")[:2]) for d in ("320508", "320506")}
        s1, s2 = streets["320508"]
        s3 = streets["320506"][0]
        regions = {"city": Region.objects.get(code="320500"), "gusu": Region.objects.get(code="320508"), "s1": s1,
                   "c11": _community(s1, 901), "c12": _community(s1, 902), "c21": _community(s2, 901),
                   "c31": _community(s3, 901)}
        persons, employers, relations, conflicts = {}, {}, {}, {}
        for i, loc in enumerate(LOCS):
            pname, ename, legacy = NAMES[loc]
            cid, credit = make_id(seq=101 + i), make_credit_code(9101 + i)
            if loc == "none":  # bypasses the services on purpose: no service creates a record without region
                persons[loc] = Person.objects.create(citizen_id=cid, name=pname, sex="M", birth_date=date(1980, 1, 1),
                                                     hukou_type="urban", hukou_region_code="320508",
                                                     residence_region=None, mobile=f"1391234{i:04d}")
                employers[loc] = Employer.objects.create(credit_code=credit, name=ename, type="private", industry="C",
                                                         size="small", region=None)
                relations[loc] = EmploymentRelation.objects.create(person=persons[loc], employer=employers[loc],
                                                                   start_date=date(2020, 1, 1))
            else:
                persons[loc] = registry.person_register(
                    user=None, citizen_id=cid, name=pname, hukou_type="urban", hukou_region_code="320508",
                    residence_region_code=regions[loc].code, mobile=f"1391234{i:04d}")
                employers[loc] = registry.employer_register(
                    user=None, credit_code=credit, name=ename, type="private", industry="C", size="small",
                    region_code=regions[loc].code)
                relations[loc] = registry.relation_start(user=None, person=persons[loc], employer=employers[loc],
                                                         start_date=date(2020, 1, 1))
            conflicts[loc] = MergeConflict.objects.create(source="wuzhong", person=persons[loc], field="name",
                                                          registry_value=pname, legacy_value=legacy, row_number=i + 2)
        world = World(regions, persons, employers, relations, conflicts)
        for role, spec in ROLES.items():
            user = User.objects.create(username=f"matrix-{role}", role=role, region=regions[spec.binding])
            world.users[role] = user
            world.tokens[role] = core_services.token_create(user=user, name="matrix")
        PortalLink.objects.create(user=world.users[Role.CITIZEN], person=persons["c11"])
        PortalLink.objects.create(user=world.users[Role.EMPLOYER_USER], employer=employers["c11"])
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The fixture records, committed to nothing: one outer transaction rolled back after the module."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield _build_world()
            transaction.set_rollback(True)


# --- the classification table ---------------------------------------------------------------------

Args = Callable[[object], dict]


@dataclass(frozen=True)
class Endpoint:
    """How the matrix exercises one endpoint.

    kind: the record it exposes or changes (person/employer/relation/region/audit/conflict/none).
    op: detail (one URL per fixture record) | list (one URL) | search (queries per fixture record) |
        export (like list) | write (one request per fixture record) | create (one request per community) |
        page (no records: only "no 5xx, no foreign token").
    args: URL kwargs for a fixture record (detail/write) or community Region (create).
    data: request body (write/create) or query parameters (list) built from the record / Region.
    queries: for search, the query parameters to try for a record.
    action: for write/create, the ACTIONS key the role needs.
    positive: for detail, whether the record's first token must appear in the 200 body.
    """

    kind: str
    op: str
    method: str = "GET"
    args: Args | None = None
    data: Callable | None = None
    queries: Callable | None = None
    action: str | None = None
    positive: bool = True
    portal: bool = False  # a web page self-service roles open too: probed on the "portal" surface


def _pk(name="pk"):
    return lambda o: {name: o.pk}


def _person_form(p: Person) -> dict:
    return {"name": p.name, "hukou_type": p.hukou_type, "hukou_region_code": p.hukou_region_code,
            "residence_region": p.residence_region.code if p.residence_region_id else "", "mobile": p.mobile}


def _new_id(region: Region) -> str:
    """A fresh, valid ID number per target community (region pks are small and distinct)."""
    return make_id(seq=600 + region.pk % 300)


def _new_credit(region: Region) -> str:
    return make_credit_code(9600 + region.pk)


REASON = {"reason": "矩阵测试核对参保登记"}

# Web pages, by URL name (core/urls.py and registry/urls.py, plus Django's i18n view).
WEB: dict[str, Endpoint] = {
    "home": Endpoint("none", "page"),
    "login": Endpoint("none", "page"),
    "logout": Endpoint("none", "page"),  # POST only; GET answers 405 (a POST would end the session)
    "set_language": Endpoint("none", "page"),
    "audit_log": Endpoint("audit", "list"),
    "person_search": Endpoint("person", "search", queries=lambda p: [{"q": p.name}, {"q": p.citizen_id}]),
    "person_new": Endpoint("person", "create", "POST", args=lambda r: {}, action="registry.write", data=lambda r: {
        "citizen_id": _new_id(r), "name": "蔺新", "hukou_type": "urban", "hukou_region_code": "320508",
        "residence_region": r.code, "mobile": ""}),
    "person_detail": Endpoint("person", "detail", args=_pk()),
    "person_reveal": Endpoint("person", "write", "POST", args=_pk(), action="person.reveal_id", data=lambda p: REASON),
    "person_edit": Endpoint("person", "write", "POST", args=_pk(), action="registry.write", data=_person_form),
    "person_relation_new": Endpoint("person", "write", "POST", args=_pk(), action="registry.write",
                                    data=lambda p: {"employer": p.relations.first().employer.credit_code,
                                                    "start_date": "2020-01-01"}),
    "relation_end": Endpoint("relation", "write", "POST", args=_pk(), action="registry.write",
                             data=lambda r: {"end_date": "1900-01-01"}),
    "employer_search": Endpoint("employer", "search", queries=lambda e: [{"q": e.name}, {"q": e.credit_code}]),
    "employer_new": Endpoint("employer", "create", "POST", args=lambda r: {}, action="registry.write", data=lambda r: {
        "credit_code": _new_credit(r), "org_code": "", "name": "邬新厂", "type": "private", "industry": "C",
        "size": "small", "region": r.code, "status": "active"}),
    "employer_detail": Endpoint("employer", "detail", args=_pk()),
    "region_root": Endpoint("region", "page"),  # redirects to the user's own node
    "region_detail": Endpoint("region", "detail", args=lambda r: {"code": r.code}),
    "conflict_list": Endpoint("conflict", "list"),
    "conflict_resolve": Endpoint("conflict", "write", "POST", args=_pk(), action="conflict.resolve",
                                 data=lambda c: {"choice": "keep"}),
    # The upload form; uploads (rows outside the jurisdiction are row errors) are tested in test_web_files.py.
    # Aggregates only, scoped by kpi.selectors (leader/officer subtrees are tested in test_indicators_web.py).
    "indicators": Endpoint("none", "page"),
    # The calculator: public, no records; a caseworker's ?person= prefill reads through person_get (scoped).
    "calc_index": Endpoint("none", "page"),
    "calc_rule": Endpoint("none", "page", args=lambda _: {"name": "unemployment"}),
    "import_page": Endpoint("none", "page"),
    "import_report": Endpoint("none", "page"),  # without its owner's token: 404 (403 without the permission)
    # An export of each community: the CSV body holds only that community's persons, masked.
    "export_page": Endpoint("person", "create", "POST", args=lambda r: {}, action="registry.export",
                            data=lambda r: {"region": r.code, "format": "csv", **REASON}),
    # The contribution record, bills and documents (insurance/views.py). The matrix world has no bills: bill
    # pages answer 404 here and are scoped in tests/insurance/test_record.py. /me/record/ is the citizen's own
    # record (403 for every other role); it shows no name or ID, only the record (empty in this world).
    "insurance:person_record": Endpoint("person", "detail", args=_pk()),
    "insurance:person_rights_pdf": Endpoint("person", "detail", args=lambda p: {"pk": p.pk, "year": 2024}, positive=False),
    "insurance:my_record": Endpoint("none", "page"),
    "insurance:my_rights_pdf": Endpoint("none", "page", args=lambda _: {"year": 2024}),
    "insurance:employer_insurance": Endpoint("employer", "detail", args=_pk()),
    "insurance:employer_statement": Endpoint("employer", "detail", args=lambda e: {"pk": e.pk, "fmt": "xlsx"},
                                             positive=False),
    "insurance:bill_detail": Endpoint("none", "page", args=lambda _: {"pk": 1}),
    # 关系转移接续 on a person (insurance/views_transfers.py): the list and the two forms are the person's;
    # transfer-out without "confirm" only previews; an empty transfer-in form is a 400 inside the sight.
    "insurance:person_transfers": Endpoint("person", "detail", args=_pk()),
    "insurance:transfer_out": Endpoint("person", "write", "POST", args=_pk(), action="registry.write",
                                       data=lambda p: {"insurance": "pension", "counterpart_code": "310000",
                                                       "counterpart_name": "上海", "month": "2024-01"}),
    "insurance:transfer_in": Endpoint("person", "write", "POST", args=_pk(), action="registry.write",
                                      data=lambda p: {}),
    # No transfers exist in the matrix world: 404 for everyone (scoping is tested in tests/insurance/).
    "insurance:transfer_certificate": Endpoint("none", "page", args=lambda _: {"pk": 0}),
    # 冲正、退款、认领 (insurance/views_corrections.py): no payments in the matrix world (404 or 403); the employer's
    # credit page is the employer's; a refund is a write of the employer needing collection.correct (400: no credit).
    "insurance:payment_reverse": Endpoint("none", "page", args=lambda _: {"pk": 0}),
    "insurance:employer_credit": Endpoint("employer", "detail", args=_pk()),
    "insurance:employer_refund": Endpoint("employer", "write", "POST", args=_pk(), action="collection.correct",
                                          data=lambda e: {"amount": "1.00", "bank_account": "工行 6222 0000 1111",
                                                          "reason": "多缴退款"}),
    "insurance:suspense": Endpoint("none", "page"),
    "insurance:suspense_claim": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0},
                                         data=lambda _: {"payer_code": "x", "reason": "认领"}),
    # The employer hall (insurance/views_hall.py): an employer user's own employer, or a staff member's
    # employer in their jurisdiction; writes need hall.write. Empty forms answer 400 inside the sight.
    "insurance:hall": Endpoint("none", "page", portal=True),  # employer user → its hall; staff → employer search
    "insurance:hall_report": Endpoint("none", "page", portal=True),  # only the uploader's token (none here): 404
    "insurance:hall_employer": Endpoint("employer", "detail", args=_pk(), portal=True),
    "insurance:hall_declare": Endpoint("employer", "detail", args=_pk(), portal=True),
    "insurance:hall_template": Endpoint("employer", "detail", args=lambda e: {"pk": e.pk, "kind": "changes"},
                                        positive=False, portal=True),
    "insurance:hall_hire": Endpoint("employer", "write", "POST", args=_pk(), action="hall.write",
                                    data=lambda e: {"citizen_id": ""}, portal=True),
    "insurance:hall_leave": Endpoint("employer", "write", "POST", args=_pk(), action="hall.write",
                                     data=lambda e: {"relation": ""}, portal=True),
    "insurance:hall_upload": Endpoint("employer", "write", "POST", args=_pk(), action="hall.write",
                                      data=lambda e: {}, portal=True),
    # Pension claims (benefits/views.py): a person's claims and the claim form (an empty form is a 400 inside
    # the sight); no claim exists in the matrix world, so claim pages answer 404 (scoped in tests/benefits/).
    "benefits:person_claims": Endpoint("person", "detail", args=_pk()),
    "benefits:claim_new": Endpoint("person", "write", "POST", args=_pk(), action="benefit.write", data=lambda p: {}),
    "benefits:waiting": Endpoint("none", "page"),
    "benefits:claim_detail": Endpoint("none", "page", args=lambda _: {"claim_no": "YL202601010001"}),
    "benefits:claim_pdf": Endpoint("none", "page", args=lambda _: {"claim_no": "YL202601010001"}),
    "benefits:claim_approve": Endpoint("none", "page", args=lambda _: {"claim_no": "YL202601010001"}),
    "benefits:claim_reject": Endpoint("none", "page", args=lambda _: {"claim_no": "YL202601010001"}),
    "benefits:claim_recheck": Endpoint("none", "page", args=lambda _: {"claim_no": "YL202601010001"}),
    "benefits:claim_withdraw": Endpoint("none", "page", args=lambda _: {"claim_no": "YL202601010001"}),
    # Benefits and payroll (benefits/views_payroll.py): a person's benefits page with the 代发账户 form (an
    # empty form is a 400 inside the sight); the payroll page needs benefit.approve and sums only visible lines.
    "benefits:person_benefits": Endpoint("person", "detail", args=_pk()),
    "benefits:bank_account_new": Endpoint("person", "write", "POST", args=_pk(), action="benefit.write",
                                          data=lambda p: {}),
    "benefits:payroll_runs": Endpoint("none", "page"),
    # One-time payments (benefits/payouts/views.py): the officers' page (benefit.approve; orders of visible regions
    # only), naming an heir (no such order here: 404), an employer's 单位账户 page and its form (empty form: 400).
    "benefits:payouts": Endpoint("none", "page"),
    "benefits:payout_payee": Endpoint("none", "page", "POST", args=lambda _: {"pk": 999999}),
    "benefits:payouts_employer": Endpoint("employer", "detail", args=_pk()),
    "benefits:payouts_employer_account": Endpoint("employer", "write", "POST", args=_pk(), action="benefit.write",
                                                  data=lambda e: {}),
    # Community management (benefits/views_community.py): a community's retirees (a region page; the list holds
    # only persons in the user's sight) and the verification POST (an empty channel is refused by the service).
    "benefits:community": Endpoint("region", "detail", args=lambda r: {"code": r.code}),
    "benefits:verify": Endpoint("person", "write", "POST", args=_pk(), action="benefit.write", data=lambda p: {}),
    "benefits:person_community": Endpoint("person", "detail", args=_pk()),
    "benefits:death": Endpoint("person", "write", "POST", args=_pk(), action="benefit.write", data=lambda p: {}),
    # Maternity allowance claims (benefits/maternity/views.py): a person's claims and the claim form (an empty form
    # is a 400 inside the sight); no claim exists in the matrix world, so claim pages answer 404.
    "benefits:maternity_person": Endpoint("person", "detail", args=_pk()),
    "benefits:maternity_new": Endpoint("person", "write", "POST", args=_pk(), action="benefit.write", data=lambda p: {}),
    "benefits:maternity_claim": Endpoint("none", "page", args=lambda _: {"claim_no": "SY202601010001"}),
    "benefits:maternity_approve": Endpoint("none", "page", args=lambda _: {"claim_no": "SY202601010001"}),
    "benefits:maternity_reject": Endpoint("none", "page", args=lambda _: {"claim_no": "SY202601010001"}),
    "benefits:maternity_recheck": Endpoint("none", "page", args=lambda _: {"claim_no": "SY202601010001"}),
    # Unemployment benefit (benefits/views_unemployment.py): a person's 失业登记 and claims; the register and claim
    # forms (an empty form, or a claim without a registration, is a 400 inside the sight); no claim in this world.
    "benefits:person_unemployment": Endpoint("person", "detail", args=_pk()),
    "benefits:unemployment_register": Endpoint("person", "write", "POST", args=_pk(), action="benefit.write",
                                               data=lambda p: {}),
    "benefits:unemployment_claim_new": Endpoint("person", "write", "POST", args=_pk(), action="benefit.write",
                                                data=lambda p: {}),
    "benefits:unemployment_claim": Endpoint("none", "page", args=lambda _: {"claim_no": "SYJ202601010001"}),
    "benefits:unemployment_approve": Endpoint("none", "page", args=lambda _: {"claim_no": "SYJ202601010001"}),
    "benefits:unemployment_reject": Endpoint("none", "page", args=lambda _: {"claim_no": "SYJ202601010001"}),
    # Employment services core (employment/views.py, issue 6): the person's employment page and its counter forms
    # (an empty form is a 400 inside the sight); support applications (none in this world); the office queues
    # (no registrations in this world: only "no 5xx, no foreign token").
    "employment:person": Endpoint("person", "detail", args=_pk()),
    "employment:seeker_save": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:register": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:contact": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:deregister": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:certificate_issue": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:certificate_renew": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:certificate_cancel": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:application_new": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:flag_add": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:flag_end": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:assistance_add": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:assistance_outcome": Endpoint("person", "write", "POST", args=_pk(), action="employment.write", data=lambda p: {}),
    "employment:application": Endpoint("none", "page", args=lambda _: {"number": "ZF202601010001"}),
    "employment:application_approve": Endpoint("none", "page", args=lambda _: {"number": "ZF202601010001"}),
    "employment:application_reject": Endpoint("none", "page", args=lambda _: {"number": "ZF202601010001"}),
    "employment:office": Endpoint("none", "page"),
    # 充分就业社区 (employment/communities/views.py): the communities of the user's own node (region codes and counts
    # only; the own-subtree scoping and the 404 of a foreign community are tested in tests/employment/test_communities.py);
    # no community of this code exists, so its page answers 404 to everyone.
    "employment:communities": Endpoint("none", "page"),
    "employment:community": Endpoint("none", "page", args=lambda _: {"code": "320508999999"}),
    # 外来劳动力、农村富余劳动力、南北劳务交流 (employment/migrant/views.py): no such record exists in this world, so the
    # lists are empty, the forms (empty) answer 400 to writers, the record URLs 404; scoping is tested in
    # tests/employment/test_migrant_pages.py.
    "employment:migrants": Endpoint("none", "page"),
    "employment:migrant_register": Endpoint("none", "page", "POST", data=lambda _: {}),
    "employment:migrant_end": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}, data=lambda _: {}),
    "employment:rural": Endpoint("none", "page"),
    "employment:rural_register": Endpoint("none", "page", "POST", data=lambda _: {}),
    "employment:rural_transfer": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}, data=lambda _: {}),
    "employment:exchange": Endpoint("none", "page"),
    "employment:exchange_agreement_new": Endpoint("none", "page", "POST", data=lambda _: {}),
    "employment:exchange_group_new": Endpoint("none", "page", "POST", data=lambda _: {}),
    # Public-welfare posts (employment/welfare/views.py): posts by community; no post, placement or subsidy exists in
    # this world, so the pages are probed as pages (own tests: tests/employment/test_welfare_pages.py)
    "employment:welfare_posts": Endpoint("none", "page"),
    "employment:welfare_post_new": Endpoint("none", "page", "POST"),
    "employment:welfare_post": Endpoint("none", "page", args=lambda _: {"pk": 0}),
    "employment:welfare_place": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}),
    "employment:welfare_account": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}),
    "employment:welfare_leave": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}),
    "employment:welfare_subsidies": Endpoint("none", "page"),
    "employment:welfare_payments": Endpoint("none", "page"),
    # Work injury (benefits/injury/views.py): a person's cases and the report form (an empty form is a 400 inside
    # the sight); the decision queue holds only visible cases; no case or award exists here, so their pages 404.
    "benefits:injury_person": Endpoint("person", "detail", args=_pk()),
    "benefits:injury_report": Endpoint("person", "write", "POST", args=_pk(), action="benefit.write", data=lambda p: {}),
    "benefits:injury_waiting": Endpoint("none", "page"),
    "benefits:injury_case": Endpoint("none", "page", args=lambda _: {"case_no": "GS202601010001"}),
    "benefits:injury_decide": Endpoint("none", "page", args=lambda _: {"case_no": "GS202601010001"}),
    "benefits:injury_assess": Endpoint("none", "page", args=lambda _: {"case_no": "GS202601010001"}),
    "benefits:injury_death": Endpoint("none", "page", args=lambda _: {"case_no": "GS202601010001"}),
    "benefits:injury_award_approve": Endpoint("none", "page", args=lambda _: {"award_no": "GSD202601010001"}),
    "benefits:injury_award_reject": Endpoint("none", "page", args=lambda _: {"award_no": "GSD202601010001"}),
    # Training (training/views.py, views_public.py): institutions and courses are the bureau's public offer (any
    # staff reading persons); no institution, course, enrolment or certificate exists in this world, so their pages
    # 404 (scoped in tests/training/test_training_web.py). A person's training page is the person's; the external
    # certificate form (empty: 400 inside the sight) needs training.write. The verification pages are public (no
    # login; an unknown number is a 404); /training/me/ is the citizen's own (403 for every other role).
    "training:institutions": Endpoint("none", "page"),
    "training:institution_detail": Endpoint("none", "page", args=lambda _: {"pk": 0}),
    "training:courses": Endpoint("none", "page"),
    "training:course_detail": Endpoint("none", "page", args=lambda _: {"pk": 0}),
    "training:course_status": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}, data=lambda _: {}),
    "training:course_enrol": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}, data=lambda _: {}),
    "training:course_attendance": Endpoint("none", "page", args=lambda _: {"pk": 0}),
    "training:result_new": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}, data=lambda _: {}),
    "training:person_training": Endpoint("person", "detail", args=_pk()),
    "training:person_enrol": Endpoint("person", "write", "POST", args=_pk(), action="training.write",
                                      data=lambda p: {}),
    "training:certificate_external": Endpoint("person", "write", "POST", args=_pk(), action="training.write",
                                              data=lambda p: {}),
    "training:certificate_detail": Endpoint("none", "page", args=lambda _: {"number": "ZS200633830040855"}),
    "training:certificate_pdf": Endpoint("none", "page", args=lambda _: {"number": "ZS200633830040855"}),
    "training:certificate_revoke": Endpoint("none", "page", "POST", args=lambda _: {"number": "ZS200633830040855"},
                                            data=lambda _: {"reason": "矩阵"}),
    "training:studios": Endpoint("none", "page"),
    "training:verify_lookup": Endpoint("none", "page"),
    "training:verify": Endpoint("none", "page", args=lambda _: {"number": "ZS200633830040855"}),
    "training:my_training": Endpoint("none", "page"),
    "training:my_enrol": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}),
    # Job placement (employment/matching/views.py): an employer's vacancies (the employer hall: its own user, or
    # staff in the jurisdiction) and the posting form (empty: 400 inside the sight, vacancy.post); a person's
    # matches and the refer form (employment.write); no vacancy, referral, fair or agency exists in this world,
    # so their pages answer 404; the lists hold only public postings.
    "employment:employer_vacancies": Endpoint("employer", "detail", args=_pk(), portal=True),
    "employment:employer_vacancy_new": Endpoint("employer", "write", "POST", args=_pk(), action="vacancy.post",
                                                data=lambda e: {}, portal=True),
    "employment:person_matches": Endpoint("person", "detail", args=_pk()),
    "employment:person_refer": Endpoint("person", "write", "POST", args=_pk(), action="employment.write",
                                        data=lambda p: {}),
    "employment:vacancies": Endpoint("none", "page"),
    "employment:vacancy_detail": Endpoint("none", "page", args=lambda _: {"pk": 0}, portal=True),
    "employment:vacancy_close": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}, portal=True),
    "employment:vacancy_edit": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}, portal=True),
    "employment:vacancy_candidates": Endpoint("none", "page", args=lambda _: {"pk": 0}),
    "employment:referral_outcome": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}, portal=True),
    "employment:fairs": Endpoint("none", "page"),
    "employment:fair_new": Endpoint("none", "page", "POST", data=lambda _: {}),
    "employment:fair_detail": Endpoint("none", "page", args=lambda _: {"pk": 0}),
    "employment:fair_join": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}, data=lambda _: {}),
    "employment:agencies": Endpoint("none", "page"),
    "employment:agency_placements": Endpoint("none", "page", "POST", args=lambda _: {"pk": 0}, data=lambda _: {}),
}

ALL = {"limit": 200}
# API operations, by "METHOD /path" as in /api/v1/openapi.json (path without the /api/v1 prefix).
API: dict[str, Endpoint] = {
    "GET /me": Endpoint("none", "page"),
    "POST /calc/{rule}": Endpoint("none", "page", "POST", args=lambda _: {"rule": "unemployment"},
                                  data=lambda _: {"contribution_months": 72}),
    "GET /persons": Endpoint("person", "list", data=lambda _: ALL),
    "GET /persons/{person_id}": Endpoint("person", "detail", args=_pk("person_id")),
    "POST /persons": Endpoint("person", "create", "POST", args=lambda r: {}, action="registry.write", data=lambda r: {
        "citizen_id": _new_id(r), "name": "蔺新", "hukou_type": "urban", "hukou_region_code": "320508",
        "residence_region_code": r.code}),
    "PATCH /persons/{person_id}": Endpoint("person", "write", "PATCH", args=_pk("person_id"),
                                           action="registry.write", data=lambda p: {}),
    "POST /persons/{person_id}/reveal-id": Endpoint("person", "write", "POST", args=_pk("person_id"),
                                                    action="person.reveal_id", data=lambda p: REASON),
    "GET /employers": Endpoint("employer", "list", data=lambda _: ALL),
    "GET /employers/{employer_id}": Endpoint("employer", "detail", args=_pk("employer_id")),
    "GET /employers/{employer_id}/employees": Endpoint("employer", "detail", args=_pk("employer_id"), positive=False),
    "POST /employers": Endpoint("employer", "create", "POST", args=lambda r: {}, action="registry.write", data=lambda r: {
        "credit_code": _new_credit(r), "name": "邬新厂", "type": "private", "industry": "C", "size": "small",
        "region_code": r.code}),
    "PATCH /employers/{employer_id}": Endpoint("employer", "write", "PATCH", args=_pk("employer_id"),
                                               action="registry.write", data=lambda e: {}),
    "GET /regions": Endpoint("region", "list", data=lambda _: ALL),
    "GET /regions/{code}": Endpoint("region", "detail", args=lambda r: {"code": r.code}),
    "GET /regions/{code}/children": Endpoint("region", "detail", args=lambda r: {"code": r.code}, positive=False),
    "GET /relations": Endpoint("relation", "list", data=lambda _: ALL),
    "POST /relations": Endpoint("relation", "write", "POST", args=lambda r: {}, action="registry.write",
                                data=lambda r: {"person_id": r.person_id, "employer_id": r.employer_id,
                                                "start_date": "2021-01-01"}),
    "POST /relations/{relation_id}/end": Endpoint("relation", "write", "POST", args=_pk("relation_id"),
                                                  action="registry.write", data=lambda r: {"end_date": "1900-01-01"}),
    # insurance reads (api/insurance.py); bills: none in this world (404), scoped in tests/insurance/test_api_insurance.py
    "GET /persons/{person_id}/record": Endpoint("person", "detail", args=_pk("person_id")),
    "GET /persons/{person_id}/accounts": Endpoint("person", "detail", args=_pk("person_id"), positive=False),
    "GET /employers/{employer_id}/bills": Endpoint("employer", "detail", args=_pk("employer_id"), positive=False),
    "GET /employers/{employer_id}/arrears": Endpoint("employer", "detail", args=_pk("employer_id"), positive=False),
    "GET /bills/{bill_id}": Endpoint("none", "page", args=lambda _: {"bill_id": 1}),
    # pension claims (api/benefits.py): none in this world; employer users get an empty list
    "GET /benefits/persons/{person_id}/claims": Endpoint("person", "detail", args=_pk("person_id"), positive=False),
    "GET /benefits/claims/{claim_no}": Endpoint("none", "page", args=lambda _: {"claim_no": "YL202601010001"}),
    # benefit payment lines (api/benefits.py, payroll): none in this world; employer users get an empty list
    "GET /benefits/persons/{person_id}/payments": Endpoint("person", "detail", args=_pk("person_id"), positive=False),
    # a work-injury case (api/injury.py): none in this world, so 404 for everyone
    "GET /benefits/injury/{case_no}": Endpoint("none", "page", args=lambda _: {"case_no": "GS202601010001"}),
    # job placement (api/employment.py): open vacancies are public (none in this world); a person's matches follow
    # /persons scoping (a citizen their own; an employer user an empty list)
    "GET /vacancies": Endpoint("none", "page"),
    "GET /persons/{person_id}/matches": Endpoint("person", "detail", args=_pk("person_id"), positive=False),
    # a person's employment and training records (api/employment.py): /persons scoping; back-office records, so a
    # citizen or an employer user gets empty lists; no certificate exists in this world (404 for everyone)
    "GET /persons/{person_id}/employment": Endpoint("person", "detail", args=_pk("person_id"), positive=False),
    "GET /persons/{person_id}/training": Endpoint("person", "detail", args=_pk("person_id"), positive=False),
    "GET /training/certificates/{number}": Endpoint("none", "page", args=lambda _: {"number": "ZS200633830040855"}),
}
API_PREFIX = "/api/v1"


# --- discovering the endpoints --------------------------------------------------------------------

def web_endpoints() -> tuple[set[str], list[str]]:
    """Named URL patterns outside the API namespace, and the routes of unnamed ones."""
    named, unnamed = set(), []

    def walk(patterns, prefix: str, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns == "api":
                    continue  # classified by operation from the OpenAPI schema
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                if p.name:
                    named.add(f"{namespace}:{p.name}" if namespace else p.name)
                else:
                    unnamed.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "", None)
    return named, unnamed


@functools.lru_cache(maxsize=1)
def api_operations() -> set[str]:
    from laobao.api.main import api

    schema = api.get_openapi_schema()
    return {f"{m.upper()} {path.removeprefix(API_PREFIX)}" for path, ops in schema["paths"].items() for m in ops}


def test_every_endpoint_is_classified():
    named, unnamed = web_endpoints()
    missing = sorted(named - set(WEB)) + sorted(api_operations() - set(API))
    assert not missing, (
        "Unclassified endpoints: add each to WEB (by URL name) or API (by 'METHOD /path') in "
        f"tests/test_jurisdiction_matrix.py with its record kind, operation class and URL builder: {missing}")
    assert not unnamed, f"Give these URL patterns a name so the matrix can classify them: {unnamed}"


def test_classification_has_no_stale_entries():
    named, _ = web_endpoints()
    stale = sorted(set(WEB) - named) + sorted(set(API) - api_operations())
    assert not stale, f"Classified endpoints that no longer exist (remove them from the table): {stale}"


def test_policy_table_covers_every_role():
    assert set(ROLES) == set(Role), "State the expected sight of every role in ROLES"


# --- running the matrix ---------------------------------------------------------------------------

@dataclass
class Probe:
    """One role on one surface: sends the requests and collects every violation."""

    world: World
    role: str
    surface: str
    client: Client
    headers: dict
    violations: list[str] = field(default_factory=list)
    requests: int = 0

    def __post_init__(self):
        self.seen = sight(self.role, self.surface)
        self.forbidden = self.world.all_tokens() - self.world.allowed_tokens(self.seen)
        self.may = ROLES[self.role].actions

    def visible(self, kind: str, key: str) -> bool:
        return key in self.seen.get(kind, set())

    def send(self, label: str, method: str, url: str, data=None, *, reveals: str | None = None):
        self.requests += 1
        kwargs = dict(self.headers)
        if method == "GET":
            response = self.client.get(url, data or {}, **kwargs)
        elif url.startswith(API_PREFIX):
            response = getattr(self.client, method.lower())(url, json.dumps(data or {}), content_type="application/json",
                                                            **kwargs)
        else:
            response = self.client.post(url, data or {}, **kwargs)
        body = _text(response)
        where = f"[{self.surface} {self.role}] {label} {method} {url} {data or ''}"
        if response.status_code >= 500:
            self.violations.append(f"{where}: HTTP {response.status_code}")
        body = body.replace(url, " ")  # an error page may show the path asked for: an echo, not a read
        if method == "GET" and not url.startswith(API_PREFIX):
            # A search page shows the query the user typed; that echo is not a read of any record.
            for value in (data or {}).values():
                body = body.replace(str(value), " ") if value else body
        leaked = sorted(t for t in self.forbidden if t in body)
        if leaked:
            self.violations.append(f"{where}: foreign records in the body: {leaked}")
        for number in FULL_ID.findall(body):
            if number != reveals and _valid_id(number):
                self.violations.append(f"{where}: unmasked citizen ID {number[:4]}… in the body")
        return response, body

    def expect(self, where: str, ok: bool, detail: str):
        if not ok:
            self.violations.append(f"[{self.surface} {self.role}] {where}: {detail}")

    # one method per operation class
    def detail(self, label, spec: Endpoint, url_for):
        for key in self.world.keys(spec.kind):
            obj = self.world.obj(spec.kind, key)
            url = url_for(spec.args(obj))
            response, body = self.send(label, "GET", url)
            if self.visible(spec.kind, key):
                self.expect(f"{label} {key}", response.status_code == 200, f"expected 200, got {response.status_code}")
                token = _first_token(self.world, spec.kind, key)
                if spec.positive and token and token not in body:
                    self.expect(f"{label} {key}", False, f"visible record's {token!r} missing from the body")
                if label == "GET /regions/{code}/children" and response.status_code == 200:
                    self.region_counts(label, key, response.json())
            else:
                self.expect(f"{label} {key}", response.status_code in DENIED,
                            f"foreign record answered {response.status_code}, expected 403/404")

    def listing(self, label, spec: Endpoint, url):
        response, body = self.send(label, "GET", url, spec.data(None) if spec.data else None)
        visible = [k for k in self.world.keys(spec.kind) if self.visible(spec.kind, k)]
        if visible:
            self.expect(label, response.status_code == 200, f"expected 200, got {response.status_code}")
            for key in visible:
                token = _list_token(self.world, spec.kind, key)
                if token and token not in body:
                    self.expect(label, False, f"visible {spec.kind} {key} ({token!r}) missing from the list")
        else:
            self.expect(label, response.status_code in {200} | DENIED, f"got {response.status_code}")
        if url.startswith(API_PREFIX) and response.status_code == 200 and spec.kind != "region":
            allowed = {self.world.obj(spec.kind, k).pk for k in visible}
            ids = {item["id"] for item in response.json()["items"]}
            self.expect(label, ids <= allowed, f"items {sorted(ids - allowed)} are outside the role's sight")

    def search(self, label, spec: Endpoint, url, detail_url):
        for key in LOCS:
            obj = self.world.obj(spec.kind, key)
            for params in spec.queries(obj):
                response, body = self.send(label, "GET", url, params)
                target = detail_url(obj) if detail_url else None
                redirected = response.status_code == 302 and target and response["Location"].endswith(target)
                if self.visible(spec.kind, key):
                    found = response.status_code == 200 and any(t in body for t in _search_tokens(self.world, spec.kind, key))
                    self.expect(f"{label} {key}", found or redirected,
                                f"visible record not found by {params} (HTTP {response.status_code})")
                else:
                    self.expect(f"{label} {key}", response.status_code in {200} | DENIED and not redirected,
                                f"foreign record search answered {response.status_code}")

    def write(self, label, spec: Endpoint, url_for):
        for key in self.world.keys(spec.kind):
            obj = self.world.obj(spec.kind, key)
            allowed = self.visible(spec.kind, key) and spec.action in self.may
            if label == "POST /relations":  # needs both the person and the employer in sight
                allowed = allowed and self.visible("person", key) and self.visible("employer", key)
            reveals = obj.citizen_id if allowed and spec.action == "person.reveal_id" else None
            response, body = self.send(label, spec.method, url_for(spec.args(obj)), spec.data(obj), reveals=reveals)
            self.expect_write(f"{label} {key}", allowed, response.status_code)
            if reveals and response.status_code == 200:
                self.expect(f"{label} {key}", reveals in body, "a permitted reveal did not return the number")

    def create(self, label, spec: Endpoint, url_for):
        for loc in COMMUNITIES:
            region = self.world.regions[loc]
            data = spec.data(region)
            allowed = loc in SCOPE[ROLES[self.role].binding] and spec.action in self.may
            response, _ = self.send(label, spec.method, url_for(spec.args(region)), data)
            self.expect_write(f"{label} {loc}", allowed, response.status_code)
            if not allowed:
                made = (Person.objects.filter(citizen_id=data.get("citizen_id")).exists()
                        or Employer.objects.filter(credit_code=data.get("credit_code") or "-").exists())
                self.expect(f"{label} {loc}", not made, "a refused create wrote a record")

    def expect_write(self, where: str, allowed: bool, status: int):
        if allowed:
            self.expect(where, status not in DENIED and status < 500, f"permitted write refused with {status}")
        else:
            self.expect(where, status in DENIED, f"forbidden write answered {status}, expected 403/404")

    def region_counts(self, label: str, key: str, rows: list[dict]):
        """Aggregates count only what the role may see (B1: counts in aggregates)."""
        for row in rows:
            path = Region.objects.get(code=row["code"]).path
            persons = sum(1 for loc in self.seen["person"] if loc in COMMUNITIES
                          and self.world.regions[loc].path.startswith(path))
            employers = sum(1 for loc in self.seen["employer"] if loc in COMMUNITIES
                            and self.world.regions[loc].path.startswith(path))
            self.expect(f"{label} {key}", (row["persons"], row["employers"]) == (persons, employers),
                        f"counts of {row['code']} are {row['persons']}/{row['employers']}, expected {persons}/{employers}")


def _text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    text = raw.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return html.unescape(text) + " " + response.get("Location", "")


def _valid_id(number: str) -> bool:
    try:
        parse_citizen_id(number)
        return True
    except Exception:  # noqa: BLE001 - any parse failure means "not an ID number"
        return False


def _first_token(world: World, kind: str, key: str) -> str | None:
    if kind in ("person", "employer"):
        return world.obj(kind, key).name
    if kind == "region":
        return world.regions[key].code
    return None


def _search_tokens(world: World, kind: str, key: str) -> set[str]:
    """Tokens proving a search found the record (the echoed query itself is removed from the body first)."""
    if kind == "person":
        return {parse_citizen_id(world.persons[key].citizen_id).masked()}
    return {world.employers[key].credit_code, world.employers[key].name}


def _list_token(world: World, kind: str, key: str) -> str | None:
    if kind == "audit":
        return f"person:{world.persons[key].pk}<" if key in COMMUNITIES else None  # services audit; "none" has no row
    if kind == "conflict":
        return world.conflicts[key].legacy_value
    if kind == "relation":
        return world.persons[key].name
    if kind == "region" and key not in COMMUNITIES:
        return None
    return _first_token(world, kind, key)


def run(probe: Probe, table: dict[str, Endpoint], url_for: Callable[[str, dict], str], present: set[str]):
    """Reads first, then writes (writes change records; everything is rolled back after the test)."""
    order = {"page": 0, "list": 1, "export": 1, "search": 2, "detail": 3, "write": 4, "create": 5}
    for label, spec in sorted(table.items(), key=lambda kv: order[kv[1].op]):
        if label not in present:
            continue  # reported by test_classification_has_no_stale_entries
        if spec.op == "page":
            kwargs = spec.args(None) if spec.args else {}
            probe.send(label, spec.method, url_for(label, kwargs), spec.data(None) if spec.data else None)
        elif spec.op in ("list", "export"):
            probe.listing(label, spec, url_for(label, {}))
        elif spec.op == "search":
            detail = f"{spec.kind}_detail"
            probe.search(label, spec, url_for(label, {}),
                         (lambda o: reverse(detail, kwargs={"pk": o.pk})) if detail in present else None)
        elif spec.op == "detail":
            probe.detail(label, spec, lambda kw: url_for(label, kw))
        elif spec.op == "write":
            probe.write(label, spec, lambda kw: url_for(label, kw))
        elif spec.op == "create":
            probe.create(label, spec, lambda kw: url_for(label, kw))


def web_url(label: str, kwargs: dict) -> str:
    return reverse(label, kwargs=kwargs or None)


def api_url(label: str, kwargs: dict) -> str:
    return API_PREFIX + label.split(" ", 1)[1].format(**kwargs)


SURFACES = ("web", "api-session", "api-token")


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("surface", SURFACES)
def test_matrix(world, db, surface, role):
    client, headers = Client(), {}
    if surface == "api-token":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[role]}"}
    else:
        client.force_login(world.users[role])
    probe = Probe(world, role, surface, client, headers)
    if surface == "web":
        named, _ = web_endpoints()
        run(probe, {k: v for k, v in WEB.items() if not v.portal}, web_url, named)
        portal = Probe(world, role, "portal", client, headers)
        run(portal, {k: v for k, v in WEB.items() if v.portal}, web_url, named)
        probe.requests += portal.requests
        probe.violations += portal.violations
    else:
        run(probe, API, api_url, api_operations())
    assert probe.requests > 0
    assert not probe.violations, f"{len(probe.violations)} violations:\n" + "\n".join(probe.violations)


@pytest.mark.parametrize("role", list(ROLES))
def test_aggregates_count_only_what_the_role_reads(world, db, role):
    """Region counts for a city-wide user of each role: records of a kind the role cannot read count 0."""
    spec = ROLES[role]
    user = User.objects.create(username=f"matrix-city-{role}", role=role, region=world.regions["city"])
    client = Client()
    client.force_login(user)
    response = client.get(f"{API_PREFIX}/regions/{world.regions['city'].code}/children")
    if spec.self_sight is not None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    counts = {row["code"]: (row["persons"], row["employers"]) for row in response.json()}
    reads_persons, reads_employers = "person" in spec.kinds, "employer" in spec.kinds
    assert counts["320508"] == (3 * reads_persons, 3 * reads_employers)  # c11, c12, c21; never the no-region one
    assert counts["320506"] == (1 * reads_persons, 1 * reads_employers)  # c31
    assert sum(p for p, _ in counts.values()) == 4 * reads_persons


def test_cross_region_employment_is_seen_through_the_employer_only(world, db):
    """The one extra visibility path (relations_visible: person OR employer in sight), as an explicit rule.

    A c31 resident working for a c11 employer appears, with name and masked ID, in that employer's
    employee list and in the relations of c11's caseworker; the person's own record stays out of reach.
    """
    with acting_as(None, username="matrix"):
        commuter = registry.person_register(
            user=None, citizen_id=make_id(seq=950), name="蔺通勤", hukou_type="urban", hukou_region_code="320506",
            residence_region_code=world.regions["c31"].code)
        relation = registry.relation_start(user=None, person=commuter, employer=world.employers["c11"],
                                           start_date=date(2021, 1, 1))
    client = Client()
    client.force_login(world.users[Role.COMMUNITY_CASEWORKER])
    employees = client.get(f"{API_PREFIX}/employers/{world.employers['c11'].pk}/employees").json()
    assert relation.pk in {r["id"] for r in employees["items"]}
    relations = client.get(f"{API_PREFIX}/relations", {"employer": world.employers["c11"].pk}).json()
    assert relation.pk in {r["id"] for r in relations["items"]}
    assert commuter.citizen_id not in json.dumps(employees) + json.dumps(relations)
    assert client.get(f"{API_PREFIX}/persons/{commuter.pk}").status_code == 404
    assert commuter.pk not in {p["id"] for p in client.get(f"{API_PREFIX}/persons", ALL).json()["items"]}
    assert client.get(reverse("person_detail", kwargs={"pk": commuter.pk})).status_code == 404
    # The commuter's own community office (another district) does not see the c11 employer.
    client.force_login(User.objects.create(username="matrix-c31", role=Role.COMMUNITY_CASEWORKER,
                                           region=world.regions["c31"]))
    assert client.get(f"{API_PREFIX}/employers/{world.employers['c11'].pk}").status_code == 404
    assert relation.pk in {r["id"] for r in client.get(f"{API_PREFIX}/relations", ALL).json()["items"]}
