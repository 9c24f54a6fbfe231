"""The command line: init with the first-admin link, create-user for automation."""

import re

import pyotp
import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import User


@pytest.mark.unmigrated
def test_init_prints_a_one_time_first_admin_link_that_works_once(runner, client, post_form):
    result = runner.invoke(args=["forum", "init", "--url", "http://localhost"])
    assert result.exit_code == 0, result.output
    path = re.search(r"http://localhost(/setup/\S+)", result.output).group(1)
    assert client.get("/setup/not-the-token").status_code == 404
    response = post_form(
        path, {"email": "admin@example.org", "password": "la maison de santé du bourg", "pseudonym": "Admin"}
    )
    assert response.headers["Location"].endswith("/account/2fa")
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    assert admin.status == "verified"
    assert client.get(path).status_code == 404
    again = runner.invoke(args=["forum", "init"])
    assert "/setup/" not in again.output


def test_create_user_makes_a_verified_account_with_totp(runner):
    secret = pyotp.random_base32()
    result = runner.invoke(
        args=[
            "forum",
            "create-user",
            "--email",
            "Mod@Example.org",
            "--password",
            "une modératrice attentive",
            "--role",
            "moderator",
            "--pseudonym",
            "Modo",
            "--totp-secret",
            secret,
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.role, user.status, user.totp_secret) == (
        "mod@example.org",
        "moderator",
        "verified",
        secret,
    )


@pytest.mark.parametrize(
    "args,message",
    [
        (["--password", "short"], "12"),
        (["--email", "nope"], "e-mail"),
        (["--totp-secret", "not base32!"], "base32"),
        (["--pseudonym", "a\u200bb\u200bc"], "invisible"),
    ],
)
def test_create_user_refuses_bad_options_clearly_and_stores_nothing(runner, args, message):
    base = {"--email": "a@example.org", "--password": "une phrase assez longue", "--pseudonym": "Quelqu'un"}
    options = dict(zip(args[::2], args[1::2], strict=True))
    argv = ["forum", "create-user", "--role", "member"]
    for key, value in {**base, **options}.items():
        argv += [key, value]
    result = runner.invoke(args=argv)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_create_user_refuses_an_unknown_role(runner):
    result = runner.invoke(
        args=[
            "forum",
            "create-user",
            "--email",
            "a@example.org",
            "--password",
            "une phrase assez longue",
            "--pseudonym",
            "Quelqu'un",
            "--role",
            "king",
        ]
    )
    assert result.exit_code == 2 and "king" in result.output
