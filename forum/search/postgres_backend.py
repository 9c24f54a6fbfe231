"""The PostgreSQL engine: one row per listed case in `search_documents`, searched with full-text search.

The rows live in the application's database, so any number of application servers search and write them;
writers take turns on an advisory lock, searches never wait (MVCC). The shared analysis (analysis.py) hands
PostgreSQL folded words without stop words, in order; the `forum_fr` and `forum_en` configurations (unaccent,
then the French or English snowball stemmer) turn them into weighted vectors held by GIN indexes.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from whoosh.support.levenshtein import distance

from forum.extensions import db
from forum.models import Case
from forum.search.analysis import stems
from forum.search.backend import FACETS, SearchHit, SearchResults, page_within, period_bounds
from forum.search.documents import all_case_ids, all_documents, documents_for
from forum.search.postgres_documents import document_rows, insert_documents_sql, insert_words_sql
from forum.search.postgres_query import (
    WEIGHTS,
    conditions,
    facets_sql,
    marked_tsquery,
    page_sql,
    vector_match,
    word_tsquery,
)
from forum.search.query import ParsedQuery
from forum.search.snippets import (
    BETWEEN,
    GREATER,
    LESS,
    SNIPPET_SCAN,
    START,
    STOP,
    marked_snippet,
    plain_snippet,
    snippet_formatter,
)
from forum.search.spelling import MAX_EDITS, corrected_text
from forum.search.synonyms import load_synonyms

BATCH = 250
GIN_INDEXES = ["ix_search_documents_french", "ix_search_documents_english", "ix_search_words_trigrams"]
# Advisory locks, per schema (another forum in another schema of the same database does not wait): one
# transaction writes search_documents at a time, and one process drains the change queue at a time.
LOCK = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.search_documents'))"
DRAIN_LOCK = "hashtext(current_schema() || '.search_queue')"
HEADLINE_OPTIONS = (
    f'StartSel="{START}", StopSel="{STOP}", FragmentDelimiter="{BETWEEN}", MaxFragments=2, MaxWords=35, MinWords=15'
)
# Suggestions: words sharing enough trigrams (pg_trgm's `%`), then at most MAX_EDITS edits away.
CANDIDATES_SQL = """
    SELECT word FROM search_words WHERE word % :word ORDER BY similarity(word, :word) DESC, word LIMIT 20
"""
DOCUMENT_COUNTS_SQL = """
    SELECT c.word, (
        SELECT count(*) FROM (
            SELECT 1 FROM search_documents d
            WHERE d.french @@ CAST(c.query AS tsquery) OR d.english @@ CAST(c.query AS tsquery) LIMIT 1000
        ) AS holding
    ) AS documents
    FROM unnest(CAST(:words AS text[]), CAST(:queries AS text[])) AS c(word, query)
"""


def headline_sql(field: str) -> str:
    """Highlighted passages of one text field, in French and in English, for some cases.

    Angle brackets are hidden from ts_headline, which would drop anything that looks like an HTML tag.
    """
    source = f"translate(left(d.{field}, :scan), '<>', :hidden)"
    return f"""
        SELECT d.case_id,
               ts_headline('forum_fr', {source}, CAST(:marked AS tsquery), :options) AS french,
               ts_headline('forum_en', {source}, CAST(:marked AS tsquery), :options) AS english
        FROM search_documents d WHERE d.case_id = ANY(:ids)
    """


class PostgresBackend:
    """PostgreSQL full-text search behind the search interface."""

    def __init__(self, synonyms_file: str | None, logger: logging.Logger):
        self.synonyms_file, self.logger = synonyms_file, logger

    def synonyms(self):
        """The synonyms file, as of its last change."""
        return load_synonyms(self.synonyms_file)

    # Writing --------------------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[None]:
        """While a process drains the queue, others wait: a session lock on a connection of its own.

        The queue's batches commit one by one, so a transaction lock would not last the whole drain.
        """
        with db.engine.connect() as connection:
            connection.execute(text(f"SELECT pg_advisory_lock({DRAIN_LOCK})"))
            connection.commit()  # idle, not idle in a transaction, while the drain runs
            try:
                yield
            finally:
                connection.execute(text(f"SELECT pg_advisory_unlock({DRAIN_LOCK})"))
                connection.commit()

    def write(self, session: Session, documents: list[dict]) -> None:
        """Insert documents and their words (the caller has removed the previous rows of these cases)."""
        rows, words = document_rows(documents)
        if rows:
            session.execute(text(insert_documents_sql()), rows)
        if words:
            session.execute(text(insert_words_sql()), {"words": sorted(words)})

    def index_cases(self, case_ids: list[int], session: Session) -> None:
        """Index the listed cases among these ids, remove the rest (in the caller's transaction)."""
        session.execute(text(LOCK))
        documents, _gone = documents_for(session, case_ids)
        session.execute(text("DELETE FROM search_documents WHERE case_id = ANY(:ids)"), {"ids": list(case_ids)})
        self.write(session, documents)

    def remove_cases(self, case_ids: list[int], session: Session | None = None) -> None:
        """Take cases out of the index (in the caller's transaction)."""
        session = session or db.session
        session.execute(text(LOCK))
        session.execute(text("DELETE FROM search_documents WHERE case_id = ANY(:ids)"), {"ids": list(case_ids)})

    def rebuild(self, session: Session, progress=None, procs: int = 2) -> dict:
        """Write every listed case again in one transaction: searches read the previous rows until the commit.

        Changes committed meanwhile stay queued behind the lock and are applied right after.
        """
        started = time.perf_counter()
        session.execute(text(LOCK))
        total = len(all_case_ids(session))
        session.execute(text("DELETE FROM search_documents"))
        session.execute(text("DELETE FROM search_words"))
        done, batch = 0, []
        for document in all_documents(session):
            batch.append(document)
            if len(batch) == BATCH:
                self.write(session, batch)
                done, batch = done + len(batch), []
                if progress:
                    progress(done, total)
        self.write(session, batch)
        done += len(batch)
        session.commit()
        self.tidy(session)
        size = session.scalar(
            text("SELECT pg_total_relation_size('search_documents') + pg_total_relation_size('search_words')")
        )
        session.commit()
        if progress:
            progress(total, total)
        return {
            "cases": total,
            "documents": done,
            "caught_up": 0,
            "seconds": round(time.perf_counter() - started, 2),
            "bytes": size,
            "location": "PostgreSQL tables search_documents and search_words",
            "procs": 1,
        }

    @staticmethod
    def tidy(session: Session) -> None:
        """After many writes: fresh statistics, and the entries GIN keeps pending merged into its indexes.

        Until then the planner misjudges the new rows, and every search scans the pending entries.
        """
        session.execute(text("ANALYZE search_documents, search_words"))
        session.execute(
            text("SELECT gin_clean_pending_list(CAST(name AS regclass)) FROM unnest(CAST(:names AS text[])) AS name"),
            {"names": GIN_INDEXES},
        )

    def ensure_index(self, session: Session) -> bool:
        """Rebuild when the table is empty while cases exist (a new database, or a switch from Whoosh)."""
        if session.scalar(text("SELECT EXISTS (SELECT 1 FROM search_documents)")):
            return False
        if session.scalar(select(Case.id).limit(1)) is None:
            return False
        self.logger.warning("Search index missing in the PostgreSQL table search_documents: rebuilding it.")
        self.rebuild(session)
        return True

    # Searching ------------------------------------------------------------------------------------
    def search(self, query: ParsedQuery, filters: dict, page: int, sort: str, per_page: int, typed: str = ""):
        """A page of cases, best first (or newest first), with facet counts and a spelling suggestion."""
        session = db.session
        now = datetime.now(UTC).replace(tzinfo=None)
        by_date = sort == "date" or query.is_empty
        relaxed = False
        where, params = conditions(query, filters, now)
        counted = self.facets(session, where, params, now)
        if not counted["specialty"] and len(query.required) > 1:
            relaxed = True
            where, params = conditions(query, filters, now, relaxed=True)
            counted = self.facets(session, where, params, now)
        total = sum(counted["specialty"].values())
        page, pages = page_within(total, page, per_page)
        marked = marked_tsquery(query)
        rows = []
        if total:
            values = {**params, "limit": per_page, "offset": (page - 1) * per_page}
            if not by_date:
                values.update(ranked=marked, weights=WEIGHTS)
            rows = session.execute(text(page_sql(where, by_date)), values).all()
        passages = self.passages(session, [row.case_id for row in rows], marked) if marked and rows else {}
        formatter = snippet_formatter()
        hits = [
            SearchHit(
                case_id=row.case_id,
                score=0.0 if by_date else round(float(row.score), 6),
                title=row.title,
                snippet_html=marked_snippet(passages.get(row.case_id, ""), formatter) or plain_snippet(row.opening),
                specialty=row.specialty,
                question_type=row.question_type,
                tags=[tag for tag in row.tags.split(",") if tag],
                solved=row.solved,
                reply_count=row.reply_count,
                created_at=row.created,
            )
            for row in rows
        ]
        suggestion = self.suggestion(session, query, typed) if total == 0 or relaxed else None
        return SearchResults(hits, total, page, pages, counted, suggestion, relaxed)

    @staticmethod
    def facets(session: Session, where: str, params: dict, now: datetime) -> dict[str, dict[str, int]]:
        """How many matching cases have each facet value."""
        month, year = period_bounds(now)
        counted: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        values = {**params, "month_start": month, "year_start": year}
        for facet, value, count in session.execute(text(facets_sql(where)), values):
            counted[facet][value] = count
        return counted

    @staticmethod
    def passages(session: Session, case_ids: list[int], marked: str) -> dict[int, str]:
        """Per case, its best passages with the markers of matches: opening post first, then replies."""
        found: dict[int, str] = {}
        values = {"scan": SNIPPET_SCAN, "hidden": LESS + GREATER, "marked": marked, "options": HEADLINE_OPTIONS}
        for field in ("body", "replies"):
            wanted = [case_id for case_id in case_ids if case_id not in found]
            if not wanted:
                break
            for case_id, *passages in session.execute(text(headline_sql(field)), {**values, "ids": wanted}):
                highlighted = [passage for passage in passages if passage and START in passage]  # French first
                if highlighted:
                    found[case_id] = highlighted[0]
        return found

    @staticmethod
    def suggestion(session: Session, query: ParsedQuery, typed: str) -> str | None:
        """The member's text with unknown words replaced by close words of live cases ("did you mean")."""

        def is_known(word_stems) -> bool:
            sql = f"SELECT EXISTS (SELECT 1 FROM search_documents d WHERE {vector_match('word')})"
            return bool(session.scalar(text(sql), {"word": word_tsquery(word_stems)}))

        def closest(word: str) -> str | None:
            candidates = session.scalars(text(CANDIDATES_SQL), {"word": word}).all()
            near = [found for found in candidates if distance(found, word, limit=MAX_EDITS) <= MAX_EDITS]
            if not near:
                return None
            # Words of since-hidden content stay in the word list until a rebuild: only live cases count.
            queries = [word_tsquery(stems(found)) for found in near]
            counts = dict(session.execute(text(DOCUMENT_COUNTS_SQL), {"words": near, "queries": queries}).all())
            best = max(near, key=lambda found: counts.get(found, 0))
            return best if counts.get(best) else None

        return corrected_text(query, typed, is_known, closest)
