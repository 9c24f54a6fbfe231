"""Editing and deleting posts: authors edit and delete their own, moderators see versions and restore."""

from flask_babel import gettext as _
from sqlalchemy import select

from forum.accounts.access import require_moderator
from forum.cases import rules
from forum.cases.screening import screen
from forum.cases.services import require_open, visible_post
from forum.content.markdown import render_markdown
from forum.errors import Refused
from forum.extensions import db
from forum.models import Post, PostVersion, User
from forum.models.columns import utcnow
from forum.moderation.audit import record_event


def edit_post(author: User, post_id: int, body: object, *, title: object = None, confirmed: bool = False) -> Post:
    """Change one's own post; the earlier text is kept for moderators and the page says "edited"."""
    post = visible_post(author, post_id)
    if post.author_id != author.id:
        raise Refused("not_author", _("You can only edit your own posts."), 403)
    if post.deleted_at:
        raise Refused("deleted", _("A deleted post cannot be edited."), 409)
    require_open(post.case, author)
    text = rules.clean_text(body, "body", rules.MAX_BODY)
    new_title = rules.clean_text(title, "title", rules.MAX_TITLE) if post.is_opening and title else None
    screen({"title": new_title or "", "body": text}, confirmed)
    db.session.add(
        PostVersion(
            post_id=post.id,
            title=post.case.title if post.is_opening else None,
            body_md=post.body_md,
            body_html=post.body_html,
        )
    )
    post.body_md, post.body_html = text, render_markdown(text)
    if new_title:
        post.case.title = new_title
    post.edited_at = utcnow()
    db.session.commit()
    return post


def delete_post(author: User, post_id: int) -> Post:
    """Delete one's own post (softly: a moderator can restore it). Deleting the opening post removes the case."""
    post = visible_post(author, post_id)
    if post.author_id != author.id:
        raise Refused("not_author", _("You can only delete your own posts."), 403)
    require_open(post.case, author)
    if post.deleted_at is None:
        post.deleted_at = utcnow()
        if not post.is_opening:
            post.case.reply_count -= 1
        db.session.commit()
    return post


def restore_post(moderator: User, post_id: int) -> Post:
    """Bring back a deleted post."""
    require_moderator(moderator)
    post = db.session.get(Post, post_id)
    if post is None:
        raise Refused("not_found", _("This post does not exist."), 404)
    if post.deleted_at is not None:
        post.deleted_at = None
        if not post.is_opening:
            post.case.reply_count += 1
        record_event(moderator, "post.restore", "post", post.id)
        db.session.commit()
    return post


def post_versions(moderator: User, post_id: int) -> list[PostVersion]:
    """Earlier texts of a post, newest first (moderators only)."""
    require_moderator(moderator)
    query = select(PostVersion).where(PostVersion.post_id == post_id).order_by(PostVersion.id.desc())
    return list(db.session.scalars(query))
