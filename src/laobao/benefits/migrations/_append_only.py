"""Append-only triggers for benefits tables (the same shape as insurance 0003 and ledger 0002).

A module whose name starts with "_" is not a migration; the migrations import it. PostgreSQL: one trigger
function ``benefits_append_only()`` (created in 0001) and a row trigger per table; SQLite: RAISE(ABORT)
triggers on UPDATE and DELETE. Table names come from the migrations' constants, never from input.
"""

from __future__ import annotations

from django.db import migrations

FUNCTION = """CREATE FUNCTION benefits_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN RAISE EXCEPTION '% is append-only: add a new row instead', TG_TABLE_NAME
         USING ERRCODE = 'integrity_constraint_violation'; END; $$;"""


def statements(vendor: str, tables: tuple[str, ...], *, drop: bool, function: bool = False) -> list[str]:
    if vendor == "postgresql":
        if drop:
            return ([f"DROP TRIGGER {t}_no_change ON {t};" for t in tables]
                    + (["DROP FUNCTION benefits_append_only();"] if function else []))
        return ([FUNCTION] if function else []) + [
            f"""CREATE TRIGGER {t}_no_change BEFORE UPDATE OR DELETE ON {t}
                FOR EACH ROW EXECUTE FUNCTION benefits_append_only();""" for t in tables]
    if drop:
        return [f"DROP TRIGGER {t}_no_{w};" for t in tables for w in ("update", "delete")]
    return [f"""CREATE TRIGGER {t}_no_{w} BEFORE {w.upper()} ON {t}
                BEGIN SELECT RAISE(ABORT, '{t} is append-only: add a new row instead'); END;"""
            for t in tables for w in ("update", "delete")]


def run(schema_editor, tables: tuple[str, ...], *, drop: bool, function: bool = False) -> None:
    for sql in statements(schema_editor.connection.vendor, tables, drop=drop, function=function):
        schema_editor.execute(sql, params=None)


def operation(tables: tuple[str, ...]) -> migrations.RunPython:
    """The migration step that makes ``tables`` append-only (and undoes it backwards)."""
    return migrations.RunPython(lambda apps, editor: run(editor, tables, drop=False),
                                lambda apps, editor: run(editor, tables, drop=True))
