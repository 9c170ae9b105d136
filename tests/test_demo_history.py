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


def test_benefits_of_the_demo_city(grown):
    """Retirees paid by two payrolls (a return file, one rejection re-paid), overdue verifications suspended,
    a death with its overpayment, unemployment and maternity claims decided by a second person; books balance."""
    from laobao.benefits.models import (Benefit, BenefitEvent, Death, MaternityClaim, Overpayment, PaymentLine,
                                        PaymentReturn, PayrollRun, PensionClaim, UnemploymentClaim, Verification)
    from laobao.demo import benefits

    with acting_as(None, username="cli:demo"):
        from laobao.demo.users import ensure_users
        ensure_users(5)
        counts = benefits.grow(seed=5, progress=None)
    pensions = Benefit.objects.filter(kind="pension")
    assert counts["pensions"] == pensions.count() > 30
    chenjing = cast_member("person", "chenjing")  # the cast's retiree
    assert pensions.filter(person=chenjing, status="active").exists()
    assert set(PayrollRun.objects.values_list("month", flat=True)) == set(benefits.MONTHS)
    may = PaymentLine.objects.filter(run__month=benefits.MONTHS[0])
    assert PaymentReturn.objects.filter(outcome="rejected").count() == 1
    assert PaymentReturn.objects.filter(outcome="paid").count() == may.count() - 1
    rejected = PaymentReturn.objects.get(outcome="rejected").line
    assert PaymentLine.objects.get(run__month=benefits.MONTHS[1], benefit=rejected.benefit).month_count == 2
    suspended = BenefitEvent.objects.filter(kind="suspend", reason="verification_missed")
    assert 3 <= suspended.count() == pensions.filter(status="suspended").count() < pensions.count() // 10
    assert not PaymentLine.objects.filter(run__month=benefits.MONTHS[1],
                                          benefit__in=suspended.values("benefit")).exists()
    assert Verification.objects.count() == pensions.filter(source__startswith=benefits.SOURCE).count()
    death = Death.objects.get()
    assert Overpayment.objects.filter(benefit__person=death.person).exists() and death.funeral_grant_fen > 0
    assert counts["unemployment"] >= 1 and counts["maternity"] >= 1
    for claim in UnemploymentClaim.objects.filter(status="approved"):  # paid from the month after registration
        assert PaymentLine.objects.filter(benefit__kind="unemployment", person=claim.registration.person).exists()
    assert MaternityClaim.objects.filter(status="approved").exists()
    claims = [*PensionClaim.objects.all(), *UnemploymentClaim.objects.all(), *MaternityClaim.objects.all()]
    assert all(c.checker_id != c.maker_id for c in claims if c.status == "approved")
    for claim in PensionClaim.objects.filter(status="approved"):  # retired in the window: claimed, not migrated
        assert not Benefit.objects.filter(person=claim.person).exclude(pk=claim.benefit_id).exists()

    failed = {name: r.differences for name, r in reconcile.run_all() if r.count}
    assert not failed

    before = (Benefit.objects.count(), PaymentLine.objects.count(), JournalEntry.objects.count())
    with acting_as(None, username="cli:demo"):
        assert benefits.grow(seed=5, progress=None) == counts
    assert (Benefit.objects.count(), PaymentLine.objects.count(), JournalEntry.objects.count()) == before
