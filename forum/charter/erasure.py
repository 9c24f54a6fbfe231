"""Deleting one's account: nominative fields are erased; posts stay as "former member" or are deleted."""

from flask_babel import gettext as _
from sqlalchemy import delete, select

from forum.accounts.access import require_login
from forum.accounts.evidence import remove_evidence
from forum.accounts.passwords import verify_password
from forum.accounts.rules import FieldErrors
from forum.charter.consent import withdraw_all
from forum.errors import Refused
from forum.extensions import db
from forum.models import ApiToken, CaseFollow, CaseRead, Evidence, Notification, Post, RecoveryCode, User, Verification
from forum.models.accounts import new_session_key
from forum.models.columns import utcnow
from forum.moderation.audit import record_event

# Not an Argon2 hash: no password can ever match it.
UNUSABLE_PASSWORD = "!deleted"


def delete_account(user: User | None, password: str, *, delete_posts: bool) -> None:
    """Erase the member's personal data after checking their password; their posts stay or go, as they choose."""
    user = require_login(user)
    if user.role == "admin":
        raise Refused("admin", _("An administrator cannot delete their own account: ask another admin first."), 409)
    valid, _upgrade = verify_password(user.password_hash, password or "")
    if not valid:
        raise FieldErrors({"password": _("This password is not correct.")})
    if delete_posts:
        delete_all_posts(user)
    erase_identity(user)
    record_event(user, "account.delete", "user", user.id, posts="deleted" if delete_posts else "kept")
    db.session.commit()


def delete_all_posts(user: User) -> None:
    """Delete softly, as the author would one by one: the cases of deleted opening posts disappear."""
    now = utcnow()
    for post in db.session.scalars(select(Post).where(Post.author_id == user.id, Post.deleted_at.is_(None))):
        post.deleted_at = now
        if not post.is_opening:
            post.case.reply_count -= 1


def erase_identity(user: User) -> None:
    """Replace every nominative field with a placeholder and end every session and token."""
    for evidence in db.session.scalars(select(Evidence).where(Evidence.user_id == user.id)):
        remove_evidence(evidence.stored_name)
        db.session.delete(evidence)
    for verification in db.session.scalars(select(Verification).where(Verification.user_id == user.id)):
        verification.reason, verification.applicant_reply = None, None
    for model in (ApiToken, RecoveryCode, Notification, CaseFollow, CaseRead):
        db.session.execute(delete(model).where(model.user_id == user.id))
    withdraw_all(user)
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.email_confirmed_at = None
    user.password_hash = UNUSABLE_PASSWORD
    user.session_key = new_session_key()
    user.first_name, user.last_name = "", ""
    # '#' is never part of a pseudonym's key, so no one can sign up as a former member.
    user.pseudonym, user.pseudonym_key = f"former member #{user.id}", f"#deleted-{user.id}"
    user.id_type, user.id_number, user.region = None, None, None
    user.coi_declaration, user.coi_updated_at = None, None
    user.totp_secret, user.totp_last_counter = None, None
    user.charter_accepted_at = None
    user.status = "deleted"
