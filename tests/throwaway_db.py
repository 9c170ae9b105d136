"""A throwaway database for tests that run `laobao` in another process (browser, crash harnesses).

A temporary SQLite file, or a new database on the test PostgreSQL when DATABASE_URL points at one;
``drop()`` removes the PostgreSQL database again.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path


class ThrowawayDatabase:
    def __init__(self, tmp: Path, prefix: str = "laobao_scratch_"):
        base = os.environ.get("DATABASE_URL", "")
        self.pg = base.startswith("postgres")
        if self.pg:
            import psycopg

            self.name, self.admin = prefix + uuid.uuid4().hex[:8], base
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = base.rsplit("/", 1)[0] + "/" + self.name
        else:
            self.url = f"sqlite:///{tmp / (prefix + 'db.sqlite3')}"

    def all(self, sql: str) -> list:
        if self.pg:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql).fetchall()

    def one(self, sql: str):
        rows = self.all(sql)
        return rows[0] if rows else None

    def drop(self) -> None:
        if self.pg:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
