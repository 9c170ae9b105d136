"""Bank payment of the employment fund's subsidies (issue 6, Must have 4 + 2 + 8): welfare post subsidies, the
approved employer subsidy of a re-employment certificate and a training subsidy go into bank files of the
payroll's layout (lines ``S<id>``); the bank's return file; the reconcile identities. Amounts are fixtures."""

from __future__ import annotations

import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from laobao.core.context import acting_as
from laobao.employment import certificates
from laobao.employment.welfare import payments, returns, services, subsidies
from laobao.employment.welfare.models import SubsidyLine, SubsidyOrder, SubsidyReturn
from laobao.ledger import bankfile
from laobao.ledger.bankfile import ReturnsRejected
from laobao.ledger.models import JournalLine
from laobao.ledger.reconcile import run_all
from laobao.registry import services as registry_services
from laobao.training import services as training_services
from laobao.training import subsidies as training_subsidies

import employment_helpers as h
from test_welfare import _lines, _man_4050, _place, _post

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "training"))
import training_fixtures as fx  # noqa: E402

pytestmark = pytest.mark.usefixtures("training_subsidy_values")
DAY = date(2026, 11, 27)


def _bad_checks() -> dict:
    names = ("employment.", "benefits.payout_payables_match", "benefits.pending_equals_payable", "ledger.")
    return {n: r.differences for n, r in run_all() if r.count and n.startswith(names)}


def _balance(code: str) -> int:
    rows = JournalLine.objects.filter(account__code=code).values_list("credit_fen", "debit_fen")
    return sum(c - d for c, d in rows)


@pytest.fixture
def owed(make_user, city, make_person, make_employer):
    """Owed (fen): October's welfare subsidy of two placements on the community's post (stated 30,000 each, no
    social-insurance part), the approved employer subsidy of a certificate holder hired by a company
    (3 months × (16,000 + 7,000 + 500) = 70,500), a training subsidy of 100,000 (entrepreneurship course, the
    fixture standard) to the institution."""
    staff = h.staff(make_user, city)
    w = staff["worker"]
    community = make_employer(city["c11"], name="姑苏区某某社区居委会")
    company = make_employer(city["c12"], name="苏州某物业管理有限公司")
    post = _post(w, city, community, count=2, si=False)
    a, b = _man_4050(make_person, city, 1), _man_4050(make_person, city, 3)
    _place(w, post, a, date(2026, 9, 1))
    _place(w, post, b, date(2026, 9, 1))
    subsidies.run(date(2026, 10, 1), progress=None)  # 2 × 30,000 → payable:welfare_post:<community>
    holder = h.person(make_person, city["c11"], birth="19900101", seq=5, name="持证乙")
    h.register(w, holder, day=date(2026, 1, 5))
    with acting_as(w):
        cert = certificates.issue(user=w, person=holder, issued_on=date(2026, 2, 1))
    with acting_as(None, username="test"):
        registry_services.relation_start(user=None, person=holder, employer=company, start_date=date(2026, 3, 2))
    for m in (3, 4, 5):
        _lines(holder, company, city["c12"], date(2026, m, 1), (16_000, 7_000, 500))
    with acting_as(w):
        app = certificates.receive(user=w, certificate=cert, kind="employer_subsidy", employer=company,
                                   from_month=date(2026, 3, 1), to_month=date(2026, 5, 1))
    with acting_as(staff["officer"]):
        app = certificates.approve(user=staff["officer"], application=app)
    inst = fx.institution(city["c11"])
    boss = fx.course(inst, code="C2006-002", kind="entrepreneurship", capacity=10)
    fx.passed(make_person(city["c11"], name="学员甲"), boss)
    assert training_subsidies.run(date(2006, 4, 1), progress=None).total_fen == 100_000
    return {"staff": staff, "community": community, "company": company, "inst": inst, "app": app}


def _account(employer=None, inst=None, bank="102", no="6222020000000000001"):
    with acting_as(None, username="test"):
        return services.account_open(user=None, employer=employer, institution=inst, bank_code=bank,
                                     bank_name={"102": "中国工商银行", "105": "中国建设银行"}[bank], account_no=no,
                                     account_name="收款单位", opened_on=DAY)


def _pay(tmp_path, day=DAY):
    out, err = StringIO(), StringIO()
    call_command("lb_employment", "pay-subsidies", date=f"{day:%Y-%m-%d}", out=str(tmp_path), stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def _return(tmp_path, text: str, name="return.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("lb_employment", "subsidy-returns", str(path), stdout=out, stderr=err)
    return out.getvalue().strip()


def test_files_returns_and_reconcile(owed, tmp_path):
    assert _bad_checks() == {}  # owed, not yet ordered: payables = owed
    community, company, inst = owed["community"], owed["company"], owed["inst"]
    _account(employer=community, bank="102", no="6222020000000000001")
    _account(inst=inst, bank="102", no="6222020000000000002")  # the company has no account yet: its order waits
    out, err = _pay(tmp_path)
    assert out == "subsidy payments 2026-11-27: 3 payments, 1600.00 yuan"  # 30,000 + 30,000 + 100,000
    assert "4 new orders" in err and "1 orders waiting" in err
    assert {o.source for o in SubsidyOrder.objects.all()} == {"welfare", "employer_subsidy", "training"}
    text = (tmp_path / "subsidies-2026-11-27-1-102.csv").read_text(encoding="utf-8").splitlines()
    ids = [f"S{pk}" for pk in SubsidyLine.objects.order_by("id").values_list("id", flat=True)]
    assert text[0] == "H,laobao-payroll,2026.1,2026-11-27,102,中国工商银行,3,1600.00"
    assert text[1].startswith(f"D,{ids[0]},6222020000000000001,收款单位,300.00,2026-11-27,公益性岗位补贴 困难")
    assert text[-1] == "T,3,1600.00" and len(text) == 5
    assert _balance(f"payable:welfare_post:{community.pk}") == 0 and _balance("payable:subsidy_bank:102") == 160_000
    assert _balance(f"payable:employer_subsidy:{company.pk}") == 70_500
    assert _bad_checks() == {}
    assert _pay(tmp_path)[0] == "subsidy payments 2026-11-27: 0 payments, 0.00 yuan"  # nothing twice

    _account(employer=company, bank="105", no="6217000000000000003")
    assert _pay(tmp_path)[0] == "subsidy payments 2026-11-27: 1 payments, 705.00 yuan"  # run 2, bank 105
    company_line = SubsidyLine.objects.get(payable_code=f"payable:employer_subsidy:{company.pk}")
    assert (tmp_path / "subsidies-2026-11-27-2-105.csv").exists()

    got = _return(tmp_path, f"line_id,outcome,reason,settled_on\n{ids[0]},paid,,2026-11-30\n"
                            f"{ids[2]},rejected,账户已销户,2026-11-30\nS{company_line.pk},paid,,2026-11-30\n")
    assert got == "returns: 3 rows, 2 paid (1005.00 yuan), 1 rejected (1000.00 yuan), 0 already recorded"
    assert _balance("bank:employment") == 100_500 and _balance(f"payable:institution:{inst.pk}") == 100_000
    assert _bad_checks() == {}
    assert _return(tmp_path, f"line_id,outcome,reason,settled_on\n{ids[0]},paid,,2026-11-30\n", "dup.csv") == (
        "returns: 1 rows, 0 paid (0.00 yuan), 0 rejected (0.00 yuan), 1 already recorded")
    assert _pay(tmp_path)[0].endswith("0 payments, 0.00 yuan")  # held: the refusing account is still current
    _account(inst=inst, bank="105", no="6217000000000000009")
    assert _pay(tmp_path)[0].endswith("1 payments, 1000.00 yuan")  # corrected → paid in a new line
    assert _bad_checks() == {}


def test_bad_return_files_write_nothing(owed, tmp_path):
    _account(employer=owed["community"])
    _pay(tmp_path)
    line = SubsidyLine.objects.order_by("id").first()
    for text, needle in ((f"line_id,outcome,reason,settled_on\nS{line.pk},paid,,2026-11-30\nS999999,paid,,2026-11-30\n",
                          "没有补贴付款明细 S999999"),
                         (f"line_id,outcome,reason,settled_on\nP{line.pk},paid,,2026-11-30\n", "S 加数字"),
                         (f"line_id,outcome,reason,settled_on\nS{line.pk},rejected,,2026-11-30\n", "退回原因"),
                         ("line_id,outcome\nS1,paid\n", "缺少列")):
        path = tmp_path / "bad.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ReturnsRejected) as exc:
            returns.import_returns(path)
        assert any(needle in e for e in exc.value.errors), exc.value.errors
    assert not SubsidyReturn.objects.exists() and _bad_checks() == {}


def test_the_shared_layout_is_the_payrolls():
    from laobao.benefits.payroll import bankfile as payroll_bankfile
    assert (bankfile.FORMAT, bankfile.VERSION, bankfile.ENCODINGS) == (
        payroll_bankfile.FORMAT, payroll_bankfile.VERSION, payroll_bankfile.ENCODINGS)
    assert bankfile.render("2026-11-27", "102", "中国工商银行", [("S1", "6222", "甲", 12_345, "2026-11-27", "补贴")]) == (
        "H,laobao-payroll,2026.1,2026-11-27,102,中国工商银行,1,123.45\r\n"
        "D,S1,6222,甲,123.45,2026-11-27,补贴 2026-11-27\r\nT,1,123.45\r\n")
    assert training_services is not None and payments.kind_of("payable:institution:3") == "institution"


def test_a_run_committed_without_its_files_gets_them_next_time(owed, tmp_path):
    """A crash after the run's commit and before its files: the next invocation writes them, and adds no run."""
    _account(employer=owed["community"])
    payments.collect()
    run = payments._write(DAY)  # committed, files not written (the process died here)
    assert run is not None and run.finished_at is None and not (tmp_path / "files").exists()
    out, _ = _pay(tmp_path / "files")
    assert out.endswith("0 payments, 0.00 yuan")  # nothing new to pay …
    run.refresh_from_db()
    assert run.finished_at is not None and (tmp_path / "files" / "subsidies-2026-11-27-1-102.csv").exists()  # … the files are
    assert [f["lines"] for f in run.files] == [2] and _bad_checks() == {}
