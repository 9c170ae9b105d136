"""Django settings for laobao.

Deployment configuration comes from environment variables only (never from files in the repo):

- ``LAOBAO_ENV``: ``production`` (default), ``demo`` (plain HTTP on loopback) or ``test``.
- ``SECRET_KEY``: required in production; demo and test derive a local one.
- ``DATABASE_URL``: e.g. ``postgres://user:pass@host:5432/laobao``; default SQLite under ``var/``.
- ``ALLOWED_HOSTS``: comma-separated host names (production).
- ``LAOBAO_VAR``: directory for the SQLite database, exports and reports (default ``./var``).
- ``LAOBAO_AUDIT_RETENTION_DAYS``: audit retention, never below 184 days (CSL Art. 21).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
ENV = os.environ.get("LAOBAO_ENV", "production")
VAR_DIR = Path(os.environ.get("LAOBAO_VAR", Path.cwd() / "var")).resolve()
PRODUCTION = ENV == "production"

if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to 50+ random characters in production "
            "(or set LAOBAO_ENV=demo for a local demonstration)"
        )
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or f"laobao-{ENV}-only-key-" + "x" * 40

DEBUG = os.environ.get("LAOBAO_DEBUG") == "1" and not PRODUCTION
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h] or (
    [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "laobao.core",
    "laobao.registry",
    "laobao.policy",
    "laobao.ledger",
    "laobao.insurance",
    "laobao.benefits",
    "laobao.employment",
    "laobao.training",
    "laobao.kpi",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "laobao.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "laobao.core.middleware.BureauLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "laobao.core.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "laobao.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "laobao.urls"
WSGI_APPLICATION = "laobao.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'laobao.sqlite3'}"
if "DATABASE_URL" not in os.environ and ENV != "test":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives here: a fresh machine has no var/
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # One writer at a time, taken at BEGIN: no lock-upgrade "database is locked" mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
elif ENV == "test":
    # A runaway query plan fails the test after five minutes instead of stalling the suite.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c statement_timeout=300000"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the chosen UI language persists across browser restarts
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the back office's CSS/JS, served locally
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if ENV == "test"
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = ENV == "test"

# Sessions: idle timeout 30 minutes (every request renews), absolute lifetime 12 hours
# (SessionLifetimeMiddleware). MLPS 8.1.4.1 b; ASVS 4 V3.3.2.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LAOBAO_SESSION_ABSOLUTE_SECONDS = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Login lock: 5 failures within 15 minutes lock the account for 30 minutes (security.md A1).
LAOBAO_LOGIN_MAX_FAILURES = 5
LAOBAO_LOGIN_WINDOW_SECONDS = 15 * 60
LAOBAO_LOGIN_LOCK_SECONDS = 30 * 60

# The audit chain's HMAC key (ADR 0003). Set it on its own so SECRET_KEY can be rotated without
# re-keying the audit log; by default it is derived from SECRET_KEY.
LAOBAO_AUDIT_KEY = os.environ.get("LAOBAO_AUDIT_KEY") or hashlib.sha256(
    b"laobao-audit-chain:" + SECRET_KEY.encode()
).hexdigest()
LAOBAO_AUDIT_RETENTION_DAYS = max(184, int(os.environ.get("LAOBAO_AUDIT_RETENTION_DAYS", "365")))
LAOBAO_EXPORT_MAX_ROWS = int(os.environ.get("LAOBAO_EXPORT_MAX_ROWS", "200000"))

HTTPS = PRODUCTION and os.environ.get("LAOBAO_HTTPS", "1") == "1"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
