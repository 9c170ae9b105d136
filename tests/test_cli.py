"""The `laobao` command: validation exit codes, user administration, a fresh install without default accounts."""

import io

import pytest

from laobao.cli import main
from laobao.core.models import AuditEvent, User


@pytest.mark.parametrize("args,code,out", [
    (["validate", "id", "11010519491231002x"], 0, "11010519491231002X"),
    (["validate", "id", "130503670401001"], 0, "130503196704010016"),
    (["validate", "id", "110105194912310021"], 1, "GB 11643"),
    (["validate", "credit-code", "91350100M000100Y43"], 0, "91350100M000100Y43"),
    (["validate", "credit-code", "91350100M000100Y44"], 1, "GB 32100"),
])
def test_validate(args, code, out, capsys):
    assert main(args) == code
    captured = capsys.readouterr()
    assert out in (captured.out if code == 0 else captured.err)


def test_fresh_install_has_no_accounts(city):
    assert not User.objects.exists()  # no admin/root/test: the operator creates the first users


def test_users_add_with_password_from_stdin(city, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-passphrase\n"))
    assert main(["users", "add", "zhang_gusu", "--role", "district_officer", "--region", "320508"]) == 0
    user = User.objects.get(username="zhang_gusu")
    assert user.check_password("a-long-enough-passphrase") and user.region.code == "320508"
    assert "a-long-enough-passphrase" not in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="user.add", object_id=str(user.pk)).exists()


def test_users_add_generates_and_prints_the_password_once(city, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["users", "add", "li_city", "--role", "city_officer", "--region", "320500"]) == 0
    out = capsys.readouterr().out
    password = out.split("password (shown once): ")[1].strip()
    assert User.objects.get(username="li_city").check_password(password)


@pytest.mark.parametrize("args,needle", [
    (["--role", "wizard", "--region", "320500"], "wizard"),
    (["--role", "city_officer", "--region", "320502"], "320502"),  # 沧浪区 no longer exists
])
def test_users_add_refuses_bad_input(city, monkeypatch, capsys, args, needle):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-passphrase\n"))
    assert main(["users", "add", "someone", *args]) == 1
    assert needle in capsys.readouterr().err
    assert not User.objects.filter(username="someone").exists()


def test_weak_password_refused(city, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("12345678\n"))
    assert main(["users", "add", "weak", "--role", "city_officer", "--region", "320500"]) == 1
    assert "12" in capsys.readouterr().err


def test_token_is_shown_once_and_stored_hashed(city, make_user, capsys):
    from laobao.core.models import ApiToken
    from laobao.core.services import token_user

    user = make_user("city_officer", city["city"])
    assert main(["users", "token", user.username]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("lb_") and token_user(token) == user
    assert not ApiToken.objects.filter(digest=token).exists() and token not in str(list(ApiToken.objects.values()))


def test_unknown_command(capsys):
    assert main(["frobnicate"]) == 2
