"""The contribution record (issue 4 item 7): months, amounts and status per insurance; scoping; the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from laobao.core.errors import NotFound
from laobao.core.models import Role
from laobao.insurance import selectors
from laobao.registry.models import PortalLink

from record_fixtures import ADJ, BASE, MEDICAL, MONTHS, PENSION, build

JAN, FEB, MAR = MONTHS


@pytest.fixture
def world(city, make_person, make_employer):
    return build(make_person, make_employer, city["c11"])


@pytest.fixture
def caseworker(make_user, city):
    return make_user(Role.COMMUNITY_CASEWORKER, city["c11"])


def _rows(record) -> dict:
    return {(r["month"], bool(r["transfer"])): r for r in record["months"]}


def test_record_months_amounts_and_status(world, caseworker):
    record = selectors.person_record(caseworker, world.person)
    rows = _rows(record)
    assert [r["month"] for r in record["months"]] == [date(2023, 11, 1), date(2023, 12, 1), JAN, FEB, MAR]
    assert record["current_to"] == MAR  # the latest month assessed city-wide
    jan = rows[(JAN, False)]
    pension = jan["cells"]["pension"]
    # the March bill's adjustment for January is folded into January, marked, and still unpaid
    assert pension["adjusted"] and jan["adjusted"]
    assert pension["base_fen"] == BASE + ADJ[0]
    assert pension["due_fen"] == PENSION[0] + PENSION[1] + ADJ[1] + ADJ[2]
    assert pension["status"] == "partly_paid"
    assert jan["cells"]["medical"] == {**jan["cells"]["medical"], "due_fen": sum(MEDICAL), "status": "paid",
                                       "adjusted": False}
    assert jan["employer"] == world.employer.name
    feb = rows[(FEB, False)]["cells"]
    assert (feb["pension"]["status"], feb["medical"]["status"]) == ("partly_paid", "paid")
    mar = rows[(MAR, False)]["cells"]
    assert (mar["pension"]["status"], mar["medical"]["status"]) == ("unpaid", "unpaid")
    assert "unemployment" not in mar
    nov = rows[(date(2023, 11, 1), True)]
    assert nov["transfer"] == "SH-2023-0001" and nov["employer"] == "上海市"
    assert nov["cells"]["pension"]["status"] == "transferred"
    # months contributed: 2 transferred in + January (its regular line is paid; the top-up is still owed)
    assert record["totals"]["pension"]["months"] == 3
    assert record["totals"]["pension"]["months_assessed"] == 3
    assert record["totals"]["medical"]["months"] == 2


def test_year_filter_narrows_rows_not_totals(world, caseworker):
    record = selectors.person_record(caseworker, world.person, year=2023)
    assert [r["month"] for r in record["months"]] == [date(2023, 11, 1), date(2023, 12, 1)]
    assert record["years"] == [2023, 2024]
    assert record["totals"]["medical"]["months"] == 2


def test_accounts_balance_and_journal(world, caseworker):
    (account,) = selectors.person_accounts(caseworker, world.person)
    assert account["code"] == f"personal:{world.person.pk}:pension"
    assert account["balance_fen"] == PENSION[2] + 1_000
    assert [j["kind"] for j in account["journal"]] == ["account", "interest"]
    year_end = selectors.account_at_year_end(world.person, 2024)
    assert (year_end["balance_fen"], year_end["interest_fen"]) == (41_000, 1_000)
    assert selectors.account_at_year_end(world.person, 2023)["balance_fen"] == 0


def test_foreign_caseworker_gets_not_found(world, make_user, city):
    other = make_user(Role.COMMUNITY_CASEWORKER, city["c31"])
    with pytest.raises(NotFound):
        selectors.person_record(other, world.person)
    with pytest.raises(NotFound):
        selectors.person_accounts(other, world.person)
    with pytest.raises(NotFound):
        selectors.employer_bills(other, world.employer)


def test_citizen_sees_only_self(world, make_user, city, client):
    citizen = make_user(Role.CITIZEN, city["c11"])
    PortalLink.objects.create(user=citizen, person=world.person)
    assert selectors.person_record(citizen, world.person)["totals"]["pension"]["months"] == 3
    with pytest.raises(NotFound):
        selectors.person_record(citizen, world.other)
    client.force_login(citizen)
    body = client.get(reverse("insurance:my_record")).content.decode()
    assert "数据截至 2024-03" in body 
    assert client.get(reverse("insurance:person_record", kwargs={"pk": world.person.pk})).status_code == 403
    pdf = client.get(reverse("insurance:my_rights_pdf", kwargs={"year": 2024}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_employer_user_sees_only_its_own_bills_months(world, make_user, city, make_employer):
    user = make_user(Role.EMPLOYER_USER, city["c11"])
    PortalLink.objects.create(user=user, employer=world.employer)
    record = selectors.person_record(user, world.person)
    assert all(not r["transfer"] for r in record["months"])  # another region's months are not the employer's
    assert len(record["months"]) == 3
    assert selectors.person_accounts(user, world.person) == []
    stranger = make_user(Role.EMPLOYER_USER, city["c11"])
    PortalLink.objects.create(user=stranger, employer=make_employer(city["c11"], "别家公司"))
    with pytest.raises(NotFound):
        selectors.person_record(stranger, world.person)


def test_employer_bills_payments_arrears_employees(world, caseworker):
    bills = {b["month"]: b for b in selectors.employer_bills(caseworker, world.employer)}
    assert bills[JAN]["status"] == "paid" and bills[JAN]["outstanding_fen"] == 0
    assert bills[FEB]["paid_fen"] == 210_000 and bills[FEB]["outstanding_fen"] == 140_000
    assert bills[MAR]["status"] == "unpaid"
    assert bills[MAR]["outstanding_fen"] == 2 * sum(PENSION[:2]) + 2 * sum(MEDICAL) + ADJ[1] + ADJ[2]
    payments = selectors.employer_payments(caseworker, world.employer)
    assert [p["bank_ref"] for p in payments] == ["B-2024-02", "B-2024-01"]
    assert payments[0]["principal"] == 210_000 and payments[0]["late_fee"] == 0
    arrears = selectors.employer_arrears(caseworker, world.employer, date(2024, 5, 1))
    assert arrears["outstanding_fen"] == bills[FEB]["outstanding_fen"] + bills[MAR]["outstanding_fen"]
    feb_item = next(i for i in arrears["items"] if i["month"] == FEB and i["insurance"] == "pension")
    assert feb_item["outstanding_fen"] == 140_000
    assert feb_item["days_late"] == (date(2024, 5, 1) - feb_item["due_date"]).days > 0
    assert arrears["late_fees_known"] and feb_item["late_fee_fen"] > 0
    assert arrears["late_fee_fen"] == sum(i["late_fee_fen"] - i["late_fee_paid_fen"] for i in arrears["items"])
    assert sum(arrears["by_bucket"].values()) == arrears["outstanding_fen"]


def test_employees_by_insurance(world, caseworker):
    from laobao.insurance import services

    with __import__("laobao.core.context", fromlist=["acting_as"]).acting_as(None, username="test"):
        for p in (world.person, world.other):
            services.enroll(user=None, person=p, insurance="pension", start_month=date(2023, 12, 1),
                            employer=world.employer, reason="hire")
        services.enroll(user=None, person=world.person, insurance="medical", start_month=date(2023, 12, 1),
                        employer=world.employer, reason="hire")
    out = selectors.employer_employees_by_insurance(caseworker, world.employer, MAR)
    assert out["counts"]["pension"] == 2 and out["counts"]["medical"] == 1
    assert {p["person_id"] for p in out["persons"]} == {world.person.pk, world.other.pk}


def test_pages(world, caseworker, client):
    client.force_login(caseworker)
    body = client.get(reverse("insurance:person_record", kwargs={"pk": world.person.pk})).content.decode()
    assert "数据截至 2024-03" in body and world.employer.name in body and "部分缴纳" in body
    assert world.person.citizen_id not in body
    assert "1,440.00*" in body  # January's pension due with the folded adjustment
    body = client.get(reverse("insurance:person_record", kwargs={"pk": world.person.pk}), {"year": "2023"}).content.decode()
    assert "上海市" in body and world.employer.name not in body.split("缴费记录")[-1].split("个人账户")[0]
    body = client.get(reverse("insurance:employer_insurance", kwargs={"pk": world.employer.pk}),
                      {"on": "2024-05-01"}).content.decode()
    assert "B-2024-02" in body and "1,400.00" in body
    bill = world.bills[MAR]
    body = client.get(reverse("insurance:bill_detail", kwargs={"pk": bill.pk})).content.decode()
    assert "补差" in body and world.person.name in body and world.person.citizen_id not in body
    assert client.get(reverse("person_detail", kwargs={"pk": world.person.pk})).content.decode().count(
        reverse("insurance:person_record", kwargs={"pk": world.person.pk})) == 1


def test_pages_are_scoped(world, make_user, city, client):
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c31"]))
    for name, pk in (("insurance:person_record", world.person.pk), ("insurance:employer_insurance", world.employer.pk),
                     ("insurance:bill_detail", world.bills[JAN].pk)):
        assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 404
    url = reverse("insurance:person_rights_pdf", kwargs={"pk": world.person.pk, "year": 2024})
    assert client.get(url).status_code == 404
