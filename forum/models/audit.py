"""The append-only audit log of moderation and administration."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped

from forum.extensions import db
from forum.models.columns import AppendOnly, AppendOnlyViolation, column, utcnow


class AuditEvent(AppendOnly, db.Model):
    """Who did what to which object, and when. Rows are never changed or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    actor_id: Mapped[int | None] = column(ForeignKey("users.id"), index=True, nominative=True)
    action: Mapped[str] = column(String(60), nominative=False)
    target_type: Mapped[str | None] = column(String(40), nominative=False)
    target_id: Mapped[int | None] = column(Integer, nominative=True)
    details: Mapped[dict[str, Any]] = column(JSON, default=dict, nominative=True)


class AuditLogIsAppendOnly(AppendOnlyViolation):
    """Raised when code tries to change or delete an audit event."""


AuditEvent.append_only_error = AuditLogIsAppendOnly
