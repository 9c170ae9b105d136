"""Paid unemployment-insurance months of a person, read from the record (no writes, no scoping).

Like ``pension/record.py``: one SQL read of the person's Contribution rows with an unemployment part and the
id of their unemployment BillItem; "paid" is insurance's own ``paid_by_item`` / ``item_status`` (one place
decides it). A month counts once when a regular (non-adjustment) line's item is fully paid.
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from laobao.insurance import selectors as insurance_selectors

_LINES_SQL = (
    "SELECT CAST(c.month AS TEXT), c.adjustment, i.id, i.due_fen"
    " FROM insurance_contribution c"
    " LEFT JOIN insurance_billitem i ON i.bill_id = c.bill_id AND i.insurance = 'unemployment' AND i.month = c.month"
    " WHERE c.person_id = %s AND c.month > %s AND c.month <= %s"
    " AND (c.unemployment_base IS NOT NULL OR c.unemployment_employer IS NOT NULL)"
)


def paid_months(person_id: int, after: date, upto: date) -> list[date]:
    """Months in (after, upto] whose unemployment contribution is fully paid, in order."""
    with connection.cursor() as cursor:
        cursor.execute(_LINES_SQL, [person_id, after, upto])
        lines = cursor.fetchall()
    paid = insurance_selectors.paid_by_item(i for _, _, i, _ in lines if i is not None)
    months = set()
    for month, adjustment, item, due in lines:
        if adjustment or item is None:
            continue
        if insurance_selectors.item_status(due, paid.get(item, 0)) == insurance_selectors.PAID:
            months.add(date.fromisoformat(month[:10]))
    return sorted(months)
