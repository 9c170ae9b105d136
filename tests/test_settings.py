"""Production settings come from the environment and pass Django's deployment checks with 0 warnings."""

import os
import secrets
import subprocess
import sys


def _check(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("LAOBAO_ENV", "SECRET_KEY", "DATABASE_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "laobao.settings", **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_passes_with_production_environment(tmp_path):
    result = _check({
        "LAOBAO_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "laobao.example.gov.cn", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _check({"LAOBAO_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_audit_retention_is_never_below_six_months(monkeypatch):
    import importlib

    import laobao.settings as s

    monkeypatch.setenv("LAOBAO_AUDIT_RETENTION_DAYS", "30")
    assert importlib.reload(s).LAOBAO_AUDIT_RETENTION_DAYS == 184
    monkeypatch.setenv("LAOBAO_AUDIT_RETENTION_DAYS", "400")
    assert importlib.reload(s).LAOBAO_AUDIT_RETENTION_DAYS == 400
    monkeypatch.delenv("LAOBAO_AUDIT_RETENTION_DAYS")
    importlib.reload(s)
