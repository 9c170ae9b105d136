"""The demo's two years of insurance history: real batches, every story present, books balanced, resumable."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Count

from laobao.core import services as core_services
from laobao.core.context import acting_as
from laobao.core.models import AuditEvent
from laobao.demo import generator, history
from laobao.demo.users import cast_member
from laobao.insurance.collection.arrears import arrears_summary
from laobao.insurance.models import Bill, Contribution, Enrollment, Transfer
from laobao.ledger import reconcile, selectors
from laobao.ledger.models import JournalEntry


@pytest.fixture
def grown(db):
    """A small city with its history (one test grows it: the money tables cannot be emptied between tests)."""
    with acting_as(None, username="cli:demo"):
        core_services.regions_sync()
        generator.generate(seed=5, persons=400, progress=None)
        history.grow(seed=5, progress=None)


def test_two_years_of_history(grown):
    months = set(Bill.objects.values_list("month", flat=True))
    assert months == set(history.months()) and len(months) == 24
    hepan = cast_member("employer", "hepan")
    assert Bill.objects.filter(employer=hepan).count() == 24
    assert arrears_summary(hepan, date(2026, 6, 30))["outstanding_fen"] == 0

    # the stories: back-dated hire and base correction (adjustments), self-enrollment, transfer, interest, late fees
    assert Contribution.objects.filter(adjustment=True).exists()  # back-dated hire, base correction
    assert Enrollment.objects.filter(employer__isnull=True).exists()  # flexibly employed
    assert Transfer.objects.filter(direction="out").exists()
    assert JournalEntry.objects.filter(idempotency_key__startswith="interest:2024").exists()
    assert JournalEntry.objects.filter(idempotency_key__startswith="interest:2025").exists()
    zhangwei = cast_member("person", "zhangwei")
    assert selectors.balance(f"personal:{zhangwei.pk}:pension") > 0
    noodles = cast_member("employer", "noodles")
    owed = arrears_summary(noodles, date(2026, 11, 27))
    assert owed["late_fee_fen"] > 0

    # the books balance
    failed = {name: r.differences for name, r in reconcile.run_all() if r.count}
    assert not failed

    # growing again adds nothing
    before = (Bill.objects.count(), JournalEntry.objects.count(), Transfer.objects.count())
    with acting_as(None, username="cli:demo"):
        history.grow(seed=5, progress=None)
    assert (Bill.objects.count(), JournalEntry.objects.count(), Transfer.objects.count()) == before
    assert AuditEvent.objects.filter(action=history.MARKER).count() == 1
    assert not Bill.objects.values("employer", "month").annotate(n=Count("id")).filter(n__gt=1).exists()
