"""The audit trail: every moderation and administration act, append-only."""

from typing import Any

from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEvent, User


def record_event(
    actor: User | None, action: str, target_type: str | None = None, target_id: int | None = None, **details: Any
) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )
    db.session.add(event)
    return event


def recent_events(limit: int = 200) -> list[AuditEvent]:
    """The latest audit events, newest first."""
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))
