"""The verification queue: moderators with two-factor decide, applicants are told, all is audited."""

import email
import email.policy
import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEvent, AuditLogIsAppendOnly, User, Verification

APPLICANT = {
    "email": "sophie.bernard@example.org",
    "password": "les goélands de Douarnenez",
    "first_name": "Sophie",
    "last_name": "Bernard",
    "pseudonym": "SophieB",
    "profession": "nurse",
    "country": "FR",
    "id_type": "adeli",
    "id_number": "012600631",
    "accept_charter": True,
}


@pytest.fixture
def applicant(client):
    """An applicant signed up through the API."""
    response = client.post("/api/v1/signup", json=APPLICANT)
    assert response.status_code == 201
    return db.session.get(User, response.get_json()["id"])


@pytest.fixture
def moderator(make_user):
    """A moderator with two-factor enrolled."""
    return make_user(role="moderator", totp=True)


def outbox(app) -> list[str]:
    """Bodies of the mails kept in the instance outbox, oldest first."""
    paths = sorted(Path(app.config["OUTBOX_FOLDER"]).glob("*.eml"))
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default).get_content() for p in paths]


def test_queue_lists_applicants_oldest_first_with_what_a_moderator_needs(client, moderator, bearer, make_user):
    first = client.post("/api/v1/signup", json=APPLICANT).get_json()
    second = client.post(
        "/api/v1/signup", json={**APPLICANT, "email": "b@example.org", "pseudonym": "Second", "id_number": "759124159"}
    ).get_json()
    response = client.get("/api/v1/moderation/verifications", headers=bearer(moderator))
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["id"] for item in items] == [first["id"], second["id"]]
    item = items[0]
    assert item["first_name"] == "Sophie" and item["email"] == APPLICANT["email"]
    assert item["id_valid"] is True and item["email_confirmed"] is False
    assert item["directory"] is None  # no directory imported yet
    assert item["evidence"] == []


@pytest.mark.parametrize("role,totp,status", [("member", False, 403), ("admin", False, 403), ("sponsor", True, 403)])
def test_queue_is_refused_to_non_moderators_and_to_moderators_without_two_factor(
    client, make_user, bearer, role, totp, status
):
    user = make_user(role=role, totp=totp)
    response = client.get("/api/v1/moderation/verifications", headers=bearer(user))
    assert response.status_code == status
    assert response.get_json()["error"]["code"] in ("forbidden", "totp_required")


def test_an_applicant_gets_403_json_on_moderation_and_401_when_anonymous(client, applicant):
    token = client.post("/api/v1/tokens", json={"email": APPLICANT["email"], "password": APPLICANT["password"]})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    assert client.get("/api/v1/me", headers=headers).get_json()["status"] == "applicant"
    assert client.get("/api/v1/moderation/verifications", headers=headers).status_code == 403
    assert client.get("/api/v1/moderation/verifications").status_code == 401


def test_approval_verifies_the_member_is_audited_and_mailed(client, app, applicant, moderator, bearer):
    response = client.post(
        f"/api/v1/moderation/verifications/{applicant.id}", json={"decision": "approve"}, headers=bearer(moderator)
    )
    assert response.status_code == 200
    db.session.refresh(applicant)
    assert applicant.status == "verified"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "verification.approve"))
    assert event.actor_id == moderator.id and event.target_id == applicant.id
    # The applicant signed up without a language preference: mails use the default, French.
    assert "a vérifié votre identifiant professionnel" in outbox(app)[-1]
    assert client.get("/api/v1/moderation/verifications", headers=bearer(moderator)).get_json()["total"] == 0


def test_rejection_needs_a_reason_and_closes_the_account_sessions(client, app, applicant, moderator, bearer):
    headers = bearer(moderator)
    refused = client.post(
        f"/api/v1/moderation/verifications/{applicant.id}", json={"decision": "reject"}, headers=headers
    )
    assert refused.status_code == 422 and "reason" in refused.get_json()["error"]["fields"]
    db.session.refresh(applicant)
    assert applicant.status == "applicant"
    response = client.post(
        f"/api/v1/moderation/verifications/{applicant.id}",
        json={"decision": "reject", "reason": "Numéro ADELI d'un autre professionnel"},
        headers=headers,
    )
    assert response.status_code == 200
    db.session.refresh(applicant)
    assert applicant.status == "rejected"
    assert "Numéro ADELI d'un autre professionnel" in outbox(app)[-1]


@pytest.mark.parametrize(
    "body,status",
    [
        ({"decision": "maybe"}, 422),
        ({"decision": 3}, 422),
        ({}, 422),
        ({"decision": "request_info", "reason": "x" * 2001}, 422),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(client, applicant, moderator, bearer, body, status):
    response = client.post(f"/api/v1/moderation/verifications/{applicant.id}", json=body, headers=bearer(moderator))
    assert response.status_code == status
    assert db.session.scalar(select(AuditEvent)) is None
    assert db.session.scalar(select(Verification)).state == "pending"


def test_a_moderator_cannot_decide_on_their_own_account(client, moderator, bearer):
    db.session.add(Verification(user_id=moderator.id, trigger="directory_missing"))
    db.session.commit()
    response = client.post(
        f"/api/v1/moderation/verifications/{moderator.id}", json={"decision": "approve"}, headers=bearer(moderator)
    )
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "own_account"


def test_deciding_without_an_open_verification_is_404(client, moderator, bearer, make_user):
    member = make_user()
    response = client.post(
        f"/api/v1/moderation/verifications/{member.id}", json={"decision": "approve"}, headers=bearer(moderator)
    )
    assert response.status_code == 404


def test_request_info_then_the_applicant_answers_with_a_new_file(client, app, applicant, moderator, bearer, post_form):
    client.post(
        f"/api/v1/moderation/verifications/{applicant.id}",
        json={"decision": "request_info", "reason": "Merci d'envoyer votre attestation d'inscription."},
        headers=bearer(moderator),
    )
    assert "attestation" in outbox(app)[-1]
    post_form("/login", {"email": APPLICANT["email"], "password": APPLICANT["password"]})
    page = client.get("/account/status").get_data(as_text=True)
    assert "attestation" in page
    image = io.BytesIO()
    Image.new("RGB", (10, 10)).save(image, format="JPEG")
    image.seek(0)
    response = post_form(
        "/account/status",
        {"message": "Voici le document.", "evidence": (image, "a.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    verification = db.session.scalar(select(Verification))
    db.session.refresh(verification)
    assert verification.state == "pending" and verification.applicant_reply == "Voici le document."
    items = client.get("/api/v1/moderation/verifications", headers=bearer(moderator)).get_json()["items"]
    assert items[0]["evidence"][0]["content_type"] == "image/jpeg"


def test_evidence_is_served_only_to_moderators_as_a_download(
    client, applicant, moderator, make_user, login, bearer, post_form
):
    from forum.accounts.evidence import CheckedEvidence, store_evidence
    from forum.models import Evidence

    stored = store_evidence(CheckedEvidence(b"%PDF-1.4 test", "application/pdf", "attestation.pdf"))
    db.session.add(
        Evidence(
            user_id=applicant.id,
            stored_name=stored,
            original_name="attestation.pdf",
            content_type="application/pdf",
            size=13,
        )
    )
    db.session.commit()
    url = client.get("/api/v1/moderation/verifications", headers=bearer(moderator)).get_json()["items"][0]["evidence"][
        0
    ]["url"]
    member = make_user()
    login(member)
    assert client.get(url).status_code == 403
    post_form("/logout", {})
    moderator.totp_last_counter = None
    db.session.commit()
    login(moderator)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_html_review_page_records_a_decision(client, applicant, moderator, login, post_form):
    login(moderator)
    queue = client.get("/moderation/").get_data(as_text=True)
    assert "Sophie Bernard" in queue
    page = f"/moderation/verifications/{applicant.id}"
    assert "012600631" in client.get(page).get_data(as_text=True)
    response = post_form(page, {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    db.session.refresh(applicant)
    assert applicant.status == "verified"


def test_the_audit_log_is_append_only(moderator):
    from forum.moderation.audit import record_event

    event = record_event(moderator, "test.action", "user", moderator.id, reason="x")
    db.session.commit()
    event.action = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()


def test_confirmation_link_confirms_and_a_forged_or_expired_one_does_not(client, app, applicant):
    link = re.search(r"http://localhost(/confirm/\S+)", outbox(app)[0]).group(1)
    assert client.get(link[:-3] + "xyz").status_code == 400
    assert client.get(link).status_code == 302
    db.session.refresh(applicant)
    assert applicant.email_confirmed_at is not None
    app.config["EMAIL_CONFIRM_MAX_AGE"] = -1
    assert client.get(link).status_code == 400
