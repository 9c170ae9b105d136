"""Back-office pages of the core app: login, logout, home and the audit log viewer.

It also holds the plumbing every back-office view shares: :func:`staff_view` (log-in required,
self-service roles and users without a region refused, ``NotFound`` → 404, ``Forbidden`` → 403),
:func:`page` (renders with the header's context) and :func:`add_problems` (a ``DomainError``
shown as form errors in the active language). Views stay thin: parse input, call a selector or a
service, render.
"""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from . import scoping, selectors, services
from .errors import DomainError, Forbidden, NotFound
from .forms import AuditFilterForm, LoginForm
from .middleware import bind_actor, client_ip

#: The one answer to every refused login: it never tells whether the account exists or is locked.
LOGIN_ERROR = _("用户名或密码错误，或账户已被锁定")
AUDIT_PAGE_SIZE = 50


# --- shared plumbing --------------------------------------------------------------------------

def guarded_view(admits):
    """A view guard: log-in required, ``admits(user)`` or 403, NotFound → 404, Forbidden → 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if scoping.region_prefix(user) is None or not admits(user):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404 from None
            except Forbidden:
                raise PermissionDenied from None

        return wrapper

    return decorator


#: Guard a back-office view: staff bound to a region in force, never the self-service roles.
staff_view = guarded_view(lambda user: user.role not in scoping.SELF_SCOPED)


def require(allowed: bool) -> None:
    """Refuse the page (403) when the role does not allow it at all."""
    if not allowed:
        raise PermissionDenied


def region_label(region) -> str:
    """The region's name in the active language (the Chinese name when no English one is known)."""
    if region is None:
        return ""
    if (get_language() or "").startswith("en") and region.name_en:
        return region.name_en
    return region.name


def nav_for(user) -> dict[str, bool]:
    """Which links the header shows: only pages the role may open."""
    return {
        "persons": scoping.can_read(user, "person"),
        "employers": scoping.can_read(user, "employer"),
        "regions": scoping.can_read(user, "region"),
        "conflicts": scoping.can_read(user, "conflict"),
        "audit": scoping.can(user, "audit.read"),
        "indicators": scoping.can_read(user, "indicator"),
        "write": scoping.can(user, "registry.write"),
        "reveal": scoping.can(user, "person.reveal_id"),
        "resolve": scoping.can(user, "conflict.resolve"),
        "import": scoping.can(user, "registry.import"),
        "export": scoping.can(user, "registry.export"),
        "benefits": scoping.can(user, "benefit.write"),
    }


def page(request, template: str, context: dict | None = None, *, status: int = 200):
    """Render a back-office page with the header's context (navigation, who am I)."""
    user = request.user
    ctx = {
        "nav": nav_for(user),
        "me_role": user.get_role_display(),
        "me_region": region_label(user.region),
        "me_region_code": user.region.code if user.region_id else "",
    }
    ctx.update(context or {})
    return render(request, template, ctx, status=status)


def add_problems(form, exc: DomainError) -> None:
    """Show a service's bilingual problems on the form, each on its field when the form has it."""
    lang = get_language() or settings.LANGUAGE_CODE
    for problem in exc.problems:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, problem.text(lang))


# --- login and logout -------------------------------------------------------------------------

def _safe_next(request, url: str) -> str:
    ok = url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure())
    return url if ok else resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def login_view(request):
    """Log in; five failures in the window lock the account, and every refusal reads the same."""
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        # Always run the password hasher, so a locked or unknown account answers just as slowly.
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None or services.login_locked(username):
            services.login_failed(username=username, ip=client_ip(request))
            form.add_error(None, LOGIN_ERROR)
        else:
            login(request, user)  # cycles the session key
            request.session["laobao_login_at"] = int(time.time())
            bind_actor(request)
            services.login_succeeded(user=user)
            return redirect(_safe_next(request, next_url))
    return render(request, "core/login.html", {"form": form, "next": next_url}, status=400 if form.errors else 200)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


# --- pages ------------------------------------------------------------------------------------

@staff_view
def home(request):
    return page(request, "core/home.html")


@staff_view
def audit_log(request):
    """The audit log for auditors: filtered, paginated, scoped to the auditor's subtree."""
    require(scoping.can(request.user, "audit.read"))
    form = AuditFilterForm(request.GET or None)
    rows = selectors.audit_visible(request.user)
    if form.is_bound and form.is_valid():
        rows = form.filter(rows)
    rows_page = Paginator(rows.order_by("-seq"), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return page(request, "core/audit_log.html", {"form": form, "page_obj": rows_page})
