"""公益性岗位 (issue 6, Must have 4): posts, placement conditions (refused and accepted), leaving, and the monthly
subsidy batch on a hand-computed month. Amounts are plain fixtures (no citable Suzhou standard was found: the
shipped parameter ``employment.welfare_post_subsidy`` is empty, ADR 0017) — the tests put a standard for
``security`` posts into a copy of the parameter tree and leave ``elder_care`` without one."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from io import StringIO

import pytest
from django.core.management import call_command

from laobao.core.context import acting_as
from laobao.core.errors import DomainError, Forbidden
from laobao.employment import certificates
from laobao.employment.models import UnemploymentRegistration
from laobao.employment.welfare import services, subsidies
from laobao.employment.welfare.models import WelfarePlacement, WelfareSubsidy
from laobao.insurance.models import Bill, Contribution
from laobao.ledger.models import JournalEntry, JournalLine
from laobao.registry.models import EmploymentRelation

import employment_helpers as h

WELFARE_YAML = """\
description: test copy / test copy
label: {zh: 公益性岗位补贴标准（每人每月）, en: public-welfare post subsidy}
unit: table
table_unit: fen
values:
  2026-01-01:
    value: {security: 40000, cleaning: 35000}
    reference: test fixture (not a Suzhou figure)
    status: unverified
"""


@pytest.fixture
def staff(make_user, city):
    return h.staff(make_user, city)


@pytest.fixture
def office(city, make_employer):
    """The community office of C11 (a registered unit) and a property company sponsoring posts."""
    return {"community": make_employer(city["c11"], name="姑苏区某某社区居委会"),
            "company": make_employer(city["c11"], name="苏州某物业管理有限公司")}


def _post(user, city, employer, kind="cleaning", count=2, stated=30_000, si=True, start=date(2026, 1, 1)):
    with acting_as(user):
        return services.post_create(user=user, region=city["c11"], employer=employer, name=f"社区{kind}岗", kind=kind,
                                    count=count, start_date=start, post_subsidy_fen=stated, si_subsidy=si)


def _man_4050(make_person, city, seq):
    return h.person(make_person, city["c11"], birth="19700301", seq=seq, name="困难" + "甲乙丙丁戊己庚辛壬癸"[seq // 2])


def _place(user, post, person, day):
    with acting_as(user):
        return services.place(user=user, post=post, person=person, start_date=day)


# --- conditions ------------------------------------------------------------------------------------------

def test_placement_refused_for_a_person_neither_hard_to_employ_nor_a_certificate_holder(staff, city, office,
                                                                                           make_person):
    post = _post(staff["worker"], city, office["community"])
    young = h.person(make_person, city["c11"], birth="19900101", seq=1)  # 36, man: not 4050, no flag
    with pytest.raises(DomainError) as exc:
        _place(staff["worker"], post, young, date(2026, 9, 1))
    p = exc.value.problems[0]
    assert p.code == "welfare.eligible" and "公益性岗位只安置" in p.zh and "未办理失业登记" in p.zh
    assert "public-welfare posts place only" in p.en
    h.register(staff["worker"], young, day=date(2026, 6, 10))  # registered, but no certificate yet
    with pytest.raises(DomainError) as exc:
        _place(staff["worker"], post, young, date(2026, 9, 1))
    assert exc.value.problems[0].code == "welfare.eligible" and "未办理失业登记" not in exc.value.problems[0].zh
    assert not WelfarePlacement.objects.exists() and not EmploymentRelation.objects.filter(person=young).exists()


def test_certificate_holder_is_placed_and_the_relation_ends_the_registration(staff, city, office, make_person):
    post = _post(staff["worker"], city, office["community"])
    p = h.person(make_person, city["c11"], birth="19900101", seq=1)
    h.register(staff["worker"], p, day=date(2026, 6, 10))
    with acting_as(staff["worker"]):
        cert = certificates.issue(user=staff["worker"], person=p, issued_on=date(2026, 7, 1))
    placement = _place(staff["worker"], post, p, date(2026, 9, 1))
    assert placement.basis == "certificate"
    assert {c["code"]: c["ok"] for c in placement.checks} == {"post_open": True, "working_age": True, "eligible": True,
                                                             "no_employment": True, "one_placement": True}
    assert cert.number in next(c["zh"] for c in placement.checks if c["code"] == "eligible")
    rel = placement.relation
    assert (rel.person_id, rel.employer_id, rel.start_date, rel.end_date) == (p.pk, office["community"].pk,
                                                                               date(2026, 9, 1), None)
    reg = UnemploymentRegistration.objects.get(person=p)
    assert (reg.ended_on, reg.end_reason) == (date(2026, 9, 1), "reemployment")  # employment_started did its work


def test_hard_to_employ_placed_once_post_full_and_leaving(staff, city, office, make_person):
    post = _post(staff["worker"], city, office["community"], count=1)
    other = _post(staff["worker"], city, office["company"], kind="security")
    a, b = _man_4050(make_person, city, 1), _man_4050(make_person, city, 3)
    pa = _place(staff["worker"], post, a, date(2026, 9, 1))
    assert pa.basis == "hardship" and "4050" in next(c["zh"] for c in pa.checks if c["code"] == "eligible")
    with pytest.raises(DomainError) as exc:  # one active placement per person
        _place(staff["worker"], other, a, date(2026, 9, 2))
    assert exc.value.problems[0].code == "welfare.one_placement" and "一人只能有一个在岗安置" in exc.value.problems[0].zh
    with pytest.raises(DomainError) as exc:  # the post's one place is taken
        _place(staff["worker"], post, b, date(2026, 9, 2))
    assert exc.value.problems[0].code == "welfare.post_open" and "岗位已满" in exc.value.problems[0].zh
    with acting_as(staff["worker"]):
        with pytest.raises(DomainError):
            services.leave(user=staff["worker"], placement=pa, end_date=date(2026, 10, 31), reason=" ")
        pa = services.leave(user=staff["worker"], placement=pa, end_date=date(2026, 10, 31), reason="合同期满")
    assert pa.end_date == date(2026, 10, 31) and pa.relation.end_date == date(2026, 10, 31)
    assert _place(staff["worker"], post, b, date(2026, 11, 2)).basis == "hardship"  # the place is free again
    assert _place(staff["worker"], other, a, date(2026, 11, 2)).post == other  # and a may take another post


def test_a_person_with_a_job_is_refused(staff, city, office, make_person, make_employer):
    from laobao.registry import services as registry_services
    post = _post(staff["worker"], city, office["community"])
    p = _man_4050(make_person, city, 1)
    with acting_as(None, username="test"):
        registry_services.relation_start(user=None, person=p, employer=make_employer(city["c12"]),
                                         start_date=date(2026, 5, 1))
    with pytest.raises(DomainError) as exc:
        _place(staff["worker"], post, p, date(2026, 9, 1))
    assert exc.value.problems[0].code == "welfare.no_employment" and "仍有在职劳动关系" in exc.value.problems[0].zh
    assert "a current employment relation exists" in exc.value.problems[0].en


def test_a_foreign_caseworker_cannot_place_or_open_posts(staff, city, office, make_person, make_user):
    from laobao.core.models import Role
    post = _post(staff["worker"], city, office["community"])
    foreign = make_user(Role.COMMUNITY_CASEWORKER, city["c21"])
    with acting_as(foreign), pytest.raises(Forbidden):
        services.place(user=foreign, post=post, person=_man_4050(make_person, city, 1), start_date=date(2026, 9, 1))
    with acting_as(foreign), pytest.raises(Forbidden):
        services.post_create(user=foreign, region=city["c11"], employer=office["community"], name="x", kind="cleaning",
                             count=1, start_date=date(2026, 1, 1))
    with acting_as(staff["worker"]), pytest.raises(DomainError) as exc:
        services.post_create(user=staff["worker"], region=city["c11"], employer=office["community"], name="保洁",
                             kind="gardening", count=1, start_date=date(2026, 1, 1))
    assert exc.value.problems[0].code == "welfare.kind"


# --- the monthly batch -------------------------------------------------------------------------------------

def _lines(person, employer, region, month, shares, injury=1_000, adjustment=False):
    bill, _ = Bill.objects.get_or_create(employer=employer, month=month, defaults=dict(
        region=region, due_date=month + timedelta(days=14), issued_at=datetime(2026, 10, 1, tzinfo=timezone.utc),
        run="test", due_fen=0, lines=1))
    Contribution.objects.create(bill=bill, person=person, month=month, wage_fen=300_000, adjustment=adjustment,
                                pension_employer=shares[0], medical_employer=shares[1],
                                unemployment_employer=shares[2], injury_employer=injury)


@pytest.fixture
def october(staff, city, office, make_person, make_employer):
    """Five placements; October 2026 by hand (fen):
    A cleaning post, stated 30,000; si: 16,000 + 7,000 + 500 (injury 1,000, an adjustment line and another
      employer's line not counted)                                                     → 30,000 + 23,500 = 53,500
    B security post of the company, no stated amount → parameter 40,000; si_subsidy off → 40,000
    C elder-care post, no stated amount, no parameter value                             → missing, nothing paid
    D left on 2026-09-20 (before October)                                              → not due
    E on A's post from 2026-10-31 (one day covers the month), no contribution line     → 30,000
    total 123,500 fen = 1,235.00 yuan for 3 placements."""
    w, c11 = staff["worker"], city["c11"]
    cleaning = _post(w, city, office["community"], count=3)
    security = _post(w, city, office["company"], kind="security", stated=None, si=False)
    elder = _post(w, city, office["community"], kind="elder_care", stated=None)
    p = {k: _man_4050(make_person, city, seq) for k, seq in zip("ABCDE", (1, 3, 5, 7, 9))}
    pl = {"A": _place(w, cleaning, p["A"], date(2026, 9, 1)), "B": _place(w, security, p["B"], date(2026, 9, 1)),
          "C": _place(w, elder, p["C"], date(2026, 9, 1)), "D": _place(w, cleaning, p["D"], date(2026, 9, 1)),
          "E": _place(w, cleaning, p["E"], date(2026, 10, 31))}
    with acting_as(w):
        services.leave(user=w, placement=pl["D"], end_date=date(2026, 9, 20), reason="辞职")
    oct1 = date(2026, 10, 1)
    _lines(p["A"], office["community"], c11, oct1, (16_000, 7_000, 500))
    _lines(p["A"], office["community"], c11, oct1, (2_000, 0, 0), adjustment=True)
    _lines(p["A"], make_employer(c11), c11, oct1, (9_000, 9_000, 9_000))
    _lines(p["A"], office["community"], c11, date(2026, 9, 1), (16_000, 7_000, 500))  # another month
    _lines(p["B"], office["company"], c11, oct1, (10_000, 0, 0))
    return pl


def _run(month="2026-10"):
    out, err = StringIO(), StringIO()
    call_command("lb_employment", "welfare-subsidies", month=month, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_without_a_standard_only_stated_posts_are_paid_and_the_missing_are_named(october):
    out, err = _run()  # the shipped tree: no standard for any kind
    assert out == "welfare subsidies 2026-10: 2 placements, 835.00 yuan"  # A 53,500 + E 30,000
    assert "2 placements NOT paid" in err and "employment.welfare_post_subsidy" in err and "托老" in err
    assert "rows/s" in err


def test_hand_computed_month_posted_and_idempotent(october, office, parameter_tree):
    parameter_tree("employment/welfare_post_subsidy.yaml", WELFARE_YAML)
    out, err = _run()
    assert out == "welfare subsidies 2026-10: 3 placements, 1235.00 yuan"
    assert "1 placements NOT paid" in err and "托老" in err and "保安" not in err.split("NOT paid")[1]
    got = {r.placement_id: (r.post_fen, r.si_fen, r.total_fen) for r in WelfareSubsidy.objects.all()}
    assert got == {october["A"].pk: (30_000, 23_500, 53_500), october["B"].pk: (40_000, 0, 40_000),
                   october["E"].pk: (30_000, 0, 30_000)}
    entry = JournalEntry.objects.get(idempotency_key=f"welfare_subsidy:{october['A'].pk}:2026-10")
    lines = {(ln.account.code, ln.debit_fen, ln.credit_fen) for ln in JournalLine.objects.filter(entry=entry)}
    assert lines == {("fund:employment", 53_500, 0), (f"payable:welfare_post:{office['community'].pk}", 0, 53_500)}
    entries = JournalEntry.objects.count()
    assert _run()[0] == "welfare subsidies 2026-10: 0 placements, 0.00 yuan"  # idempotent per placement × month
    assert JournalEntry.objects.count() == entries and WelfareSubsidy.objects.count() == 3
    assert subsidies.run(date(2026, 11, 1), progress=None).count == 3  # November: A, B, E again (C still missing)


def test_bad_month_is_refused():
    with pytest.raises(Exception) as exc:
        call_command("lb_employment", "welfare-subsidies", month="2026-13", stdout=StringIO(), stderr=StringIO())
    assert "YYYY-MM" in str(exc.value)


def test_social_insurance_shares_are_given_once_per_person_employer_and_month(staff, city, office, make_person):
    """F leaves one post of the community on 10-10 and takes another of the same community on 10-15: both placements
    are due in October (post subsidy 30,000 each), the month's employer shares (23,500) go to the first only."""
    w = staff["worker"]
    first, second = _post(w, city, office["community"]), _post(w, city, office["community"], kind="assistant")
    f = _man_4050(make_person, city, 1)
    a = _place(w, first, f, date(2026, 9, 1))
    with acting_as(w):
        services.leave(user=w, placement=a, end_date=date(2026, 10, 10), reason="调岗")
    b = _place(w, second, f, date(2026, 10, 15))
    _lines(f, office["community"], city["c11"], date(2026, 10, 1), (16_000, 7_000, 500))
    assert subsidies.run(date(2026, 10, 1), progress=None).total_fen == 30_000 + 23_500 + 30_000
    got = {r.placement_id: (r.post_fen, r.si_fen) for r in WelfareSubsidy.objects.all()}
    assert got == {a.pk: (30_000, 23_500), b.pk: (30_000, 0)}
