"""Chat messages: posting, history, editing, deleting, reporting, hiding; the rules sockets, pages and API share."""

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.accounts.access import require_member, require_moderator
from forum.accounts.pseudonyms import pseudonym_key
from forum.chat.rooms import can_join, room_for
from forum.content.markdown import render_chat_markdown
from forum.content.mentions import find_mentions
from forum.errors import Refused
from forum.extensions import db
from forum.models import ChatMessage, ChatReport, User
from forum.models.columns import utcnow
from forum.notifications import services as notifications

__all__ = ["can_join", "room_for"]

MAX_LENGTH = 4000
HISTORY_LIMIT = 50
# A reconnecting client may have missed more than a page; it asks again from the last id it got.
CATCH_UP_LIMIT = 500
FLOOD_MESSAGES = 10
FLOOD_WINDOW = timedelta(seconds=10)
MAX_REASON = 1000


def clean_body(body: object) -> str:
    """A non-empty text of at most 4,000 characters."""
    if not isinstance(body, str) or not body.strip():
        raise Refused("empty", _("Write a message first."), 422)
    text = body.strip()
    if len(text) > MAX_LENGTH:
        raise Refused("too_long", _("A message holds at most %(num)d characters.", num=MAX_LENGTH), 413)
    return text


def check_flood(user: User) -> None:
    """More than 10 messages in 10 seconds is a flood. The stored messages are the count, so every process agrees."""
    since = utcnow() - FLOOD_WINDOW
    sent = db.session.scalar(
        select(func.count()).where(ChatMessage.author_id == user.id, ChatMessage.created_at > since)
    )
    if sent >= FLOOD_MESSAGES:
        raise Refused("flood", _("You are sending messages too fast. Wait a few seconds and try again."), 429)


def post_message(user: User, name: object, body: object) -> ChatMessage:
    """Store a message (before anyone sees it); mentioned colleagues who may read the room are notified."""
    room = room_for(user, name)
    text = clean_body(body)
    check_flood(user)
    message = ChatMessage(
        room=room, author=user, body_md=text, body_html=render_chat_markdown(text), created_at=utcnow()
    )
    db.session.add(message)
    db.session.flush()
    room.last_message_id = message.id
    message.mentioned_ids = notify_mentions(message, user)
    # Built before the commit expires the objects: broadcasting must not need another database
    # connection while senders queue on the ordering lock, each holding one of the pool's.
    message.broadcast = message_view(message)
    db.session.commit()
    return message


def notify_mentions(message: ChatMessage, author: User) -> list[int]:
    """Notify each colleague named as @pseudonym who may read the room; returns their ids."""
    keys = {pseudonym_key(name) for name in find_mentions(message.body_md)}
    if not keys:
        return []
    named = db.session.scalars(select(User).where(User.pseudonym_key.in_(keys), User.status == "verified"))
    told = [m.id for m in named if m.id != author.id and can_join(m, message.room.name)]
    for member_id in told:
        notifications.add(member_id, "chat_mention", message.room.case_id)
    return told


def history(user: User, name: object, *, after: object = None, before: object = None, limit: int = HISTORY_LIMIT):
    """Messages of a room in id order: the last `limit`, those before an id, or all those after an id (capped)."""
    room = room_for(user, name)
    query = select(ChatMessage).where(ChatMessage.room_id == room.id)
    if not user.is_moderator:
        query = query.where(ChatMessage.hidden.is_(False))
    after, before = clean_cursor(after), clean_cursor(before)
    if after is not None:
        rows = db.session.scalars(
            query.where(ChatMessage.id > after).order_by(ChatMessage.id).limit(CATCH_UP_LIMIT + 1)
        )
        rows = list(rows)
        return [message_view(m, user) for m in rows[:CATCH_UP_LIMIT]], len(rows) > CATCH_UP_LIMIT
    if before is not None:
        query = query.where(ChatMessage.id < before)
    rows = list(db.session.scalars(query.order_by(ChatMessage.id.desc()).limit(limit + 1)))
    return [message_view(m, user) for m in reversed(rows[:limit])], len(rows) > limit


def clean_cursor(value: object) -> int | None:
    """A message id given as a cursor, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise Refused("bad_payload", _("A message id is a whole number."), 400)
    return value


def message_view(message: ChatMessage, viewer: User | None = None) -> dict:
    """The shape clients receive; a deleted or hidden message keeps its place but not its text."""
    removed = message.deleted_at is not None or message.hidden
    return {
        "id": message.id,
        "room": message.room.name,
        "author": message.author.pseudonym,
        "author_id": message.author_id,
        "body_html": "" if removed and not (viewer and viewer.is_moderator and message.hidden) else message.body_html,
        "created_at": as_utc(message.created_at),
        "edited_at": as_utc(message.edited_at) if message.edited_at else None,
        "deleted": message.deleted_at is not None,
        "hidden": message.hidden,
        "mine": viewer is not None and viewer.id == message.author_id,
    }


def as_utc(moment: datetime) -> str:
    """ISO 8601 with its offset: SQLite hands datetimes back without one, and they are UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def own_message(user: User, message_id: object) -> ChatMessage:
    """A message of the member's, in a room they may still enter."""
    message = readable_message(user, message_id)
    if message.author_id != user.id:
        raise Refused("not_author", _("You can only change your own messages."), 403)
    if message.deleted_at is not None or message.hidden:
        raise Refused("removed", _("This message was removed."), 409)
    return message


def readable_message(user: User, message_id: object) -> ChatMessage:
    """A message the member may read; a moderator reads a direct message only once it was reported."""
    require_member(user)
    message_id = clean_cursor(message_id)
    message = db.session.get(ChatMessage, message_id) if message_id else None
    if message is None:
        raise no_such_message()
    if can_join(user, message.room.name) and (not message.hidden or user.is_moderator):
        return message
    if user.is_moderator and message.reported:
        return message
    raise no_such_message()


def no_such_message() -> Refused:
    """Missing and forbidden look the same."""
    return Refused("no_message", _("This message does not exist or is not open to you."), 404)


def edit_message(user: User, message_id: object, body: object) -> ChatMessage:
    """Change the text of one's own message."""
    message = own_message(user, message_id)
    text = clean_body(body)
    message.body_md, message.body_html, message.edited_at = text, render_chat_markdown(text), utcnow()
    db.session.commit()
    return message


def delete_message(user: User, message_id: object) -> ChatMessage:
    """Delete one's own message: its text is gone for everyone, its place stays."""
    message = own_message(user, message_id)
    message.deleted_at = utcnow()
    message.body_md, message.body_html = "", ""
    db.session.commit()
    return message


def report_message(user: User, message_id: object, reason: object = "") -> ChatReport:
    """Report a message to the moderators, once per member; this opens a direct message to them."""
    message = readable_message(user, message_id)
    if message.author_id == user.id:
        raise Refused("own_message", _("You cannot report your own message."), 403)
    if reason is not None and not isinstance(reason, str):
        raise Refused("bad_payload", _("The reason is a text."), 400)
    text = (reason or "").strip()[:MAX_REASON]
    if db.session.scalar(select(ChatReport).filter_by(message_id=message.id, reporter_id=user.id)):
        raise Refused("already_reported", _("You already reported this message."), 409)
    report = ChatReport(message=message, reporter_id=user.id, reason=text)
    message.reported = True
    db.session.add(report)
    db.session.commit()
    return report


def reported_messages(moderator: User) -> list[dict]:
    """Reported messages not yet handled, oldest first, for the moderators."""
    require_moderator(moderator)
    query = select(ChatMessage).where(ChatMessage.reported, ChatMessage.hidden.is_(False))
    query = query.where(ChatMessage.id.in_(select(ChatReport.message_id).where(ChatReport.handled_at.is_(None))))
    items = []
    for message in db.session.scalars(query.order_by(ChatMessage.id)):
        reasons = db.session.scalars(select(ChatReport.reason).where(ChatReport.message_id == message.id)).all()
        items.append({**message_view(message, moderator), "body_html": message.body_html, "reasons": reasons})
    return items


def hide_message(moderator: User, message_id: object, hidden: bool = True) -> ChatMessage:
    """Moderators hide a reported message (or show it again); the reports are then handled."""
    require_moderator(moderator)
    message = db.session.get(ChatMessage, clean_cursor(message_id) or 0)
    if message is None or not message.reported:
        raise no_such_message()
    message.hidden = hidden
    for report in db.session.scalars(select(ChatReport).where(ChatReport.message_id == message.id)):
        report.handled_at = report.handled_at or utcnow()
    db.session.commit()
    return message
