"""Pages of migrant and rural labor for two roles, with a foreign record answering 404 and a refusal shown in the
form (helper F)."""

from __future__ import annotations

from datetime import date

from django.test import Client

from laobao.core.context import acting_as
from laobao.core.models import Role
from laobao.employment.migrant import services
from laobao.employment.migrant.models import ExchangeGroup, MigrantRegistration, RuralTransfer

from conftest import make_id


def _migrant(make_person, region, seq, name):
    return make_person(region, name=name, citizen_id=make_id(prefix6="320321", seq=seq), hukou_type="elsewhere",
                       hukou_region_code="320321")


def test_counter_flow_and_scoping(city, make_person, make_employer, make_user):
    worker = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    here, there = _migrant(make_person, city["c11"], 1, "来苏甲"), _migrant(make_person, city["c31"], 3, "来苏乙")
    employer = make_employer(city["c11"])
    with acting_as(None, username="test"):
        foreign = services.migrant_register(user=None, person=there, arrival_date=date(2026, 9, 1),
                                            registered_on=date(2026, 9, 2))
    client = Client()
    client.force_login(worker)
    response = client.post("/employment/migrants/register/", {
        "citizen_id": here.citizen_id, "arrival_date": "2026-09-03", "registered_on": "2026-09-01",
        "employer": employer.credit_code})
    assert response.status_code == 400
    body = response.content.decode()
    assert "到达日期晚于登记日期" in body  # the service's refusal on the form
    response = client.post("/employment/migrants/register/", {
        "citizen_id": here.citizen_id, "arrival_date": "2026-09-01", "registered_on": "2026-09-03",
        "employer": employer.credit_code, "housing": "金门路5号"})
    assert response.status_code == 302
    reg = MigrantRegistration.objects.get(person=here)
    assert reg.employer == employer and reg.registered_by == worker
    body = client.get("/employment/migrants/").content.decode()
    assert "来苏甲" in body and reg.card_no in body and "来苏乙" not in body
    assert client.post(f"/employment/migrants/{foreign.pk}/end/", {"ended_on": "2026-10-01", "reason": "left"}).status_code == 404
    response = client.post(f"/employment/migrants/{reg.pk}/end/", {"ended_on": "2026-10-01", "reason": "returned"})
    assert response.status_code == 302 and MigrantRegistration.objects.get(pk=reg.pk).end_reason == "returned"
    # a leader reads figures, not registers of persons
    leader = make_user(Role.LEADER, city["gusu"])
    client.force_login(leader)
    assert client.get("/employment/migrants/").status_code == 403


def test_rural_and_exchange_pages(city, make_person, make_employer, make_user):
    officer, worker = make_user(Role.DISTRICT_OFFICER, city["gusu"]), make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    villager = make_person(city["c11"], name="村民甲", citizen_id=make_id(seq=5), hukou_type="rural",
                           hukou_region_code="320508")
    employer = make_employer(city["c12"])
    client = Client()
    client.force_login(worker)
    assert client.post("/employment/rural/register/", {"citizen_id": villager.citizen_id,
                                                       "registered_on": "2026-02-01"}).status_code == 302
    laborer = villager.rural_labor_registrations.get()
    response = client.post(f"/employment/rural/{laborer.pk}/transfer/", {"transferred_on": "2026-03-01",
                                                                          "business": "网店", "local": ""})
    assert response.status_code == 302 and not RuralTransfer.objects.exists()  # self-employed: say local or not
    client.post(f"/employment/rural/{laborer.pk}/transfer/", {"transferred_on": "2026-03-01", "business": "网店",
                                                              "local": "0"})
    assert RuralTransfer.objects.get().local is False
    assert "网店" in client.get("/employment/rural/").content.decode()
    assert client.post("/employment/exchange/agreements/new/", {}).status_code == 403  # district business
    client.force_login(officer)
    response = client.post("/employment/exchange/agreements/new/", {
        "number": "苏丰2026-01", "partner_code": "320321", "partner_name": "丰县", "partner_kind": "paired",
        "signed_on": "2026-01-10"})
    assert response.status_code == 302
    agreement = officer_agreement = services.ExchangeAgreement.objects.get()
    assert officer_agreement.region == city["gusu"]
    client.post("/employment/exchange/groups/new/", {"agreement": agreement.pk, "employer": employer.credit_code,
                                                     "arrived_on": "2026-03-05", "headcount": 12})
    group = ExchangeGroup.objects.get()
    body = client.get("/employment/exchange/").content.decode()
    assert "苏丰2026-01" in body and employer.name in body
    other = make_user(Role.DISTRICT_OFFICER, city["wuzhong"])
    client.force_login(other)
    assert "苏丰2026-01" not in client.get("/employment/exchange/").content.decode()
    response = client.post("/employment/exchange/groups/new/", {"agreement": agreement.pk, "employer": employer.credit_code,
                                                                "arrived_on": "2026-03-05", "headcount": 3})
    assert response.status_code == 400 and ExchangeGroup.objects.count() == 1 and group.pk
