"""In-app notifications."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped

from forum.extensions import db
from forum.models.columns import column, utcnow

NOTIFICATION_KINDS = (
    "reply_to_my_case",
    "reply_to_followed",
    "answer_accepted",
    "mention",
    "outcome_reminder",
    "chat_mention",
    "chat_case_consent",
)


class Notification(db.Model):
    """Something a member should know about; never names the author of an anonymous post."""

    __tablename__ = "notifications"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    user_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nominative=True)
    kind: Mapped[str] = column(String(30), nominative=False)
    case_id: Mapped[int | None] = column(ForeignKey("cases.id", ondelete="CASCADE"), nominative=False)
    post_id: Mapped[int | None] = column(ForeignKey("posts.id", ondelete="CASCADE"), nominative=False)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    read_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)
