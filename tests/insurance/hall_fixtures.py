"""Shared helpers of the hall and declaration tests (imported by them; not a test module)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from laobao.core.context import acting_as
from laobao.insurance import services
from laobao.insurance.models import Bill

# Jiangsu 2024 contribution base: floor 4879, cap 24396 yuan (60% / 300% of 8132) — law.md §2.2, SOURCE-ONLY
JIANGSU_2024 = dict(year=2024, floor_fen=487_900, cap_fen=2_439_600,
                    reference="江苏省2024年度社保缴费基数上下限 4879/24396 元（law.md §2.2，source-only）")


def set_limits(**kw):
    with acting_as(None, username="test"):
        return services.set_limits(user=None, **{**JIANGSU_2024, **kw})


def hire(person, employer, *, start=date(2024, 7, 15), wage=650_000, user=None, **kw):
    with acting_as(user, username="test"):
        return services.hire(user=user, person=person, employer=employer, start_date=start,
                             contract_kind=kw.pop("contract_kind", "open"), wage_fen=wage, **kw)


def bill(employer, month: date) -> Bill:
    """A bill of ``month`` (closes that month for the employer)."""
    return Bill.objects.create(employer=employer, month=month, region=employer.region, due_date=month,
                               issued_at=timezone.now(), run="test", due_fen=0, lines=0)
