"""The append-only audit log of moderation and administration."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, Session

from forum.extensions import db
from forum.models.columns import column, utcnow


class AuditEvent(db.Model):
    """Who did what to which object, and when. Rows are never changed or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    actor_id: Mapped[int | None] = column(ForeignKey("users.id"), index=True, nominative=True)
    action: Mapped[str] = column(String(60), nominative=False)
    target_type: Mapped[str | None] = column(String(40), nominative=False)
    target_id: Mapped[int | None] = column(Integer, nominative=True)
    details: Mapped[dict[str, Any]] = column(JSON, default=dict, nominative=True)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


@event.listens_for(Session, "before_flush")
def refuse_audit_rewrites(session: Session, flush_context: object, instances: object) -> None:
    """Keep the audit log append-only at the ORM level."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit events cannot be changed or deleted")
