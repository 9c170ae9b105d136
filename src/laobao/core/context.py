"""Who is acting, from where, in which request: set by the middleware, the API auth and the CLI."""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    request_id: str
    ip: str = ""


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("laobao_actor", default=None)


def current_actor() -> Actor:
    actor = _current.get()
    return actor or Actor(user_id=None, username="system", request_id=new_request_id())


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def acting_as(user=None, *, username: str | None = None, request_id: str | None = None, ip: str = ""):
    """Run a block as ``user`` (a User, or None for the system/CLI operator)."""
    actor = Actor(
        user_id=getattr(user, "pk", None),
        username=username or getattr(user, "username", None) or "system",
        request_id=request_id or new_request_id(),
        ip=ip,
    )
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def set_actor(actor: Actor | None):
    return _current.set(actor)


def reset_actor(token) -> None:
    _current.reset(token)
