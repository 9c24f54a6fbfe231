"""A member's own data: the JSON download of everything held, and account deletion."""

import json

import pyotp
import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import ApiToken, AuditEvent, User


def test_the_data_download_holds_everything_about_me_and_no_secret(client, login, make_user, make_case):
    me = make_user(coi_declaration="Orateur pour Labo Z", id_type="rpps", id_number="10101010101")
    other = make_user(email="someone.else@example.org")
    case = make_case(author=me, title="Toux chronique chez un fumeur de 60 ans")
    make_case(author=other, title="Le cas d'un autre membre")
    login(me)
    page = client.get("/account/data")
    assert page.status_code == 200 and "format=json" in page.get_data(as_text=True)
    response = client.get("/account/data?format=json")
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == me.email and data["account"]["id_number"] == "10101010101"
    assert data["account"]["coi_declaration"] == "Orateur pour Labo Z"
    assert [c["title"] for c in data["cases"]] == [case.title]
    assert data["posts"][0]["body_md"].startswith("Homme de 52 ans")
    text = response.get_data(as_text=True)
    for secret in ("password_hash", "session_key", "totp_secret", "token_hash"):
        assert secret not in text
    assert "someone.else@example.org" not in text and "Le cas d'un autre membre" not in text


def test_visitors_and_sponsors_do_not_get_member_data(client, login, make_user):
    assert "/login" in client.get("/account/data").headers["Location"]
    login(make_user(role="sponsor", totp=True, organisation="Lab", profession=None, specialty=None))
    assert client.get("/account/data?format=json").status_code == 403


@pytest.fixture
def victim(make_user, make_case, bearer):
    """A member with a case, a reply in another case, and an API token."""
    me = make_user(pseudonym="Dr-Distinct", first_name="Hortense", id_type="rpps", id_number="10101010101")
    headers = bearer(me)
    me.coi_declaration, me.totp_secret = "Conseil pour Labo Z", pyotp.random_base32()
    db.session.commit()
    own = make_case(author=me, title="Cas à garder")
    return {"user": me, "case": own, "headers": headers}


def delete_form(post_form, **data):
    """Submit the deletion form."""
    return post_form("/account/delete", {"posts": "keep", "password": "correct horse battery staple", **data})


def test_deletion_needs_the_password_and_the_confirmation(client, login, post_form, victim):
    login(victim["user"])
    assert delete_form(post_form, password="wrong", confirm="y").status_code == 422
    assert delete_form(post_form).status_code == 422
    db.session.refresh(victim["user"])
    assert victim["user"].status == "verified"


def test_deletion_refuses_a_request_without_csrf_token(client, login, victim):
    login(victim["user"])
    response = client.post("/account/delete", data={"password": "correct horse battery staple", "confirm": "y"})
    assert response.status_code == 400
    db.session.refresh(victim["user"])
    assert victim["user"].status == "verified"


def test_deletion_erases_nominative_fields_and_keeps_posts_as_former_member(
    client, login, post_form, victim, make_user
):
    user, case = victim["user"], victim["case"]
    login(user)
    response = delete_form(post_form, confirm="y")
    assert response.status_code == 302
    db.session.expire_all()
    erased = db.session.get(User, user.id)
    assert erased.status == "deleted" and erased.email.endswith("@deleted.invalid")
    assert (erased.first_name, erased.last_name, erased.id_number, erased.totp_secret, erased.coi_declaration) == (
        "",
        "",
        None,
        None,
        None,
    )
    assert erased.pseudonym != "Dr-Distinct"
    assert db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all() == []
    assert client.get("/account").status_code == 302  # the session ended
    assert client.get("/api/v1/me", headers=victim["headers"]).status_code == 401
    login(make_user())
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "ancien membre" in html and "Dr-Distinct" not in html  # French: the default language
    assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "account.delete")) == {
        "posts": "kept"
    }


def test_deletion_can_delete_the_posts(client, login, post_form, victim, make_user):
    login(victim["user"])
    delete_form(post_form, confirm="y", posts="delete")
    login(make_user())
    assert client.get(f"/cases/{victim['case'].id}").status_code == 404


def test_an_admin_cannot_delete_their_own_account(client, login, post_form, make_user):
    admin = make_user(role="admin")
    login(admin)
    assert delete_form(post_form, confirm="y").status_code == 422
    db.session.refresh(admin)
    assert admin.status == "verified"
