"""`flask --app wsgi forum backup DIR` and `forum restore DIR`."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext

from forum.backup.manifest import BackupError
from forum.backup.services import KINDS, check_backup, create_backup, restore_backup, upload_folder
from forum.extensions import db
from forum.search.commands import reindex_command

LABELS = {"database": "Copying the database", "uploads": "Copying uploads", "checking": "Checking the files"}


class StageProgress:
    """One progress bar per stage of the work, each closed when the next one starts."""

    def __init__(self):
        self.stage: str | None = None
        self.bar = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = click.progressbar(length=max(total, 1), label=LABELS[stage]).__enter__()
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
    return (
        f"{KINDS[database['kind']]} database at schema revision {database.get('revision') or '(none recorded)'}, "
        f"{uploads} uploaded file(s), {size / 1e6:.1f} MB; made {manifest['created_at']} by Confrères "
        f"{manifest['app_version']}"
    )


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(folder: Path) -> None:
    """Write a consistent snapshot of the database and the uploads into FOLDER (new or empty); the site may run."""
    started = time.perf_counter()
    with reported("Cannot write the backup"), StageProgress() as progress:
        manifest = create_backup(folder, progress)
    click.echo(f"Backup written to {folder.absolute()} in {time.perf_counter() - started:.1f} s:")
    click.echo(f"  {describe(manifest)}.")


@click.command("restore")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the current data without asking.")
@with_appcontext
def restore_command(folder: Path, yes: bool) -> None:
    """Replace the database and the uploads with a backup made by `forum backup`, then rebuild the search index."""
    started = time.perf_counter()
    with reported("Cannot read the backup"), StageProgress() as progress:
        manifest = check_backup(folder, progress)
    click.echo(f"Backup checked: {describe(manifest)}.")
    click.echo(
        f"Restoring replaces the database {db.engine.url.render_as_string(hide_password=True)} and the uploads "
        f"in {upload_folder()}. Stop the site first."
    )
    if not yes:
        click.confirm("Replace the current data with this backup?", abort=True)
    with reported("The restore stopped"):
        outcome = restore_backup(folder, manifest)
    if outcome["migrated"]:
        click.echo("The backup came from an older version: the database was migrated to the current schema.")
    click.get_current_context().invoke(reindex_command, procs=2)
    click.echo(f"Restored {folder.absolute()} in {time.perf_counter() - started:.1f} s.")
