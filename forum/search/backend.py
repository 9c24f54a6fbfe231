"""The search interface every engine implements; Whoosh today, PostgreSQL can take its place later."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy.orm import Session

from forum.search.query import ParsedQuery

SORTS = ("relevance", "date")
PERIODS = ("month", "year", "older")
FACETS = ("specialty", "tag", "solved", "question_type", "period")


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


def backend_for(app: Flask | None = None) -> SearchBackend:
    """The configured engine of an application (one instance per application)."""
    app = app or current_app._get_current_object()
    backend = app.extensions.get("search_backend")
    if backend is None:
        if app.config["SEARCH_BACKEND"] != "whoosh":
            raise RuntimeError(f"unknown SEARCH_BACKEND {app.config['SEARCH_BACKEND']!r}")
        from forum.search.whoosh_backend import WhooshBackend

        backend = app.extensions["search_backend"] = WhooshBackend(
            app.config["SEARCH_INDEX_FOLDER"], app.config["SEARCH_SYNONYMS_FILE"], app.logger
        )
    return backend
