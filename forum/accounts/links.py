"""Signed, expiring links sent by mail: e-mail confirmation and password reset."""

import hashlib

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from forum.accounts.passwords import hash_password
from forum.accounts.rules import clean_password
from forum.extensions import db
from forum.mail import external_url, send_mail
from forum.models import ApiToken, User
from forum.models.accounts import new_session_key
from forum.models.columns import utcnow


class LinkInvalid(Exception):
    """reason: "expired" or "invalid"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def serializer(purpose: str) -> URLSafeTimedSerializer:
    """One salt per purpose, so a confirmation link cannot reset a password."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"confreres-{purpose}")


def load_token(purpose: str, token: str, max_age: int) -> dict:
    """Read a signed link, telling an expired one from a forged one."""
    try:
        return serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkInvalid("expired") from error
    except (BadSignature, ValueError, TypeError) as error:
        raise LinkInvalid("invalid") from error


def send_account_mail(user: User, subject_key: str, template: str, link: str) -> None:
    """Send a mail in the account's language."""
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subjects = {
            "confirm": _("Confirm your e-mail address"),
            "reset": _("Reset your password"),
        }
        body = render_template(template, user=user, link=link)
        send_mail(user.email, f"Confrères — {subjects[subject_key]}", body)


def send_confirmation(user: User) -> None:
    """Mail a link that proves the applicant owns the address."""
    token = serializer("confirm").dumps({"uid": user.id, "email": user.email})
    link = external_url("accounts.confirm_email", token=token)
    send_account_mail(user, "confirm", "accounts/mail/confirm.txt", link)


def confirm_email(token: str) -> User:
    """Mark the address confirmed; an old link for a changed address fails."""
    data = load_token("confirm", token, current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise LinkInvalid("invalid")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.commit()
    return user


def password_fingerprint(user: User) -> str:
    """Changes with the password, so a reset link works only once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def send_password_reset(email: str) -> None:
    """Mail a reset link if the address has an account; say nothing either way."""
    user = db.session.query(User).filter(User.email == email.strip().lower()).one_or_none()
    if user is None or not user.is_active:
        return
    token = serializer("reset").dumps({"uid": user.id, "pw": password_fingerprint(user)})
    link = external_url("accounts.reset_password", token=token)
    send_account_mail(user, "reset", "accounts/mail/reset.txt", link)


def user_for_reset(token: str) -> User:
    """The account a reset link was made for, if the link is still valid."""
    data = load_token("reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.is_active or data.get("pw") != password_fingerprint(user):
        raise LinkInvalid("invalid")
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password; every session and API token of the account ends."""
    user = user_for_reset(token)
    clean_password(password, pseudonym=user.pseudonym, email=user.email)
    user.password_hash = hash_password(password)
    user.session_key = new_session_key()
    db.session.query(ApiToken).filter(ApiToken.user_id == user.id).delete()
    db.session.commit()
    return user
