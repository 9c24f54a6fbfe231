"""Credential checks of applicants, and the evidence they upload."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, relationship

from forum.extensions import db
from forum.models.accounts import User
from forum.models.columns import column, utcnow

VERIFICATION_STATES = ("pending", "info_requested", "approved", "rejected")
VERIFICATION_REASONS = ("signup", "directory_missing")


class Verification(db.Model):
    """One review of an account's credentials by a moderator.

    An applicant's sign-up opens one; a directory re-import that no longer
    finds a verified member's ID opens another.
    """

    __tablename__ = "verifications"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    user_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nominative=True)
    trigger: Mapped[str] = column(String(30), default="signup", nominative=False)
    state: Mapped[str] = column(String(20), default="pending", index=True, nominative=False)
    opened_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    decided_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)
    decided_by_id: Mapped[int | None] = column(ForeignKey("users.id"), nominative=True)
    reason: Mapped[str | None] = column(Text, nominative=True)
    applicant_reply: Mapped[str | None] = column(Text, nominative=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Evidence(db.Model):
    """A document proving a credential, kept outside static/, shown to moderators only."""

    __tablename__ = "evidence"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    user_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nominative=True)
    stored_name: Mapped[str] = column(String(80), unique=True, nominative=True)
    original_name: Mapped[str] = column(String(255), nominative=True)
    content_type: Mapped[str] = column(String(50), nominative=False)
    size: Mapped[int] = column(Integer, nominative=False)
    uploaded_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)

    user: Mapped[User] = relationship()
