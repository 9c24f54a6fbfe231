"""The verification queue and moderators' decisions on it."""

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum.accounts.access import AccessDenied, require_login, require_moderator
from forum.accounts.identifiers import InvalidIdentifier, normalize_identifier
from forum.accounts.rules import FieldErrors
from forum.accounts.signup import EvidenceUpload, attach_evidence, check_upload
from forum.errors import Refused
from forum.extensions import db
from forum.mail import external_url, send_mail
from forum.models import Evidence, User, Verification
from forum.models.accounts import new_session_key
from forum.models.columns import utcnow
from forum.moderation.audit import record_event
from forum.moderation.directory import directory_match

DECISIONS = ("approve", "reject", "request_info")
OPEN_STATES = ("pending", "info_requested")
MAX_REASON_LENGTH = 2000


def open_verification(user_id: int) -> Verification | None:
    """The review currently open for an account, if any."""
    query = (
        select(Verification)
        .where(Verification.user_id == user_id, Verification.state.in_(OPEN_STATES))
        .order_by(Verification.id.desc())
    )
    return db.session.scalars(query).first()


def list_queue(actor: User, states: tuple[str, ...] = OPEN_STATES) -> list[Verification]:
    """Open reviews, oldest first, for a moderator."""
    require_moderator(actor)
    query = (
        select(Verification)
        .where(Verification.state.in_(states))
        .options(selectinload(Verification.user))
        .order_by(Verification.opened_at, Verification.id)
    )
    return list(db.session.scalars(query))


def review_details(actor: User, verification: Verification) -> dict:
    """Everything a moderator needs to decide, as plain data for pages and the API."""
    require_moderator(actor)
    user = verification.user
    return {
        "id": user.id,
        "verification_id": verification.id,
        "trigger": verification.trigger,
        "state": verification.state,
        "opened_at": verification.opened_at.isoformat(),
        "reason": verification.reason,
        "applicant_reply": verification.applicant_reply,
        "pseudonym": user.pseudonym,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "email_confirmed": user.email_confirmed_at is not None,
        "profession": user.profession,
        "specialty": user.specialty,
        "country": user.country,
        "id_type": user.id_type,
        "id_number": user.id_number,
        "id_valid": identifier_is_valid(user),
        "directory": directory_match(user),
        "evidence": [evidence_summary(item) for item in evidence_of(user)],
        "status": user.status,
    }


def identifier_is_valid(user: User) -> bool:
    """Re-check the key of the stored professional ID."""
    try:
        normalize_identifier(user.id_type or "", user.id_number or "")
    except InvalidIdentifier:
        return False
    return True


def evidence_of(user: User) -> list[Evidence]:
    """The account's evidence files, newest first."""
    query = select(Evidence).where(Evidence.user_id == user.id).order_by(Evidence.id.desc())
    return list(db.session.scalars(query))


def evidence_summary(item: Evidence) -> dict:
    """A file's description with the moderators-only link to it."""
    return {
        "id": item.id,
        "original_name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "uploaded_at": item.uploaded_at.isoformat(),
        "url": url_for("moderation.evidence", evidence_id=item.id),
    }


def evidence_for_moderator(actor: User, evidence_id: int) -> Evidence | None:
    """An evidence file, for moderators only."""
    require_moderator(actor)
    return db.session.get(Evidence, evidence_id)


def decide(actor: User, user_id: int, decision: str, reason: str | None) -> Verification:
    """Approve, reject or ask for more; recorded in the audit log and told to the applicant."""
    require_moderator(actor)
    if actor.id == user_id:
        raise Refused("own_account", _("You cannot decide on your own account."), 403)
    verification = open_verification(user_id)
    if verification is None:
        raise Refused("not_found", _("This account has no verification waiting."), 404)
    reason = (reason or "").strip()
    if decision not in DECISIONS:
        raise FieldErrors({"decision": _("Choose Approve, Ask for more information or Reject.")})
    if decision != "approve" and not reason:
        raise FieldErrors({"reason": _("Give the applicant a reason.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise FieldErrors({"reason": _("Use at most %(n)d characters.", n=MAX_REASON_LENGTH)})
    apply_decision(actor, verification, decision, reason)
    record_event(actor, f"verification.{decision}", "user", user_id, verification_id=verification.id, reason=reason)
    db.session.commit()
    notify_applicant(verification.user, decision, reason)
    return verification


def apply_decision(actor: User, verification: Verification, decision: str, reason: str) -> None:
    """Change the review and the account according to the decision."""
    user = verification.user
    verification.reason = reason or verification.reason
    if decision == "request_info":
        verification.state = "info_requested"
        return
    verification.decided_at = utcnow()
    verification.decided_by_id = actor.id
    if decision == "approve":
        verification.state = "approved"
        user.status = "verified"
    else:
        verification.state = "rejected"
        # A member already in the community whose credentials lapsed is suspended, not rejected.
        user.status = "suspended" if verification.trigger == "directory_missing" else "rejected"
        user.session_key = new_session_key()


def notify_applicant(user: User, decision: str, reason: str) -> None:
    """Tell the applicant by e-mail, in their language."""
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subjects = {
            "approve": _("Your account is verified"),
            "reject": _("Your application was not accepted"),
            "request_info": _("A moderator needs more information"),
        }
        link = external_url("accounts.status")
        body = render_template("moderation/mail/decision.txt", user=user, decision=decision, reason=reason, link=link)
        send_mail(user.email, f"Confrères — {subjects[decision]}", body)


def answer_info_request(user: User, message: str, upload: EvidenceUpload | None) -> Verification:
    """The applicant answers a request for information, optionally with a new file."""
    require_login(user)
    verification = open_verification(user.id)
    if verification is None or verification.state != "info_requested":
        raise AccessDenied("forbidden")
    message = (message or "").strip()
    if not message and upload is None:
        raise FieldErrors({"message": _("Write an answer or attach a file.")})
    if len(message) > MAX_REASON_LENGTH:
        raise FieldErrors({"message": _("Use at most %(n)d characters.", n=MAX_REASON_LENGTH)})
    evidence = check_upload(upload)
    verification.applicant_reply = message or None
    verification.state = "pending"
    record_event(user, "verification.answered", "user", user.id, verification_id=verification.id)
    attach_evidence(user, evidence)
    return verification
