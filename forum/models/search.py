"""The durable queue of search index changes, written in the same transaction as the change itself."""

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped

from forum.extensions import db
from forum.models.columns import column


class SearchQueue(db.Model):
    """A case whose index entry must be brought up to date; the row is deleted once the index has it."""

    __tablename__ = "search_queue"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    case_id: Mapped[int] = column(Integer, index=True, nominative=False)
