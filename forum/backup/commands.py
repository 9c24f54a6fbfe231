"""`flask --app wsgi forum backup DIR` and `forum restore DIR`."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum.backup.manifest import BackupError
from forum.backup.services import KINDS, check_backup, create_backup, restore_backup, upload_folder
from forum.extensions import db
from forum.search.commands import reindex_command
from forum.terminal import in_terminal_language

LABELS = {
    "database": _l("Copying the database"),
    "uploads": _l("Copying uploads"),
    "checking": _l("Checking the files"),
}


class StageProgress:
    """One progress bar per stage of the work, each closed when the next one starts."""

    def __init__(self):
        self.stage: str | None = None
        self.bar = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = click.progressbar(length=max(total, 1), label=str(LABELS[stage])).__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        """End the current bar."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __enter__(self) -> "StageProgress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def reported(doing: str) -> Iterator[None]:
    """A backup or restore that stops becomes a click error saying why, never a traceback."""
    try:
        yield
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise click.ClickException(f"{doing}: {error.strerror or error}{where}") from error


def describe(manifest: dict) -> str:
    """What a backup holds, in a line."""
    database = manifest["database"]
    uploads = sum(1 for entry in manifest["files"] if entry["path"].startswith("uploads/"))
    size = sum(entry["size"] for entry in manifest["files"])
    return _(
        "%(kind)s database at schema revision %(revision)s, %(uploads)d uploaded file(s), %(megabytes).1f MB; "
        "made %(created_at)s by Confrères %(version)s",
        kind=KINDS[database["kind"]],
        revision=database.get("revision") or _("(none recorded)"),
        uploads=uploads,
        megabytes=size / 1e6,
        created_at=manifest["created_at"],
        version=manifest["app_version"],
    )


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
@in_terminal_language
def backup_command(folder: Path) -> None:
    """Write a consistent snapshot of the database and the uploads into FOLDER (new or empty); the site may run."""
    started = time.perf_counter()
    with reported(_("Cannot write the backup")), StageProgress() as progress:
        manifest = create_backup(folder, progress)
    took = time.perf_counter() - started
    click.echo(_("Backup written to %(folder)s in %(seconds).1f s:", folder=folder.absolute(), seconds=took))
    click.echo(f"  {describe(manifest)}.")


@click.command("restore")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the current data without asking.")
@with_appcontext
@in_terminal_language
def restore_command(folder: Path, yes: bool) -> None:
    """Replace the database and the uploads with a backup made by `forum backup`, then rebuild the search index."""
    started = time.perf_counter()
    with reported(_("Cannot read the backup")), StageProgress() as progress:
        manifest = check_backup(folder, progress)
    click.echo(_("Backup checked: %(summary)s.", summary=describe(manifest)))
    click.echo(
        _(
            "Restoring replaces the database %(database)s and the uploads in %(uploads)s. Stop the site first.",
            database=db.engine.url.render_as_string(hide_password=True),
            uploads=upload_folder(),
        )
    )
    if not yes:
        click.confirm(_("Replace the current data with this backup?"), abort=True)
    with reported(_("The restore stopped")):
        outcome = restore_backup(folder, manifest)
    if outcome["migrated"]:
        click.echo(_("The backup came from an older version: the database was migrated to the current schema."))
    click.get_current_context().invoke(reindex_command, procs=2)
    took = time.perf_counter() - started
    click.echo(_("Restored %(folder)s in %(seconds).1f s.", folder=folder.absolute(), seconds=took))
