"""/api/v1 insurance reads: shapes, fen and yuan, scoping (404 outside the sight), citizen self-service."""

from __future__ import annotations

import pytest

from laobao.core.models import AuditEvent, Role
from laobao.registry.models import PortalLink

from record_fixtures import ADJ, MONTHS, PENSION, build

API = "/api/v1"


@pytest.fixture
def world(city, make_person, make_employer):
    return build(make_person, make_employer, city["c11"])


@pytest.fixture
def api(client, make_user, city):
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c11"]))
    return client


def test_record_shape(world, api):
    body = api.get(f"{API}/persons/{world.person.pk}/record").json()
    assert body["current_to"] == "2024-03" and body["years"] == [2023, 2024]
    assert body["citizen_id_masked"] != world.person.citizen_id and body["name"] == world.person.name
    jan = next(m for m in body["months"] if m["month"] == "2024-01")
    assert jan["adjusted"] is True and jan["employer_id"] == world.employer.pk
    assert jan["cells"]["pension"] == {"base_fen": 600_000, "employer_fen": PENSION[0] + ADJ[1],
                                       "employee_fen": PENSION[1] + ADJ[2], "due_fen": 144_000,
                                       "account_fen": PENSION[2] + ADJ[3], "status": "partly_paid", "adjusted": True}
    assert body["totals"]["pension"] == {"months": 3, "months_assessed": 3, "due_fen": 5 * 120_000 + 24_000,
                                         "due_yuan": "6240.00"}
    assert [m["month"] for m in api.get(f"{API}/persons/{world.person.pk}/record", {"year": 2023}).json()["months"]] \
        == ["2023-11", "2023-12"]
    assert AuditEvent.objects.filter(action="insurance.record.view").exists()


def test_accounts_shape(world, api):
    body = api.get(f"{API}/persons/{world.person.pk}/accounts").json()
    (account,) = body["accounts"]
    assert account["balance_fen"] == 41_000 and account["balance_yuan"] == "410.00"
    assert [j["balance_fen"] for j in account["journal"]] == [40_000, 41_000]


def test_bills_detail_and_arrears(world, api):
    bills = api.get(f"{API}/employers/{world.employer.pk}/bills").json()
    assert bills["count"] == 3 and [b["month"] for b in bills["items"]] == ["2024-03", "2024-02", "2024-01"]
    assert bills["items"][1] | {"id": 0} == {"id": 0, "month": "2024-02", "due_date": "2024-02-29", "lines": 4,
                                             "due_fen": 350_000, "paid_fen": 210_000, "outstanding_fen": 140_000,
                                             "status": "partly_paid"}
    bill = api.get(f"{API}/bills/{world.bills[MONTHS[2]].pk}").json()
    assert bill["due_yuan"] == "3740.00" and len(bill["items"]) == 3
    assert [i["adjustment"] for i in bill["items"]].count(True) == 1
    arrears = api.get(f"{API}/employers/{world.employer.pk}/arrears", {"on": "2024-05-01"}).json()
    assert arrears["on"] == "2024-05-01" and arrears["late_fees_known"] is True
    assert arrears["outstanding_fen"] == 140_000 + 374_000
    assert arrears["outstanding_yuan"] == "5140.00" and arrears["late_fee_fen"] > 0
    assert api.get(f"{API}/employers/{world.employer.pk}/arrears", {"on": "2024-13-01"}).status_code == 422


def test_scoping(world, client, make_user, city):
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c31"]))
    for url in (f"/persons/{world.person.pk}/record", f"/persons/{world.person.pk}/accounts",
                f"/employers/{world.employer.pk}/bills", f"/employers/{world.employer.pk}/arrears",
                f"/bills/{world.bills[MONTHS[0]].pk}"):
        response = client.get(API + url)
        assert response.status_code == 404, url
        assert set(response.json()["detail"][0]) == {"field", "code", "zh", "en"}


def test_citizen_reads_only_own_record(world, client, make_user, city):
    citizen = make_user(Role.CITIZEN, city["c11"])
    PortalLink.objects.create(user=citizen, person=world.person)
    client.force_login(citizen)
    assert client.get(f"{API}/persons/{world.person.pk}/record").status_code == 200
    assert client.get(f"{API}/persons/{world.person.pk}/accounts").json()["accounts"][0]["balance_fen"] == 41_000
    assert client.get(f"{API}/persons/{world.other.pk}/record").status_code == 404
    assert client.get(f"{API}/employers/{world.employer.pk}/bills").status_code == 404
    assert client.get(f"{API}/bills/{world.bills[MONTHS[0]].pk}").status_code == 404


def test_employer_user_reads_its_bills(world, client, make_user, city):
    user = make_user(Role.EMPLOYER_USER, city["c11"])
    PortalLink.objects.create(user=user, employer=world.employer)
    client.force_login(user)
    assert client.get(f"{API}/employers/{world.employer.pk}/bills").json()["count"] == 3
    assert client.get(f"{API}/bills/{world.bills[MONTHS[0]].pk}").status_code == 200
    assert client.get(f"{API}/persons/{world.person.pk}/accounts").json()["accounts"] == []
