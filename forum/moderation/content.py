"""Moderating content: flags, hiding, locking, moving, and revealing an anonymous author."""

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from forum.accounts.access import require_moderator
from forum.accounts.catalog import SPECIALTIES
from forum.cases.rules import MAX_REASON, clean_choice, clean_text
from forum.cases.services import visible_post
from forum.errors import Refused
from forum.extensions import db
from forum.models import Case, Flag, Post, RevealRequest, User
from forum.models.columns import utcnow
from forum.moderation.audit import record_event


def flag_post(member: User, post_id: int, reason: object) -> Flag:
    """Any member reports a post, with a reason; one open report per member and post."""
    post = visible_post(member, post_id)
    text = clean_text(reason, "reason", MAX_REASON)
    duplicate = select(Flag.id).where(Flag.post_id == post.id, Flag.reporter_id == member.id, Flag.state == "open")
    if db.session.scalar(duplicate) is not None:
        raise Refused("already_flagged", _("You already reported this post; a moderator will look at it."), 409)
    flag = Flag(post_id=post.id, reporter_id=member.id, reason=text)
    db.session.add(flag)
    db.session.commit()
    return flag


def open_flags(moderator: User) -> list[Flag]:
    """Reports waiting for a moderator, oldest first."""
    require_moderator(moderator)
    query = (
        select(Flag)
        .where(Flag.state == "open")
        .options(selectinload(Flag.post).selectinload(Post.case), selectinload(Flag.post).selectinload(Post.author))
        .order_by(Flag.id)
    )
    return list(db.session.scalars(query))


def resolve_flags(moderator: User, post_id: int, state: str) -> None:
    """Close the open reports of a post as acted upon or dismissed."""
    for flag in db.session.scalars(select(Flag).where(Flag.post_id == post_id, Flag.state == "open")):
        flag.state, flag.resolved_at, flag.resolved_by_id = state, utcnow(), moderator.id


def moderated_post(moderator: User, post_id: int) -> Post:
    """A post a moderator acts on."""
    require_moderator(moderator)
    post = db.session.get(Post, post_id)
    if post is None:
        raise Refused("not_found", _("This post does not exist."), 404)
    return post


def set_post_hidden(moderator: User, post_id: int, hidden: bool) -> Post:
    """Hide or show a post; hiding the opening post hides the whole case."""
    post = moderated_post(moderator, post_id)
    post.hidden = hidden
    if post.is_opening:
        post.case.hidden = hidden
    resolve_flags(moderator, post.id, "acted" if hidden else "dismissed")
    record_event(moderator, "post.hide" if hidden else "post.unhide", "post", post.id, case_id=post.case_id)
    db.session.commit()
    return post


def dismiss_flags(moderator: User, post_id: int) -> None:
    """Close a post's reports without acting on the post."""
    post = moderated_post(moderator, post_id)
    resolve_flags(moderator, post.id, "dismissed")
    record_event(moderator, "flags.dismiss", "post", post.id)
    db.session.commit()


def moderated_case(moderator: User, case_id: int) -> Case:
    """A case a moderator acts on."""
    require_moderator(moderator)
    case = db.session.get(Case, case_id)
    if case is None:
        raise Refused("not_found", _("This case does not exist."), 404)
    return case


def set_case_locked(moderator: User, case_id: int, locked: bool) -> Case:
    """Lock a case (no more replies or edits) or unlock it."""
    case = moderated_case(moderator, case_id)
    case.locked = locked
    record_event(moderator, "case.lock" if locked else "case.unlock", "case", case.id)
    db.session.commit()
    return case


def move_case(moderator: User, case_id: int, specialty: object) -> Case:
    """Move a case to the specialty it really concerns."""
    case = moderated_case(moderator, case_id)
    specialty = clean_choice(specialty, "specialty", SPECIALTIES)
    record_event(moderator, "case.move", "case", case.id, before=case.specialty, after=specialty)
    case.specialty = specialty
    db.session.commit()
    return case


def request_reveal(moderator: User, post_id: int, reason: object) -> RevealRequest:
    """Ask to know who wrote an anonymous post: a written reason, then a second moderator's approval."""
    post = moderated_post(moderator, post_id)
    if not post.anonymous:
        raise Refused("not_anonymous", _("This post is not anonymous."), 409)
    text = clean_text(reason, "reason", MAX_REASON)
    waiting = select(RevealRequest.id).where(RevealRequest.post_id == post.id, RevealRequest.state == "pending")
    if db.session.scalar(waiting) is not None:
        raise Refused("already_requested", _("A request for this post is already waiting for a decision."), 409)
    request = RevealRequest(post_id=post.id, requested_by_id=moderator.id, reason=text)
    db.session.add(request)
    db.session.flush()
    record_event(moderator, "reveal.request", "post", post.id, reveal_request_id=request.id, reason=text)
    db.session.commit()
    return request


def pending_reveals(moderator: User) -> list[RevealRequest]:
    """Reveal requests waiting for a second moderator."""
    require_moderator(moderator)
    query = select(RevealRequest).where(RevealRequest.state == "pending").order_by(RevealRequest.id)
    return list(db.session.scalars(query))


def my_approved_reveals(moderator: User) -> list[RevealRequest]:
    """Approved requests this moderator took part in: only they may open them."""
    require_moderator(moderator)
    mine = or_(RevealRequest.requested_by_id == moderator.id, RevealRequest.decided_by_id == moderator.id)
    query = select(RevealRequest).where(RevealRequest.state == "approved", mine).order_by(RevealRequest.id.desc())
    return list(db.session.scalars(query))


def decide_reveal(moderator: User, request_id: int, approve: bool) -> RevealRequest:
    """A second moderator approves or refuses; never the one who asked."""
    require_moderator(moderator)
    request = db.session.get(RevealRequest, request_id)
    if request is None or request.state != "pending":
        raise Refused("not_found", _("This request does not exist or was already decided."), 404)
    if request.requested_by_id == moderator.id:
        raise Refused("same_moderator", _("A second moderator must decide on your request."), 403)
    request.state = "approved" if approve else "refused"
    request.decided_by_id, request.decided_at = moderator.id, utcnow()
    record_event(moderator, f"reveal.{request.state}", "post", request.post_id, reveal_request_id=request.id)
    db.session.commit()
    return request


def revealed_author(moderator: User, request_id: int) -> User:
    """The author of an anonymous post, for the moderators of an approved request only; each look is logged."""
    require_moderator(moderator)
    request = db.session.get(RevealRequest, request_id)
    if request is None or request.state != "approved":
        raise Refused("not_approved", _("This request was not approved by a second moderator."), 403)
    if moderator.id not in (request.requested_by_id, request.decided_by_id):
        raise Refused("forbidden", _("Only the two moderators of this request may see who wrote the post."), 403)
    record_event(moderator, "reveal.view", "post", request.post_id, reveal_request_id=request.id)
    db.session.commit()
    return request.post.author
