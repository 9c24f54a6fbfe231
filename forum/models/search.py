"""The durable queue of search index changes, and the tables of the PostgreSQL search engine.

`search_documents` and `search_words` exist on every database so that one set of migrations describes one
schema; only the PostgreSQL engine (SEARCH_BACKEND = "postgres") fills them. Their text search parts (the
`forum_fr` and `forum_en` configurations, unaccent, pg_trgm) are created by the migration on PostgreSQL only.
"""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped

from forum.extensions import db
from forum.models.columns import column

# A tsvector on PostgreSQL; on other databases the table stays empty and a text column stands in.
Vector = Text().with_variant(TSVECTOR(), "postgresql")


class SearchQueue(db.Model):
    """A case whose index entry must be brought up to date; the row is deleted once the index has it."""

    __tablename__ = "search_queue"

    id: Mapped[int] = column(Integer, primary_key=True, nominative=False)
    case_id: Mapped[int] = column(Integer, index=True, nominative=False)


class SearchDocument(db.Model):
    """One listed case as the PostgreSQL engine finds it: weighted French and English vectors, texts, filters."""

    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_documents_french", "french", postgresql_using="gin"),
        Index("ix_search_documents_english", "english", postgresql_using="gin"),
    )

    case_id: Mapped[int] = column(Integer, primary_key=True, autoincrement=False, nominative=False)
    title: Mapped[str] = column(Text, nominative=True)
    # Plain texts of the opening post and of the visible replies, for snippets.
    body: Mapped[str] = column(Text, nominative=True)
    replies: Mapped[str] = column(Text, nominative=True)
    # Stems of the title (A), tags (B), opening post (C), labels and replies (D), French and English.
    french: Mapped[str] = column(Vector, nominative=True)
    english: Mapped[str] = column(Vector, nominative=True)
    tags: Mapped[str] = column(Text, nominative=False)  # comma-separated tag names
    specialty: Mapped[str] = column(String(40), nominative=False)
    question_type: Mapped[str] = column(String(20), nominative=False)
    solved: Mapped[bool] = column(Boolean, nominative=False)
    created: Mapped[datetime] = column(DateTime, nominative=True)  # UTC, without zone
    reply_count: Mapped[int] = column(Integer, nominative=False)


class SearchWord(db.Model):
    """A word seen in listed cases (folded, unstemmed), for "did you mean"; rebuilt with the index."""

    __tablename__ = "search_words"
    __table_args__ = (
        Index("ix_search_words_trigrams", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}),
    )

    word: Mapped[str] = column(String(100), primary_key=True, nominative=True)
