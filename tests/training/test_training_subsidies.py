"""Training subsidies: paid only with a certificate and, for re-employment training, employment within N months
after completion (an employment relation starting between the course start and completion + N months); the
monthly batch is idempotent and posts Dr fund:employment / Cr payable:institution:<id>.

Hand-built case (parameters: re-employment 600.00, entrepreneurship 1000.00 yuan per trainee; N = 6 months):
  A  re-employment, passed 2006-04-28, job from 2006-06-10      → paid in the June run (600.00)
  B  re-employment, passed, job from 2006-12-01 (after 10-28)   → never
  C  re-employment, passed, certificate revoked                 → never
  D  entrepreneurship, passed 2006-04-28, no job needed         → paid in the April run (1000.00)
  F  re-employment, failed the exam                             → never
  G  re-employment, passed, employed since 2005 (before course) → never (the job was not found after training)
"""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from laobao.core.context import acting_as
from laobao.ledger.models import JournalEntry, JournalLine
from laobao.registry import services as registry
from laobao.training import services
from laobao.training.models import Certificate, TrainingSubsidy

import training_fixtures as fx

# the shipped subsidy standard has no value yet (no citable notice): these tests put one in a copy of the tree
pytestmark = pytest.mark.usefixtures("training_subsidy_values")


@pytest.fixture
def world(city, make_person, make_employer):
    inst = fx.institution(city["c11"])
    reemp = fx.course(inst, capacity=10)
    boss = fx.course(inst, code="C2006-002", kind="entrepreneurship", capacity=10)
    employer = make_employer(city["c12"])
    p = {k: make_person(city["c11"], name=f"学员{k}") for k in "ABCDFG"}
    for k in "ABCG":
        fx.passed(p[k], reemp)
    fx.passed(p["D"], boss)
    fx.passed(p["F"], reemp, practical=40)
    with acting_as(None, username="test"):
        for k, start in (("A", date(2006, 6, 10)), ("B", date(2006, 12, 1)), ("G", date(2005, 1, 1))):
            registry.relation_start(user=None, person=p[k], employer=employer, start_date=start)
        registry.relation_start(user=None, person=p["C"], employer=employer, start_date=date(2006, 5, 2))
        services.certificate_revoke(user=None, certificate=Certificate.objects.get(person=p["C"]), reason="证书作废")
    return {"inst": inst, "p": p}


def _run(month: str) -> str:
    out = StringIO()
    call_command("lb_training", "subsidies", month=month, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_subsidies_follow_the_conditions_and_run_once(world):
    p, inst = world["p"], world["inst"]
    assert _run("2006-03") == "training subsidies 2006-03: 0 subsidies, 0.00 yuan"
    assert _run("2006-04") == "training subsidies 2006-04: 1 subsidies, 1000.00 yuan"
    assert _run("2006-05") == "training subsidies 2006-05: 0 subsidies, 0.00 yuan"
    assert _run("2006-06") == "training subsidies 2006-06: 1 subsidies, 600.00 yuan"
    assert _run("2006-06") == "training subsidies 2006-06: 0 subsidies, 0.00 yuan"  # idempotent
    assert _run("2007-06") == "training subsidies 2007-06: 0 subsidies, 0.00 yuan"  # B's job came too late
    paid = dict(TrainingSubsidy.objects.values_list("enrolment__person__name", "amount_fen"))
    assert paid == {p["D"].name: 100_000, p["A"].name: 60_000}
    a = TrainingSubsidy.objects.get(enrolment__person=p["A"])
    assert a.month == date(2006, 6, 1) and a.institution == inst
    entry = JournalEntry.objects.get(idempotency_key=a.journal_key)
    lines = {(ln.account.code, ln.debit_fen, ln.credit_fen) for ln in JournalLine.objects.filter(entry=entry)}
    assert lines == {("fund:employment", 60_000, 0), (f"payable:institution:{inst.pk}", 0, 60_000)}


def test_institution_page_shows_the_subsidies(world, city, make_user):
    from django.test import Client
    from django.urls import reverse

    from laobao.core.models import Role

    _run("2006-06")
    c = Client()
    c.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c11"]))
    body = c.get(reverse("training:institution_detail", kwargs={"pk": world["inst"].pk})).content.decode()
    assert "2006-06" in body and "1,600.00" in body  # no April run here: D (1000.00) and A (600.00) are both paid in June


def test_cli_knows_the_command():
    from laobao import cli

    assert "training" in cli.COMMANDS and "training subsidies --month YYYY-MM" in cli.USAGE
