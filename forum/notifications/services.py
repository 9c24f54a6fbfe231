"""Who is told what: replies, accepted answers, mentions, outcome reminders."""

from datetime import timedelta
from math import ceil

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from forum.accounts.access import require_member
from forum.accounts.pseudonyms import pseudonym_key
from forum.content.mentions import find_mentions
from forum.extensions import db
from forum.mail import external_url, send_mail
from forum.models import Case, CaseFollow, Notification, Post, User
from forum.models.columns import utcnow

OUTCOME_REMINDER_DELAY = timedelta(days=30)
PER_PAGE = 30


def add(user_id: int, kind: str, case_id: int | None, post_id: int | None = None) -> None:
    """Queue one notification in the current transaction."""
    db.session.add(Notification(user_id=user_id, kind=kind, case_id=case_id, post_id=post_id))


def notify_reply(post: Post, author: User) -> None:
    """Tell the case author (in-app and by mail) and the followers about a new reply, and who it mentions."""
    case = post.case
    told = {author.id}
    if case.author_id not in told:
        add(case.author_id, "reply_to_my_case", case.id, post.id)
        told.add(case.author_id)
        mail_case_author(case)
    followers = db.session.scalars(select(CaseFollow.user_id).where(CaseFollow.case_id == case.id))
    for user_id in followers:
        if user_id not in told:
            add(user_id, "reply_to_followed", case.id, post.id)
            told.add(user_id)
    notify_mentions(post, author, already_told=told)


def notify_mentions(post: Post, author: User, already_told: set[int] | None = None) -> None:
    """Tell each verified member named as @pseudonym in a post."""
    keys = {pseudonym_key(name) for name in find_mentions(post.body_md)}
    if not keys:
        return
    told = already_told or {author.id}
    members = db.session.scalars(select(User).where(User.pseudonym_key.in_(keys), User.status == "verified"))
    for member in members:
        if member.id not in told and member.id != author.id:
            add(member.id, "mention", post.case_id, post.id)


def notify_accepted(post: Post, case_author: User) -> None:
    """Tell a member their reply answered the case."""
    if post.author_id != case_author.id:
        add(post.author_id, "answer_accepted", post.case_id, post.id)


def mail_case_author(case: Case) -> None:
    """A mail for a reply to one's own case, unless the member opted out. It carries no post text."""
    author = case.author
    if not author.notify_replies_by_email or not author.is_verified_member:
        return
    with force_locale(author.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        link = external_url("cases.show", case_id=case.id)
        body = render_template("notifications/mail/reply.txt", user=author, case=case, link=link)
        send_mail(author.email, "Confrères — " + _("A colleague answered your case"), body)


def issue_outcome_reminders(user: User | None = None) -> int:
    """Remind authors, 30 days after a case was solved, to tell what happened to the patient."""
    due = utcnow() - OUTCOME_REMINDER_DELAY
    query = select(Case).where(
        Case.status == "solved",
        Case.solved_at <= due,
        Case.outcome_at.is_(None),
        Case.outcome_reminded_at.is_(None),
    )
    if user is not None:
        query = query.where(Case.author_id == user.id)
    cases = db.session.scalars(query).all()
    for case in cases:
        add(case.author_id, "outcome_reminder", case.id)
        case.outcome_reminded_at = utcnow()
    db.session.commit()
    return len(cases)


def unread_count(user: User) -> int:
    """Notifications not yet seen."""
    query = select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    return db.session.scalar(query)


def list_notifications(user: User, page: int = 1, unread_only: bool = False) -> dict:
    """A page of the member's notifications, newest first, with the case titles."""
    require_member(user)
    issue_outcome_reminders(user)
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, ceil(total / PER_PAGE))
    page = min(max(1, page), pages)
    rows = db.session.scalars(query.order_by(Notification.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    rows = list(rows)
    titles = dict(
        db.session.execute(select(Case.id, Case.title).where(Case.id.in_({n.case_id for n in rows if n.case_id}))).all()
    )
    items = [
        {
            "id": n.id,
            "kind": n.kind,
            "case_id": n.case_id,
            "post_id": n.post_id,
            "case_title": titles.get(n.case_id),
            "created_at": n.created_at.isoformat(),
            "read": n.read_at is not None,
        }
        for n in rows
    ]
    return {"items": items, "total": total, "page": page, "pages": pages, "unread": unread_count(user)}


def mark_all_read(user: User) -> None:
    """Mark every notification of the member as read."""
    require_member(user)
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
