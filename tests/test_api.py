"""The REST API under /api/v1: schema, authentication, bilingual 422s, mass assignment, reveal, no 500s.

Jurisdiction across every role and operation is the job of test_jurisdiction_matrix.py; here each
behaviour of the API itself is pinned down once.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from laobao.core import services as core_services
from laobao.core.context import acting_as
from laobao.core.models import ApiToken, AuditEvent, Role
from laobao.registry.models import Employer, EmploymentRelation, Person

from conftest import make_credit_code, make_id

API = "/api/v1"
EXPECTED_OPERATIONS = {
    "GET /persons", "POST /persons", "GET /persons/{person_id}", "PATCH /persons/{person_id}",
    "POST /persons/{person_id}/reveal-id",
    "GET /employers", "POST /employers", "GET /employers/{employer_id}", "PATCH /employers/{employer_id}",
    "GET /employers/{employer_id}/employees",
    "GET /regions", "GET /regions/{code}", "GET /regions/{code}/children",
    "GET /relations", "POST /relations", "POST /relations/{relation_id}/end",
    "GET /me", "POST /calc/{rule}",
    "GET /persons/{person_id}/record", "GET /persons/{person_id}/accounts", "GET /employers/{employer_id}/bills",
    "GET /employers/{employer_id}/arrears", "GET /bills/{bill_id}",
    "GET /benefits/persons/{person_id}/claims", "GET /benefits/claims/{claim_no}",
    "GET /benefits/persons/{person_id}/payments", "GET /benefits/injury/{case_no}",
    "GET /vacancies", "GET /persons/{person_id}/matches",
    "GET /persons/{person_id}/employment", "GET /persons/{person_id}/training", "GET /training/certificates/{number}",
}


@pytest.fixture
def worker(city, make_user):
    """A community caseworker of c11 with an API token."""
    user = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    with acting_as(None):
        token = core_services.token_create(user=user)
    return user, token


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def call(client: Client, method: str, path: str, token: str | None = None, body=None, **extra):
    kwargs = dict(extra)
    if token:
        kwargs.update(bearer(token))
    if body is not None and method != "GET":
        kwargs["data"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
        kwargs["content_type"] = "application/json"
    return getattr(client, method.lower())(API + path, **kwargs)


def person_body(city, **over) -> dict:
    body = {"citizen_id": make_id(seq=777), "name": "陈静", "hukou_type": "urban",
            "hukou_region_code": "320508", "residence_region_code": city["c11"].code, "mobile": "13912340777"}
    return body | over


def problems(response) -> list[dict]:
    body = response.json()
    assert set(body) == {"detail"}, body
    for p in body["detail"]:
        assert set(p) == {"field", "code", "zh", "en"} and p["zh"] and p["en"], p
    return body["detail"]


# --- schema -------------------------------------------------------------------------------------

def test_openapi_schema_lists_every_operation(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "laobao API"
    found = {f"{m.upper()} {p.removeprefix(API)}" for p, ops in schema["paths"].items() for m in ops}
    assert found == EXPECTED_OPERATIONS
    assert {"TokenAuth", "SessionUserAuth"} <= set(schema["components"]["securitySchemes"])
    # No schema of a response carries a full ID number field, except the reveal operation's.
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Out") and name != "RevealOut":
            assert "citizen_id" not in component.get("properties", {}), name


def test_docs_page_is_off(client):
    """Swagger UI loads from a CDN; offline intranets get the JSON schema only."""
    assert client.get(f"{API}/docs").status_code == 404


# --- authentication -----------------------------------------------------------------------------

def test_token_auth_works(client, worker):
    user, token = worker
    response = call(client, "GET", "/me", token)
    assert response.status_code == 200
    me = response.json()
    assert (me["username"], me["role"], me["region_code"]) == (user.username, Role.COMMUNITY_CASEWORKER, user.region.code)
    assert "person" in me["reads"] and "registry.write" in me["actions"]
    assert response["Cache-Control"] == "no-store"


def test_token_auth_binds_the_audit_actor(client, city, worker):
    user, token = worker
    response = call(client, "POST", "/persons", token, person_body(city))
    assert response.status_code == 201, response.content
    event = AuditEvent.objects.get(action="person.register", object_id=str(response.json()["id"]))
    assert (event.actor_id, event.actor_username) == (user.pk, user.username)
    assert event.request_id == response["X-Request-ID"]


@pytest.mark.parametrize("case", ["revoked", "expired", "inactive", "locked", "garbage", "wrong_scheme", "none"])
def test_bad_tokens_get_401(client, worker, case):
    user, token = worker
    row = ApiToken.objects.get(user=user)
    headers = bearer(token)
    if case == "revoked":
        row.revoked_at = timezone.now()
        row.save()
    elif case == "expired":
        row.expires_at = timezone.now() - timedelta(seconds=1)
        row.save()
    elif case == "inactive":
        user.is_active = False
        user.save()
    elif case == "locked":
        user.locked_until = timezone.now() + timedelta(minutes=30)
        user.save()
    elif case == "garbage":
        headers = bearer("lb_" + "A" * 43)
    elif case == "wrong_scheme":
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    else:
        headers = {}
    response = client.get(f"{API}/persons", **headers)
    assert response.status_code == 401
    assert problems(response)[0]["code"] == "auth.required"


def test_session_auth_reads(client, city, make_user, make_person):
    make_person(city["c11"], name="李娜")
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c11"]))
    response = client.get(f"{API}/persons")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["items"]] == ["李娜"]


def test_session_post_without_csrf_token_is_refused(city, make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c11"]))
    response = call(client, "POST", "/persons", body=person_body(city))
    assert response.status_code == 403
    assert problems(response)[0]["code"] == "csrf"
    assert not Person.objects.exists()
    secret = "a" * 32  # a CSRF secret set as the cookie and echoed in the header, as a page's script would
    client.cookies["csrftoken"] = secret
    response = call(client, "POST", "/persons", body=person_body(city), HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201, response.content


def test_bearer_post_needs_no_csrf_token(city, worker):
    client = Client(enforce_csrf_checks=True)
    assert call(client, "POST", "/persons", worker[1], person_body(city)).status_code == 201


# --- bad input: bilingual 422 naming the field ----------------------------------------------------

def test_bad_citizen_id_gets_bilingual_422(client, city, worker):
    response = call(client, "POST", "/persons", worker[1], person_body(city, citizen_id="110105194912310021"))
    assert response.status_code == 422
    [p] = problems(response)
    assert p["field"] == "citizen_id" and p["code"] == "citizen_id.checksum"
    assert "校验位" in p["zh"] and "check character" in p["en"]
    assert not Person.objects.exists()


def test_schema_validation_errors_have_the_same_shape(client, worker):
    response = call(client, "POST", "/persons", worker[1], {"name": "陈静"})
    assert response.status_code == 422
    fields = {p["field"] for p in problems(response)}
    assert {"citizen_id", "hukou_type", "hukou_region_code", "residence_region_code"} <= fields
    assert all(p["code"] == "input.missing" for p in problems(response))


def test_duplicate_person_points_to_the_existing_record(client, city, worker, make_person):
    existing = make_person(city["c11"], citizen_id=make_id(seq=777))
    response = call(client, "POST", "/persons", worker[1], person_body(city))
    assert response.status_code == 422
    [p] = problems(response)
    assert p["code"] == "person.duplicate" and p["field"] == "citizen_id"
    assert f"/persons/{existing.pk}/" in p["en"] and f"/persons/{existing.pk}/" in p["zh"]
    assert Person.objects.count() == 1


def test_duplicate_in_another_jurisdiction_does_not_leak_the_record(client, city, worker, make_person):
    """Typing a full ID number must not become a way to look up a stranger's name (B1)."""
    make_person(city["c31"], name="吴中人", citizen_id=make_id(seq=777))
    response = call(client, "POST", "/persons", worker[1], person_body(city))
    assert response.status_code == 422
    [p] = problems(response)
    assert p["code"] == "person.duplicate"
    assert "吴中人" not in json.dumps(p, ensure_ascii=False)
    assert "/persons/" not in p["en"]


# --- mass assignment -------------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [
    {"residence_region_id": 1}, {"sex": "F"}, {"birth_date": "1990-01-01"}, {"id": 999}, {"region": "320506"},
])
def test_register_refuses_extra_fields(client, city, worker, extra):
    response = call(client, "POST", "/persons", worker[1], person_body(city) | extra)
    assert response.status_code == 422
    [p] = problems(response)
    assert p["field"] == next(iter(extra)) and p["code"] == "input.extra_forbidden"
    assert not Person.objects.exists()


def test_update_cannot_set_derived_or_foreign_fields(client, city, worker, make_person):
    person = make_person(city["c11"])
    before = (person.sex, person.birth_date, person.citizen_id, person.residence_region_id)
    for body in ({"sex": "F"}, {"birth_date": "2000-01-01"}, {"citizen_id": make_id(seq=5)},
                 {"residence_region_id": city["c31"].pk}):
        response = call(client, "PATCH", f"/persons/{person.pk}", worker[1], body)
        assert response.status_code == 422, body
    response = call(client, "PATCH", f"/persons/{person.pk}", worker[1], {"residence_region_code": city["c31"].code})
    assert response.status_code == 403  # moving a person out of one's own jurisdiction
    person.refresh_from_db()
    assert (person.sex, person.birth_date, person.citizen_id, person.residence_region_id) == before


def test_update_changes_allowed_fields_and_audits(client, city, worker, make_person):
    person = make_person(city["c11"])
    response = call(client, "PATCH", f"/persons/{person.pk}", worker[1],
                    {"name": "王小明", "hukou_type": "rural", "mobile": None})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["hukou_type"]) == ("王小明", "rural")
    assert body["mobile"] == person.mobile  # null leaves a field as it is
    assert AuditEvent.objects.filter(action="person.update", object_id=str(person.pk)).count() == 1


def test_employer_status_and_region_cannot_be_mass_assigned(client, city, worker, make_employer):
    body = {"name": "新城服装厂", "type": "private", "industry": "C", "size": "small",
            "region_code": city["c11"].code, "credit_code": make_credit_code(4242)}
    assert call(client, "POST", "/employers", worker[1], body | {"status": "cancelled"}).status_code == 422
    assert call(client, "POST", "/employers", worker[1], body | {"region_code": city["c31"].code}).status_code == 403
    response = call(client, "POST", "/employers", worker[1], body)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert call(client, "PATCH", f"/employers/{pk}", worker[1], {"status": "cancelled"}).status_code == 422
    assert call(client, "PATCH", f"/employers/{pk}", worker[1], {"region_code": city["c21"].code}).status_code == 403
    employer = Employer.objects.get(pk=pk)
    assert (employer.status, employer.region_id) == ("active", city["c11"].pk)


# --- reads -----------------------------------------------------------------------------------------

def test_person_detail_is_masked_and_audited(client, city, worker, make_person):
    person = make_person(city["c11"])
    response = call(client, "GET", f"/persons/{person.pk}", worker[1])
    assert response.status_code == 200
    body = response.json()
    assert body["citizen_id_masked"] == person.citizen_id[:4] + "*" * 10 + person.citizen_id[-4:]
    assert person.citizen_id not in response.content.decode()
    assert "birth_date" not in body
    event = AuditEvent.objects.get(action="person.view", object_id=str(person.pk))
    assert event.actor_id == worker[0].pk


def test_person_search_by_id_name_and_mobile(client, city, worker, make_person):
    a = make_person(city["c11"], name="欧阳娜娜")
    make_person(city["c11"], name="欧阳修")
    for q, names in ((a.citizen_id, ["欧阳娜娜"]), ("欧阳", ["欧阳娜娜", "欧阳修"]), (a.mobile, ["欧阳娜娜"]),
                     ("不存在", [])):
        response = client.get(f"{API}/persons", {"q": q}, **bearer(worker[1]))
        assert response.status_code == 200
        assert sorted(p["name"] for p in response.json()["items"]) == sorted(names), q


def test_pagination(client, city, worker, make_person):
    for i in range(5):
        make_person(city["c11"], name=f"分页{'一二三四五'[i]}")
    response = client.get(f"{API}/persons", {"limit": 2, "offset": 3}, **bearer(worker[1]))
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (5, 2, 3)
    assert [p["name"] for p in body["items"]] == ["分页四", "分页五"]
    assert client.get(f"{API}/persons", {"limit": 1000}, **bearer(worker[1])).status_code == 422


def test_employer_employees_and_relations(client, city, worker, make_person, make_employer):
    person, employer = make_person(city["c11"], name="钱多多"), make_employer(city["c11"])
    token = worker[1]
    start = (timezone.localdate() - timedelta(days=30)).isoformat()
    response = call(client, "POST", "/relations", token, {"person_id": person.pk, "employer_id": employer.pk,
                                                            "start_date": start})
    assert response.status_code == 201, response.content
    relation_id = response.json()["id"]
    again = call(client, "POST", "/relations", token, {"person_id": person.pk, "employer_id": employer.pk,
                                                         "start_date": start})
    assert again.status_code == 422 and problems(again)[0]["code"] == "relation.overlap"
    employees = call(client, "GET", f"/employers/{employer.pk}/employees", token).json()
    assert [r["person_name"] for r in employees["items"]] == ["钱多多"]
    assert person.citizen_id not in json.dumps(employees)
    listed = client.get(f"{API}/relations", {"person": person.pk}, **bearer(token)).json()
    assert [r["id"] for r in listed["items"]] == [relation_id]
    bad_end = call(client, "POST", f"/relations/{relation_id}/end", token, {"end_date": "2000-01-01"})
    assert bad_end.status_code == 422 and problems(bad_end)[0]["field"] == "end_date"
    ended = call(client, "POST", f"/relations/{relation_id}/end", token, {"end_date": timezone.localdate().isoformat()})
    assert ended.status_code == 200 and ended.json()["end_date"] == timezone.localdate().isoformat()
    assert call(client, "GET", f"/employers/{employer.pk}/employees", token).json()["count"] == 0
    assert EmploymentRelation.objects.get(pk=relation_id).end_date == timezone.localdate()


def test_region_children_counts(client, city, make_user, make_person, make_employer):
    make_person(city["c11"]), make_person(city["c11"]), make_person(city["c12"]), make_person(city["c21"])
    make_employer(city["c12"])
    officer = make_user(Role.STREET_OFFICER, city["s1"])
    with acting_as(None):
        token = core_services.token_create(user=officer)
    rows = call(client, "GET", f"/regions/{city['s1'].code}/children", token).json()
    counts = {r["code"]: (r["persons"], r["employers"]) for r in rows}
    assert counts[city["c11"].code] == (2, 0) and counts[city["c12"].code] == (1, 1)
    assert city["c21"].code not in counts  # another street: not a child, and not visible
    assert call(client, "GET", f"/regions/{city['gusu'].code}/children", token).status_code == 404


# --- reveal ----------------------------------------------------------------------------------------

def test_reveal_needs_a_reason_and_is_audited(client, city, worker, make_person):
    person = make_person(city["c11"])
    path = f"/persons/{person.pk}/reveal-id"
    missing = call(client, "POST", path, worker[1], {})
    assert missing.status_code == 422 and problems(missing)[0]["field"] == "reason"
    short = call(client, "POST", path, worker[1], {"reason": "看"})
    assert short.status_code == 422 and problems(short)[0]["code"] == "reveal.reason"
    assert not AuditEvent.objects.filter(action="person.reveal_id").exists()
    response = call(client, "POST", path, worker[1], {"reason": "核对参保登记"})
    assert response.status_code == 200
    assert response.json() == {"id": person.pk, "citizen_id": person.citizen_id}
    event = AuditEvent.objects.get(action="person.reveal_id")
    assert (event.object_id, event.reason, event.actor_id) == (str(person.pk), "核对参保登记", worker[0].pk)


def test_reveal_refused_without_the_permission(client, city, make_user, make_person):
    person = make_person(city["c11"])
    from laobao.registry.models import PortalLink

    citizen = make_user(Role.CITIZEN, city["c11"])
    PortalLink.objects.create(user=citizen, person=person)
    client.force_login(citizen)
    assert client.get(f"{API}/persons/{person.pk}").status_code == 200  # may read their own record
    response = client.post(f"{API}/persons/{person.pk}/reveal-id", json.dumps({"reason": "想看看自己的"}),
                           content_type="application/json")
    assert response.status_code == 403
    assert person.citizen_id not in response.content.decode()


# --- never a 500 -----------------------------------------------------------------------------------

NASTY_IDS = ["0", "-1", "99999999999999999999999999", "9223372036854775808", "abc", "1.5", "1e9", "%00",
             "%E2%80%AE", "%F0%9F%98%80", "' OR 1=1 --", "１２", "null", "[]"]
NASTY_BODIES = ["", "{", "[]", "null", "42", '"text"', '{"citizen_id": null}', '{"citizen_id": 12345}',
                '{"person_id": 99999999999999999999999999, "employer_id": 1, "start_date": "2020-01-01"}',
                '{"person_id": "x", "employer_id": [], "start_date": "not a date"}',
                '{"start_date": "2020-02-30"}', '{"name": "' + "😀" * 5000 + '"}',
                '{"citizen_id": "\\u0000\\u202e", "name": "\\ud800"}', '{"reason": {"nested": [1, 2]}}',
                '{"residence_region_code": "\\u0000", "region_code": "32\\u00000508", "reason": "\\u0000原因原因"}',
                '{"end_date": "99999-01-01"}', '{"a": ' + "[" * 2000 + "]" * 2000 + "}"]
NASTY_QUERIES = [{"limit": "-1"}, {"limit": "abc"}, {"offset": "99999999999999999999"}, {"offset": "-5"},
                 {"q": "😀" * 500}, {"q": "%"}, {"q": "_"}, {"q": "\x00"}, {"person": "x"},
                 {"employer": "99999999999999999999"}, {"current": "maybe"}, {"level": "x" * 50},
                 {"q": "110105194912310021"}, {"q": "130503670401001"}]


def test_never_500_on_garbage(client, city, worker, make_person):
    make_person(city["c11"])
    token = worker[1]
    statuses = []
    for bad in NASTY_IDS:
        for method, path in (("GET", f"/persons/{bad}"), ("GET", f"/employers/{bad}"),
                             ("GET", f"/employers/{bad}/employees"), ("GET", f"/regions/{bad}"),
                             ("GET", f"/regions/{bad}/children"), ("PATCH", f"/persons/{bad}"),
                             ("POST", f"/persons/{bad}/reveal-id"), ("POST", f"/relations/{bad}/end")):
            statuses.append((method, path, call(client, method, path, token, body={}).status_code))
    for raw in NASTY_BODIES:
        for method, path in (("POST", "/persons"), ("POST", "/employers"), ("POST", "/relations"),
                             ("PATCH", "/persons/1"), ("PATCH", "/employers/1"), ("POST", "/persons/1/reveal-id"),
                             ("POST", "/relations/1/end")):
            statuses.append((method, path + " " + raw[:20], call(client, method, path, token, body=raw).status_code))
    for params in NASTY_QUERIES:
        for path in ("/persons", "/employers", "/relations", "/regions", "/employers/1/employees"):
            statuses.append(("GET", f"{path} {params}", client.get(API + path, params, **bearer(token)).status_code))
    errors = [s for s in statuses if s[2] >= 500]
    assert not errors, errors
    assert {s[2] for s in statuses} <= {200, 400, 404, 405, 422}, sorted({s[2] for s in statuses})


def test_control_characters_are_refused_by_name(client, city, worker):
    """PostgreSQL refuses NUL in text; the API refuses it first, naming the field."""
    response = call(client, "POST", "/persons", worker[1], person_body(city, residence_region_code="\x00"))
    assert response.status_code == 422
    assert [(p["field"], p["code"]) for p in problems(response)] == [("residence_region_code", "input.control_character")]
    assert client.get(f"{API}/persons", {"q": "张\x00"}, **bearer(worker[1])).status_code == 422


def test_unparseable_body_gets_a_bilingual_400(client, worker):
    response = call(client, "POST", "/persons", worker[1], body="{")
    assert response.status_code == 400
    assert problems(response) == [{"field": "body", "code": "input.json_invalid", "zh": problems(response)[0]["zh"],
                                   "en": "The request body is not valid JSON: check quotes, commas and brackets"}]


def test_unexpected_error_is_a_json_500_without_traceback(client, worker, monkeypatch):
    from laobao.registry import selectors

    def boom(*a, **kw):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "persons_visible", boom)
    response = call(client, "GET", "/persons", worker[1])
    assert response.status_code == 500
    [p] = problems(response)
    assert p["code"] == "server_error" and "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
