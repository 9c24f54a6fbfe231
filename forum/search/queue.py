"""The durable change queue and its one writer.

A flush that touches a case or a post adds `search_queue` rows in the same transaction, so the index
learns of a change only once it is committed (a rollback takes the rows with it) and a crash between the
commit and the indexing leaves the rows for the next start. After a commit a background thread drains the
queue, one writer at a time (the engine's lock); searches never wait for it.
"""

import threading
from functools import partial
from itertools import chain

from flask import Flask, current_app, has_app_context
from sqlalchemy import create_engine, delete, event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from forum.extensions import db
from forum.models import Case, Post, SearchQueue
from forum.search.backend import backend_for

# Only these attributes change what members can find.
CASE_FIELDS = ("title", "specialty", "question_type", "status", "hidden", "tags", "reply_count", "outcome_html")
POST_FIELDS = ("body_html", "hidden", "deleted_at", "case_id")
BATCH = 500
# A worker with nothing to do for this long ends; the next commit starts another.
IDLE_SECONDS = 2.0


def init_app(app: Flask) -> None:
    """Watch the session for changes, and heal at start: apply what a crash left, rebuild a missing index."""
    if not event.contains(db.session, "after_flush", queue_changes):
        event.listen(db.session, "after_flush", queue_changes)
        event.listen(db.session, "after_commit", wake_worker)
        event.listen(db.session, "after_soft_rollback", forget_changes)
    worker = app.extensions["search_worker"] = IndexWorker(app)
    worker.notify(check_index=True)


def changed(state, fields: tuple[str, ...]) -> bool:
    """Whether any of these attributes of a loaded object changed in this flush."""
    return any(state.attrs[name].history.has_changes() for name in fields)


def changed_case_ids(session: Session) -> set[int]:
    """The cases whose searchable content or visibility this flush changes."""
    ids: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        state = inspect(obj)
        fresh = obj in session.new or obj in session.deleted
        if isinstance(obj, Case) and (fresh or changed(state, CASE_FIELDS)):
            ids.add(obj.id)
        elif isinstance(obj, Post) and (fresh or changed(state, POST_FIELDS)):
            ids.add(obj.case_id if obj.case_id is not None else obj.case.id)
            previous = state.attrs["case_id"].history.deleted
            ids.update(case_id for case_id in previous or () if case_id is not None)
    ids.discard(None)
    return ids


def queue_changes(session: Session, flush_context) -> None:
    """In the flush's own transaction: one queue row per changed case."""
    ids = changed_case_ids(session)
    if ids:
        session.connection().execute(SearchQueue.__table__.insert(), [{"case_id": case_id} for case_id in sorted(ids)])
        session.info["search_queued"] = True


def wake_worker(session: Session) -> None:
    """After the commit, and never before, tell this process's worker there is work."""
    if session.info.pop("search_queued", False) and has_app_context():
        worker = current_app.extensions.get("search_worker")
        if worker is not None:
            worker.notify()


def forget_changes(session: Session, previous_transaction) -> None:
    """A rolled-back transaction took its queue rows with it: nothing to wake for."""
    session.info.pop("search_queued", None)


class IndexWorker:
    """One background thread per process that applies queued changes; started on demand, ends when idle."""

    def __init__(self, app: Flask):
        self.app = app
        self.wake = threading.Event()
        self.guard = threading.Lock()
        self.thread: threading.Thread | None = None
        self.check_index = False
        self.checking = threading.Lock()
        self._engine: Engine | None = None

    def notify(self, check_index: bool = False) -> None:
        """Ask the thread to drain the queue (checking the index first at start)."""
        with self.guard:
            self.check_index = self.check_index or check_index
            self.wake.set()
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="search-indexer", daemon=True)
                self.thread.start()

    def run(self) -> None:
        """Drain whenever woken; end after a quiet while."""
        while True:
            if not self.wake.wait(IDLE_SECONDS):
                with self.guard:
                    if not self.wake.is_set():
                        self.thread = None
                        return
                continue
            self.wake.clear()
            try:
                self.drain()
            except (OperationalError, ProgrammingError) as error:
                # No tables yet (before `forum init`): the rows, if any, wait for the next start.
                self.app.logger.info("Search queue not drained: %s", error.__class__.__name__)
            except Exception:
                self.app.logger.exception("Search indexing failed; the changes stay queued")

    def engine(self) -> Engine:
        """The worker's own connections, so it never shares the request sessions or their pool."""
        if self._engine is None:
            with self.app.app_context():
                url = db.engine.url
            self._engine = create_engine(url, poolclass=NullPool)
            if url.get_backend_name() == "sqlite":
                from forum.security import tune_sqlite

                busy_timeout = self.app.config["SQLITE_BUSY_TIMEOUT_MS"]
                event.listen(self._engine, "connect", partial(tune_sqlite, busy_timeout))
        return self._engine

    def drain(self) -> int:
        """Apply every queued change now (waiting for another writer if one is busy); return the rows applied."""
        applied = 0
        with self.app.app_context(), Session(self.engine()) as session:
            backend = backend_for(self.app)
            session.execute(select(SearchQueue.id).limit(1))
            with self.checking:
                if self.check_index:
                    self.check_index = False
                    backend.ensure_index(session)
                    session.rollback()
            queued = select(SearchQueue.id, SearchQueue.case_id).order_by(SearchQueue.id).limit(BATCH)
            with backend.writing():
                while rows := session.execute(queued).all():
                    backend.index_cases(sorted({row.case_id for row in rows}), session)
                    session.execute(delete(SearchQueue).where(SearchQueue.id.in_([row.id for row in rows])))
                    session.commit()
                    session.expunge_all()
                    applied += len(rows)
        return applied


def drain_now(app: Flask | None = None) -> int:
    """Apply the queued changes before returning (tests and commands use it to stop waiting on the thread)."""
    app = app or current_app._get_current_object()
    return app.extensions["search_worker"].drain()


def pending_changes(app: Flask | None = None) -> int:
    """How many queued changes wait for the index."""
    app = app or current_app._get_current_object()
    with Session(app.extensions["search_worker"].engine()) as session:
        return len(session.execute(select(SearchQueue.id)).all())
