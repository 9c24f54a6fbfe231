"""Case threads: the case, its posts (the opening post and the replies), tags, votes, follows."""

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, relationship

from forum.extensions import db
from forum.models.accounts import User
from forum.models.columns import column, utcnow

QUESTION_TYPES = ("diagnosis", "treatment", "referral", "administrative", "other")
AGE_BANDS = ("<1", "1-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89", "90+")
PATIENT_SEXES = ("female", "male", "other")
CASE_STATUSES = ("open", "solved")

case_tags = Table(
    "case_tags",
    db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, info={"nominative": False}),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, info={"nominative": False}),
)


class Tag(db.Model):
    """A free tag, normalised to lower case words joined by hyphens."""

    __tablename__ = "tags"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    name: Mapped[str] = column(String(40), unique=True, nominative=False)


class Case(db.Model):
    """A clinical question put to colleagues; its text lives in the opening post."""

    __tablename__ = "cases"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    author_id: Mapped[int] = column(ForeignKey("users.id"), index=True, nominative=True)
    anonymous: Mapped[bool] = column(Boolean, default=False, nominative=False)
    title: Mapped[str] = column(String(200), nominative=True)
    specialty: Mapped[str] = column(String(40), index=True, nominative=False)
    question_type: Mapped[str] = column(String(20), nominative=False)
    age_band: Mapped[str | None] = column(String(10), nominative=False)
    patient_sex: Mapped[str | None] = column(String(10), nominative=False)
    status: Mapped[str] = column(String(10), default="open", index=True, nominative=False)
    locked: Mapped[bool] = column(Boolean, default=False, nominative=False)
    hidden: Mapped[bool] = column(Boolean, default=False, nominative=False)
    accepted_post_id: Mapped[int | None] = column(
        ForeignKey("posts.id", use_alter=True, ondelete="SET NULL"), nominative=False
    )
    reply_count: Mapped[int] = column(Integer, default=0, nominative=False)
    # The newest post's id: "unread" compares it with how far each member has read.
    last_post_id: Mapped[int] = column(Integer, default=0, nominative=False)
    # Month only ("2026-11"): what a sponsor's trend report may count; the exact time stays private.
    created_month: Mapped[str] = column(String(7), index=True, nominative=False)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    last_activity_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, index=True, nominative=True)
    solved_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)
    outcome_md: Mapped[str | None] = column(Text, nominative=True)
    outcome_html: Mapped[str | None] = column(Text, nominative=True)
    outcome_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)
    outcome_reminded_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    tags: Mapped[list[Tag]] = relationship(secondary=case_tags, order_by=Tag.name)
    posts: Mapped[list["Post"]] = relationship(
        back_populates="case", foreign_keys="Post.case_id", order_by="Post.id", cascade="all, delete-orphan"
    )

    @property
    def opening(self) -> "Post":
        """The post that states the case."""
        return self.posts[0]


class Post(db.Model):
    """The opening post of a case or a reply. Deleting is soft; edits keep versions."""

    __tablename__ = "posts"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    case_id: Mapped[int] = column(ForeignKey("cases.id", ondelete="CASCADE"), index=True, nominative=False)
    author_id: Mapped[int] = column(ForeignKey("users.id"), index=True, nominative=True)
    is_opening: Mapped[bool] = column(Boolean, default=False, nominative=False)
    anonymous: Mapped[bool] = column(Boolean, default=False, nominative=False)
    body_md: Mapped[str] = column(Text, nominative=True)
    body_html: Mapped[str] = column(Text, nominative=True)
    quoted_post_id: Mapped[int | None] = column(ForeignKey("posts.id", ondelete="SET NULL"), nominative=False)
    helpful_count: Mapped[int] = column(Integer, default=0, nominative=False)
    hidden: Mapped[bool] = column(Boolean, default=False, nominative=False)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    edited_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)
    deleted_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)

    case: Mapped[Case] = relationship(back_populates="posts", foreign_keys=[case_id])
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    quoted: Mapped["Post | None"] = relationship(remote_side=[id], foreign_keys=[quoted_post_id])


class PostVersion(db.Model):
    """An earlier text of an edited post, for moderators."""

    __tablename__ = "post_versions"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    post_id: Mapped[int] = column(ForeignKey("posts.id", ondelete="CASCADE"), index=True, nominative=False)
    title: Mapped[str | None] = column(String(200), nominative=True)
    body_md: Mapped[str] = column(Text, nominative=True)
    body_html: Mapped[str] = column(Text, nominative=True)
    replaced_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)


class HelpfulVote(db.Model):
    """A member found a reply helpful (once per member and reply)."""

    __tablename__ = "helpful_votes"

    post_id: Mapped[int] = column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, nominative=False)
    user_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, nominative=True)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)


class CaseFollow(db.Model):
    """A member follows a case and is told about new replies."""

    __tablename__ = "case_follows"

    case_id: Mapped[int] = column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, nominative=False)
    user_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, nominative=True)


class CaseRead(db.Model):
    """How far a member has read a case: the last post id they saw."""

    __tablename__ = "case_reads"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    case_id: Mapped[int] = column(ForeignKey("cases.id", ondelete="CASCADE"), index=True, nominative=False)
    user_id: Mapped[int] = column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nominative=True)
    last_read_post_id: Mapped[int] = column(Integer, default=0, nominative=False)


class Flag(db.Model):
    """A member's report of a post to the moderators."""

    __tablename__ = "flags"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    post_id: Mapped[int] = column(ForeignKey("posts.id", ondelete="CASCADE"), index=True, nominative=False)
    reporter_id: Mapped[int] = column(ForeignKey("users.id"), nominative=True)
    reason: Mapped[str] = column(Text, nominative=True)
    state: Mapped[str] = column(String(20), default="open", index=True, nominative=False)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    resolved_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)
    resolved_by_id: Mapped[int | None] = column(ForeignKey("users.id"), nominative=True)

    post: Mapped[Post] = relationship()


class RevealRequest(db.Model):
    """A moderator's request to learn who wrote an anonymous post; a second moderator must approve."""

    __tablename__ = "reveal_requests"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    post_id: Mapped[int] = column(ForeignKey("posts.id", ondelete="CASCADE"), index=True, nominative=False)
    requested_by_id: Mapped[int] = column(ForeignKey("users.id"), nominative=True)
    reason: Mapped[str] = column(Text, nominative=True)
    state: Mapped[str] = column(String(20), default="pending", nominative=False)
    created_at: Mapped[datetime] = column(DateTime(timezone=True), default=utcnow, nominative=True)
    decided_by_id: Mapped[int | None] = column(ForeignKey("users.id"), nominative=True)
    decided_at: Mapped[datetime | None] = column(DateTime(timezone=True), nominative=True)

    post: Mapped[Post] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
