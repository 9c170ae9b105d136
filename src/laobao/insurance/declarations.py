"""缴费基数申报 — the yearly base declaration and its preview.

* :func:`declare` — an employer declares one employee's average monthly wage of the previous calendar
  year for contribution year Y (``bases.year_months``); a second declaration of the same person,
  employer and year is a correction: the row is updated (audited before/after) and a ``Recheck`` is
  left from the year's first month, so months already billed are adjusted in the next bill.
* :func:`record_first_year` / :func:`record_self` — the declarations a hire and a self-enrollment make.
* :func:`preview` — per employee of an employer: declared wage, assessed base per insurance (floor and
  cap of ``bases.limits``), "below floor, assessed at floor" / "above cap, assessed at cap" flags and
  the monthly bill it produces, through the single-person rule ``policy.rules.contribution.assess``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q

from laobao.core import audit
from laobao.core.errors import DomainError, NotFound
from laobao.policy.rules.contribution import assessment as rule
from laobao.registry.models import Employer, EmploymentRelation, Person
from laobao.registry.selectors import employers_visible, relations_visible

from . import bases, rechecks
from .models import BaseDeclaration, DeclarationKind, EmployerRiskClass, Enrollment
from .selectors import enrollments_visible
from .services import clean_wage, hall_actor, last_of_month

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _snapshot(d: BaseDeclaration) -> dict:
    return {"person": d.person_id, "employer": d.employer_id, "year": d.year, "wage_fen": d.wage_fen, "kind": d.kind}


def clean_year(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise DomainError.of("year", "declaration.year", "申报年度无效：请填写四位年份，如 2024",
                             "Invalid contribution year: give four digits, e.g. 2024")
    return value


def _check_employed(person: Person, employer: Employer, year: int) -> None:
    first, last = bases.year_months(year)
    end = last_of_month(last)
    relation = EmploymentRelation.objects.filter(person=person, employer=employer, start_date__lte=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first))
    enrolled = Enrollment.objects.filter(person=person, employer=employer, start_month__lte=last).filter(
        Q(end_month__isnull=True) | Q(end_month__gte=first))
    if not relation.exists() and not enrolled.exists():
        raise DomainError.of(
            "citizen_id", "declaration.no_employment",
            f"此人在 {first:%Y-%m} 至 {last:%Y-%m}（{year} 缴费年度）与本单位没有劳动关系或参保记录："
            "只能为本单位当年在职或参保的职工申报基数；请先办理增员，或更正年度",
            f"This person has no employment or enrollment with this employer from {first:%Y-%m} to {last:%Y-%m} "
            f"(contribution year {year}): declare only employees of that year; report the hire first or correct the year")


@transaction.atomic
def declare(*, user, person: Person, employer: Employer, year: int, wage_fen: int) -> tuple[BaseDeclaration, str]:
    """The employer's declaration for ``year``; returns the row and ``created``/``updated``/``unchanged``."""
    hall_actor(user, employer)
    year = clean_year(year)
    wage_fen = clean_wage(wage_fen)
    _check_employed(person, employer, year)
    row = BaseDeclaration.objects.select_for_update().filter(person=person, employer=employer, year=year).first()
    if row is not None and row.wage_fen == wage_fen:
        return row, UNCHANGED
    if row is None:
        row = BaseDeclaration.objects.create(person=person, employer=employer, year=year, wage_fen=wage_fen,
                                             kind=DeclarationKind.DECLARED)
        audit.record("insurance.declare", object_type="base_declaration", object_id=row.pk,
                     region_path=employer.region.path, after=_snapshot(row))
        rechecks.mark(person=person, employer=employer, from_month=bases.year_months(year)[0],
                      reason="late base declaration")
        return row, CREATED
    before = _snapshot(row)
    row.wage_fen = wage_fen
    row.save(update_fields=["wage_fen", "updated_at"])
    audit.record("insurance.declare_correct", object_type="base_declaration", object_id=row.pk,
                 region_path=employer.region.path, before=before, after=_snapshot(row))
    rechecks.mark(person=person, employer=employer, from_month=bases.year_months(year)[0],
                  reason="base declaration corrected")
    return row, UPDATED


def record_first_year(*, person: Person, employer: Employer, year: int, wage_fen: int) -> BaseDeclaration:
    """A hire's starting wage as its first year's base (inside ``services.hire``'s transaction).

    A declaration already on file for that person, employer and year (an earlier stint) is kept.
    """
    row, created = BaseDeclaration.objects.get_or_create(
        person=person, employer=employer, year=year,
        defaults={"wage_fen": wage_fen, "kind": DeclarationKind.NEW_HIRE})
    if created:
        audit.record("insurance.declare_new_hire", object_type="base_declaration", object_id=row.pk,
                     region_path=employer.region.path, after=_snapshot(row))
    return row


def record_self(*, person: Person, year: int, base_fen: int) -> BaseDeclaration:
    """A flexibly employed person's chosen base for ``year`` (inside ``services.enroll_self``)."""
    row = BaseDeclaration.objects.filter(person=person, employer__isnull=True, year=year).first()
    if row is None:
        row = BaseDeclaration.objects.create(person=person, employer=None, year=year, wage_fen=base_fen,
                                             kind=DeclarationKind.SELF)
        audit.record("insurance.declare_self", object_type="base_declaration", object_id=row.pk,
                     region_path=person.residence_region.path, after=_snapshot(row))
    elif row.wage_fen != base_fen:
        before = _snapshot(row)
        row.wage_fen = base_fen
        row.save(update_fields=["wage_fen", "updated_at"])
        audit.record("insurance.declare_self", object_type="base_declaration", object_id=row.pk,
                     region_path=person.residence_region.path, before=before, after=_snapshot(row))
        rechecks.mark(person=person, employer=None, from_month=bases.year_months(year)[0],
                      reason="self base corrected")
    return row


# --- the preview -------------------------------------------------------------------------------

FLOOR, CAP = "floor", "cap"


@dataclass(frozen=True)
class PreviewLine:
    insurance: str
    base_fen: int
    employer_fen: int
    employee_fen: int
    account_fen: int
    flag: str  # "", "floor" (低于下限，按下限核定) or "cap" (高于上限，按上限核定)


@dataclass
class PreviewRow:
    person: Person
    declared_fen: int | None  # None: no declaration this year
    kind: str  # declared / new_hire / missing
    wage_fen: int  # what is assessed: the declaration, or what the missing-declaration rule gives
    lines: list[PreviewLine] = field(default_factory=list)

    @property
    def employer_fen(self) -> int:
        return sum(line.employer_fen for line in self.lines)

    @property
    def employee_fen(self) -> int:
        return sum(line.employee_fen for line in self.lines)

    @property
    def flags(self) -> set[str]:
        return {line.flag for line in self.lines if line.flag}


@dataclass
class Preview:
    year: int
    first_month: date
    last_month: date
    limits: dict[str, tuple[int, int]]
    insurances: tuple[str, ...]  # the insurances the rule prices this month (work injury only with a risk class)
    risk_class: int | None
    missing_rule: str
    rows: list[PreviewRow]

    @property
    def employer_fen(self) -> int:
        return sum(r.employer_fen for r in self.rows)

    @property
    def employee_fen(self) -> int:
        return sum(r.employee_fen for r in self.rows)


def _risk_class(employer: Employer, month: date) -> int | None:
    row = (EmployerRiskClass.objects.filter(employer=employer, from_month__lte=month)
           .order_by("-from_month").values_list("risk_class", flat=True).first())
    return row


def _params(employer: Employer, month: date, limits: dict, risk_class: int | None) -> rule.ContributionParams:
    floor, cap = limits["pension"]
    params = rule.params_for(month, employer.region.code if employer.region_id else None, floor_fen=floor,
                             cap_fen=cap, injury_class=risk_class)
    lines = tuple(dataclasses.replace(r, floor_fen=limits[r.insurance][0], cap_fen=limits[r.insurance][1])
                  for r in params.insurances)
    return dataclasses.replace(params, insurances=lines)


def _employees(user, employer: Employer, first: date, last: date) -> list[Person]:
    rels = (EmploymentRelation.objects.all() if user is None else relations_visible(user)).filter(employer=employer, start_date__lte=last_of_month(last)).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)).select_related("person")
    people = {r.person_id: r.person for r in rels.order_by("person__name", "person_id")}
    return list(people.values())


def _line(line: rule.Line, wage: int) -> PreviewLine:
    flag = FLOOR if line.base > wage else CAP if line.base < wage else ""
    return PreviewLine(line.insurance, line.base, line.employer, line.employee, line.account, flag)


def preview(user, employer: Employer, year: int) -> Preview:
    """What the declarations of ``year`` will bill for ``employer``'s employees (first month of the year)."""
    if user is not None and not employers_visible(user).filter(pk=employer.pk).exists():
        raise NotFound
    year = clean_year(year)
    first, last = bases.year_months(year)
    limits = bases.limits(year)
    rule_name = bases.missing_rule(first)
    risk = _risk_class(employer, first)
    params = _params(employer, first, limits, risk)
    people = _employees(user, employer, first, last)
    ids = [p.pk for p in people]
    declared = dict(BaseDeclaration.objects.filter(employer=employer, year=year, person_id__in=ids)
                    .values_list("person_id", "wage_fen"))
    kinds = dict(BaseDeclaration.objects.filter(employer=employer, year=year, person_id__in=ids)
                 .values_list("person_id", "kind"))
    previous = dict(BaseDeclaration.objects.filter(employer=employer, year=year - 1, person_id__in=ids)
                    .values_list("person_id", "wage_fen"))
    covered: dict[int, set[str]] = {}
    enrollments = Enrollment.objects.all() if user is None else enrollments_visible(user)  # None: the CLI
    for pid, ins in (enrollments.filter(employer=employer, person_id__in=ids, start_month__lte=last)
                     .filter(Q(end_month__isnull=True) | Q(end_month__gte=first)).values_list("person_id", "insurance")):
        covered.setdefault(pid, set()).add(ins)
    rows = []
    for person in people:
        wage = declared.get(person.pk)
        if wage is None:
            fallback = previous.get(person.pk) if rule_name == "previous" else None
            # no earlier wage: 0 is raised to each insurance's floor, the highest cap lowered to each cap
            top = max(cap for _, cap in limits.values())
            assessed = fallback if fallback is not None else (top if rule_name == "cap" else 0)
        else:
            assessed = wage
        mine = covered.get(person.pk, set())
        sub = dataclasses.replace(params, insurances=tuple(r for r in params.insurances if r.insurance in mine))
        result = rule.assess(assessed, sub)
        rows.append(PreviewRow(person, wage, kinds.get(person.pk, "missing"), assessed,
                               [_line(line, assessed) for line in result.lines]))
    return Preview(year, first, last, limits, tuple(r.insurance for r in params.insurances), risk, rule_name, rows)
