"""Bad input gets a clear message, exit status 1 and no traceback, and changes nothing."""

import json
import sqlite3
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from forum.accounts.evidence import evidence_path
from forum.extensions import db
from tests.backup.conftest import database_state, uploads_state


def refused(result, message: str) -> None:
    """The command ended on a click error saying `message`, not on an exception."""
    assert result.exit_code == 1, result.output
    assert type(result.exception) is SystemExit, result.exception
    assert message in result.output


def edit_manifest(folder: Path, change) -> None:
    """Rewrite the manifest of a backup through `change(manifest)`."""
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def upload_of(folder: Path) -> Path:
    """The one uploaded file of the community's backup."""
    return next((folder / "uploads" / "evidence").iterdir())


def database_file_of(folder: Path) -> Path:
    """The database file of a backup."""
    return next(folder.glob("database.*"))


def flip_a_byte(path: Path) -> None:
    """Change one byte in the middle of a file, keeping its size."""
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))


def other_kind(manifest: dict) -> None:
    manifest["database"]["kind"] = "postgresql" if manifest["database"]["kind"] == "sqlite" else "sqlite"
    manifest["database"]["schema"] = "public"
    for entry in manifest["files"]:
        if entry["path"].startswith("database."):
            entry["path"] = "database.pgdump" if entry["path"] == "database.sqlite3" else "database.sqlite3"


BREAKAGES = {
    "a missing folder": (lambda folder: folder.rename(folder.with_name("elsewhere")), "does not exist"),
    "no manifest": (lambda folder: (folder / "manifest.json").unlink(), "is not a Confrères backup"),
    "a manifest of another program": (
        lambda folder: (folder / "manifest.json").write_text('{"format": "other", "files": []}'),
        "is not a Confrères backup",
    ),
    "a damaged manifest": (lambda folder: (folder / "manifest.json").write_text("{"), "is unreadable"),
    "a newer backup format": (
        lambda folder: edit_manifest(folder, lambda m: m.update(format_version=99)),
        "backup format 99",
    ),
    "a changed database file": (lambda folder: flip_a_byte(database_file_of(folder)), "does not match its checksum"),
    "a changed upload": (lambda folder: upload_of(folder).write_bytes(b"swapped"), "does not match its checksum"),
    "a missing upload": (lambda folder: upload_of(folder).unlink(), "is missing"),
    "a path leading out of the upload folder": (
        lambda folder: edit_manifest(folder, lambda m: m["files"][-1].update(path="uploads/../../escape")),
        "lists a file outside the backup",
    ),
    "another kind of database": (lambda folder: edit_manifest(folder, other_kind), "restore it onto the same kind"),
}


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_restore_refuses_a_backup_that_is_not_whole_and_changes_nothing(
    app, runner, community, make_case, tmp_path, breakage
):
    folder = tmp_path / "backup"
    assert runner.invoke(args=["forum", "backup", str(folder)]).exit_code == 0
    make_case(title="Un cas écrit après la sauvegarde")
    evidence_path("later.pdf").write_bytes(b"%PDF- after the backup")
    before = database_state(), uploads_state(app)
    breaker, message = BREAKAGES[breakage]
    breaker(folder)

    result = runner.invoke(args=["forum", "restore", str(folder), "--yes"])

    refused(result, message)
    assert (database_state(), uploads_state(app)) == before


def test_backup_refuses_a_folder_that_is_not_empty(app, runner, community, tmp_path):
    folder = tmp_path / "backups" / "old"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("keep me")

    result = runner.invoke(args=["forum", "backup", str(folder)])

    refused(result, "already exists and is not empty")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert [p.name for p in folder.parent.iterdir()] == ["old"]


def damaged_database(folder: Path) -> Path:
    """A SQLite file whose index lacks a row of its table (what a disk error can leave)."""
    path = folder / "damaged.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    connection.execute("CREATE INDEX ix_notes_body ON notes (body)")
    index = connection.execute("SELECT * FROM sqlite_master WHERE type = 'index'").fetchone()
    # Hide the index, write a row it does not get, show it again.
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute("DELETE FROM sqlite_master WHERE type = 'index'")
    connection.commit()
    connection.close()
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO notes (body) VALUES ('missing from the index')")
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute("INSERT INTO sqlite_master VALUES (?, ?, ?, ?, ?)", index)
    connection.commit()
    connection.close()
    return path


@pytest.mark.parametrize(
    "database,message",
    [
        (lambda folder: folder / "gone" / "forum.db", "does not exist: nothing to back up"),
        (damaged_database, "the database is damaged"),
    ],
    ids=["missing", "damaged"],
)
def test_a_failed_backup_leaves_no_folder_behind(make_app, tmp_path, database, message):
    other = make_app(f"sqlite:///{database(tmp_path)}")
    folder = tmp_path / "backups" / "monday"

    result = other.test_cli_runner().invoke(args=["forum", "backup", str(folder)])

    refused(result, message)
    assert list(folder.parent.iterdir()) == []


def test_backup_refuses_a_folder_inside_the_upload_folder(app, runner, community):
    result = runner.invoke(args=["forum", "backup", str(evidence_path("x").parent.parent / "backup")])

    refused(result, "is inside the upload folder")
    assert [p.name for p in evidence_path("x").parent.parent.iterdir()] == ["evidence"]


def test_a_backup_folder_that_cannot_be_made_is_a_clear_error(app, runner, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")

    result = runner.invoke(args=["forum", "backup", str(tmp_path / "a-file" / "backup")])

    refused(result, "Cannot write the backup: File exists")


@pytest.mark.unmigrated
def test_restore_refuses_a_backup_from_a_newer_schema_revision(app, runner, make_user, tmp_path):
    upgrade()
    db.session.execute(text("UPDATE alembic_version SET version_num = 'f00dfeedbeef'"))
    db.session.commit()
    folder = tmp_path / "backup"
    assert runner.invoke(args=["forum", "backup", str(folder)]).exit_code == 0
    make_user(email="after@example.org")
    before = database_state()

    result = runner.invoke(args=["forum", "restore", str(folder), "--yes"])

    refused(result, "comes from a newer version of Confrères")
    assert "f00dfeedbeef" in result.output
    assert database_state() == before
