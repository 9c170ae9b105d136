"""Writes of the core app: regions reference data, users and tokens, login failures. All audited."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import audit
from .errors import DomainError
from .models import ApiToken, LoginFailure, Region, Role, User

REGIONS_FILE = Path(__file__).parent / "data" / "regions_suzhou.json"


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@transaction.atomic
def regions_sync(*, nodes: list[dict] | None = None) -> tuple[int, int]:
    """Load the region tree (parents before children); insert new nodes, update changed ones.

    Idempotent: running it again with the same data changes nothing. Returns (created, updated).
    """
    if nodes is None:
        nodes = json.loads(REGIONS_FILE.read_text(encoding="utf-8"))["nodes"]
    existing = {r.code: r for r in Region.objects.all()}
    created = updated = 0
    for node in nodes:
        parent = existing.get(node["parent"]) if node.get("parent") else None
        values = {
            "name": node["name"],
            "name_en": node.get("name_en", ""),
            "level": node["level"],
            "kind": node.get("kind", ""),
            "parent": parent,
            "path": (parent.path if parent else "/") + node["code"] + "/",
            "valid_from": _d(node.get("valid_from")),
            "valid_to": _d(node.get("valid_to")),
            "source": (node.get("source") or "")[:200],
        }
        region = existing.get(node["code"])
        if region is None:
            region = Region.objects.create(code=node["code"], **values)
            existing[region.code] = region
            created += 1
        elif any(getattr(region, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(region, k, v)
            region.save()
            updated += 1
    for node in nodes:
        if node.get("successor"):
            Region.objects.filter(code=node["code"]).update(successor=existing[node["successor"]])
    if created or updated:
        audit.record("region.sync", object_type="region", region_path=_root_path(), after={"created": created, "updated": updated})
    return created, updated


def _root_path() -> str:
    root = Region.objects.filter(parent__isnull=True).order_by("code").first()
    return root.path if root else ""


def generate_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def user_add(*, username: str, role: str, region_code: str, password: str | None = None) -> tuple[User, str]:
    """Create a user bound to one region node. Returns the user and the password (generated if not given)."""
    if role not in Role.values:
        raise DomainError.of(
            "role", "user.role",
            f"角色“{role}”不存在：请从以下角色中选择：{', '.join(Role.values)}",
            f"Role '{role}' does not exist: choose one of {', '.join(Role.values)}",
        )
    region = Region.objects.filter(code=region_code).first()
    if region is None or not region.is_current():
        raise DomainError.of(
            "region", "user.region",
            f"区划代码“{region_code}”不存在或已撤销：请使用现行区划代码（如 320508）",
            f"Region code '{region_code}' does not exist or is no longer in force: use a current code such as 320508",
        )
    if User.objects.filter(username=username).exists():
        raise DomainError.of(
            "username", "user.exists",
            f"用户名“{username}”已被使用：请换一个用户名", f"Username '{username}' is taken: choose another",
        )
    password = password or generate_password()
    user = User(username=username, role=role, region=region)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError.of(
            "password", "user.password",
            "密码不符合要求：至少12位，不能是常见密码或纯数字。" + " ".join(exc.messages),
            "Password rejected: at least 12 characters, not a common or all-digit password. " + " ".join(exc.messages),
        ) from exc
    user.set_password(password)
    user.save()
    audit.record("user.add", object_type="user", object_id=user.pk, region_path=region.path,
                 after={"username": username, "role": role, "region": region_code})
    return user, password


@transaction.atomic
def token_create(*, user: User, name: str = "api", days: int = 90) -> str:
    """Create an API token for ``user``; the plain token is returned once and never stored."""
    token = "lb_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, name=name, digest=hashlib.sha256(token.encode()).hexdigest(), prefix=token[:8],
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record("token.create", object_type="user", object_id=user.pk,
                 region_path=user.region.path if user.region_id else "", after={"name": name, "days": days})
    return token


def token_user(token: str) -> User | None:
    """The user behind a bearer token, or None if the token is unknown, revoked or expired, or the
    account is inactive or locked."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = ApiToken.objects.select_related("user").filter(digest=digest, revoked_at__isnull=True).first()
    now = timezone.now()
    if row is None or (row.expires_at and row.expires_at < now) or not row.user.is_active:
        return None
    if row.user.locked_until and row.user.locked_until > now:
        return None
    return row.user


def login_locked(username: str) -> bool:
    user = User.objects.filter(username=username).only("locked_until").first()
    return bool(user and user.locked_until and user.locked_until > timezone.now())


@transaction.atomic
def login_failed(*, username: str, ip: str = "") -> bool:
    """Count a failed login; lock the account after too many. Returns True if the account is now locked."""
    now = timezone.now()
    LoginFailure.objects.create(username=username[:150], at=now, ip=ip or None)
    window = now - timedelta(seconds=settings.LAOBAO_LOGIN_WINDOW_SECONDS)
    failures = LoginFailure.objects.filter(username=username, at__gte=window).count()
    user = User.objects.filter(username=username).first()
    path = user.region.path if user and user.region_id else _root_path()
    audit.record("auth.login_failed", object_type="user", object_id=user.pk if user else "", region_path=path,
                 success=False, after={"username": username[:150], "failures": failures})
    if user and failures >= settings.LAOBAO_LOGIN_MAX_FAILURES:
        user.locked_until = now + timedelta(seconds=settings.LAOBAO_LOGIN_LOCK_SECONDS)
        user.save(update_fields=["locked_until"])
        audit.record("auth.locked", object_type="user", object_id=user.pk, region_path=path, success=False,
                     after={"locked_until": user.locked_until.isoformat()})
        return True
    return False


@transaction.atomic
def login_succeeded(*, user: User) -> None:
    LoginFailure.objects.filter(username=user.username).delete()
    audit.record("auth.login", object_type="user", object_id=user.pk,
                 region_path=user.region.path if user.region_id else "")


@transaction.atomic
def user_unlock(*, user: User) -> None:
    user.locked_until = None
    user.save(update_fields=["locked_until"])
    LoginFailure.objects.filter(username=user.username).delete()
    audit.record("auth.unlock", object_type="user", object_id=user.pk,
                 region_path=user.region.path if user.region_id else "")
