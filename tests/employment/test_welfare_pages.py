"""The public-welfare post pages (issue 6, Must have 4): the community caseworker opens a post, places a person
(refused with the rule's message, then accepted), records the sponsoring unit's account and a leaving; a street
officer reads the posts, the month's subsidies and the payment lines; a caseworker of another district gets 404,
an inspector (reads, may not write) 403 on a write, an employer user 403 on the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from laobao.core.models import Role
from laobao.employment.welfare import payments, subsidies
from laobao.employment.welfare.models import PayeeAccount, WelfarePlacement, WelfarePost

import employment_helpers as h


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def world(make_user, city, make_person, make_employer):
    return {"worker": make_user(Role.COMMUNITY_CASEWORKER, city["c11"]),
            "street": make_user(Role.STREET_OFFICER, city["s1"]),
            "foreign": make_user(Role.COMMUNITY_CASEWORKER, city["c31"]),
            "inspector": make_user(Role.INSPECTOR, city["c11"]),
            "community": make_employer(city["c11"], name="姑苏区某某社区居委会"),
            "hard": h.person(make_person, city["c11"], birth="19700301", seq=1, name="困难甲"),
            "young": h.person(make_person, city["c11"], birth="19900101", seq=3, name="青年乙")}


def _new_post(client, world, city):
    return client.post(reverse("employment:welfare_post_new"), {
        "region": city["c11"].code, "employer": world["community"].credit_code, "name": "社区保洁岗",
        "kind": "cleaning", "count": "2", "post_subsidy": "300.00", "si_subsidy": "on", "start_date": "2026-01-01"})


def test_caseworker_flow_and_other_roles(world, city, tmp_path):
    worker = _client(world["worker"])
    page = worker.get(reverse("employment:welfare_posts"))
    assert page.status_code == 200 and "开发公益性岗位" in page.content.decode()
    bad = worker.post(reverse("employment:welfare_post_new"), {"region": city["c11"].code, "employer": "X" * 18,
                                                               "name": "保洁", "kind": "cleaning", "count": "1",
                                                               "start_date": "2026-01-01"})
    assert bad.status_code == 400 and "找不到该单位" in bad.content.decode()
    r = _new_post(worker, world, city)
    assert r.status_code == 302
    post = WelfarePost.objects.get()
    assert (post.post_subsidy_fen, post.si_subsidy, post.region, post.employer) == (30_000, True, city["c11"],
                                                                                   world["community"])
    place = reverse("employment:welfare_place", args=[post.pk])
    refused = worker.post(place, {"citizen_id": world["young"].citizen_id, "start_date": "2026-09-01"})
    assert refused.status_code == 400 and "公益性岗位只安置" in refused.content.decode()
    assert worker.post(place, {"citizen_id": world["hard"].citizen_id, "start_date": "2026-09-01"}).status_code == 302
    placement = WelfarePlacement.objects.get()
    detail = worker.get(reverse("employment:welfare_post", args=[post.pk])).content.decode()
    assert "困难甲" in detail and "4050" in detail and "办理离岗" in detail
    assert worker.post(reverse("employment:welfare_account", args=[post.pk]), {
        "bank_code": "102", "bank_name": "中国工商银行", "account_no": "6222020000000000001",
        "account_name": "姑苏区某某社区居委会"}).status_code == 302
    assert PayeeAccount.objects.get().employer == world["community"]

    subsidies.run(date(2026, 10, 1), progress=None)
    payments.run_payments(date(2026, 11, 27), tmp_path, progress=None)
    street = _client(world["street"])
    assert "社区保洁岗" in street.get(reverse("employment:welfare_posts")).content.decode()
    month = street.get(reverse("employment:welfare_subsidies"), {"month": "2026-10"}).content.decode()
    assert "困难甲" in month and "300.00" in month and "已报盘" in month
    lines = street.get(reverse("employment:welfare_payments")).content.decode()
    assert "公益性岗位补贴 困难甲 2026-10" in lines and "300.00" in lines and "待回盘" in lines

    foreign = _client(world["foreign"])  # another district's caseworker: the post does not exist for them
    assert foreign.get(reverse("employment:welfare_post", args=[post.pk])).status_code == 404
    assert foreign.post(place, {"citizen_id": world["hard"].citizen_id, "start_date": "2026-09-01"}).status_code == 404
    assert foreign.post(reverse("employment:welfare_leave", args=[placement.pk]),
                        {"end_date": "2026-11-01", "reason": "x"}).status_code == 404
    assert "社区保洁岗" not in foreign.get(reverse("employment:welfare_posts")).content.decode()
    assert "困难甲" not in foreign.get(reverse("employment:welfare_payments")).content.decode()
    assert "困难甲" not in foreign.get(reverse("employment:welfare_subsidies"), {"month": "2026-10"}).content.decode()
    inspector = _client(world["inspector"])
    assert inspector.get(reverse("employment:welfare_post", args=[post.pk])).status_code == 200
    assert inspector.post(reverse("employment:welfare_leave", args=[placement.pk]),
                          {"end_date": "2026-11-01", "reason": "x"}).status_code == 403

    r = worker.post(reverse("employment:welfare_leave", args=[placement.pk]), {"end_date": "2026-11-20",
                                                                               "reason": "合同期满"})
    assert r.status_code == 302
    placement.refresh_from_db()
    assert placement.end_date == date(2026, 11, 20) and placement.relation.end_date == date(2026, 11, 20)


def test_employer_user_is_refused(make_user, city):
    c = _client(make_user(Role.EMPLOYER_USER, city["c11"]))  # the employer hall is not the back office
    for name in ("employment:welfare_posts", "employment:welfare_subsidies", "employment:welfare_payments"):
        assert c.get(reverse(name)).status_code == 403
