"""The manifest of a backup folder: what it holds, and the checks a restore makes before touching anything.

DIR/manifest.json         format, when, which application and schema revision, every file with its SHA-256
DIR/database.sqlite3      the SQLite database (a self-contained copy), or
DIR/database.pgdump       the PostgreSQL schema in pg_dump's custom format
DIR/uploads/…             the upload folder (evidence files …)
"""

import hashlib
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from flask_babel import gettext as _

FORMAT = "confreres-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"
CHUNK = 1024 * 1024

Progress = Callable[[int, int], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the administrator."""


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(folder: Path, path: Path) -> dict:
    """The manifest line of one file of the backup."""
    return {"path": path.relative_to(folder).as_posix(), "size": path.stat().st_size, "sha256": sha256_of(path)}


def app_version() -> str:
    """The installed version of the application."""
    try:
        return metadata.version("confreres")
    except metadata.PackageNotFoundError:
        return "unknown"


def write_manifest(folder: Path, database: dict, files: list[dict]) -> dict:
    """Write manifest.json (last, so a folder without it was never finished); return its content."""
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "app_version": app_version(),
        "database": database,
        "files": files,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    sync(path)
    return manifest


def sync(path: Path) -> None:
    """Push a file (or a folder's entries) to the disk before the backup is declared done."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_manifest(folder: Path) -> dict:
    """The manifest of a backup folder, refusing anything that is not a backup this version can read."""
    if not folder.is_dir():
        raise BackupError(_("%(folder)s does not exist or is not a folder.", folder=folder))
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError as error:
        raise BackupError(
            _("%(folder)s is not a Confrères backup: it has no %(manifest)s.", folder=folder, manifest=MANIFEST)
        ) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(_("%(file)s is unreadable: the backup is damaged.", file=folder / MANIFEST)) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            _(
                "%(folder)s is not a Confrères backup (its %(manifest)s is of another kind).",
                folder=folder,
                manifest=MANIFEST,
            )
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            _(
                "%(folder)s was written in backup format %(version)s; this version of Confrères reads up to "
                "%(supported)d. Restore it with the version that made it, or a newer one.",
                folder=folder,
                version=repr(version),
                supported=FORMAT_VERSION,
            )
        )
    database, files = manifest.get("database"), manifest.get("files")
    if not isinstance(database, dict) or database.get("kind") not in DATABASE_FILES or not isinstance(files, list):
        raise BackupError(_("%(file)s is incomplete: the backup is damaged.", file=folder / MANIFEST))
    for entry in files:
        check_entry(folder, entry)
    if DATABASE_FILES[database["kind"]] not in {entry["path"] for entry in files}:
        raise BackupError(_("%(file)s lists no database file: the backup is damaged.", file=folder / MANIFEST))
    return manifest


def check_entry(folder: Path, entry: object) -> None:
    """A file line names the database file or a file under uploads/, nothing that could lead elsewhere."""
    path = entry.get("path") if isinstance(entry, dict) else None
    parts = PurePosixPath(path).parts if isinstance(path, str) else ()
    inside = (len(parts) >= 2 and parts[0] == UPLOADS) or path in DATABASE_FILES.values()
    if not inside or path.startswith("/") or any(part in ("..", ".", "") for part in parts) or "\\" in path:
        raise BackupError(
            _("%(file)s lists a file outside the backup (%(path)s): refused.", file=folder / MANIFEST, path=repr(path))
        )
    if not isinstance(entry.get("size"), int) or not isinstance(entry.get("sha256"), str):
        raise BackupError(_("%(file)s is incomplete: the backup is damaged.", file=folder / MANIFEST))


def verify_files(folder: Path, manifest: dict, progress: Progress | None = None) -> None:
    """Every listed file is there with its size and SHA-256; otherwise say which one is not."""
    files = manifest["files"]
    total = sum(entry["size"] for entry in files)
    done = 0
    for entry in files:
        path = folder / entry["path"]
        if not path.is_file():
            raise BackupError(_("The backup is incomplete: %(path)s is missing.", path=entry["path"]))
        if path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            raise BackupError(_("The backup is damaged: %(path)s does not match its checksum.", path=entry["path"]))
        done += entry["size"]
        if progress:
            progress(done, total)
