"""Accounts: members, moderators, admins and sponsors, with their credentials."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, relationship

from forum.extensions import db
from forum.models.columns import column, utcnow

ROLES = ("member", "moderator", "admin", "sponsor")
# "deleted": the member erased their account; the row stays so their posts can read "former member".
STATUSES = ("applicant", "verified", "rejected", "suspended", "deleted")


def new_session_key() -> str:
    """A random key; changing it ends every session of the account."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """An account. Public identity is the pseudonym; the rest is for moderators."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("id_type", "id_number"),)

    id: Mapped[int] = column(Integer, primary_key=True, nominative=True)
    email: Mapped[str] = column(String(254), unique=True, nominative=True)
    email_confirmed_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)
    password_hash: Mapped[str] = column(String(255), nominative=True)
    session_key: Mapped[str] = column(String(64), default=new_session_key, nominative=True)
    first_name: Mapped[str] = column(String(100), default="", nominative=True)
    last_name: Mapped[str] = column(String(100), default="", nominative=True)
    pseudonym: Mapped[str] = column(String(40), nominative=True)
    pseudonym_key: Mapped[str] = column(String(40), unique=True, nominative=True)
    profession: Mapped[str | None] = column(String(30), nominative=False)
    specialty: Mapped[str | None] = column(String(40), nominative=False)
    country: Mapped[str | None] = column(String(2), nominative=False)
    region: Mapped[str | None] = column(String(3), nominative=False)
    id_type: Mapped[str | None] = column(String(10), nominative=False)
    id_number: Mapped[str | None] = column(String(20), nominative=True)
    role: Mapped[str] = column(String(20), default="member", nominative=False)
    # Sponsor accounts only: the organisation named in the export log and in members' consents.
    organisation: Mapped[str | None] = column(String(200), nominative=False)
    status: Mapped[str] = column(String(20), default="applicant", nominative=False)
    locale: Mapped[str | None] = column(String(5), nominative=False)
    charter_version: Mapped[str | None] = column(String(20), nominative=False)
    charter_accepted_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)
    coi_declaration: Mapped[str | None] = column(Text, nominative=True)
    coi_updated_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)
    notify_replies_by_email: Mapped[bool] = column(Boolean, default=True, server_default=true(), nominative=False)
    totp_secret: Mapped[str | None] = column(String(64), nominative=True)
    totp_last_counter: Mapped[int | None] = column(Integer, nominative=True)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)

    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        """Flask-Login identity: rotating the session key logs the account out everywhere."""
        return f"{self.id}:{self.session_key}"

    @property
    def is_active(self) -> bool:
        """Rejected, suspended and deleted accounts cannot hold a session."""
        return self.status not in ("rejected", "suspended", "deleted")

    @property
    def is_verified_member(self) -> bool:
        """A verified clinician account: may read and write community content."""
        return self.status == "verified" and self.role in ("member", "moderator", "admin")

    @property
    def is_moderator(self) -> bool:
        """Moderators and admins both moderate."""
        return self.role in ("moderator", "admin")

    @property
    def totp_enabled(self) -> bool:
        """Whether the account has enrolled two-factor authentication."""
        return bool(self.totp_secret)


class RecoveryCode(db.Model):
    """A one-time code that replaces a TOTP code when the phone is lost."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    user_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nominative=True)
    code_hash: Mapped[str] = column(String(64), nominative=True)
    used_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    user_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nominative=True)
    token_hash: Mapped[str] = column(String(64), unique=True, nominative=True)
    session_key: Mapped[str] = column(String(64), nominative=True)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    expires_at: Mapped[datetime] = column(DateTime(timezone=True), nominative=True)

    user: Mapped[User] = relationship()
