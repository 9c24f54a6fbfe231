"""API: sign-up, tokens, /me, errors as JSON, the OpenAPI document."""

import pyotp
import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import User
from tests.conftest import PASSWORD

SIGNUP = {
    "email": "pierre.leroy@example.org",
    "password": "une longue phrase de passe",
    "first_name": "Pierre",
    "last_name": "Leroy",
    "pseudonym": "PierreDuCausse",
    "profession": "physician",
    "specialty": "general-practice",
    "country": "BE",
    "id_type": "inami",
    "id_number": "10829059004",
    "accept_charter": True,
}


def users() -> int:
    """Accounts in the database."""
    return db.session.scalar(select(func.count()).select_from(User))


def token_for(client, user, **extra) -> str:
    """A bearer token for a user made by the factory."""
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def test_signup_returns_201_with_the_account(client):
    response = client.post("/api/v1/signup", json=SIGNUP)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "applicant" and body["role"] == "member"
    assert body["pseudonym"] == "PierreDuCausse" and body["specialty"] == "general-practice"
    assert "email" not in body and "id_number" not in body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id_number", "10829058004"),
        ("password", "password1234"),
        ("email", "x"),
        ("accept_charter", "yes"),
        ("pseudonym", "Bad\u2066Name"),
    ],
)
def test_signup_refusals_are_422_with_the_field_and_store_nothing(client, field, value):
    response = client.post("/api/v1/signup", json={**SIGNUP, field: value})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    assert users() == 0


def test_a_second_signup_with_the_same_id_is_a_409_conflict(client):
    assert client.post("/api/v1/signup", json=SIGNUP).status_code == 201
    again = {**SIGNUP, "email": "other@example.org", "pseudonym": "Other"}
    response = client.post("/api/v1/signup", json=again)
    assert response.status_code == 409
    assert list(response.get_json()["error"]["fields"]) == ["id_number"]
    assert users() == 1


@pytest.mark.parametrize("body", [None, "not json", [1, 2], {"email": 3, "password": None}])
def test_malformed_bodies_get_a_json_error(client, body):
    response = client.post(
        "/api/v1/tokens", data=body if isinstance(body, str) else None, json=None if isinstance(body, str) else body
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_token_then_me(client, make_user):
    user = make_user()
    token = token_for(client, user)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json() | {} == response.get_json()
    me = response.get_json()
    assert (me["id"], me["pseudonym"], me["role"], me["status"]) == (user.id, user.pseudonym, "member", "verified")
    assert me["profession"] == "physician" and me["specialty"] == "general-practice"


def test_me_without_or_with_a_bad_token_is_401_json(client):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "login_required"


def test_wrong_password_and_unknown_email_are_the_same_401(client, make_user):
    user = make_user()
    wrong = client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong password!"})
    ghost = client.post("/api/v1/tokens", json={"email": "ghost@example.org", "password": "wrong password!"})
    assert wrong.status_code == ghost.status_code == 401
    assert wrong.get_json() == ghost.get_json()


def test_two_factor_accounts_need_totp_for_a_token_and_a_code_works_once(client, make_user):
    user = make_user(role="moderator", totp=True)
    missing = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert missing.status_code == 401 and missing.get_json()["error"]["code"] == "totp_required"
    code = pyotp.TOTP(user.totp_secret).now()
    assert token_for(client, user, totp=code)
    replay = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD, "totp": code})
    assert replay.status_code == 401 and replay.get_json()["error"]["code"] == "totp"


def test_a_token_dies_with_the_account(client, make_user):
    user = make_user()
    token = token_for(client, user)
    user.status = "suspended"
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_unknown_api_route_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_openapi_document_is_valid_and_describes_every_api_route(client, app):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
        path = path.replace("{user_id}", "{id}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in described, f"{method} {path} missing from openapi.json"
