"""Real-time chat: rooms, their members and read markers, messages, reports, questions to online colleagues."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, relationship

from forum.extensions import db
from forum.models.accounts import User
from forum.models.columns import column, utcnow

ROOM_KINDS = ("general", "specialty", "case", "dm")
MAX_DM_PARTICIPANTS = 8


class ChatRoom(db.Model):
    """A room; `name` is what sockets use: general, specialty:<slug>, case:<id>, dm:<id>."""

    __tablename__ = "chat_rooms"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    # Direct conversations get their name once their id is known, hence nullable.
    name: Mapped[str | None] = column(String(60), unique=True, nominative=False)
    kind: Mapped[str] = column(String(10), nominative=False)
    specialty: Mapped[str | None] = column(String(40), nominative=False)
    case_id: Mapped[int | None] = column(ForeignKey("cases.id", ondelete="CASCADE"), nominative=False)
    created_by_id: Mapped[int | None] = column(ForeignKey("users.id", ondelete="SET NULL"), nominative=True)
    # The newest message's id: unread counts compare it with each member's read marker.
    last_message_id: Mapped[int] = column(Integer, default=0, nominative=False)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)

    members: Mapped[list["ChatMember"]] = relationship(back_populates="room", cascade="all, delete-orphan")


class ChatMember(db.Model):
    """A member's place in a room: a participant of a direct conversation, a chosen room, a read marker."""

    __tablename__ = "chat_members"

    room_id: Mapped[int] = column(ForeignKey("chat_rooms.id", ondelete="CASCADE"), primary_key=True, nominative=False)
    user_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, nominative=True)
    # A participant of a direct conversation; other rows only remember reading and choosing a room.
    participant: Mapped[bool] = column(Boolean, default=False, nominative=False)
    listed: Mapped[bool] = column(Boolean, default=True, nominative=False)
    last_read_id: Mapped[int] = column(Integer, default=0, nominative=True)
    joined_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)

    room: Mapped[ChatRoom] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class ChatMessage(db.Model):
    """A message; stored before it is broadcast, so its id is the order everyone agrees on."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_room_id_id", "room_id", "id"),)

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    room_id: Mapped[int] = column(ForeignKey("chat_rooms.id", ondelete="CASCADE"), nominative=False)
    author_id: Mapped[int] = column(ForeignKey("users.id"), index=True, nominative=True)
    body_md: Mapped[str] = column(Text, nominative=True)
    body_html: Mapped[str] = column(Text, nominative=True)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, index=True, nominative=True)
    edited_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)
    deleted_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)
    hidden: Mapped[bool] = column(Boolean, default=False, nominative=False)
    # Set by the first report: from then on moderators may read it, even in a direct conversation.
    reported: Mapped[bool] = column(Boolean, default=False, nominative=False)

    room: Mapped[ChatRoom] = relationship()
    author: Mapped[User] = relationship()


class ChatReport(db.Model):
    """A member's report of a message, for the moderators."""

    __tablename__ = "chat_reports"
    __table_args__ = (UniqueConstraint("message_id", "reporter_id"),)

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    message_id: Mapped[int] = column(ForeignKey("chat_messages.id", ondelete="CASCADE"), index=True, nominative=False)
    reporter_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), nominative=True)
    reason: Mapped[str] = column(Text, default="", nominative=True)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    handled_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)

    message: Mapped[ChatMessage] = relationship()


class ChatQuestion(db.Model):
    """A short question put to the colleagues of a specialty online now; the first to accept gets a conversation."""

    __tablename__ = "chat_questions"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    author_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nominative=True)
    specialty: Mapped[str] = column(String(40), nominative=False)
    body: Mapped[str] = column(Text, nominative=True)
    accepted_by_id: Mapped[int | None] = column(ForeignKey("users.id", ondelete="SET NULL"), nominative=True)
    room_id: Mapped[int | None] = column(ForeignKey("chat_rooms.id", ondelete="SET NULL"), nominative=False)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)

    author: Mapped[User] = relationship(foreign_keys=[author_id])


class ChatCaseDraft(db.Model):
    """A stretch of a conversation proposed as a new case; published once every quoted colleague agreed."""

    __tablename__ = "chat_case_drafts"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    room_id: Mapped[int] = column(ForeignKey("chat_rooms.id", ondelete="CASCADE"), nominative=False)
    proposer_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nominative=True)
    first_message_id: Mapped[int] = column(Integer, nominative=False)
    last_message_id: Mapped[int] = column(Integer, nominative=False)
    title: Mapped[str] = column(String(200), nominative=True)
    specialty: Mapped[str] = column(String(40), nominative=False)
    question_type: Mapped[str] = column(String(20), nominative=False)
    # The proposer confirmed that what the de-identification guard flagged identifies nobody.
    confirmed: Mapped[bool] = column(Boolean, default=False, nominative=False)
    status: Mapped[str] = column(String(10), default="waiting", nominative=False)
    case_id: Mapped[int | None] = column(ForeignKey("cases.id", ondelete="SET NULL"), nominative=False)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)

    room: Mapped[ChatRoom] = relationship()
    proposer: Mapped[User] = relationship()
    consents: Mapped[list["ChatConsent"]] = relationship(back_populates="draft", cascade="all, delete-orphan")


class ChatConsent(db.Model):
    """A quoted colleague's answer to a draft: nothing is published without a yes from each."""

    __tablename__ = "chat_consents"

    draft_id: Mapped[int] = column(
        ForeignKey("chat_case_drafts.id", ondelete="CASCADE"), primary_key=True, nominative=False
    )
    user_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, nominative=True)
    agreed: Mapped[bool | None] = column(Boolean, nominative=False)
    answered_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)

    draft: Mapped[ChatCaseDraft] = relationship(back_populates="consents")
