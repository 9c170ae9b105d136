"""The set-based posting path (ledger.batch.post_batch) and the value date of lines."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.core.models import AuditEvent
from laobao.ledger import reconcile, selectors, services
from laobao.ledger.batch import Entry, post_batch
from laobao.ledger.models import Account, JournalEntry, JournalLine


@pytest.fixture
def operator(db):
    with acting_as(None, username="batch-test"):
        yield


def _bills(n: int, day=date(2024, 3, 1)) -> list[Entry]:
    return [Entry(f"bill:{i}", f"bill {i}", day, [(f"receivable:employer:{i}", 1000 + i, 0),
                                                   ("fund:pension", 0, 800 + i), (f"personal:{i}:pension", 0, 200)])
            for i in range(n)]


def test_batch_posts_every_entry_with_one_audit_event(operator):
    events = AuditEvent.objects.count()
    summary = post_batch(kind="assessment", entries=_bills(120), progress=None)
    assert summary == {"entries": 120, "lines": 360, "skipped": 0, "debit_fen": sum(1000 + i for i in range(120))}
    assert AuditEvent.objects.count() == events + 1
    assert selectors.balance("fund:pension") == sum(800 + i for i in range(120))
    assert selectors.balance("personal:7:pension") == 200
    assert set(JournalLine.objects.values_list("value_date", flat=True)) == {date(2024, 3, 1)}
    assert not {n: r.count for n, r in reconcile.run_all() if n.startswith("ledger.") and r.count}


def test_batch_run_again_posts_nothing_and_mixes_with_single_postings(operator):
    post_batch(kind="assessment", entries=_bills(10), progress=None)
    services.post(key="pay:1", kind="payment", lines=[("bank:collection", 1001, 0), ("receivable:employer:1", 0, 1001)])
    summary = post_batch(kind="assessment", entries=_bills(12), progress=None)
    assert summary["entries"] == 2 and summary["skipped"] == 10
    assert JournalEntry.objects.count() == 13
    assert selectors.balance("receivable:employer:1") == 0
    ids = list(JournalEntry.objects.order_by("id").values_list("id", flat=True))
    assert len(set(ids)) == 13


@pytest.mark.parametrize("lines", [
    [("fund:pension", 100, 0), ("bank:collection", 0, 99)],
    [("fund:pension", 100, 100), ("bank:collection", 0, 0)],
    [("fund:pension", 0, 0)],
    [],
])
def test_batch_refuses_a_bad_entry_and_writes_nothing(operator, lines):
    entries = _bills(3) + [Entry("bad", "", date(2024, 1, 1), lines)]
    with pytest.raises(DomainError):
        post_batch(kind="assessment", entries=entries, progress=None)
    assert not JournalEntry.objects.exists() and not Account.objects.exists()


def test_batch_refuses_a_repeated_key(operator):
    with pytest.raises(DomainError, match="repeats"):
        post_batch(kind="x", entries=_bills(2) + _bills(1), progress=None)


def test_batch_keeps_entries_whole_across_copy_chunks(operator, monkeypatch):
    from laobao.ledger import batch

    monkeypatch.setattr(batch, "LINES_PER_COPY", 7)  # 3 lines an entry: chunks end on entry boundaries
    post_batch(kind="assessment", entries=_bills(25), progress=None)
    assert JournalLine.objects.count() == 75
    assert not reconcile.entries_balance().count


def test_single_posting_takes_a_value_date(operator):
    services.post(key="k", kind="interest", lines=[("fund:pension", 5, 0), ("personal:1:pension", 0, 5)],
                  value_date=date(2023, 12, 31))
    assert set(JournalLine.objects.values_list("value_date", flat=True)) == {date(2023, 12, 31)}


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the per-statement balance trigger is PostgreSQL's")
def test_a_line_added_to_a_posted_entry_is_refused(operator):
    entry = services.post(key="k", kind="x", lines=[("fund:pension", 5, 0), ("personal:1:pension", 0, 5)])
    account = Account.objects.get(code="fund:pension").pk
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("INSERT INTO ledger_journalline (entry_id, account_id, debit_fen, credit_fen, value_date) "
                        "VALUES (%s, %s, 7, 0, '2024-01-01')", [entry.pk, account])


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite keeps its foreign keys (ADR 0010)")
def test_reconcile_finds_lines_naming_no_entry(operator):
    """The journal keeps no per-row foreign keys on PostgreSQL (ADR 0010): reconcile proves the references."""
    services.post(key="k", kind="x", lines=[("fund:pension", 5, 0), ("personal:1:pension", 0, 5)])
    assert reconcile.lines_reference().count == 0
    account = Account.objects.get(code="fund:pension").pk
    with connection.cursor() as cur:
        cur.execute("INSERT INTO ledger_journalline (entry_id, account_id, debit_fen, credit_fen, value_date) "
                    "VALUES (987654, %s, 7, 0, '2024-01-01'), (987654, %s, 0, 7, '2024-01-01')", [account, account])
    result = reconcile.lines_reference()
    assert result.count == 2 and "entry_id 987654 does not exist" in result.differences[0]
