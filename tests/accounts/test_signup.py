"""Sign-up through the HTML form: valid applicants are stored, every bad input changes nothing."""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Evidence, User, Verification

VALID = {
    "email": "Claire.Dubois@Example.org",
    "password": "un cabinet au bord de la mer",
    "first_name": "Claire",
    "last_name": "Dubois",
    "pseudonym": "DocDuBocage",
    "profession": "physician",
    "specialty": "general-practice",
    "country": "FR",
    "region": "29",
    "id_type": "rpps",
    "id_number": "100 010 453 67",
    "accept_charter": "y",
}


def count(model) -> int:
    """Rows of a table."""
    return db.session.scalar(select(func.count()).select_from(model))


def png_bytes(**info) -> bytes:
    """A small PNG, optionally carrying text metadata."""
    from PIL import PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    for key, value in info.items():
        meta.add_text(key, value)
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(output, format="PNG", pnginfo=meta)
    return output.getvalue()


def test_valid_signup_creates_an_applicant_with_a_pending_verification(client, app, post_form):
    response = post_form("/signup", VALID)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/status")
    user = db.session.scalar(select(User))
    assert user.email == "claire.dubois@example.org"
    assert user.status == "applicant" and user.role == "member"
    assert user.id_number == "10001045367"
    assert user.region == "29"
    assert user.charter_version == app.config["CHARTER_VERSION"] and user.charter_accepted_at is not None
    assert user.password_hash.startswith("$argon2id$")
    verification = db.session.scalar(select(Verification))
    assert verification.user_id == user.id and verification.state == "pending"


def test_the_applicant_is_logged_in_and_sees_only_the_status_page(client, post_form):
    post_form("/signup", VALID)
    assert client.get("/").headers["Location"].endswith("/account/status")
    assert client.get("/account/status").status_code == 200
    assert client.get("/charter").status_code == 200
    assert client.get("/help").status_code == 200
    assert client.get("/moderation/").status_code == 403


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-address"),
        ("password", "short"),
        ("password", "123qweasdzxc"),
        ("first_name", ""),
        ("last_name", "   "),
        ("pseudonym", "ab"),
        ("pseudonym", "Doc\u200bHouse"),
        ("pseudonym", "Doc\u202eesuoH"),
        ("profession", "astronaut"),
        ("specialty", "alchemy"),
        ("country", "XX"),
        ("region", "99"),
        ("id_type", "passport"),
        ("id_type", "npi"),
        ("id_number", "10001045368"),
        ("id_number", "1000104536"),
        ("id_number", "1000104536A"),
        ("accept_charter", ""),
    ],
)
def test_each_bad_field_is_refused_on_that_field_and_nothing_is_stored(client, field, value, post_form):
    response = post_form("/signup", {**VALID, field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert count(User) == 0 and count(Verification) == 0


def test_refusals_are_in_french_for_a_french_browser(client, post_form):
    headers = {"Accept-Language": "fr-FR,fr;q=0.9"}
    response = post_form("/signup", {**VALID, "id_number": "10001045368"}, headers=headers)
    assert "chiffres de contrôle" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "CLAIRE.dubois@example.org"),
        ("pseudonym", "docdubocage"),
        ("pseudonym", "ＤｏｃＤｕＢｏｃａｇｅ"),
        ("id_number", "810001045367"),
    ],
)
def test_an_email_pseudonym_or_id_already_used_is_refused(client, make_user, field, value, post_form):
    make_user(email="claire.dubois@example.org", pseudonym="DocDuBocage", id_type="rpps", id_number="10001045367")
    other = {
        **VALID,
        "email": "autre@example.org",
        "pseudonym": "Autre",
        "id_number": "012600631",
        "id_type": "adeli",
        field: value,
    }
    if field == "id_number":
        other["id_type"] = "rpps"
    response = post_form("/signup", other)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert count(User) == 1


def test_evidence_image_is_reencoded_without_metadata_and_kept_out_of_static(client, app, post_form):
    upload = (io.BytesIO(png_bytes(Author="Dr Claire Dubois", Location="Quimper")), "carte.png")
    response = post_form("/signup", {**VALID, "evidence": upload}, page="/signup", content_type="multipart/form-data")
    assert response.status_code == 302
    evidence = db.session.scalar(select(Evidence))
    assert evidence.content_type == "image/png" and evidence.original_name == "carte.png"
    from forum.accounts.evidence import evidence_path

    path = evidence_path(evidence.stored_name)
    assert path.is_relative_to(app.instance_path)
    stored = path.read_bytes()
    assert b"Claire" not in stored and b"Quimper" not in stored
    assert Image.open(io.BytesIO(stored)).size == (40, 30)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "proof.png"),
        (b"MZ\x90\x00" + b"\x00" * 100, "proof.pdf"),
        (b"%PDF-1.4\n garbage that is not a pdf", "proof.pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "proof.png"),
    ],
)
def test_evidence_that_is_not_a_real_pdf_jpeg_or_png_is_refused(client, content, name, post_form):
    response = post_form(
        "/signup",
        {**VALID, "evidence": (io.BytesIO(content), name)},
        page="/signup",
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert 'id="evidence-error"' in response.get_data(as_text=True)
    assert count(User) == 0 and count(Evidence) == 0


def test_a_body_over_the_limit_is_a_413_page(client, app, post_form):
    big = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = post_form(
        "/signup",
        {**VALID, "evidence": (io.BytesIO(big), "big.pdf")},
        page="/signup",
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "5 MB" in response.get_data(as_text=True) or "5 Mo" in response.get_data(as_text=True)
    assert count(User) == 0


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client):
    response = client.post("/signup", data=VALID)
    assert response.status_code == 400
    assert count(User) == 0


def test_signup_sends_a_confirmation_mail_to_the_outbox(client, app, post_form):
    from pathlib import Path

    post_form("/signup", VALID)
    mails = list(Path(app.config["OUTBOX_FOLDER"]).glob("*.eml"))
    assert len(mails) == 1
    assert "/confirm/" in mails[0].read_text()
