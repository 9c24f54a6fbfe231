"""Account administration: accounts made by admins or the command line, language, first admin."""

import hashlib
import hmac
import secrets
from pathlib import Path

import pyotp
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from forum.accounts import rules
from forum.accounts.catalog import PROFESSIONS, SPECIALTIES
from forum.accounts.passwords import hash_password
from forum.accounts.pseudonyms import pseudonym_key
from forum.extensions import db
from forum.models import ROLES, User
from forum.models.columns import utcnow


def create_account(
    email: str,
    password: str,
    role: str,
    pseudonym: str,
    *,
    totp_secret: str | None = None,
    profession: str | None = "physician",
    specialty: str | None = "general-practice",
) -> User:
    """Create a verified account directly (command line, first admin); same field rules as sign-up."""
    errors: dict[str, str] = {}
    clean_email = rules.collect(errors, rules.clean_email, email)
    clean_pseudonym = rules.collect(errors, rules.clean_pseudonym, pseudonym)
    rules.collect(errors, rules.clean_password, password, pseudonym=pseudonym, email=email)
    if role not in ROLES:
        errors["role"] = _("The role must be one of: %(choices)s.", choices=", ".join(ROLES))
    if totp_secret is not None and not valid_totp_secret(totp_secret):
        errors["totp_secret"] = _("The TOTP secret must be base32 (A–Z, 2–7), at least 16 characters.")
    if profession is not None and profession not in PROFESSIONS:
        errors["profession"] = _("The profession must be one of: %(choices)s.", choices=", ".join(PROFESSIONS))
    if specialty is not None and specialty not in SPECIALTIES:
        errors["specialty"] = _("The specialty must be one of: %(choices)s.", choices=", ".join(SPECIALTIES))
    if clean_email and rules.email_taken(clean_email):
        errors["email"] = _("An account already uses this e-mail address.")
    if clean_pseudonym and rules.pseudonym_taken(clean_pseudonym):
        errors["pseudonym"] = _("This pseudonym is taken. Choose another one.")
    if errors:
        raise rules.FieldErrors(errors)
    is_clinician = role != "sponsor"
    user = User(
        email=clean_email,
        password_hash=hash_password(password),
        pseudonym=clean_pseudonym,
        pseudonym_key=pseudonym_key(clean_pseudonym),
        role=role,
        status="verified",
        email_confirmed_at=utcnow(),
        profession=profession if is_clinician else None,
        specialty=specialty if is_clinician and profession == "physician" else None,
        totp_secret=totp_secret.upper() if totp_secret else None,
        charter_version=current_app.config["CHARTER_VERSION"],
        charter_accepted_at=utcnow(),
    )
    db.session.add(user)
    db.session.commit()
    return user


def valid_totp_secret(secret: str) -> bool:
    """A base32 secret an authenticator app can use."""
    try:
        pyotp.TOTP(secret.upper()).now()
    except (ValueError, TypeError):
        return False
    return len(secret) >= 16


def set_locale(user: User, locale: str) -> None:
    """Remember the interface language of an account."""
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale
        db.session.commit()


def admin_exists() -> bool:
    """Whether the first admin has been created."""
    return db.session.scalar(select(User.id).where(User.role == "admin").limit(1)) is not None


def setup_token_path() -> Path:
    """The instance file holding the hash of the one-time first-admin link."""
    return Path(current_app.instance_path) / "first-admin-token"


def issue_setup_token() -> str | None:
    """A fresh one-time link token while no admin exists; only its hash is kept."""
    if admin_exists():
        setup_token_path().unlink(missing_ok=True)
        return None
    token = secrets.token_urlsafe(24)
    setup_token_path().write_text(hashlib.sha256(token.encode()).hexdigest())
    setup_token_path().chmod(0o600)
    return token


def check_setup_token(token: str) -> bool:
    """Whether a first-admin link is the current one and still usable."""
    path = setup_token_path()
    if admin_exists() or not path.exists():
        return False
    expected = path.read_text().strip()
    return hmac.compare_digest(expected, hashlib.sha256(token.encode()).hexdigest())


def create_first_admin(token: str, email: str, password: str, pseudonym: str) -> User:
    """Create the first admin through the one-time link, then burn the link."""
    if not check_setup_token(token):
        raise PermissionError("setup link used or unknown")
    user = create_account(email, password, "admin", pseudonym, profession=None, specialty=None)
    setup_token_path().unlink(missing_ok=True)
    return user


MAX_COI_LENGTH = 2000


def update_preferences(user: User, coi_declaration: str | None, notify_replies_by_email: bool) -> None:
    """Save the member's declared links with industry and their mail preference."""
    text = (coi_declaration or "").strip()
    if len(text) > MAX_COI_LENGTH:
        raise rules.FieldErrors({"coi_declaration": _("Use at most %(n)d characters.", n=MAX_COI_LENGTH)})
    if (text or None) != user.coi_declaration:
        user.coi_declaration = text or None
        user.coi_updated_at = utcnow() if text else None
    user.notify_replies_by_email = bool(notify_replies_by_email)
    db.session.commit()
