"""The read API of a person's employment and training records and the staff certificate lookup (issue 6 Must
have 9): scoped like /persons (404 outside), empty for self-service roles, audited, bearer token and session."""

from __future__ import annotations

from django.test import Client

from laobao.core import services as core_services
from laobao.core.context import acting_as
from laobao.core.models import AuditEvent, Role
from laobao.registry.models import PortalLink

from test_person_page_story import _occupations, staff, story  # noqa: F401  (fixtures)

API = "/api/v1"


def _token(user) -> dict:
    with acting_as(None):
        return {"HTTP_AUTHORIZATION": f"Bearer {core_services.token_create(user=user)}"}


def test_person_employment_and_training_for_two_roles(story, staff):
    p = story["person"]
    for role in ("worker", "officer"):
        auth = _token(staff[role])
        emp = Client().get(f"{API}/persons/{p.pk}/employment", **auth)
        assert emp.status_code == 200, emp.content
        body = emp.json()
        (reg,) = body["registrations"]
        assert (reg["registered_on"], reg["end_reason"], body["registrations_total"]) == ("2026-06-10", "reemployment", 1)
        assert [c["number"] for c in body["certificates"]] == [story["certificate"].number]
        assert {(r["vacancy_title"], r["outcome"]) for r in body["referrals"]} == {("叉车司机", "pending"),
                                                                                  ("仓库管理员", "hired")}
        train = Client().get(f"{API}/persons/{p.pk}/training", **auth).json()
        (e,) = train["enrolments"]
        assert (e["course_code"], e["start_date"], e["end_date"], e["status"], e["passed"], e["theory_score"]) == (
            "C2006-001", "2006-03-01", "2006-04-30", "completed", True, 75)
        (q,) = train["qualifications"]
        assert (q["number"], q["level"], q["occupation_code"]) == (story["qualification"].number, 4, "6-04-01-01")
    assert AuditEvent.objects.filter(action="employment.view", object_id=str(p.pk)).count() == 4


def test_foreign_jurisdiction_404_and_self_service_roles_get_empty_lists(story, staff, make_user, city):
    p = story["person"]
    auth = _token(staff["foreign"])
    for path in ("employment", "training"):
        assert Client().get(f"{API}/persons/{p.pk}/{path}", **auth).status_code == 404
    citizen = make_user(Role.CITIZEN, city["c11"])
    PortalLink.objects.create(user=citizen, person=p)
    own = Client()
    own.force_login(citizen)
    body = own.get(f"{API}/persons/{p.pk}/employment").json()
    assert body["registrations"] == [] and body["referrals"] == [] and body["certificates"] == []


def test_certificate_lookup_public_facts_and_holder_in_jurisdiction(story, staff):
    number = story["qualification"].number
    mine = Client().get(f"{API}/training/certificates/{number}", **_token(staff["worker"])).json()
    assert mine["in_jurisdiction"] and mine["holder"] == {"person_id": story["person"].pk, "name": "故事甲"}
    assert (mine["name_masked"], mine["level"], mine["status"]) == ("故*甲", 4, "valid")
    assert AuditEvent.objects.filter(action="training.certificate_view", object_id=number).count() == 1
    foreign = Client().get(f"{API}/training/certificates/{number}", **_token(staff["foreign"])).json()
    assert foreign["holder"] is None and not foreign["in_jurisdiction"] and foreign["name_masked"] == "故*甲"
    forged = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert Client().get(f"{API}/training/certificates/{forged}", **_token(staff["worker"])).status_code == 404
    assert Client().get(f"{API}/training/certificates/{number}").status_code == 401
