"""The charter's records: the export log, members' consents to a named sponsor, notices of setting changes."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped

from forum.extensions import db
from forum.models.columns import AppendOnly, AppendOnlyViolation, column, utcnow


class ExportRecord(AppendOnly, db.Model):
    """One file a sponsor (or an admin at the command line) received. Rows are never changed or deleted."""

    __tablename__ = "charter_exports"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    # The exact time: it describes a sponsor's act, and members read it on /charter.
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    sponsor_id: Mapped[int | None] = column(ForeignKey("users.id"), index=True, nominative=True)
    organisation: Mapped[str] = column(String(200), nominative=False)
    channel: Mapped[str] = column(String(10), nominative=False)
    report: Mapped[str] = column(String(60), nominative=False)
    parameters: Mapped[dict[str, Any]] = column(JSON, default=dict, nominative=False)
    format: Mapped[str] = column(String(10), nominative=False)
    row_count: Mapped[int] = column(Integer, nominative=False)
    sha256: Mapped[str] = column(String(64), nominative=False)
    # The consent report carries pseudonyms and titles: the stored file is nominative.
    content: Mapped[bytes] = column(LargeBinary, nominative=True)


class ExportLogIsAppendOnly(AppendOnlyViolation):
    """Raised when code tries to change or delete an export record: members must see every file ever sent."""


ExportRecord.append_only_error = ExportLogIsAppendOnly


class SponsorConsent(db.Model):
    """A member's consent to share their cases with one named sponsor organisation, until withdrawn."""

    __tablename__ = "sponsor_consents"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    user_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nominative=True)
    organisation: Mapped[str] = column(String(200), index=True, nominative=False)
    given_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    withdrawn_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)


class CharterNotice(db.Model):
    """Members were told by e-mail that CHARTER_NO_NOMINATIVE_EXPORT took this value."""

    __tablename__ = "charter_notices"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    no_nominative_export: Mapped[bool] = column(Boolean, nominative=False)
    notified_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=False)
    recipients: Mapped[int] = column(Integer, default=0, nominative=False)
