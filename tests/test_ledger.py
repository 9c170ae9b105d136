"""The double-entry ledger core: posting, idempotency, append-only tables, balance at commit, reconcile."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from laobao.core.context import acting_as
from laobao.core.errors import DomainError
from laobao.core.models import AuditEvent
from laobao.ledger import reconcile, selectors, services
from laobao.ledger.models import KINDS, Account, JournalEntry, JournalLine

RECV, FUND, PERS, BANK = "receivable:employer:7:pension", "fund:pension", "personal:42:pension", "bank:main"
BILL = [(RECV, 10_000, 0), (FUND, 0, 8_000), (PERS, 0, 2_000)]
PAY = [(BANK, 10_000, 0), (RECV, 0, 10_000)]


@pytest.fixture
def operator(db):
    with acting_as(None, username="ledger-test"):
        yield


def _tamper(*statements: tuple[str, list]):
    """Write the journal tables behind the service's back, with the append-only triggers out of the way."""
    tables = ("ledger_journalentry", "ledger_journalline")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire pending checks so ALTER TABLE is allowed
            for t in tables:
                cur.execute(f"ALTER TABLE {t} DISABLE TRIGGER USER")
            for sql, args in statements:
                cur.execute(sql, args)
            for t in tables:
                cur.execute(f"ALTER TABLE {t} ENABLE TRIGGER USER")
        else:  # DDL is transactional on SQLite: the test's rollback restores the triggers
            for t in tables:
                cur.execute(f"DROP TRIGGER {t}_no_update")
                cur.execute(f"DROP TRIGGER {t}_no_delete")
            for sql, args in statements:
                cur.execute(sql, args)


def _failed(results) -> dict[str, int]:
    return {name: r.count for name, r in results if r.count}


def test_post_and_balances(operator):
    services.post(key="bill:1", kind="assessment", lines=BILL, memo="2026-01")
    services.post(key="pay:1", kind="payment", lines=PAY)
    assert selectors.balance(RECV) == 0
    assert selectors.balance(FUND) == 8_000 and selectors.net(FUND) == -8_000
    assert selectors.balance(PERS) == 2_000 and selectors.balance(BANK) == 10_000
    assert selectors.balance("personal:999:pension") == 0
    assert selectors.balances("personal:") == {PERS: 2_000}
    assert [r["balance_fen"] for r in selectors.journal(RECV)] == [10_000, 0]
    assert Account.objects.get(code=FUND).kind == "fund"
    assert AuditEvent.objects.filter(action="ledger.post").count() == 2
    assert _failed(reconcile.run_all()) == {}


def test_same_key_twice_posts_once(operator):
    first = services.post(key="bill:1", kind="assessment", lines=BILL)
    again = services.post(key="bill:1", kind="assessment", lines=list(reversed(BILL)))
    assert again.pk == first.pk
    assert JournalEntry.objects.count() == 1 and JournalLine.objects.count() == 3
    assert selectors.balance(RECV) == 10_000


def test_same_key_different_lines_is_refused(operator):
    services.post(key="bill:1", kind="assessment", lines=BILL)
    with pytest.raises(DomainError) as exc:
        services.post(key="bill:1", kind="assessment", lines=[(RECV, 1, 0), (FUND, 0, 1)])
    assert exc.value.problems[0].code == "ledger.key_reused" and "幂等键" in exc.value.problems[0].zh
    assert selectors.balance(RECV) == 10_000


@pytest.mark.parametrize("lines, code", [
    ([(RECV, 100, 0), (FUND, 0, 99)], "ledger.unbalanced"),
    ([], "ledger.empty"),
    ([(RECV, -5, 0), (FUND, 0, -5)], "ledger.amount"),
    ([(RECV, 0, 0), (FUND, 0, 0)], "ledger.one_side"),
    ([(RECV, 5, 5), (FUND, 5, 5)], "ledger.one_side"),
    ([(RECV, 1.5, 0), (FUND, 0, 1.5)], "ledger.amount"),
    ([("nonsense", 5, 0), (FUND, 0, 5)], "ledger.account_code"),
    ([("loan:1", 5, 0), (FUND, 0, 5)], "ledger.account_code"),
])
def test_bad_postings_are_refused_and_write_nothing(operator, lines, code):
    with pytest.raises(DomainError) as exc:
        services.post(key="k", kind="assessment", lines=lines)
    assert exc.value.problems[0].code == code
    assert exc.value.problems[0].zh and exc.value.problems[0].en
    assert JournalEntry.objects.count() == 0 and Account.objects.count() == 0


@pytest.mark.parametrize("sql", [
    "UPDATE ledger_journalline SET debit_fen = debit_fen + 1",
    "DELETE FROM ledger_journalline",
    "UPDATE ledger_journalentry SET memo = 'edited'",
    "DELETE FROM ledger_journalentry",
])
def test_database_refuses_update_and_delete(operator, sql):
    services.post(key="bill:1", kind="assessment", lines=BILL)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert JournalLine.objects.count() == 3 and JournalEntry.objects.get().memo == ""


def test_check_constraint_refuses_a_two_sided_line(operator):
    entry = services.post(key="bill:1", kind="assessment", lines=BILL)
    account = Account.objects.get(code=FUND)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.create(entry=entry, account=account, debit_fen=5, credit_fen=5)


@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="SQLite has no statement triggers: the service checks the balance and reconcile re-checks")
def test_unbalanced_entry_behind_the_services_back_is_refused(operator):
    services.post(key="bill:1", kind="assessment", lines=BILL)
    account = Account.objects.get(code=FUND).pk
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("INSERT INTO ledger_journalentry (idempotency_key, posted_at, kind, memo) "
                        "VALUES ('sneaky', now(), 'manual', '') RETURNING id")
            entry = cur.fetchone()[0]
            cur.execute("INSERT INTO ledger_journalline (entry_id, account_id, debit_fen, credit_fen) "
                        "VALUES (%s, %s, 500, 0)", [entry, account])
            # The per-statement balance trigger refuses the INSERT itself (ledger migration 0003).
    assert not JournalEntry.objects.filter(idempotency_key="sneaky").exists()


def test_reversal_mirrors_and_happens_once(operator):
    bill = services.post(key="bill:1", kind="assessment", lines=BILL)
    rev = services.reverse(entry=bill, key="rev:bill:1", memo="wrong base")
    assert rev.reverses_id == bill.pk and rev.kind == "reversal:assessment"
    assert sorted(rev.lines.values_list("account__code", "debit_fen", "credit_fen")) == sorted(
        (code, c, d) for code, d, c in BILL)
    assert selectors.balance(RECV) == selectors.balance(FUND) == selectors.balance(PERS) == 0
    assert services.reverse(entry=bill, key="rev:bill:1", memo="wrong base").pk == rev.pk  # idempotent
    with pytest.raises(DomainError) as exc:
        services.reverse(entry=bill, key="rev:bill:1:again", memo="twice")
    assert exc.value.problems[0].code == "ledger.already_reversed"
    with pytest.raises(DomainError):
        services.reverse(entry=bill, key="rev:x", memo="")  # a correction states its reason
    assert JournalEntry.objects.count() == 2
    assert _failed(reconcile.run_all()) == {}


def test_reconcile_finds_a_planted_imbalance(operator, capsys):
    from laobao.cli import main

    bill = services.post(key="bill:1", kind="assessment", lines=BILL)
    services.reverse(entry=bill, key="rev:bill:1", memo="wrong base")
    assert main(["reconcile"]) == 0
    assert "OK   ledger.entries_balance: 2 checked, 0 difference(s)" in capsys.readouterr().out
    fund = Account.objects.get(code=FUND).pk
    _tamper(("INSERT INTO ledger_journalline (entry_id, account_id, debit_fen, credit_fen) VALUES (%s, %s, 0, 1)",
             [bill.pk, fund]))
    assert _failed(reconcile.run_all()) == {
        "ledger.entries_balance": 1, "ledger.total_debits_equal_credits": 1, "ledger.reversals_mirror": 1}
    assert main(["reconcile"]) == 1
    out = capsys.readouterr().out
    assert "FAIL ledger.entries_balance: 2 checked, 1 difference(s)" in out
    assert f"entry #{bill.pk}: debit 10000 != credit 10001 fen" in out


def test_reconcile_finds_an_entry_without_lines(operator):
    services.post(key="bill:1", kind="assessment", lines=BILL)
    _tamper(("INSERT INTO ledger_journalentry (idempotency_key, posted_at, kind, memo) "
             "VALUES ('empty', %s, 'manual', '')", ["2026-01-01T00:00:00+00:00"]))
    assert _failed(reconcile.run_all()) == {"ledger.entries_have_lines": 1}


def test_reconcile_registry_takes_new_checks(operator):
    @reconcile.check("test.always_wrong")
    def always_wrong():
        return reconcile.Result(1, ["planted"])

    try:
        assert _failed(reconcile.run_all()) == {"test.always_wrong": 1}
    finally:
        del reconcile.CHECKS["test.always_wrong"]


# --- the state machine -------------------------------------------------------------------------

CODES = [RECV, "receivable:employer:8:medical", FUND, "fund:medical", PERS, BANK, "credit:employer:7"]
amounts = st.integers(min_value=1, max_value=10**12)


@st.composite
def balanced_lines(draw):
    debits = draw(st.lists(st.tuples(st.sampled_from(CODES), amounts), min_size=1, max_size=3))
    total = sum(a for _, a in debits)
    split = draw(st.integers(min_value=0, max_value=total - 1))
    credits = [(draw(st.sampled_from(CODES)), total - split)] + ([(draw(st.sampled_from(CODES)), split)] if split else [])
    return [(c, a, 0) for c, a in debits] + [(c, 0, a) for c, a in credits]


class LedgerMachine(RuleBasedStateMachine):
    """Post, post again, post a conflicting duplicate, reverse; the journal must stay exact to the fen."""

    entries = Bundle("entries")

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()  # a savepoint per example: every example starts empty
        self._atomic.__enter__()
        self.net = {code: 0 for code in CODES}  # the model: Σdebit − Σcredit per account
        self.posted: dict[str, list] = {}
        self.reversed: set[int] = set()
        self.count = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _apply(self, lines):
        for code, d, c in lines:
            self.net[code] += d - c

    @rule(target=entries, lines=balanced_lines())
    def post(self, lines):
        key = f"k{self.count}"
        self.count += 1
        entry = services.post(key=key, kind="test", lines=lines)
        self.posted[key] = lines
        self._apply(lines)
        return entry

    @rule(entry=entries)
    def post_duplicate(self, entry):
        again = services.post(key=entry.idempotency_key, kind="test", lines=self.posted[entry.idempotency_key])
        assert again.pk == entry.pk

    @rule(entry=entries, extra=amounts)
    def post_conflicting_duplicate(self, entry, extra):
        lines = [(FUND, extra, 0), (BANK, 0, extra)]
        with pytest.raises(DomainError):
            services.post(key=entry.idempotency_key, kind="test", lines=lines)

    @rule(lines=balanced_lines(), off=st.integers(min_value=1, max_value=99))
    def post_unbalanced(self, lines, off):
        code, d, c = lines[0]
        with pytest.raises(DomainError):
            services.post(key="unbalanced", kind="test", lines=[(code, d + off, c), *lines[1:]])

    @rule(entry=entries)
    def reverse(self, entry):
        if entry.pk in self.reversed:
            with pytest.raises(DomainError):
                services.reverse(entry=entry, key=f"rev-again:{entry.pk}:{self.count}", memo="again")
            return
        services.reverse(entry=entry, key=f"rev:{entry.pk}", memo="correction")
        self.reversed.add(entry.pk)
        self._apply([(code, c, d) for code, d, c in self.posted[entry.idempotency_key]])

    @invariant()
    def journal_is_exact(self):
        assert _failed(reconcile.run_all()) == {}  # every entry balances, reversals mirror, …
        debits, credits = selectors.totals()
        assert debits == credits
        shown = selectors.balances("")  # one query: every account's balance on its normal side
        for code, net in self.net.items():
            assert shown.get(code, 0) == (-net if KINDS[code.split(":")[0]][0] == "credit" else net)
        assert JournalEntry.objects.filter(reverses__isnull=False).count() == len(self.reversed)
        assert JournalEntry.objects.count() == len(self.posted) + len(self.reversed)


def test_ledger_state_machine(operator):
    run_state_machine_as_test(
        LedgerMachine, settings=hsettings(max_examples=30, stateful_step_count=20, deadline=None))
