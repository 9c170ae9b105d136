"""Who is calling: a Django session (CSRF enforced on unsafe methods) or a bearer token ``lb_…``.

A token of a revoked, expired, inactive or currently locked account is refused (401). Either way
the authenticated user becomes the actor of the request's audit rows.
"""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from laobao.core.context import Actor, current_actor, set_actor
from laobao.core.middleware import client_ip
from laobao.core.services import token_user

TOKEN_PREFIX = "lb_"
MAX_TOKEN_LENGTH = 200


def _bind(request, user) -> None:
    rid = getattr(request, "request_id", "") or current_actor().request_id
    set_actor(Actor(user_id=user.pk, username=user.username, request_id=rid, ip=client_ip(request)))


class TokenAuth(HttpBearer):
    """``Authorization: Bearer lb_…`` (issued by ``laobao users token``; only its digest is stored)."""

    def authenticate(self, request, token: str):
        if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
            return None
        user = token_user(token)
        if user is None:
            return None
        request.user = user  # so the no-store middleware and the views see the caller
        _bind(request, user)
        return user


class SessionUserAuth(SessionAuth):
    """The back-office login session; ninja checks the CSRF token for unsafe methods.

    A request without a session cookie is simply not authenticated (401), not a CSRF failure (403).
    """

    def _get_key(self, request):
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.is_active:
            _bind(request, user)
            return user
        return None


AUTH = [TokenAuth(), SessionUserAuth()]
