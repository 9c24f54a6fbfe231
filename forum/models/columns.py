"""Every column states whether it is nominative; the charter reads that declaration."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import mapped_column


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
