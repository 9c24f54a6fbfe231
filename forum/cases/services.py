"""Cases and replies: asking, answering, voting, accepting, following, outcomes."""

from flask_babel import gettext as _
from sqlalchemy import select

from forum.accounts.access import require_member
from forum.accounts.rules import FieldErrors
from forum.cases import rules
from forum.cases.screening import screen
from forum.content.markdown import render_markdown
from forum.errors import Refused
from forum.extensions import db
from forum.models import Case, CaseFollow, CaseRead, HelpfulVote, Post, Tag, User
from forum.models.columns import utcnow
from forum.notifications import services as notifications


def visible_case(viewer: User, case_id: int) -> Case:
    """A case the viewer may read: hidden or deleted cases exist only for moderators."""
    require_member(viewer)
    case = db.session.get(Case, case_id)
    if case is None or ((case.hidden or opening_deleted(case.id)) and not viewer.is_moderator):
        raise Refused("not_found", _("This case does not exist or was removed."), 404)
    return case


def opening_deleted(case_id: int) -> bool:
    """Whether the author deleted the case (its opening post), without loading every post."""
    query = select(Post.deleted_at).where(Post.case_id == case_id, Post.is_opening)
    return db.session.scalar(query) is not None


def visible_post(viewer: User, post_id: int) -> Post:
    """A post the viewer may act on."""
    require_member(viewer)
    post = db.session.get(Post, post_id)
    if post is None:
        raise Refused("not_found", _("This post does not exist."), 404)
    visible_case(viewer, post.case_id)
    if post.hidden and not viewer.is_moderator:
        raise Refused("not_found", _("This post does not exist."), 404)
    return post


def tags_named(names: list[str]) -> list[Tag]:
    """The Tag rows for these names, creating the new ones."""
    existing = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [existing.get(name) or Tag(name=name) for name in names]


def create_case(author: User, data: dict, *, anonymous: bool = False, confirmed: bool = False) -> Case:
    """Publish a case with its opening post, once the guard is satisfied."""
    require_member(author)
    clean = rules.clean_case(data)
    screen({"title": clean["title"], "body": clean["body"], "tags": ", ".join(clean["tags"])}, confirmed)
    now = utcnow()
    case = Case(
        author=author,
        anonymous=bool(anonymous),
        title=clean["title"],
        specialty=clean["specialty"],
        question_type=clean["question_type"],
        age_band=clean["age_band"],
        patient_sex=clean["patient_sex"],
        tags=tags_named(clean["tags"]),
        created_at=now,
        last_activity_at=now,
        created_month=now.strftime("%Y-%m"),
    )
    opening = Post(
        case=case,
        author=author,
        is_opening=True,
        anonymous=bool(anonymous),
        body_md=clean["body"],
        body_html=render_markdown(clean["body"]),
        created_at=now,
    )
    db.session.add_all([case, opening])
    db.session.flush()
    db.session.add(CaseFollow(case_id=case.id, user_id=author.id))
    case.last_post_id = opening.id
    mark_seen(author, case)
    notifications.notify_mentions(opening, author)
    db.session.commit()
    return case


def require_open(case: Case, actor: User) -> None:
    """A locked case takes no new replies or edits, except from moderators."""
    if case.locked and not actor.is_moderator:
        raise Refused("locked", _("This case is locked: it takes no new replies."), 409)


def reply(author: User, case_id: int, body: object, *, quoted_post_id: object = None, confirmed: bool = False) -> Post:
    """Answer a case; the author of the case and its followers are told."""
    case = visible_case(author, case_id)
    require_open(case, author)
    text = rules.clean_text(body, "body", rules.MAX_BODY)
    quoted = None
    message = _("You can only quote a post of this case.")
    quoted_id = rules.clean_id(quoted_post_id, "quoted_post_id", message)
    if quoted_id is not None:
        quoted = db.session.get(Post, quoted_id)
        if quoted is None or quoted.case_id != case.id or quoted.deleted_at or quoted.hidden:
            raise FieldErrors({"quoted_post_id": message})
    screen({"body": text}, confirmed)
    now = utcnow()
    post = Post(
        case=case,
        author=author,
        # The author of an anonymous case stays anonymous in their own thread.
        anonymous=case.anonymous and case.author_id == author.id,
        body_md=text,
        body_html=render_markdown(text),
        quoted=quoted,
        created_at=now,
    )
    db.session.add(post)
    case.reply_count += 1
    case.last_activity_at = now
    follow(author, case, commit=False)
    db.session.flush()
    case.last_post_id = post.id
    mark_seen(author, case)
    notifications.notify_reply(post, author)
    db.session.commit()
    return post


def mark_seen(member: User, case: Case) -> None:
    """Remember that the member has seen the case up to its newest post (one's own posts are never unread)."""
    marker = db.session.scalar(select(CaseRead).where(CaseRead.case_id == case.id, CaseRead.user_id == member.id))
    if marker is None:
        db.session.add(CaseRead(case_id=case.id, user_id=member.id, last_read_post_id=case.last_post_id))
    else:
        marker.last_read_post_id = max(marker.last_read_post_id, case.last_post_id)


def follow(member: User, case: Case, *, commit: bool = True) -> None:
    """Follow a case (idempotent)."""
    if db.session.get(CaseFollow, (case.id, member.id)) is None:
        db.session.add(CaseFollow(case_id=case.id, user_id=member.id))
    if commit:
        db.session.commit()


def set_following(member: User, case_id: int, following: bool) -> None:
    """Follow or stop following a case."""
    case = visible_case(member, case_id)
    if following:
        follow(member, case)
        return
    record = db.session.get(CaseFollow, (case.id, member.id))
    if record is not None:
        db.session.delete(record)
        db.session.commit()


def vote_helpful(member: User, post_id: int, helpful: bool = True) -> Post:
    """Mark a reply helpful, once per member, never one's own."""
    post = visible_post(member, post_id)
    if post.is_opening or post.deleted_at:
        raise Refused("not_a_reply", _("Only replies can be marked helpful."), 409)
    if post.author_id == member.id:
        raise Refused("own_post", _("You cannot mark your own reply helpful."), 403)
    vote = db.session.get(HelpfulVote, (post.id, member.id))
    if helpful and vote is None:
        db.session.add(HelpfulVote(post_id=post.id, user_id=member.id))
        post.helpful_count += 1
    elif helpful:
        raise Refused("already_voted", _("You already marked this reply helpful."), 409)
    elif vote is not None:
        db.session.delete(vote)
        post.helpful_count -= 1
    db.session.commit()
    return post


def accept_reply(member: User, case_id: int, post_id: object) -> Case:
    """The case author marks the reply that answered the case; the case becomes solved."""
    case = visible_case(member, case_id)
    if case.author_id != member.id:
        raise Refused("not_author", _("Only the author of the case can accept a reply."), 403)
    message = _("Choose a reply in this case.")
    accepted_id = rules.clean_id(post_id, "post_id", message)
    post = db.session.get(Post, accepted_id) if accepted_id else None
    if post is None or post.case_id != case.id or post.is_opening or post.deleted_at or post.hidden:
        raise FieldErrors({"post_id": message})
    case.accepted_post_id = post.id
    case.status = "solved"
    case.solved_at = case.solved_at or utcnow()
    notifications.notify_accepted(post, member)
    db.session.commit()
    return case


def add_outcome(member: User, case_id: int, body: object, *, confirmed: bool = False) -> Case:
    """The author tells what happened to the patient."""
    case = visible_case(member, case_id)
    if case.author_id != member.id:
        raise Refused("not_author", _("Only the author of the case can add its outcome."), 403)
    text = rules.clean_text(body, "outcome", rules.MAX_BODY)
    screen({"outcome": text}, confirmed)
    case.outcome_md = text
    case.outcome_html = render_markdown(text)
    case.outcome_at = utcnow()
    db.session.commit()
    return case
