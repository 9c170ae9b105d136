"""Counter pages and the read API of pension claims: the flow (preview, receive, claim page, PDF, queue,
approve/reject), 200/403/404 by jurisdiction and action, the person page link."""

from __future__ import annotations

import pytest

from laobao.benefits.models import ClaimStatus, PensionClaim
from laobao.core.models import AuditEvent, Role
from laobao.registry.models import PortalLink

import claim_fixtures as fx

API = "/api/v1"
FORM = {"category": "60", "option": "normal", "shift_months": "0", "deemed_months": "160",
        "pre_account_index": "0.9107", "pension_base": "",
        "reference_wages": "\n".join(f"{y}=10000" for y in range(1995, 2006)), "note": "档案"}


@pytest.fixture
def person(city, make_person):
    return fx.worked_person(make_person, city["c11"])


@pytest.fixture
def as_role(client, make_user, city):
    def login(role, where="c11"):
        user = make_user(role, city[where])
        client.force_login(user)
        return user
    return login


def test_flow_preview_receive_page_pdf_queue_approve(client, person, as_role):
    maker = as_role(Role.COMMUNITY_CASEWORKER)
    page = client.get(f"/persons/{person.pk}/")
    assert f"/benefits/persons/{person.pk}/pension/" in page.content.decode()  # the link on the person page
    assert client.get(f"/benefits/persons/{person.pk}/pension/").status_code == 200
    preview = client.post(f"/benefits/persons/{person.pk}/pension/new/", {**FORM, "action": "preview"})
    body = preview.content.decode()
    assert preview.status_code == 200 and "2856.87" in body and "638.91" in body and "0.4787" in body
    assert not PensionClaim.objects.exists()
    done = client.post(f"/benefits/persons/{person.pk}/pension/new/", {**FORM, "action": "receive"})
    claim = PensionClaim.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/benefits/pension/{claim.claim_no}/")
    page = client.get(f"/benefits/pension/{claim.claim_no}/").content.decode()
    assert "基本养老金核定表" in page and "87722.18 / 137.3" in page 
    assert f"/benefits/pension/{claim.claim_no}/approve/" not in page  # the maker is offered no decision
    pdf = client.get(f"/benefits/pension/{claim.claim_no}/form.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.post(f"/benefits/pension/{claim.claim_no}/approve/").status_code == 403  # caseworker: no decide
    as_role(Role.DISTRICT_OFFICER, "gusu")
    assert claim.claim_no in client.get("/benefits/pension/waiting/").content.decode()
    assert client.post(f"/benefits/pension/{claim.claim_no}/approve/").status_code == 302
    assert PensionClaim.objects.get().status == ClaimStatus.APPROVED
    again = client.post(f"/benefits/pension/{claim.claim_no}/approve/")
    assert again.status_code == 400 and "不能重复核准" in again.content.decode()
    assert AuditEvent.objects.filter(action="pension_claim.approve").count() == 1


def test_rejection_reason_on_the_claim_page(client, city, make_person, as_role):
    person = fx.worked_person(make_person, city["c11"], unpaid=(fx.FIRST,))
    as_role(Role.COMMUNITY_CASEWORKER)
    client.post(f"/benefits/persons/{person.pk}/pension/new/", {**FORM, "action": "receive"})
    claim = PensionClaim.objects.get()
    assert claim.status == ClaimStatus.RECEIVED
    as_role(Role.DISTRICT_OFFICER, "gusu")
    assert client.post(f"/benefits/pension/{claim.claim_no}/reject/", {"reason": ""}).status_code == 302
    page = client.get(f"/benefits/pension/{claim.claim_no}/").content.decode()
    assert "不予核准的理由" in page and "1995-12" in page and "请先补缴" in page


def test_jurisdiction_of_pages(client, person, as_role):
    as_role(Role.COMMUNITY_CASEWORKER)
    client.post(f"/benefits/persons/{person.pk}/pension/new/", {**FORM, "action": "receive"})
    no = PensionClaim.objects.get().claim_no
    as_role(Role.COMMUNITY_CASEWORKER, "c21")  # another street
    assert client.get(f"/benefits/persons/{person.pk}/pension/").status_code == 404
    assert client.get(f"/benefits/pension/{no}/").status_code == 404
    assert client.post(f"/benefits/persons/{person.pk}/pension/new/", FORM).status_code == 404
    assert no not in client.get("/benefits/pension/waiting/").content.decode()
    as_role(Role.INSPECTOR)  # reads persons, may not receive claims
    assert client.get(f"/benefits/persons/{person.pk}/pension/").status_code == 200
    assert client.post(f"/benefits/persons/{person.pk}/pension/new/", FORM).status_code == 403
    assert f"/benefits/persons/{person.pk}/pension/" not in client.get(f"/persons/{person.pk}/").content.decode()
    as_role(Role.DISTRICT_OFFICER, "wuzhong")
    assert client.post(f"/benefits/pension/{no}/approve/").status_code == 404
    as_role(Role.CITIZEN)
    assert client.get(f"/benefits/pension/{no}/").status_code == 403
    assert PensionClaim.objects.get().status == ClaimStatus.CHECKED


def test_api_claims(client, person, as_role, make_user, city):
    as_role(Role.COMMUNITY_CASEWORKER)
    client.post(f"/benefits/persons/{person.pk}/pension/new/", {**FORM, "action": "receive"})
    no = PensionClaim.objects.get().claim_no
    body = client.get(f"{API}/benefits/persons/{person.pk}/claims").json()
    assert [c["claim_no"] for c in body["claims"]] == [no] and body["claims"][0]["status"] == "checked"
    detail = client.get(f"{API}/benefits/claims/{no}").json()
    assert detail["calculation"]["result"]["basic_fen"] == 285_687 and detail["total_fen"] > 0
    as_role(Role.COMMUNITY_CASEWORKER, "c31")
    assert client.get(f"{API}/benefits/persons/{person.pk}/claims").status_code == 404
    assert client.get(f"{API}/benefits/claims/{no}").status_code == 404
    citizen = as_role(Role.CITIZEN)
    PortalLink.objects.create(user=citizen, person=person)
    assert client.get(f"{API}/benefits/claims/{no}").json()["claim_no"] == no  # the person's own claim
