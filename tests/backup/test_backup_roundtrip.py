"""A backup restored after the data was damaged gives back every case, message, search result and upload."""

import json
import sqlite3
import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import delete, select, update

from forum.accounts.evidence import evidence_path
from forum.backup.revisions import revision_of, script_directory
from forum.extensions import db
from forum.models import AuditEvent, Case, ChatMessage, Post
from forum.search.backend import backend_for
from forum.search.queue import pending_changes
from tests.backup.conftest import REPLY_WORDS, TITLE_WORDS


def damage(app, community) -> None:
    """Lose data every way an administrator could: rows, the search index, an uploaded file."""
    db.session.execute(delete(ChatMessage))
    db.session.execute(delete(Post).where(Post.is_opening.is_(False)))
    db.session.execute(update(Case).values(title="Titre écrasé"))
    db.session.commit()
    backend_for(app).remove_cases(list(community.cases))
    db.session.commit()  # a PostgreSQL index is changed in the caller's transaction
    for stored_name in community.uploads:
        evidence_path(stored_name).write_bytes(b"not the original")
    evidence_path("stray.pdf").write_bytes(b"%PDF- uploaded after the backup")


def test_a_restore_finds_every_case_message_search_result_and_upload_again(app, runner, community, tmp_path):
    folder = tmp_path / "backups" / "monday"
    made = runner.invoke(args=["forum", "backup", str(folder)])
    assert made.exit_code == 0, made.output
    damage(app, community)
    assert community.found(TITLE_WORDS[0]) == [] and community.found(REPLY_WORDS[1]) == []

    restored = runner.invoke(args=["forum", "restore", str(folder), "--yes"])

    assert restored.exit_code == 0, restored.output
    community.assert_intact()
    assert not evidence_path("stray.pdf").exists()
    # The change queued when the backup was taken was applied by the rebuild, not left waiting.
    assert pending_changes(app) == 0
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == "backup.restore"


def test_the_backup_folder_holds_a_manifest_of_every_file_and_only_its_owner_reads_it(app, runner, community, tmp_path):
    folder = tmp_path / "backups" / "backup"
    result = runner.invoke(args=["forum", "backup", str(folder)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / "manifest.json").read_text())
    kind = db.engine.url.get_backend_name()
    assert manifest["database"]["kind"] == kind
    assert manifest["created_at"].endswith("Z") and manifest["app_version"]
    with db.engine.connect() as connection:
        assert manifest["database"]["revision"] == revision_of(connection)
    listed = {entry["path"] for entry in manifest["files"]}
    assert listed == {"database.sqlite3" if kind == "sqlite" else "database.pgdump"} | {
        f"uploads/evidence/{name}" for name in community.uploads
    }
    assert all(len(entry["sha256"]) == 64 and entry["size"] > 0 for entry in manifest["files"])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    if kind == "sqlite":
        # A file that stands alone: no write-ahead log to keep beside it.
        with sqlite3.connect(f"file:{folder / 'database.sqlite3'}?mode=ro", uri=True) as copy:
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert [path.name for path in folder.parent.iterdir()] == ["backup"]


def test_a_backup_goes_into_an_existing_empty_folder(app, runner, community, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    result = runner.invoke(args=["forum", "backup", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "manifest.json").is_file()


def test_restore_asks_before_replacing_the_data(app, runner, community, tmp_path):
    folder = tmp_path / "backup"
    assert runner.invoke(args=["forum", "backup", str(folder)]).exit_code == 0
    damage(app, community)

    declined = runner.invoke(args=["forum", "restore", str(folder)], input="n\n")

    assert declined.exit_code == 1 and "Replace the current data" in declined.output
    db.session.remove()
    assert set(db.session.scalars(select(Case.title))) == {"Titre écrasé"}
    accepted = runner.invoke(args=["forum", "restore", str(folder)], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    community.assert_intact()


@pytest.mark.unmigrated
def test_a_backup_from_an_older_schema_is_migrated_after_the_restore(app, runner, tmp_path):
    script = script_directory()
    head = script.get_current_head()
    older = script.get_revision(head).down_revision
    upgrade(revision=older)
    folder = tmp_path / "backup"
    made = runner.invoke(args=["forum", "backup", str(folder)])
    assert made.exit_code == 0, made.output
    assert json.loads((folder / "manifest.json").read_text())["database"]["revision"] == older
    upgrade()

    restored = runner.invoke(args=["forum", "restore", str(folder), "--yes"])

    assert restored.exit_code == 0, restored.output
    assert "migrated" in restored.output
    db.engine.dispose()
    with db.engine.connect() as connection:
        assert revision_of(connection) == head
        assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
