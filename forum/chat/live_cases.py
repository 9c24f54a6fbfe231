"""Live case rooms: a reply, once committed, appears for everyone viewing the case."""

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.cases.authors import author_view
from forum.extensions import socketio
from forum.models import Post

PENDING = "chat_new_replies"


def init_app(app: Flask) -> None:
    """Watch the database session once per process (the listeners are global to SQLAlchemy sessions)."""
    if not event.contains(Session, "after_flush", note_new_replies):
        event.listen(Session, "after_flush", note_new_replies)
        event.listen(Session, "after_commit", announce_replies)
        event.listen(Session, "after_rollback", forget_replies)


def note_new_replies(session: Session, flush_context: object) -> None:
    """Remember what to announce; the post may only be announced once it is committed."""
    for obj in session.new:
        if isinstance(obj, Post) and not obj.is_opening:
            # An anonymous author stays anonymous: the label, never the pseudonym.
            author = author_view(obj.author, obj.anonymous, None)
            session.info.setdefault(PENDING, []).append(
                {
                    "case_id": obj.case_id,
                    "post_id": obj.id,
                    "author": author["label"],
                    "body_html": obj.body_html,
                    "created_at": obj.created_at.isoformat() if obj.created_at else None,
                }
            )


def announce_replies(session: Session) -> None:
    """Send each committed reply to its case room."""
    replies = session.info.pop(PENDING, [])
    if not replies or "socketio" not in current_app.extensions:
        return
    for reply in replies:
        room = f"case:{reply['case_id']}"
        socketio.emit("reply", {**reply, "room": room}, namespace="/chat", to=room)


def forget_replies(session: Session) -> None:
    """A rolled-back reply was never published."""
    session.info.pop(PENDING, None)
