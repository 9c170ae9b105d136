"""Shared schema pieces: bounded ids, pagination, the error body (for the OpenAPI document)."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError

MAX_PK = 2**63 - 1  # a bigger id would overflow the database integer: refused as input, not a 500


def _printable(value: str) -> str:
    """No NUL or other control characters (PostgreSQL refuses NUL; none belongs in any field)."""
    if any(ord(c) < 32 and c not in "\t\n\r" or c == "\x7f" for c in value):
        raise PydanticCustomError("control_character", "Control characters (such as NUL) are not allowed")
    return value


def Text(max_length: int, min_length: int = 0):  # noqa: N802 - reads like a type in annotations
    """A string input of bounded length without control characters."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_printable)]


Pk = Annotated[int, Field(ge=1, le=MAX_PK)]
Code = Text(32, min_length=1)
MAX_LIMIT = 200
MAX_OFFSET = 10_000_000


class Input(Schema):
    """Base of every request body: unknown fields are refused (no mass assignment)."""

    model_config = ConfigDict(extra="forbid")


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ProblemOut(Schema):
    field: str
    code: str
    zh: str
    en: str


class ErrorOut(Schema):
    detail: list[ProblemOut]


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def page(rows, params: PageParams, out) -> dict:
    """One page of a queryset or list: ``{"count", "limit", "offset", "items"}``."""
    count = len(rows) if isinstance(rows, list) else rows.count()
    items = rows[params.offset: params.offset + params.limit]
    return {"count": count, "limit": params.limit, "offset": params.offset, "items": [out(r) for r in items]}
