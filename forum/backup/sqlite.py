"""SQLite: the online backup API copies a consistent snapshot while the site keeps writing (WAL)."""

import sqlite3
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import URL, create_engine
from sqlalchemy.pool import NullPool

from forum.backup.manifest import BackupError
from forum.backup.revisions import revision_of

# The site may hold the write lock for a moment; wait for it rather than fail.
BUSY_SECONDS = 30


def database_file(url: URL) -> Path:
    """The file of a SQLite database address; an in-memory database has none to back up."""
    if not url.database or url.database == ":memory:" or url.query.get("mode") == "memory":
        raise BackupError(_("An in-memory SQLite database cannot be backed up or restored."))
    return Path(url.database)


def dump(url: URL, target: Path) -> dict:
    """Copy the live database into `target`, a self-contained file that passes SQLite's integrity check."""
    source_path = database_file(url)
    if not source_path.is_file():
        raise BackupError(_("The SQLite database %(file)s does not exist: nothing to back up.", file=source_path))
    try:
        source = sqlite3.connect(source_path, timeout=BUSY_SECONDS)
        copy = sqlite3.connect(target)
        try:
            # In one step: copied page by page, any write of the site in between would restart the copy (forever,
            # on a busy site). In WAL mode this one read transaction does not hold the site's writers back.
            source.backup(copy)
            # The copy stands alone: no -wal file beside it, nothing written when it is opened.
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
            source.close()
    except sqlite3.Error as error:
        raise BackupError(
            _("Cannot copy the SQLite database %(file)s: %(error)s.", file=source_path, error=error)
        ) from error
    if check != "ok":
        raise BackupError(
            _(
                "The copy of %(file)s fails SQLite's integrity check (%(check)s): the database is damaged.",
                file=source_path,
                check=check,
            )
        )
    engine = create_engine(f"sqlite:///{target}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return {"revision": revision_of(connection)}
    finally:
        engine.dispose()


def restore(url: URL, source: Path) -> None:
    """Copy a backup over the live database through the backup API, so open connections see it, not a stale file."""
    target_path = database_file(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        backup = sqlite3.connect(source.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
        target = sqlite3.connect(target_path, timeout=BUSY_SECONDS)
        try:
            backup.backup(target)
        finally:
            target.close()
            backup.close()
    except sqlite3.Error as error:
        raise BackupError(
            _("Cannot write the SQLite database %(file)s: %(error)s.", file=target_path, error=error)
        ) from error
