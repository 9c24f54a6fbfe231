"""Schema revisions: which one a database is at, and whether this installation can take a backup's."""

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Connection

from forum.backup.manifest import BackupError


def revision_of(connection: Connection) -> str | None:
    """The Alembic revision a database is at (None when it was built without the migrations)."""
    return MigrationContext.configure(connection).get_current_revision()


def script_directory() -> ScriptDirectory:
    """The migrations this installation ships."""
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def needs_upgrade(revision: str | None) -> bool:
    """Whether a restored database must be migrated; a revision these migrations do not know is refused."""
    if revision is None:
        # Built by create_all() rather than the migrations: there is no revision to compare or to migrate from.
        return False
    script = script_directory()
    head = script.get_current_head()
    if revision not in {known.revision for known in script.walk_revisions()}:
        raise BackupError(
            _(
                "This backup comes from a newer version of Confrères: its database is at schema revision "
                "%(revision)s, which this installation does not know (its latest is %(head)s). Upgrade Confrères, "
                "then restore again.",
                revision=revision,
                head=head,
            )
        )
    return revision != head
