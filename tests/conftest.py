"""Shared fixtures: a fresh app on a temporary instance folder (real SQLite file) per test."""

import itertools
import re

import pyotp
import pytest
from flask.testing import FlaskClient

from forum import create_app
from forum.accounts.passwords import hash_password
from forum.accounts.pseudonyms import pseudonym_key
from forum.extensions import db
from forum.models import User

PASSWORD = "correct horse battery staple"
FAST_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}
_sequence = itertools.count(1)


class RequestIsolatingClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    The fixture keeps an app context open for the test's own database work;
    without this, requests would reuse it and share `g` and the SQLAlchemy
    session with the test and with each other.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(request, tmp_path, monkeypatch):
    """An application whose instance folder, database and uploads live in tmp_path.

    `@pytest.mark.app_config(KEY=value)` adds settings for one test;
    `@pytest.mark.unmigrated` leaves the database empty, for tests that migrate it.
    """
    monkeypatch.setenv("FORUM_INSTANCE", str(tmp_path / "instance"))
    marker = request.node.get_closest_marker("app_config")
    settings = {"TESTING": True, "RATELIMIT_ENABLED": False, **FAST_ARGON2, **(marker.kwargs if marker else {})}
    app = create_app(settings)
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        if not request.node.get_closest_marker("unmigrated"):
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the app's command line."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Factory: make_user(role="member", status="verified", totp=False, **fields) -> User."""

    def make(role="member", status="verified", totp=False, password=PASSWORD, **fields):
        n = next(_sequence)
        values = {
            "email": f"user{n}@example.org",
            "pseudonym": f"Confrere{n}",
            "first_name": "Jeanne",
            "last_name": f"Martin{n}",
            "profession": "physician",
            "specialty": "general-practice",
            "country": "FR",
            "role": role,
            "status": status,
            "charter_version": app.config["CHARTER_VERSION"],
        }
        values.update(fields)
        user = User(password_hash=hash_password(password), pseudonym_key=pseudonym_key(values["pseudonym"]), **values)
        if totp:
            user.totp_secret = pyotp.random_base32()
        db.session.add(user)
        db.session.commit()
        return user

    return make


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "page has no CSRF token"
    return match.group(1)


def submit(client, url: str, data: dict, *, page: str | None = None, **kwargs):
    """GET the page holding the form, then POST it with its CSRF token, like a browser."""
    headers = kwargs.get("headers")
    html = client.get(page or url, headers=headers).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(html)}, **kwargs)


@pytest.fixture
def post_form(client):
    """post_form(url, data, page=None, **kwargs): submit a form with its CSRF token."""
    return lambda url, data, **kwargs: submit(client, url, data, **kwargs)


@pytest.fixture
def login(client):
    """Log a user in through the real form (and TOTP step when enrolled)."""

    def do_login(user, password=PASSWORD):
        response = submit(client, "/login", {"email": user.email, "password": password})
        if user.totp_secret:
            code = pyotp.TOTP(user.totp_secret).now()
            response = submit(client, "/login/code", {"code": code})
        return response

    return do_login
