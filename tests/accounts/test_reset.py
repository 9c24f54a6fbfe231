"""Password reset by a signed link that expires and works once; no account enumeration."""

import email
import email.policy
import re
from pathlib import Path

from forum.extensions import db
from forum.models import ApiToken
from tests.conftest import PASSWORD


def last_link(app) -> str | None:
    """The path of the reset link in the newest outbox mail."""
    paths = sorted(Path(app.config["OUTBOX_FOLDER"]).glob("*.eml"))
    if not paths:
        return None
    body = email.message_from_bytes(paths[-1].read_bytes(), policy=email.policy.default).get_content()
    match = re.search(r"http://localhost(/reset/\S+)", body)
    return match.group(1) if match else None


def test_reset_link_sets_a_new_password_once_and_ends_other_sessions(app, client, make_user, post_form):
    user = make_user()
    api_token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).get_json()["token"]
    response = post_form("/reset", {"email": user.email.upper()})
    assert response.status_code == 302
    link = last_link(app)
    assert post_form(link, {"password": "short"}).status_code == 422
    assert post_form(link, {"password": "un nouveau mot de passe sûr"}).status_code == 302
    assert client.get(link).status_code == 400  # used once
    assert db.session.query(ApiToken).count() == 0
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}"}).status_code == 401
    assert post_form("/login", {"email": user.email, "password": "un nouveau mot de passe sûr"}).status_code == 302


def test_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(app, client, post_form):
    response = post_form("/reset", {"email": "ghost@example.org"})
    assert response.status_code == 302
    assert last_link(app) is None


def test_an_expired_reset_link_is_refused(app, client, make_user, post_form):
    user = make_user()
    post_form("/reset", {"email": user.email})
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert client.get(last_link(app)).status_code == 400
