"""End to end in a real browser: Playwright drives Debian's headless chromium against `laobao serve`.

The server is the production path (gunicorn, WhiteNoise, collected static files) on a fresh
database: a temporary SQLite file, or a fresh PostgreSQL database when DATABASE_URL points at one.
Nothing is downloaded: the browser is /usr/bin/chromium. Screenshots go to tests/screenshots/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from throwaway_db import ThrowawayDatabase

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "browser-test-pass-2026"

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium for the browser test (see .ci/run)")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    db = ThrowawayDatabase(tmp, "laobao_browser_")
    env = {**os.environ, "LAOBAO_ENV": "demo", "LAOBAO_VAR": str(tmp), "DATABASE_URL": db.url}
    laobao = [sys.executable, "-m", "laobao.cli"]

    def run(*args, stdin=None):
        subprocess.run([*laobao, *args], env=env, input=stdin, text=True, check=True, capture_output=True, timeout=600)

    run("migrate")
    run("demo", "--persons", "300", "--seed", "11")
    run("users", "add", "browser_officer", "--role", "city_officer", "--region", "320500", stdin=PASSWORD + "\n")
    port = _free_port()
    proc = subprocess.Popen([*laobao, "serve", "--port", str(port), "--workers", "1"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("laobao serve did not start")
    try:
        yield {"url": f"http://127.0.0.1:{port}", "db": db, "run": run, "env": env}
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        db.drop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


def _login(page, base):
    page.goto(base + "/login/")
    page.fill("input[name=username]", "browser_officer")
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/")


def test_login_search_open_person_and_switch_language(server, browser):
    SHOTS.mkdir(exist_ok=True)
    base, db = server["url"], server["db"]
    citizen_id, name = db.one("SELECT citizen_id, name FROM registry_person ORDER BY id LIMIT 1")
    page = browser.new_page(locale="zh-CN")
    _login(page, base)
    page.screenshot(path=SHOTS / "01-home.png", full_page=True)
    assert "退出" in page.content() or "登出" in page.content()

    search = page.locator("input[name=q]").first
    search.fill(citizen_id)
    search.press("Enter")
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "02-person.png", full_page=True)
    body = page.content()
    assert name in body
    assert citizen_id not in body, "the full ID number must never be shown without a reveal"
    assert citizen_id[:4] in body and citizen_id[-4:] in body
    every_id = {row[0] for row in db.all("SELECT citizen_id FROM registry_person")}
    assert not every_id & set(re.findall(r"\d{17}[\dXx]", page.inner_text("body")))

    page.locator("form[action*='setlang'] [name=language]").first.evaluate(
        "(el) => { if (el.tagName === 'SELECT') { el.value = 'en'; el.form.submit(); } else { el.click(); } }"
    ) if page.locator("form[action*='setlang'] select[name=language]").count() else page.locator(
        "form[action*='setlang'] button[value=en]").first.click()
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "03-person-en.png", full_page=True)
    text = page.inner_text("body")
    assert "Log out" in text or "Sign out" in text or "Logout" in text
    assert name in text  # the data stays; the interface changes
    page.close()


def test_logout_then_back_shows_no_personal_data(server, browser):
    base, db = server["url"], server["db"]
    citizen_id, name = db.one("SELECT citizen_id, name FROM registry_person ORDER BY id DESC LIMIT 1")
    page = browser.new_page()
    _login(page, base)
    page.goto(base + "/persons/?q=" + citizen_id)
    assert name in page.content()
    page.locator("form[action*='logout'] button, form[action*='logout'] input[type=submit]").first.click()
    page.wait_for_load_state()
    page.go_back()
    page.wait_for_load_state()
    page.reload()
    assert name not in page.content()
    assert page.evaluate("() => window.localStorage.length + window.sessionStorage.length") == 0
    page.close()


def test_employer_reports_a_hire_and_the_officer_reads_a_contribution_record(server, browser):
    """The issue-4 flow: the employer hall's hire form, then a person's month-by-month record."""
    from laobao.demo.users import demo_password

    base, db = server["url"], server["db"]
    citizen_id, name = db.one(
        "SELECT citizen_id, name FROM registry_person WHERE birth_date BETWEEN '1976-01-01' AND '1999-12-31' "
        "AND id NOT IN (SELECT person_id FROM registry_employmentrelation WHERE end_date IS NULL) "
        "AND id NOT IN (SELECT person_id FROM insurance_enrollment) ORDER BY id LIMIT 1")
    page = browser.new_page(locale="zh-CN")
    page.goto(base + "/login/")
    page.fill("input[name=username]", "employer_hepan")
    page.fill("input[name=password]", demo_password(11, "employer_hepan"))
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/")
    page.goto(base + "/hall/")
    assert "苏州河畔纺织有限公司" in page.content()
    page.fill("input[name=citizen_id]", citizen_id)
    page.fill("input[name=name]", name)
    page.fill("input[name=start_date]", "2026-06-01")
    page.select_option("select[name=contract_kind]", "open")
    page.fill("input[name=position]", "质检员")
    page.fill("input[name=wage]", "6800.00")
    page.locator("button", has_text="办理增员").click()
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "04-hall-hire.png", full_page=True)
    assert "已办理增员" in page.content()
    person_id, enrolled = db.one(
        "SELECT p.id, COUNT(e.id) FROM registry_person p JOIN insurance_enrollment e ON e.person_id = p.id "
        f"WHERE p.citizen_id = '{citizen_id}' GROUP BY p.id")
    assert enrolled == 5
    page.close()

    page = browser.new_page(locale="zh-CN")
    _login(page, base)
    zhangwei = db.one("SELECT id FROM registry_person WHERE name = '张伟' AND mobile = '13912340001'")[0]
    page.goto(f"{base}/persons/{zhangwei}/record/?year=2025")
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "05-record.png", full_page=True)
    text = page.inner_text("body")
    assert "数据截至 2026-06" in text and "缴费记录" in text and "个人账户" in text
    assert "2025-03" in text
    page.goto(f"{base}/persons/{person_id}/")
    assert name in page.content()
    page.close()


# The pension claim flow (issue 5): counter → second person → payroll → the person's benefits page.
_WORKED_PERSON = """
import django
django.setup()
from laobao.core.context import acting_as
from laobao.core.models import Region
from laobao.registry import services as registry
import claim_fixtures as fx
from conftest import make_id

def make_person(region, name, citizen_id):
    with acting_as(None, username="browser-test"):
        return registry.person_register(user=None, citizen_id=citizen_id, name=name, hukou_type="urban",
                                        hukou_region_code="320508", residence_region_code=region.code,
                                        mobile="13912349901")

person = fx.person_born(make_person, Region.objects.get(code="{community}"), seq=977, name="洪泽乙")
fx.limits()
fx.record(person, person.residence_region)
fx.account(person)
print(person.pk)
"""


def _worked_person(server, community: str) -> int:
    """The pension-claim tests' worked person (tests/benefits/claim_fixtures.py), written into the server's
    database by a short Python process with the server's settings (pytest's own database is another one)."""
    tests = Path(__file__).parent
    env = {**server["env"], "DJANGO_SETTINGS_MODULE": "laobao.settings",
           "PYTHONPATH": os.pathsep.join([str(tests), str(tests / "benefits"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", _WORKED_PERSON.replace("{community}", community)], env=env,
                          text=True, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return int(done.stdout.strip().splitlines()[-1])


def _login_as(browser, base, username):
    page = browser.new_page(locale="zh-CN")
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/")
    return page


def test_pension_claim_approved_by_a_second_person_then_paid_by_the_payroll(server, browser):
    """A caseworker previews and receives the claim and records the 代发账户; a district officer approves
    on the claim page; `laobao payroll --month` pays the back months in one line the benefits page shows."""
    from datetime import date

    base, db, run = server["url"], server["db"], server["run"]
    community = db.one("SELECT code FROM core_region WHERE level = 'community' AND path LIKE '%/320508/%' "
                       "AND valid_to IS NULL ORDER BY code LIMIT 1")[0]
    run("users", "add", "browser_caseworker", "--role", "community_caseworker", "--region", community,
        stdin=PASSWORD + "\n")
    run("users", "add", "browser_district", "--role", "district_officer", "--region", "320508", stdin=PASSWORD + "\n")
    pk = _worked_person(server, community)

    page = _login_as(browser, base, "browser_caseworker")
    page.goto(f"{base}/benefits/persons/{pk}/pension/")
    page.select_option("select[name=category]", "60")
    page.select_option("select[name=option]", "normal")
    page.fill("input[name=deemed_months]", "160")
    page.fill("input[name=pre_account_index]", "0.9107")
    page.fill("textarea[name=reference_wages]", "\n".join(f"{y}=10000" for y in range(1995, 2006)))
    page.fill("input[name=note]", "档案：视同缴费 160 个月")
    page.locator("button[value=preview]").click()
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "06-pension-preview.png", full_page=True)
    preview = page.inner_text("body")
    assert "预览（尚未受理）" in preview and "0.9107" in preview and "✗" not in preview
    assert db.one(f"SELECT COUNT(*) FROM benefits_pensionclaim WHERE person_id = {pk}")[0] == 0  # nothing stored
    page.locator("button[value=receive]").click()
    page.wait_for_url(re.compile(r".*/benefits/pension/YL\d+/$"))
    claim_no = page.url.rstrip("/").rsplit("/", 1)[1]
    assert "基本养老金核定表" in page.content()
    assert page.locator("form[action$='/approve/']").count() == 0  # the maker is offered no decision
    page.goto(f"{base}/benefits/persons/{pk}/")
    page.select_option("select[name=bank]", index=0)
    page.fill("input[name=account_no]", "62220212345678901234")
    page.fill("input[name=holder_name]", "洪泽乙")
    page.locator("form[action*='bank-account'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "****1234" in page.content()
    page.close()

    page = _login_as(browser, base, "browser_district")
    page.goto(f"{base}/benefits/pension/{claim_no}/")
    page.locator(f"form[action$='/{claim_no}/approve/'] button").click()
    page.wait_for_load_state()
    assert "已核准" in page.inner_text("body")
    status, first = db.one(f"SELECT status, first_payment_month FROM benefits_pensionclaim WHERE claim_no = '{claim_no}'")
    assert status == "approved"

    month = date.fromisoformat(str(first)[:10])  # the month after the approval: it pays back to 2026-01
    latest = db.one("SELECT MAX(month) FROM benefits_payrollrun")[0]
    month = max(month, date.fromisoformat(str(latest)[:10])) if latest else month
    run("payroll", "--month", f"{month:%Y-%m}")
    page.goto(f"{base}/benefits/persons/{pk}/")
    page.screenshot(path=SHOTS / "07-pension-paid.png", full_page=True)
    text = page.inner_text("body")
    total, count = db.one(f"SELECT amount_fen, month_count FROM benefits_paymentline WHERE person_id = {pk}")
    assert count == (month.year - 2026) * 12 + month.month  # 2026-01 … the run month, in one line
    assert (f"2026-01…{month:%Y-%m}" if count > 1 else "2026-01") in text
    assert f"{total // 100}.{total % 100:02d}" in text and "待银行回盘" in text
    assert "基本养老金 · 正常发放" in text
    page.close()


# Employment services (issue 6): register → certificate → matches → referral → hired.
def _job_seeker_without_work(db) -> tuple[int, str, str]:
    """A person of working age with no job, no open enrollment and no registration (id, name, community code)."""
    return db.one(
        "SELECT p.id, p.name, r.code FROM registry_person p JOIN core_region r ON r.id = p.residence_region_id "
        "WHERE p.birth_date BETWEEN '1982-01-01' AND '2000-12-31' "
        "AND p.id NOT IN (SELECT person_id FROM registry_employmentrelation WHERE end_date IS NULL) "
        "AND p.id NOT IN (SELECT person_id FROM insurance_enrollment WHERE end_month IS NULL) "
        "AND p.id NOT IN (SELECT person_id FROM benefits_unemploymentregistration) "
        "AND p.id NOT IN (SELECT person_id FROM employment_jobseeker) ORDER BY p.id DESC LIMIT 1")


def test_caseworker_registers_issues_certificate_refers_and_records_the_hire(server, browser):
    """The community caseworker's counter: 求职登记 and 失业登记 (conditions shown), the 再就业优惠证, the ranked
    matches with their reasons, a referral to the best vacancy and its outcome 已录用 — the employment relation
    appears on the person page and the registration is ended on the ground employed."""
    from datetime import date

    base, db = server["url"], server["db"]
    pk, name, community = _job_seeker_without_work(db)
    added = subprocess.run([sys.executable, "-m", "laobao.cli", "users", "add", "browser_emp_worker", "--role",
                            "community_caseworker", "--region", community], env=server["env"], input=PASSWORD + "\n",
                           text=True, capture_output=True, timeout=300)
    assert added.returncode == 0, added.stdout + added.stderr
    today = date.today().isoformat()

    page = _login_as(browser, base, "browser_emp_worker")
    page.goto(f"{base}/employment/persons/{pk}/")
    seeker = page.locator("form[action$='/seeker/']")
    page.locator("details:has(form[action$='/seeker/']) > summary").click()
    seeker.locator("select[name=education]").select_option("senior")
    seeker.locator("input[name=wanted_occupation_code]").fill("4-14-01")
    seeker.locator("input[name=wanted_occupation]").fill("护理员")
    seeker.locator("input[name=wanted_wage_min]").fill("4000")
    seeker.locator("input[name=wanted_wage_max]").fill("6000")
    seeker.locator("select[name=able_to_work]").select_option("yes")
    seeker.locator("select[name=willing_to_work]").select_option("yes")
    seeker.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "4-14-01" in page.inner_text("body")

    register = page.locator("form[action$='/register/']")
    register.locator("input[name=registered_on]").fill(today)
    register.locator("select[name=involuntary]").select_option("yes")
    register.locator("input[name=reason]").fill("劳动合同期满终止")
    register.locator("select[name=able_to_work]").select_option("yes")
    register.locator("select[name=willing_to_work]").select_option("yes")
    register.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert db.one(f"SELECT COUNT(*) FROM benefits_unemploymentregistration WHERE person_id = {pk} "
                  "AND ended_on IS NULL")[0] == 1
    page.screenshot(path=SHOTS / "08-employment-registered.png", full_page=True)

    page.locator("details:has(form[action$='/certificate/issue/']) > summary").click()
    issue = page.locator("form[action$='/certificate/issue/']")
    issue.locator("input[name=confirm]").check()
    issue.locator("button[type=submit]").click()
    page.wait_for_load_state()
    number = db.one(f"SELECT number FROM employment_reemploymentcertificate WHERE person_id = {pk} AND status = 'valid'")[0]
    assert number.startswith("ZY") and number in page.inner_text("body")

    page.goto(f"{base}/employment/persons/{pk}/matches/")
    page.screenshot(path=SHOTS / "09-employment-matches.png", full_page=True)
    refer = page.locator("form[action$='/refer/']").first
    vacancy = int(refer.locator("input[name=vacancy]").get_attribute("value"))
    employer, title = db.one("SELECT e.name, v.title FROM employment_vacancy v JOIN registry_employer e "
                             f"ON e.id = v.employer_id WHERE v.id = {vacancy}")
    refer.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已推荐" in page.inner_text("body")

    outcome = page.locator("form[action*='/referrals/'][action$='/outcome/']").first
    outcome.locator("select[name=outcome]").select_option("hired")
    outcome.locator("input[name=outcome_on]").fill(today)
    outcome.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已录用" in page.inner_text("body") and title in page.inner_text("body")

    ended_on, ground = db.one(f"SELECT ended_on, end_reason FROM benefits_unemploymentregistration WHERE person_id = {pk}")
    assert (str(ended_on)[:10], ground) == (today, "reemployment")
    relation = db.one(f"SELECT COUNT(*) FROM registry_employmentrelation r JOIN employment_vacancy v "
                      f"ON v.employer_id = r.employer_id WHERE r.person_id = {pk} AND v.id = {vacancy} "
                      "AND r.end_date IS NULL")[0]
    assert relation == 1
    page.goto(f"{base}/persons/{pk}/")
    page.screenshot(path=SHOTS / "10-employment-hired.png", full_page=True)
    assert employer in page.inner_text("body") and name in page.inner_text("body")
    page.goto(f"{base}/employment/persons/{pk}/")
    text = page.inner_text("body")
    assert number in text and f"{today} 注销" in text  # the registration ended on the day of the hire
    page.close()


def test_training_course_enrol_result_certificate_and_public_verification(server, browser):
    """The bureau opens a course at a demo institution, enrols a person at the counter, records a passed exam;
    the certificate it issues is verified on the public page (no login), and a forged number is refused."""
    from datetime import date

    base, db = server["url"], server["db"]
    institution = db.one("SELECT id FROM training_institution WHERE name = '姑苏区再就业培训学校'")[0]
    citizen_id, pk = db.one(
        "SELECT citizen_id, id FROM registry_person WHERE birth_date BETWEEN '1980-01-01' AND '2000-12-31' "
        "AND id NOT IN (SELECT person_id FROM training_enrolment) ORDER BY id LIMIT 1")
    today = date.today().isoformat()

    page = browser.new_page(locale="zh-CN")
    _login(page, base)
    page.goto(f"{base}/training/institutions/{institution}/")
    form = page.locator("form[method=post]:has(input[name=code])")
    form.locator("input[name=code]").fill("BROWSER-001")
    form.locator("input[name=name]").fill("再就业技能培训·收银员（初级）")
    form.locator("select[name=kind]").select_option("reemployment")
    form.locator("input[name=occupation_code]").fill("4-01-02-04")
    form.locator("input[name=occupation_name]").fill("收银员")
    form.locator("select[name=target_level]").select_option("5")
    form.locator("input[name=start_date]").fill(today)
    form.locator("input[name=end_date]").fill(today)
    form.locator("input[name=capacity]").fill("20")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    course = db.one("SELECT id FROM training_course WHERE code = 'BROWSER-001'")[0]
    page.goto(f"{base}/training/courses/{course}/")
    page.fill("form[action$='/enrol/'] input[name=citizen_id]", citizen_id)
    page.locator("form[action$='/enrol/'] button[type=submit]").click()
    page.wait_for_load_state()
    enrolment = db.one(f"SELECT id FROM training_enrolment WHERE course_id = {course} AND person_id = {pk}")[0]
    page.goto(f"{base}/training/courses/{course}/")
    result = page.locator(f"form[action$='/enrolments/{enrolment}/result/']")
    result.locator("input[name=exam_date]").fill(today)
    result.locator("input[name=theory]").fill("82")
    result.locator("input[name=practical]").fill("88")
    result.locator("button[type=submit]").click()
    page.wait_for_load_state()
    number = db.one(f"SELECT number FROM training_certificate WHERE enrolment_id = {enrolment}")[0]
    page.goto(f"{base}/training/courses/{course}/")
    page.screenshot(path=SHOTS / "11-training-course.png", full_page=True)
    assert number in page.inner_text("body")
    page.close()

    public = browser.new_context(locale="zh-CN")
    page = public.new_page()
    page.goto(f"{base}/training/verify/")
    page.fill("input[name=number]", number)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "12-training-verify.png", full_page=True)
    text = page.inner_text("body")
    assert number in text and "收银员" in text and "有效" in text
    forged = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert page.goto(f"{base}/training/verify/{forged}/").status == 404
    public.close()
