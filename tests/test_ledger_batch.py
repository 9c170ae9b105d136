"""The set-based posting path (ledger.batch: post_columns, and post_batch over it) and the value date of lines."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from django.db import IntegrityError, connection, transaction

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.core.models import AuditEvent
from laobao.ledger import reconcile, selectors, services
from laobao.ledger.batch import Columns, Entry, account_ids, lookup, post_batch, post_columns
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

    monkeypatch.setattr(batch, "BLOCK", 7)  # 3 lines an entry: blocks cut entries (PostgreSQL: still one COPY)
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


# -- the columns form (post_columns), which post_batch adapts ---------------------------------------------------

def _columns(keys, entry, debit, credit, codes=None, account=None, day=date(2024, 5, 1)):
    return Columns(list(keys), [f"m {k}" for k in keys], [day] * len(keys), np.array(entry, dtype=np.int64),
                   np.array(debit, dtype=np.int64), np.array(credit, dtype=np.int64), codes,
                   None if account is None else np.array(account, dtype=np.int64))


def test_columns_by_account_id_and_partial_rerun_keeps_lines_with_their_entries(operator):
    ids = account_ids(["bank:collection", "receivable:employer:1", "receivable:employer:2"])
    first = _columns(["p:1"], [0, 0], [10, 0], [0, 10], codes=["bank:collection", "receivable:employer:1"])
    assert post_columns("payment", first)["entries"] == 1
    # p:1 exists: its lines are dropped; p:2's lines move to entry index 0; accounts given by id
    again = _columns(["p:1", "p:2"], [0, 0, 1, 1, 1], [10, 0, 7, 0, 0], [0, 10, 0, 3, 4],
                     account=[ids["bank:collection"], ids["receivable:employer:1"], ids["bank:collection"],
                              ids["receivable:employer:2"], ids["receivable:employer:1"]])
    summary = post_columns("payment", again)
    assert summary == {"entries": 1, "lines": 3, "skipped": 1, "debit_fen": 7}
    assert selectors.balance("receivable:employer:1") == -14 and selectors.balance("bank:collection") == 17
    assert set(JournalLine.objects.filter(entry__idempotency_key="p:2").values_list("value_date", flat=True)) \
        == {date(2024, 5, 1)}
    assert not reconcile.entries_balance().count


def test_columns_refuse_lines_not_grouped_by_entry(operator):
    with pytest.raises(ValueError, match="grouped"):
        post_columns("x", _columns(["a", "b"], [1, 0, 1, 0], [5, 5, 0, 0], [0, 0, 5, 5], codes=["fund:a"] * 4))


@pytest.mark.parametrize("debit, credit", [([5, 0], [0, 4]), ([5, 5], [0, 5]), ([-5, 0], [0, -5])])
def test_columns_refuse_a_bad_entry_and_write_nothing(operator, debit, credit):
    with pytest.raises(DomainError):
        post_columns("x", _columns(["a"], [0, 0], debit, credit, codes=["fund:pension", "bank:collection"]))
    assert not JournalEntry.objects.exists() and not Account.objects.exists()


def test_columns_refuse_an_entry_without_lines(operator):
    with pytest.raises(DomainError, match="does not balance"):
        post_columns("x", _columns(["a", "b"], [0, 0], [5, 0], [0, 5], codes=["fund:pension", "bank:collection"]))


def test_amounts_that_would_overflow_int64_are_refused(operator):
    big = 1 << 61
    entries = [Entry("big", "", date(2024, 1, 1), [("bank:collection", big, 0), ("bank:collection", big, 0),
                                                   ("fund:pension", 0, big), ("fund:pension", 0, big)])]
    with pytest.raises(DomainError):
        post_batch(kind="x", entries=entries, progress=None)
    with pytest.raises(DomainError):
        post_batch(kind="x", entries=[Entry("huge", "", date(2024, 1, 1), [("bank:collection", 1 << 70, 0),
                                                                        ("fund:pension", 0, 1 << 70)])],
                   progress=None)
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize("amount", [10.0, True])
def test_batch_refuses_amounts_that_are_not_int(operator, amount):
    entry = Entry("f", "", date(2024, 1, 1), [("bank:collection", amount, 0), ("fund:pension", 0, 10)])
    with pytest.raises(DomainError, match="whole-fen"):
        post_batch(kind="x", entries=[entry], progress=None)


def test_known_accounts_are_used_and_new_ones_opened_once(operator):
    known = account_ids(["fund:pension"])
    post_batch(kind="assessment", entries=_bills(5), progress=None, known_accounts=known)
    assert Account.objects.filter(code="fund:pension").count() == 1
    assert Account.objects.count() == 1 + 5 + 5
    assert post_batch(kind="assessment", entries=[], progress=None) == {"entries": 0, "lines": 0, "skipped": 0,
                                                                        "debit_fen": 0}


def test_lookup_takes_keys_with_any_character(operator):
    post_batch(kind="x", entries=[Entry("odd\nkey\t1", "", date(2024, 1, 1), [("bank:collection", 3, 0),
                                                                           ("fund:pension", 0, 3)])], progress=None)
    assert set(lookup("entry", ["odd\nkey\t1", "none"])) == {"odd\nkey\t1"}
    assert post_batch(kind="x", entries=[Entry("odd\nkey\t1", "", date(2024, 1, 1), [("bank:collection", 3, 0),
                                                                                   ("fund:pension", 0, 3)])],
                      progress=None)["skipped"] == 1


_ENTRY = "INSERT INTO ledger_journalentry (idempotency_key, posted_at, kind, memo) VALUES ('lonely', now(), 'x', '')"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the has-lines triggers are PostgreSQL's")
@pytest.mark.parametrize("lines_first", ["on", "off"])
def test_an_entry_without_lines_is_refused_in_both_modes(operator, lines_first):
    """ledger.lines_first = on: refused at the INSERT itself (statement trigger); off: at commit (deferred,
    forced here with SET CONSTRAINTS ... IMMEDIATE)."""
    with pytest.raises(IntegrityError, match="has no lines"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT set_config('ledger.lines_first', %s, true)", [lines_first])
            cur.execute(_ENTRY)
            cur.execute("SET CONSTRAINTS ledger_journalentry_has_lines IMMEDIATE")


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the has-lines triggers are PostgreSQL's")
def test_batch_writes_lines_first_and_turns_the_setting_off_again(operator):
    post_batch(kind="assessment", entries=_bills(30), progress=None)
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('ledger.lines_first', true)")
        assert cur.fetchone()[0] == "off"
    assert JournalLine.objects.count() == 90 and not reconcile.entries_have_lines().count


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the has-lines triggers are PostgreSQL's")
def test_a_failed_batch_in_a_savepoint_leaves_the_setting_off(operator, monkeypatch):
    from laobao.ledger import batch

    def broken(*args, **kwargs):
        raise IntegrityError("simulated")

    account_ids(code for e in _bills(3) for code, _, _ in e.lines)  # no account to open: entries fail first
    monkeypatch.setattr(batch, "write_columns", broken)
    with pytest.raises(IntegrityError, match="simulated"):
        with transaction.atomic():
            post_batch(kind="assessment", entries=_bills(3), progress=None)
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('ledger.lines_first', true)")
        assert cur.fetchone()[0] in ("", "off", None)
