"""The employment pages (issue 6): the caseworker's flow on the person's employment page (job seeker,
registration, contact, certificate, support application), the officer's approval page, the office queues,
and the link from the registry person page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from laobao.employment.models import ReemploymentCertificate, SupportApplication, UnemploymentRegistration

import employment_helpers as h


@pytest.fixture
def staff(make_user, city):
    return h.staff(make_user, city)


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_counter_flow(staff, city, make_person):
    p = h.person(make_person, city["c11"], name="页面甲")
    worker, officer = _client(staff["worker"]), _client(staff["officer"])
    url = reverse("employment:person", args=[p.pk])
    page = worker.get(url)
    assert page.status_code == 200 and "办理失业登记" in page.content.decode()
    assert reverse("employment:person", args=[p.pk]) in worker.get(reverse("person_detail", args=[p.pk])).content.decode()
    r = worker.post(reverse("employment:seeker_save", args=[p.pk]), {
        "education": "senior", "skills": "电工,焊工", "skill_level": "4", "wanted_occupation_code": "6-31-01-03",
        "wanted_occupation": "电工", "wanted_region_code": "320508", "wanted_wage_min": "4000", "wanted_wage_max": "6000.50",
        "able_to_work": "yes", "willing_to_work": "yes", "original_retirement_age": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert p.job_seeker.wanted_wage_max_fen == 600_050 and p.job_seeker.wanted_region.code == "320508"
    bad = worker.post(reverse("employment:register", args=[p.pk]), {"registered_on": "2099-01-01", "involuntary": "yes",
                                                                   "able_to_work": "yes", "willing_to_work": "yes"})
    assert bad.status_code == 400 and "登记日期不能晚于今天" in bad.content.decode()
    r = worker.post(reverse("employment:register", args=[p.pk]), {"registered_on": "2026-06-10", "involuntary": "yes",
                                                                 "reason": "期满", "able_to_work": "yes",
                                                                 "willing_to_work": "yes"})
    assert r.status_code == 302
    assert worker.post(reverse("employment:contact", args=[p.pk]), {
        "contacted_on": "2026-09-01", "channel": "phone", "outcome": "seeking"}).status_code == 302
    assert worker.post(reverse("employment:certificate_issue", args=[p.pk]), {"issued_on": "2026-07-01",
                                                                             "confirm": "on"}).status_code == 302
    cert = ReemploymentCertificate.objects.get(person=p)
    r = worker.post(reverse("employment:application_new", args=[p.pk]), {
        "kind": "guaranteed_loan", "amount": "15000.00", "business_name": "甲记五金店"})
    assert r.status_code == 302
    app = SupportApplication.objects.get(certificate=cert)
    assert (app.amount_fen, app.status) == (1_500_000, "checked")
    office = worker.get(reverse("employment:office")).content.decode()
    assert app.application_no in office and "页面甲" in office
    assert worker.post(reverse("employment:application_approve", args=[app.application_no])).status_code == 403
    detail = officer.get(reverse("employment:application", args=[app.application_no]))
    assert detail.status_code == 200 and "核准" in detail.content.decode()
    assert officer.post(reverse("employment:application_approve", args=[app.application_no])).status_code == 302
    app.refresh_from_db()
    assert app.status == "approved" and app.posting_key == ""  # a loan moves no fund money
    assert worker.post(reverse("employment:flag_add", args=[p.pk]), {"kind": "disabled", "source": "残疾人证 X1"}).status_code == 302
    assert worker.post(reverse("employment:assistance_add", args=[p.pk]), {"kind": "referral", "acted_on": "2026-09-02",
                                                                          "note": "推荐电工岗位"}).status_code == 302
    act = p.assistance_actions.get()
    assert worker.post(reverse("employment:assistance_outcome", args=[p.pk]), {
        "action": act.pk, "outcome": "employed", "outcome_on": "2026-09-20"}).status_code == 302
    assert worker.post(reverse("employment:deregister", args=[p.pk]), {
        "ground": "study", "ended_on": "2026-09-30", "note": ""}).status_code == 302
    assert UnemploymentRegistration.objects.get(person=p).end_reason == "study"
    body = worker.get(url).content.decode()
    assert "残疾人" in body and "已就业" in body and cert.number in body


def test_outside_the_jurisdiction(staff, city, make_person):
    p = h.person(make_person, city["c12"])
    worker = _client(staff["worker"])
    assert worker.get(reverse("employment:person", args=[p.pk])).status_code == 404
    assert worker.post(reverse("employment:register", args=[p.pk]), {}).status_code == 404
    assert _client(staff["street"]).get(reverse("employment:person", args=[p.pk])).status_code == 200
