"""Request plumbing: request ids, the acting user, session lifetime, no-store for personal data."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

from .context import Actor, new_request_id, reset_actor, set_actor


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")[:45]


class RequestIdMiddleware:
    """Give every request an id (echoed in ``X-Request-ID`` and written in every audit row)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id()
        token = set_actor(Actor(user_id=None, username="anonymous", request_id=request.request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            reset_actor(token)
        response["X-Request-ID"] = request.request_id
        return response


def bind_actor(request) -> None:
    """Make the authenticated user the actor of this request's audit rows."""
    user = request.user
    set_actor(Actor(user_id=user.pk, username=user.username, request_id=request.request_id, ip=client_ip(request)))


class SessionLifetimeMiddleware:
    """Idle timeout comes from SESSION_COOKIE_AGE; this adds the absolute 12-hour lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault("laobao_login_at", int(time.time()))
            if time.time() - started > settings.LAOBAO_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
            bind_actor(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages with personal data must not be kept by browsers or proxies (security.md E5)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class BureauLanguageMiddleware:
    """The interface is in Chinese until the user picks English (the language cookie), whatever the
    browser's Accept-Language says: a bureau's default is its own language, not the browser vendor's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
