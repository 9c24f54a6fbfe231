"""Log-in, two-factor, sessions that end, rate limits that do not reveal accounts."""

import pyotp
import pytest
from argon2 import PasswordHasher

from forum.extensions import db
from forum.models import User
from tests.conftest import PASSWORD, redis_url


def test_a_member_logs_in_and_reaches_the_home_page(client, make_user, login):
    user = make_user()
    response = login(user)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user, post_form):
    user = make_user()
    english = {"Accept-Language": "en"}
    wrong = post_form("/login", {"email": user.email, "password": "not the right one"}, headers=english)
    unknown = post_form("/login", {"email": "nobody@example.org", "password": "not the right one"}, headers=english)
    assert wrong.status_code == unknown.status_code == 422
    message = "E-mail or password is incorrect."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


@pytest.mark.parametrize("status", ["rejected", "suspended"])
def test_closed_accounts_cannot_log_in(client, make_user, login, status):
    user = make_user(status=status)
    login(user)
    assert client.get("/account").status_code == 302


def test_closing_an_account_ends_its_open_sessions_at_once(client, make_user, login):
    user = make_user()
    login(user)
    assert client.get("/account").status_code == 200
    user.status = "suspended"
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_an_older_hash_is_upgraded_at_the_next_login(client, make_user, login, app):
    user = make_user()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, hash_len=16).hash(PASSWORD)
    db.session.commit()
    old = user.password_hash
    app.config["ARGON2_TIME_COST"] = 2
    login(user)
    db.session.refresh(user)
    assert user.password_hash != old and "t=2" in user.password_hash


def test_login_redirects_only_inside_the_site(client, make_user, post_form):
    user = make_user()
    response = post_form(
        "/login?next=https://evil.example/x", {"email": user.email, "password": PASSWORD}, page="/login"
    )
    assert response.headers["Location"] == "/"


def test_two_factor_account_needs_the_code_and_a_code_works_once(client, make_user, post_form):
    user = make_user(role="moderator", totp=True)
    response = post_form("/login", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/code")
    assert client.get("/account").status_code == 302  # not logged in before the code
    code = pyotp.TOTP(user.totp_secret).now()
    assert post_form("/login/code", {"code": code}).status_code == 302
    assert client.get("/account").status_code == 200
    client.post("/logout", data={})  # refused without CSRF: still logged in
    assert client.get("/account").status_code == 200
    post_form("/logout", {})
    post_form("/login", {"email": user.email, "password": PASSWORD})
    replay = post_form("/login/code", {"code": code})
    assert replay.status_code == 422
    assert client.get("/account").status_code == 302


def test_a_recovery_code_works_once(client, make_user, post_form):
    from forum.accounts.twofactor import issue_recovery_codes

    user = make_user(role="moderator", totp=True)
    codes = issue_recovery_codes(user)
    db.session.commit()
    post_form("/login", {"email": user.email, "password": PASSWORD})
    assert post_form("/login/code", {"code": codes[0].upper()}).status_code == 302
    post_form("/logout", {})
    post_form("/login", {"email": user.email, "password": PASSWORD})
    assert post_form("/login/code", {"code": codes[0]}).status_code == 422


def test_enrolment_turns_on_two_factor_and_shows_recovery_codes(client, make_user, login, post_form):
    user = make_user(role="moderator")
    login(user)
    assert client.get("/moderation/").headers["Location"].endswith("/account/2fa")
    page = client.get("/account/2fa").get_data(as_text=True)
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    assert post_form("/account/2fa", {"code": "000000"}).status_code == 422
    response = post_form("/account/2fa", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and response.get_data(as_text=True).count("<li>") >= 10
    db.session.refresh(user)
    assert user.totp_secret == secret and len(user.recovery_codes) == 10
    assert all(len(code.code_hash) == 64 for code in user.recovery_codes)
    assert client.get("/moderation/").status_code == 200


@pytest.mark.app_config(RATELIMIT_ENABLED=True)
def test_repeated_failures_slow_down_whether_or_not_the_account_exists(client, make_user, post_form):
    user = make_user()
    assert_login_slows_down(user, post_form)


@pytest.mark.app_config(RATELIMIT_ENABLED=True, REDIS_URL=redis_url(0))
def test_with_redis_the_counters_live_in_redis(client, make_user, post_form):
    import redis

    from forum.extensions import limiter

    limiter.reset()
    user = make_user()
    assert_login_slows_down(user, post_form)
    keys = redis.Redis.from_url(redis_url(0)).keys("*")
    assert any(b"email:" in key for key in keys)
    limiter.reset()


def assert_login_slows_down(user, post_form):
    """Five failures pass, the sixth is refused with 429, for a real or an unknown address."""
    for email in (user.email, "ghost@example.org"):
        statuses = [post_form("/login", {"email": email, "password": "wrong password!"}).status_code for _ in range(6)]
        assert statuses[:5] == [422] * 5 and statuses[5] == 429


def test_the_language_switcher_sets_the_language(client, post_form, make_user, login):
    post_form("/locale", {"locale": "en", "next": "/charter"}, page="/charter")
    assert '<html lang="en">' in client.get("/charter", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    user = make_user()
    login(user)
    post_form("/locale", {"locale": "fr", "next": "/"}, page="/account")
    db.session.refresh(user)
    assert user.locale == "fr"
    assert db.session.get(User, user.id).locale == "fr"
