"""Marking closed months for re-assessment (back-dated hires, stops, base corrections, 补缴).

A month is closed for a payer once its bill exists. A change that reaches back into closed months never
edits them: ``mark`` leaves a ``Recheck`` that the payer's next assessment turns into adjustment lines in
its current bill. Call it inside the service's transaction.
"""

from __future__ import annotations

from datetime import date

from .models import Bill, Recheck


def mark(*, person, employer, from_month: date, reason: str) -> Recheck | None:
    """Leave a recheck when ``from_month`` or a later month is already billed for the payer; else nothing."""
    from_month = from_month.replace(day=1)
    bills = Bill.objects.filter(month__gte=from_month)
    bills = bills.filter(employer=employer) if employer is not None else bills.filter(person=person)
    if not bills.exists():
        return None
    return Recheck.objects.create(person=person, employer=employer, from_month=from_month, reason=reason[:40])
