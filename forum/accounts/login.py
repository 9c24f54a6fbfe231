"""Log-in by password and second factor, and the API's bearer tokens."""

import hashlib
import secrets
from datetime import UTC, timedelta

from flask import current_app
from sqlalchemy import select

from forum.accounts.passwords import burn_verification_time, verify_password
from forum.accounts.twofactor import check_second_factor
from forum.extensions import db
from forum.models import ApiToken, User
from forum.models.columns import utcnow


class LoginFailed(Exception):
    """reason: "credentials" (never says which part was wrong), "closed", "totp_required", "totp"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_password(email: str, password: str) -> User:
    """The account these credentials open; an unknown e-mail costs the same time as a wrong password."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        burn_verification_time()
        raise LoginFailed("credentials")
    valid, upgraded_hash = verify_password(user.password_hash, password or "")
    if not valid:
        raise LoginFailed("credentials")
    if upgraded_hash:
        user.password_hash = upgraded_hash
        db.session.commit()
    if not user.is_active:
        raise LoginFailed("closed")
    return user


def check_code(user: User, code: str | None) -> None:
    """Require a fresh TOTP or recovery code from an account that enrolled two-factor."""
    if not user.totp_enabled:
        return
    if not code:
        raise LoginFailed("totp_required")
    accepted = check_second_factor(user, code)
    db.session.commit()
    if not accepted:
        raise LoginFailed("totp")


def hash_token(token: str) -> str:
    """Tokens are long random strings: SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(email: str, password: str, code: str | None) -> str:
    """Exchange credentials (and a TOTP code when enrolled) for a bearer token."""
    user = check_password(email, password)
    check_code(user, code)
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(seconds=current_app.config["API_TOKEN_MAX_AGE"])
    db.session.add(
        ApiToken(
            user=user,
            token_hash=hash_token(token),
            session_key=user.session_key,
            expires_at=utcnow() + lifetime,
        )
    )
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    """The account behind a bearer token, unless it expired or the account was closed."""
    if not token or len(token) > 200:
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if record is None:
        return None
    expires_at = record.expires_at
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    user = record.user
    if expires_at < utcnow() or record.session_key != user.session_key or not user.is_active:
        return None
    return user
