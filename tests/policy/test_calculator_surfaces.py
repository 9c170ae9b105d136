"""The calculator's three faces run one engine: the CLI, the API and the public pages give the same answer."""

import json
import subprocess
import sys

import pytest

from laobao.core.context import acting_as
from laobao.core.models import Role
from laobao.core.services import token_create

PENSION = {"birth_month": "1965-09", "sex": "M", "retire_month": "2025-12", "contribution_months": 520,
           "deemed_months": 160, "average_index": "0.4787", "account_balance": "87722.18",
           "transitional_formula": "none"}  # 淮安洪泽 official approval form (law.md §1.3, §7)


def _cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "laobao.cli", "calc", *args], input=stdin, capture_output=True,
                          text=True, timeout=60)


def test_cli_prints_the_result_with_formula_and_sources():
    out = _cli("pension", "--json", json.dumps(PENSION))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert (result["basic_pension"], result["account_pension"], result["divisor"]) == ("2856.87", "638.91", "137.3")
    assert "137.3" in result["formula"] and any(p["name"] == "pension.divisor_table" for p in result["parameters"])


def test_cli_reads_stdin_and_refuses_bad_input_with_exit_2():
    assert _cli("retirement", "--json", "-", stdin='{"birth_month": "1965-01", "sex": "M", "original_age": 60}').returncode == 0
    bad = _cli("retirement", "--json", '{"birth_month": "1965-13", "sex": "X", "original_age": 60}')
    assert bad.returncode == 2 and json.loads(bad.stderr)["detail"][0]["field"] == "birth_month"
    assert _cli("pension", "--json", "{not json").returncode == 2
    assert _cli("nonsense", "--json", "{}").returncode == 2


def test_api_gives_the_same_json(client, city, make_user):
    user = make_user(Role.COMMUNITY_CASEWORKER, city["c11"])
    with acting_as(None):
        token = token_create(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post("/api/v1/calc/pension", json.dumps(PENSION), content_type="application/json", **auth)
    assert response.status_code == 200 and response.json()["total"] == "3495.78"
    bad = client.post("/api/v1/calc/pension", json.dumps({**PENSION, "sex": "Q"}), content_type="application/json", **auth)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "sex"
    assert client.post("/api/v1/calc/pension", "[1,", content_type="application/json", **auth).status_code == 422
    assert client.post("/api/v1/calc/pension", json.dumps(PENSION), content_type="application/json").status_code == 401


def test_public_page_works_without_login(client):
    assert client.get("/calc/").status_code == 200
    response = client.post("/calc/pension/", {**PENSION, "contribution_months": "520", "deemed_months": "160"})
    body = response.content.decode()
    assert response.status_code == 200 and "2856.87" in body and "638.91" in body and "国发〔2005〕38号" in body


def test_page_shows_bilingual_field_errors_and_never_500(client):
    response = client.post("/calc/injury/", {"grade": "11", "wage": "abc", "injury_date": "2011-02-30"})
    assert response.status_code == 422 and "grade" in response.content.decode()
    for value in ["", "²", "-1", "9" * 40, "\x00", "1e9"]:
        for rule in ("pension", "retirement", "unemployment", "injury", "maternity", "contribution", "late-fee"):
            assert client.post(f"/calc/{rule}/", {"wage": value, "birth_month": value, "grade": value}).status_code < 500


def test_unticked_checkbox_means_false(client):
    response = client.post("/calc/unemployment/", {"contribution_months": "72"})  # involuntary not ticked
    body = response.content.decode()
    assert "<dd class=\"num\">否</dd>" in body and "not lost involuntarily" in body


def test_caseworker_prefill_comes_from_a_person_in_the_jurisdiction_only(client, city, make_user, make_person):
    mine, foreign = make_person(city["c11"]), make_person(city["c31"])
    client.force_login(make_user(Role.COMMUNITY_CASEWORKER, city["c11"]))
    page = client.get(f"/calc/pension/?person={mine.pk}").content.decode()
    assert mine.birth_date.strftime("%Y-%m") in page and mine.citizen_id not in page
    assert client.get(f"/calc/pension/?person={foreign.pk}").status_code == 404


def test_api_without_credentials_is_401_not_a_csrf_error(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/api/v1/calc/pension", json.dumps(PENSION),
                                                     content_type="application/json")
    assert response.status_code == 401


def test_parameters_are_shown_as_json_values_not_python_text():
    from laobao.policy import calc

    result = calc.run("pension", PENSION)
    table = next(p for p in result["parameters"] if p["name"] == "pension.divisor_table")
    assert table["value"]["60"] == "139" and table["unit"] == "table"
    base = next(p for p in result["parameters"] if p["name"] == "wages.pension_base")
    assert (base["value"], base["unit"]) == ("8917.00", "yuan")
