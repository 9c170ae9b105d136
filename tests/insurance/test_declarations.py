"""缴费基数申报 (issue 4 item 2): declare, correct, refuse, and the preview with floor and cap flags.

Worked limits: Jiangsu 2024 floor 4879 yuan and cap 24396 yuan (60% / 300% of 8132; law.md §2.2,
SOURCE-ONLY). Pension employee share 8% (国发〔2005〕38号): at the floor 4879 × 8% = 390.32 yuan, at the
cap 24396 × 8% = 1951.68 yuan.
"""

from __future__ import annotations

from datetime import date

import pytest

from laobao.core.context import acting_as
from laobao.core.errors import DomainError, NotFound
from laobao.core.models import AuditEvent, Role
from laobao.insurance import declarations
from laobao.insurance.models import BaseDeclaration, DeclarationKind, EmployerRiskClass, Recheck
from laobao.registry.models import PortalLink

from hall_fixtures import bill, hire, set_limits


@pytest.fixture
def staff(city, make_person, make_employer):
    employer = make_employer(city["c11"])
    low, high, mid = (make_person(city["c11"], n) for n in ("低工资", "高工资", "中工资"))
    for p in (low, high, mid):
        hire(p, employer, start=date(2023, 3, 1), wage=500_000)
    set_limits()
    return employer, low, high, mid


def _declare(person, employer, wage, year=2024, user=None):
    with acting_as(user, username="test"):
        return declarations.declare(user=user, person=person, employer=employer, year=year, wage_fen=wage)


def test_declare_creates_then_same_value_is_unchanged(staff):
    employer, low, *_ = staff
    row, status = _declare(low, employer, 300_000)
    assert status == declarations.CREATED and row.kind == DeclarationKind.DECLARED and row.year == 2024
    assert _declare(low, employer, 300_000)[1] == declarations.UNCHANGED
    assert BaseDeclaration.objects.filter(person=low, employer=employer, year=2024).count() == 1


def test_correction_updates_with_before_after_and_recheck_from_first_month(staff):
    employer, low, *_ = staff
    _declare(low, employer, 300_000)
    bill(employer, date(2024, 8, 1))
    row, status = _declare(low, employer, 520_000)
    assert status == declarations.UPDATED and row.wage_fen == 520_000
    event = AuditEvent.objects.get(action="insurance.declare_correct")
    assert (event.before["wage_fen"], event.after["wage_fen"]) == (300_000, 520_000)
    check = Recheck.objects.get(reason="base declaration corrected")
    assert (check.person_id, check.from_month) == (low.pk, date(2024, 7, 1))


@pytest.mark.parametrize("wage,code", [(-100, "wage.negative"), (10**9, "wage.absurd"), ("5000", "wage.type")])
def test_bad_wages_are_refused_with_the_field(staff, wage, code):
    employer, low, *_ = staff
    with pytest.raises(DomainError) as e:
        _declare(low, employer, wage)
    assert (e.value.problems[0].field, e.value.problems[0].code) == ("wage_fen", code)


def test_declaration_outside_employment_is_refused(staff, make_person, city):
    employer, low, *_ = staff
    stranger = make_person(city["c11"], "路人")
    with pytest.raises(DomainError) as e:
        _declare(stranger, employer, 600_000)
    assert e.value.problems[0].code == "declaration.no_employment" and "2024-07" in e.value.problems[0].zh
    with pytest.raises(DomainError) as e:  # employed from 2023-03: contribution year 2021 is before that
        _declare(low, employer, 600_000, year=2021)
    assert e.value.problems[0].code == "declaration.no_employment"
    with pytest.raises(DomainError) as e:
        _declare(low, employer, 600_000, year=1200)
    assert e.value.problems[0].field == "year"


def test_employer_user_declares_for_own_employees_only(staff, make_user, make_employer, city):
    employer, low, *_ = staff
    clerk = make_user(Role.EMPLOYER_USER, city["c11"])
    PortalLink.objects.create(user=clerk, employer=make_employer(city["c11"], "别家"))
    from laobao.core.errors import Forbidden
    with pytest.raises(Forbidden):
        _declare(low, employer, 600_000, user=clerk)


def test_preview_flags_floor_and_cap_with_jiangsu_2024(staff):
    employer, low, high, mid = staff
    _declare(low, employer, 300_000)       # 3000 yuan: below the floor 4879
    _declare(high, employer, 3_000_000)    # 30000 yuan: above the cap 24396
    _declare(mid, employer, 800_000)       # 8000 yuan: within
    EmployerRiskClass.objects.create(employer=employer, from_month=date(2020, 1, 1), risk_class=2)
    result = declarations.preview(None, employer, 2024)
    rows = {r.person.pk: r for r in result.rows}
    assert result.limits["pension"] == (487_900, 2_439_600)
    pension = {pk: next(line for line in r.lines if line.insurance == "pension") for pk, r in rows.items()}
    assert (pension[low.pk].base_fen, pension[low.pk].flag, pension[low.pk].employee_fen) == (487_900, "floor", 39_032)
    assert (pension[high.pk].base_fen, pension[high.pk].flag, pension[high.pk].employee_fen) == (2_439_600, "cap", 195_168)
    assert (pension[mid.pk].base_fen, pension[mid.pk].flag, pension[mid.pk].employee_fen) == (800_000, "", 64_000)
    assert pension[low.pk].employer_fen == 78_064  # 4879 × 16% (国办发〔2019〕13号)
    assert rows[low.pk].flags == {"floor"} and rows[high.pk].flags == {"cap"} and rows[mid.pk].flags == set()
    assert "injury" in result.insurances and result.risk_class == 2
    assert result.employer_fen == sum(r.employer_fen for r in result.rows) > 0


def test_preview_missing_declaration_follows_the_rule_and_per_insurance_limits(staff):
    employer, low, high, mid = staff
    set_limits(insurance="medical", floor_fen=500_000, cap_fen=2_000_000)
    _declare(mid, employer, 2_200_000, year=2023)  # last year's wage: used by the "previous" rule
    result = declarations.preview(None, employer, 2024)
    rows = {r.person.pk: r for r in result.rows}
    assert result.missing_rule == "previous"
    assert rows[low.pk].declared_fen is None and rows[low.pk].kind == "missing"
    medical = {pk: next(line for line in r.lines if line.insurance == "medical") for pk, r in rows.items()}
    pension = {pk: next(line for line in r.lines if line.insurance == "pension") for pk, r in rows.items()}
    assert (pension[low.pk].base_fen, pension[low.pk].flag) == (487_900, "floor")  # none before: the floor
    assert (medical[low.pk].base_fen, medical[low.pk].flag) == (500_000, "floor")  # medical's own floor
    assert (pension[mid.pk].base_fen, medical[mid.pk].base_fen) == (2_200_000, 2_000_000)
    assert medical[mid.pk].flag == "cap" and pension[mid.pk].flag == ""


def test_preview_is_scoped(staff, make_user, city):
    employer, *_ = staff
    with pytest.raises(NotFound):
        declarations.preview(make_user(Role.COMMUNITY_CASEWORKER, city["c12"]), employer, 2024)
    rows = declarations.preview(make_user(Role.COMMUNITY_CASEWORKER, city["c11"]), employer, 2024).rows
    assert len(rows) == 3
