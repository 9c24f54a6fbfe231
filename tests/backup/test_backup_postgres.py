"""PostgreSQL: pg_dump and pg_restore of the application's own schema, the password kept out of sight."""

import json
import secrets
import subprocess

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import make_url

from forum.backup.manifest import sha256_of
from forum.backup.postgres import client_settings
from forum.extensions import db
from forum.models import Case
from tests.backup.conftest import POSTGRES_URL, database_state
from tests.backup.test_backup_refusals import refused
from tests.conftest import free_port

PASSWORD = "s3cret-Pa55word"


def schema_of(app) -> str:
    """The schema an application's address puts it in."""
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).query["options"].split("=")[1].split(",")[0]


def move_away(postgres_app, admin, app) -> None:
    """Rename an application's schema, as if its backup were restored on another server."""
    moved = f"{schema_of(app)}_moved"
    postgres_app.schemas.append(moved)
    with admin.connect() as connection:
        connection.execute(sa.text(f'ALTER SCHEMA "{schema_of(app)}" RENAME TO "{moved}"'))


def test_the_password_reaches_the_client_tools_through_the_environment_only():
    url = make_url(
        f"postgresql+psycopg://forum:{PASSWORD}@db.example:6543/community?options=-csearch_path%3Dforum&sslmode=require"
    )
    conninfo, env = client_settings(url)
    assert PASSWORD not in conninfo
    assert env["PGPASSWORD"] == PASSWORD
    for setting in ("host='db.example'", "port='6543'", "user='forum'", "dbname='community'", "sslmode='require'"):
        assert setting in conninfo
    assert "options='-csearch_path=forum'" in conninfo


def test_backup_and_restore_never_print_the_password(postgres_app, make_case, tmp_path):
    app = postgres_app(password=PASSWORD)
    make_case(title="Un cas à garder")
    folder = tmp_path / "backup"
    runner = app.test_cli_runner()

    made = runner.invoke(args=["forum", "backup", str(folder)])
    restored = runner.invoke(args=["forum", "restore", str(folder), "--yes"])

    assert made.exit_code == 0 and restored.exit_code == 0, made.output + restored.output
    assert PASSWORD not in made.output + restored.output + (folder / "manifest.json").read_text()
    assert app.config["SECRET_KEY"] not in made.output + restored.output
    assert db.session.scalars(select(Case.title)).all() == ["Un cas à garder"]


def test_an_unreachable_database_is_a_clear_error_without_the_password(make_app, postgres_admin, tmp_path):
    url = make_url(POSTGRES_URL).set(port=free_port(), password=PASSWORD)
    app = make_app(url.render_as_string(hide_password=False))
    folder = tmp_path / "backups" / "backup"

    result = app.test_cli_runner().invoke(args=["forum", "backup", str(folder)])

    refused(result, "Cannot reach the database")
    assert PASSWORD not in result.output
    assert list(folder.parent.iterdir()) == []


def test_only_the_configured_schema_is_dumped_and_it_restores_into_another_one(
    postgres_app, postgres_admin, make_case, tmp_path
):
    first = postgres_app()
    make_case(title="Le cas du premier site")
    folder = tmp_path / "backup"
    assert first.test_cli_runner().invoke(args=["forum", "backup", str(folder)]).exit_code == 0
    second = postgres_app()
    make_case(title="Le cas du second site")
    listing = subprocess.run(["pg_restore", "--list", str(folder / "database.pgdump")], capture_output=True, text=True)
    assert f"TABLE {schema_of(first)} cases" in listing.stdout
    assert schema_of(second) not in listing.stdout and "TABLE public" not in listing.stdout

    # pg_restore writes into the schema the dump names: not while that schema holds another site.
    clash = second.test_cli_runner().invoke(args=["forum", "restore", str(folder), "--yes"])
    refused(clash, "Restore into another database")
    assert db.session.scalars(select(Case.title)).all() == ["Le cas du second site"]
    move_away(postgres_app, postgres_admin, first)
    result = second.test_cli_runner().invoke(args=["forum", "restore", str(folder), "--yes"])

    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(Case.title)).all() == ["Le cas du premier site"]
    with postgres_admin.connect() as connection:
        moved = connection.scalars(sa.text(f'SELECT title FROM "{schema_of(first)}_moved".cases')).all()
    assert moved == ["Le cas du premier site"]


@pytest.mark.parametrize("at_restore", ["installed", "dropped"])
def test_an_extension_of_the_schema_is_usable_after_a_restore(postgres_app, postgres_admin, tmp_path, at_restore):
    app = postgres_app()
    schema = schema_of(app)
    with postgres_admin.connect() as connection:
        try:
            connection.execute(sa.text(f'CREATE EXTENSION seg SCHEMA "{schema}"'))
        except sa.exc.ProgrammingError:
            pytest.skip("the seg extension is already installed in this database")
        connection.execute(sa.text(f'CREATE TABLE "{schema}".ranges (v "{schema}".seg)'))
        connection.execute(sa.text(f"INSERT INTO \"{schema}\".ranges VALUES ('1 .. 2')"))
    folder = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["forum", "backup", str(folder)]).exit_code == 0
    if at_restore == "dropped":
        # As on a new server: the extension is not there; the dump brings it.
        with postgres_admin.connect() as connection:
            connection.execute(sa.text("DROP EXTENSION seg CASCADE"))

    result = app.test_cli_runner().invoke(args=["forum", "restore", str(folder), "--yes"])

    assert result.exit_code == 0, result.output
    with postgres_admin.connect() as connection:
        assert connection.scalar(sa.text(f'SELECT v::text FROM "{schema}".ranges')) == "1 .. 2"
        home = "SELECT nspname FROM pg_extension JOIN pg_namespace n ON n.oid = extnamespace WHERE extname = 'seg'"
        assert connection.scalar(sa.text(home)) == schema


def test_a_restore_onto_a_new_database_creates_the_configured_schema(postgres_app, postgres_admin, make_case, tmp_path):
    first = postgres_app()
    make_case(title="Le cas à transférer")
    folder = tmp_path / "backup"
    assert first.test_cli_runner().invoke(args=["forum", "backup", str(folder)]).exit_code == 0
    move_away(postgres_app, postgres_admin, first)
    new = postgres_app(created=False)
    public = "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
    with postgres_admin.connect() as connection:
        in_public = connection.scalar(sa.text(public))

    result = new.test_cli_runner().invoke(args=["forum", "restore", str(folder), "--yes"])

    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(Case.title)).all() == ["Le cas à transférer"]
    with postgres_admin.connect() as connection:
        assert connection.scalar(sa.text(public)) == in_public
        assert connection.scalar(sa.text(f'SELECT count(*) FROM "{schema_of(new)}".cases')) == 1


def test_without_pg_dump_the_backup_stops_with_a_clear_message(postgres_app, tmp_path, monkeypatch):
    app = postgres_app()
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    folder = tmp_path / "backups" / "backup"

    result = app.test_cli_runner().invoke(args=["forum", "backup", str(folder)])

    refused(result, "pg_dump is not installed")
    assert list(folder.parent.iterdir()) == []


def test_a_failing_pg_restore_puts_the_current_data_back(postgres_app, postgres_admin, make_user, tmp_path):
    app = postgres_app()
    schema, referenced = schema_of(app), f"bk_{secrets.token_hex(4)}"
    with postgres_admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{referenced}"'))
        connection.execute(sa.text(f'CREATE TABLE "{referenced}".r (id int PRIMARY KEY)'))
        connection.execute(sa.text(f'INSERT INTO "{referenced}".r VALUES (1)'))
        connection.execute(sa.text(f'CREATE TABLE "{schema}".t (r int CONSTRAINT t_r REFERENCES "{referenced}".r)'))
        connection.execute(sa.text(f'INSERT INTO "{schema}".t VALUES (1)'))
    try:
        folder = tmp_path / "backup"
        assert app.test_cli_runner().invoke(args=["forum", "backup", str(folder)]).exit_code == 0
        with postgres_admin.connect() as connection:
            # The row the backup's foreign key needs is gone: pg_restore fails half-way through.
            connection.execute(sa.text(f'ALTER TABLE "{schema}".t DROP CONSTRAINT t_r'))
            connection.execute(sa.text(f'DELETE FROM "{referenced}".r'))
        make_user(email="after@example.org")
        before = database_state()

        result = app.test_cli_runner().invoke(args=["forum", "restore", str(folder), "--yes"])

        refused(result, "The restore failed and was undone")
        assert database_state() == before
    finally:
        db.session.remove()
        with postgres_admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{referenced}" CASCADE'))


def test_a_dump_that_ends_early_is_rolled_back_not_half_restored(postgres_app, make_case, tmp_path):
    app = postgres_app()
    for n in range(20):
        # Text that does not compress, so that most of the dump is table data, after its table of contents.
        make_case(title=f"Cas numéro {n}", body=" ".join(secrets.token_hex(6) for _ in range(1500)))
    folder = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["forum", "backup", str(folder)]).exit_code == 0
    # Cut off the end of the data, as a disk that filled up during pg_dump would, under a matching checksum.
    dump = folder / "database.pgdump"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][0].update(size=dump.stat().st_size, sha256=sha256_of(dump))
    (folder / "manifest.json").write_text(json.dumps(manifest))
    make_case(title="Écrit après la sauvegarde")
    before = database_state()

    result = app.test_cli_runner().invoke(args=["forum", "restore", str(folder), "--yes"])

    refused(result, "The restore failed and was undone")
    assert database_state() == before
