"""Reading cases: the lists with their filters, and a case page in a constant number of queries."""

from math import ceil

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from forum.accounts.access import require_member
from forum.cases.authors import author_view
from forum.cases.services import mark_seen, visible_case
from forum.extensions import db
from forum.models import Case, CaseFollow, CaseRead, HelpfulVote, Post, Tag, User

PER_PAGE = 20
VIEWS = ("latest", "unanswered", "solved", "specialty", "participated", "unread")


def listed_cases():
    """Cases anyone may list: not hidden, opening post not deleted."""
    opening_alive = exists().where(Post.case_id == Case.id, Post.is_opening, Post.deleted_at.is_(None))
    return select(Case).where(Case.hidden.is_(False), opening_alive)


def filtered(query, viewer: User, view: str, filters: dict):
    """Apply a list view and the filters to a case query."""
    if view == "unanswered":
        query = query.where(Case.reply_count == 0)
    elif view == "solved":
        query = query.where(Case.status == "solved")
    elif view == "specialty" and viewer.specialty:
        query = query.where(Case.specialty == viewer.specialty)
    elif view == "participated":
        replied = select(Post.case_id).where(Post.author_id == viewer.id)
        query = query.where(or_(Case.author_id == viewer.id, Case.id.in_(replied)))
    elif view == "unread":
        read = select(CaseRead.last_read_post_id).where(CaseRead.case_id == Case.id, CaseRead.user_id == viewer.id)
        query = query.where(Case.last_post_id > func.coalesce(read.scalar_subquery(), 0))
    if filters.get("specialty"):
        query = query.where(Case.specialty == filters["specialty"])
    if filters.get("tag"):
        query = query.where(Case.tags.any(Tag.name == filters["tag"]))
    if filters.get("status") in ("open", "solved"):
        query = query.where(Case.status == filters["status"])
    if filters.get("outcome"):
        query = query.where(Case.outcome_at.is_not(None))
    return query


def list_cases(viewer: User, view: str = "latest", page: int = 1, **filters) -> dict:
    """A page of cases, newest activity first, with the totals of the list."""
    require_member(viewer)
    view = view if view in VIEWS else "latest"
    query = filtered(listed_cases(), viewer, view, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, ceil(total / PER_PAGE))
    page = min(max(1, page), pages)
    cases = db.session.scalars(
        query.options(selectinload(Case.tags), joinedload(Case.author))
        .order_by(Case.last_activity_at.desc(), Case.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    read = read_markers(viewer, [case.id for case in cases])
    items = [case_summary(case, viewer, read.get(case.id, 0)) for case in cases]
    return {"items": items, "total": total, "page": page, "pages": pages, "view": view}


def view_counts(viewer: User) -> dict[str, int]:
    """How many cases each list view holds, shown on the tabs."""
    require_member(viewer)
    base = listed_cases()
    return {
        view: db.session.scalar(select(func.count()).select_from(filtered(base, viewer, view, {}).subquery()))
        for view in VIEWS
    }


def read_markers(viewer: User, case_ids: list[int]) -> dict[int, int]:
    """The last post id each case was read up to by this member."""
    if not case_ids:
        return {}
    query = select(CaseRead.case_id, CaseRead.last_read_post_id).where(
        CaseRead.user_id == viewer.id, CaseRead.case_id.in_(case_ids)
    )
    return dict(db.session.execute(query).all())


def case_summary(case: Case, viewer: User, last_read: int = 0) -> dict:
    """A case as a list shows it."""
    return {
        "id": case.id,
        "title": case.title,
        "specialty": case.specialty,
        "tags": [tag.name for tag in case.tags],
        "status": case.status,
        "question_type": case.question_type,
        "age_band": case.age_band,
        "patient_sex": case.patient_sex,
        "reply_count": case.reply_count,
        "locked": case.locked,
        "has_outcome": case.outcome_at is not None,
        "created_at": case.created_at.isoformat(),
        "last_activity_at": case.last_activity_at.isoformat(),
        "author": author_view(case.author, case.anonymous, viewer),
        "unread": case.last_post_id > last_read,
    }


def post_view(post: Post, viewer: User, voted: set[int], accepted_id: int | None) -> dict:
    """A post as this viewer may see it: deleted and hidden texts only for moderators."""
    removed = post.deleted_at is not None or post.hidden
    show_text = not removed or viewer.is_moderator
    return {
        "id": post.id,
        "body_html": post.body_html if show_text else "",
        "author": author_view(post.author, post.anonymous, viewer),
        "created_at": post.created_at.isoformat(),
        "edited": post.edited_at is not None,
        "edited_at": post.edited_at.isoformat() if post.edited_at else None,
        "deleted": post.deleted_at is not None,
        "hidden": post.hidden,
        "helpful_count": post.helpful_count,
        "voted_helpful": post.id in voted,
        "accepted": post.id == accepted_id,
        "quoted_post_id": post.quoted_post_id,
    }


def case_detail(viewer: User, case_id: int, *, mark_read: bool = False) -> dict:
    """A whole case with its replies, in a fixed number of queries whatever the number of replies.

    With mark_read, reading it also records that the member has now seen every post.
    """
    case = visible_case(viewer, case_id)
    posts = db.session.scalars(
        select(Post).where(Post.case_id == case.id).options(joinedload(Post.author)).order_by(Post.id)
    ).all()
    voted = set(
        db.session.scalars(
            select(HelpfulVote.post_id)
            .join(Post, Post.id == HelpfulVote.post_id)
            .where(Post.case_id == case.id, HelpfulVote.user_id == viewer.id)
        )
    )
    following = db.session.get(CaseFollow, (case.id, viewer.id)) is not None
    last_read = read_markers(viewer, [case.id]).get(case.id, 0)
    views = [post_view(post, viewer, voted, case.accepted_post_id) for post in posts]
    opening, replies = views[0], [view for view, post in zip(views, posts, strict=True) if not post.is_opening]
    visible_replies = [r for r in replies if not r["hidden"] or viewer.is_moderator]
    first_unread = next((r["id"] for r in visible_replies if r["id"] > last_read), None)
    if mark_read and case.last_post_id > last_read:
        mark_seen(viewer, case)
        db.session.commit()
    return {
        **case_summary(case, viewer, last_read),
        "body_html": opening["body_html"],
        "opening": opening,
        "replies": visible_replies,
        "accepted_post_id": case.accepted_post_id,
        "outcome_html": case.outcome_html,
        "outcome_at": case.outcome_at.isoformat() if case.outcome_at else None,
        "solved_at": case.solved_at.isoformat() if case.solved_at else None,
        "following": following,
        "first_unread_post_id": first_unread if last_read else None,
        "is_author": case.author_id == viewer.id,
        "hidden": case.hidden,
    }


def suggest_tags(viewer: User, prefix: str = "", limit: int = 10) -> list[str]:
    """Existing tags, most used first, to suggest while typing."""
    require_member(viewer)
    from forum.models.cases import case_tags

    usage = func.count(case_tags.c.case_id)
    listed = listed_cases().with_only_columns(Case.id)
    query = (
        select(Tag.name)
        .join(case_tags, case_tags.c.tag_id == Tag.id)
        .where(case_tags.c.case_id.in_(listed))
        .group_by(Tag.name)
    )
    if prefix:
        query = query.where(Tag.name.startswith(prefix.casefold()))
    return list(db.session.scalars(query.order_by(usage.desc(), Tag.name).limit(limit)))
