"""A member's own data: everything the community holds about them, as one JSON document.

Tables are walked rather than listed, so a table added later (chat, search…)
that points at the account is included without anyone remembering to.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select

from forum.accounts.access import require_login
from forum.extensions import db
from forum.models import AuditEvent, Post, PostVersion, User
from forum.models.columns import utcnow

# Secrets protect the account; handing them out would weaken it, and they say nothing about the member.
SECRET_COLUMNS = {"password_hash", "session_key", "totp_secret", "totp_last_counter", "token_hash", "code_hash"}
SECRET_COLUMNS |= {"stored_name", "pseudonym_key", "content"}
# Where the member acted for the community (moderation, exports), other people's texts stay out.
ACTING_COLUMNS = {"resolved_by_id", "decided_by_id", "requested_by_id", "actor_id", "sponsor_id"}


def plain(value: Any) -> Any:
    """A value JSON can carry."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def row_data(table: Table, row: Any, *, acting: bool) -> dict:
    """One row, without secrets; as an actor, only the row's non-nominative facts."""
    shown = {}
    for column in table.columns:
        if column.name in SECRET_COLUMNS or (acting and column.info.get("nominative") is not False):
            continue
        shown[column.name] = plain(row._mapping[column])
    return shown


def user_references() -> list[tuple[Table, Any]]:
    """Every (table, column) that points at an account."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if table.name != "users" and any(fk.column.table.name == "users" for fk in column.foreign_keys):
                found.append((table, column))
    return found


def member_data(user: User | None) -> dict:
    """Everything held about the member: the account, then every row of every table that points at it."""
    user = require_login(user)
    users = User.__table__
    account = db.session.execute(select(users).where(users.c.id == user.id)).one()
    data: dict[str, Any] = {
        "generated_at": utcnow().isoformat(),
        "account": {**row_data(users, account, acting=False), "totp_enabled": user.totp_enabled},
    }
    for table, column in user_references():
        acting = column.name in ACTING_COLUMNS
        rows = db.session.execute(select(table).where(column == user.id))
        items = [row_data(table, row, acting=acting) for row in rows]
        if items:
            data.setdefault(table.name, []).extend(items)
    versions = select(PostVersion).join(Post, Post.id == PostVersion.post_id).where(Post.author_id == user.id)
    data["post_versions"] = [
        {"post_id": v.post_id, "title": v.title, "body_md": v.body_md, "replaced_at": plain(v.replaced_at)}
        for v in db.session.scalars(versions)
    ]
    about = select(AuditEvent).where(AuditEvent.target_type == "user", AuditEvent.target_id == user.id)
    data["events_about_you"] = [
        {"action": e.action, "created_at": plain(e.created_at)} for e in db.session.scalars(about)
    ]
    return data
