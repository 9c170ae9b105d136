"""The audit chain: tampering is detected; a failing audit write rolls the business write back."""

from unittest import mock

import pytest
from django.db import connection

from laobao.core import audit
from laobao.core.context import acting_as
from laobao.core.models import AuditEvent
from laobao.registry.models import Person


def _tamper(sql: str, params=(), *more: tuple[str, list]):
    """Change the table behind the application's back, as an attacker with database access would."""
    statements = [(sql, params), *more]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
            for text, args in statements:
                cur.execute(text, args)
            cur.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
        else:
            cur.execute("DROP TRIGGER core_auditevent_no_update")
            cur.execute("DROP TRIGGER core_auditevent_no_delete")
            for text, args in statements:
                cur.execute(text, args)


@pytest.fixture
def chain(db):
    with acting_as(None, username="tester"):
        for i in range(5):
            audit.record("test.event", object_type="thing", object_id=i, after={"n": i})
    assert audit.verify() == (5, [])


def test_intact_chain_verifies(chain):
    checked, breaks = audit.verify()
    assert checked == 5 and breaks == []


def test_modified_row_is_detected(chain):
    _tamper("UPDATE core_auditevent SET action = 'test.other' WHERE seq = 3")
    _, breaks = audit.verify()
    assert [b.seq for b in breaks] == [3]
    assert "modified" in breaks[0].problem


def test_deleted_row_is_detected(chain):
    _tamper("DELETE FROM core_auditevent WHERE seq = 2")
    _, breaks = audit.verify()
    assert breaks and breaks[0].seq == 3


def test_reordered_rows_are_detected(chain):
    # Swap the contents of rows 2 and 4 while keeping their sequence numbers.
    _tamper(
        "UPDATE core_auditevent SET object_id = CASE seq WHEN 2 THEN '3' WHEN 4 THEN '1' END WHERE seq IN (2, 4)"
    )
    _, breaks = audit.verify()
    assert {b.seq for b in breaks} >= {2, 4}


def test_database_refuses_update_and_delete(chain):
    from django.db import DatabaseError, transaction

    for sql in ("UPDATE core_auditevent SET action = 'x'", "DELETE FROM core_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEvent.objects.count() == 5


def test_failing_audit_write_rolls_back_the_business_write(city, make_person):
    before = Person.objects.count()
    with mock.patch.object(AuditEvent, "save", side_effect=RuntimeError("audit store down")):
        with pytest.raises(RuntimeError):
            make_person(city["c11"], name="李娜")
    assert Person.objects.count() == before


def test_cli_verify_reports_breaks(chain, capsys):
    from laobao.cli import main

    assert main(["audit", "verify"]) == 0
    _tamper("UPDATE core_auditevent SET reason = 'hidden' WHERE seq = 1")
    assert main(["audit", "verify"]) == 1


def test_tail_deletion_is_caught_with_an_anchor(chain):
    anchor = audit.head()
    assert anchor[0] == 5 and audit.verify(anchor=anchor) == (5, [])
    _tamper("DELETE FROM core_auditevent WHERE seq >= 4")
    assert audit.verify()[1] == []  # a shorter chain is still a valid chain on its own...
    _, breaks = audit.verify(anchor=anchor)
    assert breaks and "deleted" in breaks[0].problem  # ...but not against the head kept elsewhere


def test_a_chain_rebuilt_without_the_key_does_not_verify(chain):
    import hashlib

    row = AuditEvent.objects.get(seq=1)
    content = audit._content(row)
    content["action"] = "test.forged"
    forged = hashlib.sha256(row.prev_hash.encode() + audit._canonical(content)).hexdigest()
    _tamper("UPDATE core_auditevent SET action = 'test.forged', hash = %s WHERE seq = 1", [forged])
    _, breaks = audit.verify()
    assert any(b.seq == 1 and "modified" in b.problem for b in breaks)


def test_whole_rows_swapped_are_detected(chain):
    a, b = (AuditEvent.objects.filter(seq=s).values().get() for s in (2, 4))
    cols = ["at", "action", "object_id", "after", "prev_hash", "hash"]
    sql = "UPDATE core_auditevent SET " + ", ".join(f"{c} = %s" for c in cols) + " WHERE seq = %s"
    import json

    def vals(row, seq):
        return [json.dumps(row[c]) if c == "after" else row[c] for c in cols] + [seq]

    _tamper(sql, vals(b, 2), (sql, vals(a, 4)))
    _, breaks = audit.verify()
    assert {x.seq for x in breaks} & {2, 3, 4}


def test_snapshots_survive_the_json_round_trip(db):
    from datetime import date

    with acting_as(None):
        audit.record("test.json", after={2: "two", 10: "ten", "day": date(2010, 1, 1), "nested": {"b": [1, 2]}})
    assert audit.verify() == (1, [])
    assert AuditEvent.objects.get().after["day"] == "2010-01-01"


def test_float_snapshots_are_refused(db):
    with acting_as(None), pytest.raises(TypeError):
        audit.record("test.float", after={"amount": 1e16})
    assert not AuditEvent.objects.exists()
