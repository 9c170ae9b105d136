"""The indicators page: live figures for the user's own jurisdiction, nothing beyond it."""

import pytest

from laobao.core.models import Role


@pytest.fixture
def people(city, make_person):
    for region, n in ((city["c11"], 3), (city["c21"], 2), (city["c31"], 4)):
        for _ in range(n):
            make_person(region)


def _total(client, user, **params):
    client.force_login(user)
    resp = client.get("/indicators/", params)
    return resp, resp.context["results"] if resp.status_code == 200 else None


def _value(results, code):
    return next(r["value"] for r in results if r["code"] == code)


def test_leader_sees_the_figures_of_their_own_subtree(client, city, make_user, people):
    resp, results = _total(client, make_user(Role.LEADER, city["gusu"]))
    assert resp.status_code == 200 and _value(results, "registry.persons_total") == 5
    assert "吴中" not in resp.content.decode().split("“十一五”")[0]  # no foreign district in the figures
    resp, results = _total(client, make_user(Role.CITY_OFFICER, city["city"]))
    assert _value(results, "registry.persons_total") == 9


def test_a_node_inside_the_jurisdiction_narrows_and_outside_is_404(client, city, make_user, people):
    leader = make_user(Role.LEADER, city["gusu"])
    resp, results = _total(client, leader, region=city["s1"].code)
    assert _value(results, "registry.persons_total") == 3
    resp, _ = _total(client, leader, region="320506")
    assert resp.status_code == 404


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.INSPECTOR, Role.SYSTEM_ADMIN])
def test_roles_without_indicators_are_refused(client, city, make_user, role):
    resp, _ = _total(client, make_user(role, city["city"]))
    assert resp.status_code == 403


def test_bad_month_is_a_message_not_a_500(client, city, make_user, people):
    resp, results = _total(client, make_user(Role.LEADER, city["city"]), month="2010-13")
    assert resp.status_code == 200 and "YYYY-MM" in resp.content.decode()


def test_plan_targets_are_listed_with_their_status(client, city, make_user):
    client.force_login(make_user(Role.LEADER, city["city"]))
    body = client.get("/indicators/").content.decode()
    assert "城镇登记失业率" in body and "4.5" in body and "待计算" in body
