"""Work-injury pages (benefits/injury/views.py): report → decide → assess → approve through the browser-facing
views, the decision queue, the person page link, jurisdiction (another district's caseworker gets 404), and the
reconciliation of the ledger after approval. Figures as in test_injury.py (grade 7: 13 × 5000.00 = 65000.00,
工伤保险条例第三十七条)."""

from __future__ import annotations

from laobao.benefits.injury.models import InjuryAward, InjuryCase
from laobao.ledger.reconcile import run_all

from test_injury_cases import recognised, report, users, world  # noqa: F401  (fixtures and helpers)


def test_pages_flow_and_jurisdiction(client, world, users):  # noqa: F811
    pk = world["worker"].pk
    client.force_login(users["maker"])
    assert f"/benefits/persons/{pk}/injury/" in client.get(f"/benefits/persons/{pk}/").content.decode()
    assert client.get(f"/benefits/persons/{pk}/injury/").status_code == 200
    form = {"employer": world["employer"].pk, "accident_date": "2024-05-20", "place": "仓库", "description": "叉车倒车撞伤左腿",
            "applicant_kind": "employer", "received_on": "2024-07-01"}
    done = client.post(f"/benefits/persons/{pk}/injury/new/", form)
    assert done.status_code == 302, done.content.decode()[:2000]
    case = InjuryCase.objects.get()
    assert case.late_employer
    page = client.get(done.url).content.decode()
    assert "第十七条第四款" in page and case.decision_due.isoformat() in page
    assert client.post(f"/benefits/injury/{case.case_no}/decide/", {"ground": "14.1"}).status_code == 403  # no approve
    assert client.post(f"/benefits/persons/{pk}/injury/new/", {}).status_code == 400

    client.force_login(users["foreign"])
    assert client.get(f"/benefits/persons/{pk}/injury/").status_code == 404
    assert client.get(f"/benefits/injury/{case.case_no}/").status_code == 404
    assert client.post(f"/benefits/injury/{case.case_no}/decide/", {"ground": "14.1"}).status_code == 404
    assert case.case_no not in client.get("/benefits/injury/waiting/").content.decode()

    client.force_login(users["checker"])
    queue = client.get("/benefits/injury/waiting/").content.decode()
    assert case.case_no in queue and "已逾期" in queue
    assert client.post(f"/benefits/injury/{case.case_no}/decide/", {"ground": "99"}).status_code == 400
    assert client.post(f"/benefits/injury/{case.case_no}/decide/", {"ground": "14.1"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "recognised"

    client.force_login(users["maker"])
    bad = client.post(f"/benefits/injury/{case.case_no}/assess/", {"grade": "7", "assessed_on": "2026-02-01"})
    assert bad.status_code == 400 and "average_wage" in bad.content.decode()  # the parameter has no value
    ok = client.post(f"/benefits/injury/{case.case_no}/assess/",
                     {"grade": "7", "assessed_on": "2026-02-01", "average_wage": "4000"})
    assert ok.status_code == 302
    award = InjuryAward.objects.get()
    assert award.one_time_fen == 6_500_000
    assert client.post(f"/benefits/injury/awards/{award.award_no}/approve/").status_code == 403

    client.force_login(users["checker"])
    page = client.get(f"/benefits/injury/{case.case_no}/").content.decode()
    assert "65000.00" in page and "13 × 5000.00" in page
    assert client.post(f"/benefits/injury/awards/{award.award_no}/approve/").status_code == 302
    award.refresh_from_db()
    assert award.status == "approved"
    client.force_login(users["foreign"])
    assert client.post(f"/benefits/injury/awards/{award.award_no}/approve/").status_code == 404


def test_death_form_requires_registered_dependants(client, world, users):  # noqa: F811
    case = recognised(users, world)
    client.force_login(users["maker"])
    resp = client.post(f"/benefits/injury/{case.case_no}/death/", {
        "died_on": "2024-06-01", "dependants": "32050819900101001X spouse", "average_wage": "4000"})
    assert resp.status_code == 400 and "须先在人员登记中登记" in resp.content.decode()
    assert "001X" in resp.content.decode() and not InjuryAward.objects.exists()
    resp = client.post(f"/benefits/injury/{case.case_no}/death/", {"died_on": "2024-06-01", "dependants": "x y z w"})
    assert resp.status_code == 400


def test_ledger_reconciles_after_approvals(world, users):  # noqa: F811
    from test_injury_cases import approve, assess
    approve(users["checker"], assess(users["maker"], recognised(users, world), 2))
    results = dict(run_all())
    for name, result in results.items():
        if name.startswith(("ledger.", "benefits.")):
            assert result.differences == [], name
    assert report  # the helper is shared with test_injury.py


def test_api_case(client, world, users):  # noqa: F811
    from test_injury_cases import approve, assess
    case = recognised(users, world)
    approve(users["checker"], assess(users["maker"], case, 10))
    client.force_login(users["maker"])
    body = client.get(f"/api/v1/benefits/injury/{case.case_no}").json()
    got = (body["status"], body["recognition"], body["ground"], body["overdue"])
    assert got == ("recognised", "injury", "14.1", False)
    award = body["awards"][0]
    assert (award["grade"], award["one_time_fen"], award["status"]) == (10, 3_500_000, "approved")  # 7 × 5000.00
    assert "7 × 5000.00" in award["calculation"]["formula"]
    client.force_login(users["foreign"])
    assert client.get(f"/api/v1/benefits/injury/{case.case_no}").status_code == 404


def test_person_page_shows_an_employer_paid_allowance(client, world, users):  # noqa: F811
    from test_injury_cases import approve, assess
    approve(users["checker"], assess(users["maker"], recognised(users, world), 5))  # 70 % × 5000.00 = 3500.00
    client.force_login(users["maker"])
    page = client.get(f"/benefits/persons/{world['worker'].pk}/").content.decode()
    assert "伤残津贴" in page and f"employer:{world['employer'].pk}" in page and "3500.00" in page


def test_a_late_decision_is_shown_as_such(client, world, users):  # noqa: F811
    case = recognised(users, world)  # received 2024-05-25, due 2024-07-24, decided today
    client.force_login(users["maker"])
    page = client.get(f"/benefits/injury/{case.case_no}/").content.decode()
    assert "超过认定期限" in page and "2024-07-24" in page


def test_a_death_award_reminds_to_record_the_death(client, world, users):  # noqa: F811
    from datetime import date

    from laobao.benefits.injury import awards
    from laobao.core.context import acting_as
    case = recognised(users, world)
    with acting_as(users["maker"]):
        awards.record_death(user=users["maker"], case=case, data=awards.DeathInput(
            died_on=date(2024, 6, 1), average_wage_fen=400_000))
    client.force_login(users["maker"])
    page = client.get(f"/benefits/injury/{case.case_no}/").content.decode()
    assert "尚未登记死亡" in page and "24000.00" in page and "1036420.00" in page  # 6 × 4000.00; 20 × 51821.00
