"""Every column states whether it is nominative; the charter reads that declaration."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, mapped_column


def column(*args: Any, nominative: bool, **kwargs: Any) -> Any:
    """A mapped column that declares if it holds personal data or free text.

    Nominative means: personal data of a member or a patient, or free text that
    may contain it. Sponsor reports may only ever read non-nominative columns.
    """
    info = dict(kwargs.pop("info", {}))
    info["nominative"] = nominative
    return mapped_column(*args, info=info, **kwargs)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class AppendOnlyViolation(RuntimeError):
    """Code tried to change or delete a row of an append-only log."""


class AppendOnly:
    """Mixin for logs whose rows are written once and never changed or deleted."""

    append_only_error: type[AppendOnlyViolation] = AppendOnlyViolation


@event.listens_for(Session, "before_flush")
def refuse_rewrites(session: Session, flush_context: object, instances: object) -> None:
    """Enforce AppendOnly at the ORM level, for every log at once."""
    for obj in [*session.dirty, *session.deleted]:
        if isinstance(obj, AppendOnly) and (obj in session.deleted or session.is_modified(obj)):
            raise obj.append_only_error(f"{type(obj).__name__} rows cannot be changed or deleted")
