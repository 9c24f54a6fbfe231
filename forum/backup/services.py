"""Backing up the community (a consistent database snapshot plus the uploads) and restoring it."""

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_migrate import upgrade

from forum.backup import postgres, sqlite
from forum.backup.manifest import (
    DATABASE_FILES,
    UPLOADS,
    BackupError,
    file_entry,
    read_manifest,
    sync,
    verify_files,
    write_manifest,
)
from forum.backup.revisions import needs_upgrade
from forum.extensions import db
from forum.moderation.audit import record_event

# progress(stage, done, total): "database", "uploads", "checking", one after the other.
Progress = Callable[[str, int, int], None]
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def database_kind() -> str:
    """The kind of database the site is configured with: "sqlite" or "postgresql"."""
    kind = db.engine.url.get_backend_name()
    if kind not in KINDS:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(kind)s.", kind=kind))
    return kind


def upload_folder() -> Path:
    """Where the site keeps uploaded files."""
    return Path(current_app.config["UPLOAD_FOLDER"])


def create_backup(target: Path, progress: Progress | None = None) -> dict:
    """Write a backup into `target` (new or empty) while the site runs; return its manifest.

    Everything is written into a hidden folder beside `target`, renamed to `target` only once complete, so a
    failed backup never leaves a folder that looks like a backup.
    """
    target = target.absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(_("%(folder)s already exists and is not empty: back up into a new folder.", folder=target))
    if target.is_relative_to(upload_folder().absolute()):
        raise BackupError(
            _(
                "%(folder)s is inside the upload folder, which the backup copies: choose a folder outside.",
                folder=target,
            )
        )
    kind = database_kind()
    target.parent.mkdir(parents=True, exist_ok=True)
    # mkdtemp makes the folder readable by its owner only: a backup holds every member's personal data.
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        database = {"kind": kind, **dump_database(kind, work / DATABASE_FILES[kind], progress)}
        files = [file_entry(work, work / DATABASE_FILES[kind])]
        # After the database: every file a snapshotted row names was written before that row, so it is copied too.
        files += copy_uploads(work / UPLOADS, work, progress)
        manifest = write_manifest(work, database, files)
        sync(work)
        os.rename(work, target)
        sync(target.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def dump_database(kind: str, path: Path, progress: Progress | None) -> dict:
    """Snapshot the live database into `path`; return what the manifest says of it."""
    if progress:
        progress("database", 0, 1)
    if kind == "sqlite":
        described = sqlite.dump(db.engine.url, path)
    else:
        described = postgres.dump(db.engine, path)
    path.chmod(0o600)
    sync(path)
    if progress:
        progress("database", 1, 1)
    return described


def copy_uploads(destination: Path, work: Path, progress: Progress | None) -> list[dict]:
    """Copy the upload folder (regular files, not links) and return their manifest lines."""
    source = upload_folder()
    destination.mkdir()
    paths = sorted(p for p in source.rglob("*") if p.is_file() and not p.is_symlink()) if source.is_dir() else []
    entries = []
    for done, path in enumerate(paths, 1):
        copy = destination / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(path, copy)
        except FileNotFoundError:
            continue  # removed since it was listed (a sign-up whose database write failed): not part of the site
        sync(copy)
        entries.append(file_entry(work, copy))
        if progress:
            progress("uploads", done, len(paths))
    return entries


def check_backup(folder: Path, progress: Progress | None = None) -> dict:
    """Every check a restore makes before changing anything; return the backup's manifest."""
    manifest = read_manifest(folder)
    backup_kind, kind = manifest["database"]["kind"], database_kind()
    if backup_kind != kind:
        raise BackupError(
            _(
                "This backup holds a %(backup)s database and this site is configured for %(site)s: "
                "restore it onto the same kind of database.",
                backup=KINDS[backup_kind],
                site=KINDS[kind],
            )
        )
    if backup_kind == "postgresql" and not isinstance(manifest["database"].get("schema"), str):
        raise BackupError(
            _("%(folder)s does not say which PostgreSQL schema it holds: the backup is damaged.", folder=folder)
        )
    needs_upgrade(manifest["database"].get("revision"))
    verify_files(folder, manifest, (lambda done, total: progress("checking", done, total)) if progress else None)
    return manifest


def restore_backup(folder: Path, manifest: dict) -> dict:
    """Replace the database and the uploads with a checked backup, then migrate it if it is older.

    The caller rebuilds the search index afterwards (`forum restore` runs `search reindex`).
    """
    # This process's connections belong to the data being replaced.
    db.session.remove()
    db.engine.dispose()
    database = manifest["database"]
    staged = stage_uploads(folder, manifest)
    try:
        source = folder / DATABASE_FILES[database["kind"]]
        if database["kind"] == "sqlite":
            sqlite.restore(db.engine.url, source)
        else:
            postgres.restore(db.engine, source, database["schema"])
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    swap_uploads(staged)
    db.engine.dispose()
    migrated = needs_upgrade(database.get("revision"))
    if migrated:
        upgrade()
    # The audit log now ends at the backup: say what happened to the events after it.
    record_event(None, "backup.restore", backup_created_at=manifest["created_at"], revision=database.get("revision"))
    db.session.commit()
    return {"migrated": migrated, "uploads": sum(1 for entry in manifest["files"] if entry["path"].startswith(UPLOADS))}


def stage_uploads(folder: Path, manifest: dict) -> Path:
    """Copy the backup's uploads into a hidden folder beside the upload folder, ready to be swapped in."""
    live = upload_folder()
    live.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{live.name}.restore-", dir=live.parent))
    try:
        for entry in manifest["files"]:
            if entry["path"].startswith(UPLOADS + "/"):
                copy = staged / Path(entry["path"]).relative_to(UPLOADS)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / entry["path"], copy)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    if live.is_dir():
        shutil.copymode(live, staged)
    return staged


def swap_uploads(staged: Path) -> None:
    """Put the staged uploads in place of the live ones, then delete the old ones."""
    live = upload_folder()
    replaced = live.with_name(f"{staged.name}.replaced")
    if live.exists():
        os.rename(live, replaced)
    os.rename(staged, live)
    shutil.rmtree(replaced, ignore_errors=True)
