"""Constant read queries that run on every page view, prepared once per connection on PostgreSQL.

Django's psycopg cursors bind parameters on the client, so PostgreSQL parses and plans such a query on every
call (about 0.6 ms for the contribution record's two queries). ``fetchall`` sends them through a
server-binding cursor on the same connection and transaction with ``prepare=True``: psycopg prepares the
statement on first use and reuses it afterwards. Only for fixed SQL text from code with plain parameters (the
statement cache is per connection and keyed by the text). Other databases: Django's cursor, unchanged.
A server-side pooler in transaction mode would need prepared statements turned off; laobao connects directly.
"""

from __future__ import annotations

from django.db import connection


def fetchall(sql: str, params: list) -> list[tuple]:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()
