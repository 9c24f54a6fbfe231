"""The search interface every engine implements: Whoosh (an index folder) or PostgreSQL full-text search.

SEARCH_BACKEND chooses: "whoosh" (the default, files in the instance folder, one writer at a time on one
disk) or "postgres" (tables of the PostgreSQL database, any number of application servers).
"""

import math
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy.orm import Session

from forum.search.query import ParsedQuery
from forum.search.synonyms import Synonyms

SORTS = ("relevance", "date")
PERIODS = ("month", "year", "older")
FACETS = ("specialty", "tag", "solved", "question_type", "period")
# Where a word counts most: a title that names the problem beats a passing mention in a reply.
FIELD_BOOSTS = {"title": 3.0, "tags_text": 2.0, "body": 1.5, "meta": 1.0, "replies": 1.0}


def period_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Starts of the period filter's ranges: the last month, the last year ("older" is before the year)."""
    return now - timedelta(days=30), now - timedelta(days=365)


def page_within(total: int, page: int, per_page: int) -> tuple[int, int]:
    """The page asked for, brought back to the last one, and the number of pages (at least one)."""
    pages = max(1, math.ceil(total / per_page))
    return min(page, pages), pages


@dataclass
class SearchHit:
    """One case that matched, with what a result line shows."""

    case_id: int
    score: float
    title: str
    snippet_html: str
    specialty: str
    question_type: str
    tags: list[str]
    solved: bool
    reply_count: int
    created_at: datetime | None


@dataclass
class SearchResults:
    """A page of matching cases, the counts of each filter value, and a spelling suggestion."""

    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    relaxed: bool = False


class SearchBackend(Protocol):
    """What the rest of the application asks of a search engine."""

    def index_cases(self, case_ids: list[int], session: Session) -> None:
        """Bring these cases up to date: index the listed ones, remove the others."""

    def remove_cases(self, case_ids: list[int]) -> None:
        """Take these cases out of the index."""

    def search(
        self, query: ParsedQuery, filters: dict, page: int, sort: str, per_page: int, typed: str = ""
    ) -> SearchResults:
        """A page of results; `typed` is the member's text, for the spelling suggestion."""

    def rebuild(self, session: Session, progress=None, procs: int = 2) -> dict:
        """Build the whole index again beside the current one, then swap it in; return figures."""

    def ensure_index(self, session: Session) -> bool:
        """Create or rebuild a missing or unreadable index; True when it had to."""

    def writing(self) -> AbstractContextManager:
        """Held while the change queue is drained, so that one process writes at a time."""

    def synonyms(self) -> Synonyms:
        """The synonyms file, as of its last change."""


def backend_for(app: Flask | None = None) -> SearchBackend:
    """The configured engine of an application (one instance per application)."""
    app = app or current_app._get_current_object()
    backend = app.extensions.get("search_backend")
    if backend is None:
        # Each engine imports its own library only when chosen.
        if app.config["SEARCH_BACKEND"] == "postgres":
            from forum.search.postgres_backend import PostgresBackend

            backend = PostgresBackend(app.config["SEARCH_SYNONYMS_FILE"], app.logger)
        elif app.config["SEARCH_BACKEND"] == "whoosh":
            from forum.search.whoosh_backend import WhooshBackend

            backend = WhooshBackend(app.config["SEARCH_INDEX_FOLDER"], app.config["SEARCH_SYNONYMS_FILE"], app.logger)
        else:
            raise RuntimeError(f"unknown SEARCH_BACKEND {app.config['SEARCH_BACKEND']!r}")
        app.extensions["search_backend"] = backend
    return backend
