"""The databases the tests run on: a SQLite file per test, or PostgreSQL with `pytest --database postgres`.

SQLite: the schema is built once per run into a template file, and each test gets a copy.
PostgreSQL (`FORUM_TEST_POSTGRES_URL`): the schema is built once per run by the migrations in a
schema of its own, and emptied before each test; a test that needs an empty database (or a live
server of its own) gets a fresh schema, dropped afterwards. Nothing outside those schemas is touched.
"""

import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from forum import create_app
from forum.extensions import db

POSTGRES_URL_VARIABLE = "FORUM_TEST_POSTGRES_URL"


class SqliteDatabases:
    """A real SQLite file in each test's instance folder."""

    kind = "sqlite"
    search_backend = "whoosh"

    def __init__(self, workdir: Path):
        self.template = workdir / "forum.db"
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.template}"})
        with app.app_context():
            db.create_all()
            db.engine.dispose()

    def for_test(self, instance: Path, migrated: bool) -> str:
        """The address of the test's database (a copy of the template, or no file at all)."""
        if migrated:
            shutil.copyfile(self.template, instance / "forum.db")
        return f"sqlite:///{instance / 'forum.db'}"

    @contextmanager
    def fresh(self) -> Iterator[str | None]:
        """An empty database for a server of its own: its instance folder's default file."""
        yield None

    def release(self, url: str) -> None:
        """Nothing to do: the file goes with the test's temporary folder."""

    def close(self) -> None:
        """Nothing to do."""


class PostgresDatabases:
    """Schemas of their own in the PostgreSQL database of `FORUM_TEST_POSTGRES_URL`."""

    kind = "postgres"
    search_backend = "postgres"

    def __init__(self, url: str):
        self.url = make_url(url)
        self.admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self.prefix = f"pytest_{secrets.token_hex(4)}"
        self.shared = self.create_schema()
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": self.schema_url(self.shared)})
        with app.app_context():
            upgrade()
            db.engine.dispose()
        with self.admin.connect() as connection:
            names = connection.scalars(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = :schema AND tablename <> :skip"),
                {"schema": self.shared, "skip": "alembic_version"},
            )
            present = set(names)
        # Children before parents; a test only leaves a few rows, which DELETE clears far faster than TRUNCATE.
        ordered = [table.name for table in reversed(db.metadata.sorted_tables) if table.name in present]
        ordered += sorted(present - set(ordered))
        self.tables = ", ".join(f'"{self.shared}"."{name}"' for name in ordered)
        with self.admin.connect() as connection:
            sequences = list(
                connection.scalars(
                    sa.text("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = :schema"),
                    {"schema": self.shared},
                )
            )
        # Every row gone and every id counting from 1 again, as TRUNCATE … RESTART IDENTITY would leave it.
        statements = [f'DELETE FROM "{self.shared}"."{name}"' for name in ordered]
        statements += [f'SELECT setval(\'"{self.shared}"."{name}"\', 1, false)' for name in sequences]
        self.deletes = ";".join(statements)

    def schema_url(self, schema: str) -> str:
        """The address whose connections work in `schema` (and find extensions in public)."""
        # Commits need not wait for the disk in a test database: a crash only loses test rows.
        options = f"-csearch_path={schema},public -csynchronous_commit=off"
        query = {"options": options, "application_name": schema}
        return self.url.update_query_dict(query).render_as_string(hide_password=False)

    def create_schema(self) -> str:
        name = f"{self.prefix}_{secrets.token_hex(3)}"
        with self.admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        return name

    def drop_schema(self, name: str) -> None:
        with self.admin.connect() as connection:
            self.end_sessions(connection, name)
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))

    def end_sessions(self, connection: sa.Connection, schema: str) -> None:
        """Close the connections left open on a schema (a server still running, a thread inside a transaction)."""
        connection.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                " AND datname = current_database() AND application_name = :schema"
            ),
            {"schema": schema},
        )

    def for_test(self, instance: Path, migrated: bool) -> str:
        """The shared schema emptied, or a new empty schema for a test that migrates it itself."""
        if not migrated:
            return self.schema_url(self.create_schema())
        with self.admin.connect() as connection:
            connection.execute(sa.text("SET lock_timeout = '5s'"))
            # A thread of the previous test (the search indexer) may still hold a connection: end it first.
            self.end_sessions(connection, self.shared)
            try:
                self.empty(connection)
            except sa.exc.OperationalError:
                self.end_sessions(connection, self.shared)
                self.empty(connection)
        return self.schema_url(self.shared)

    def empty(self, connection: sa.Connection) -> None:
        """Delete every row of the shared schema, with foreign keys unchecked for the while (rows that
        reference each other, like a case and its accepted answer); TRUNCATE when the role may not do that."""
        try:
            connection.execute(sa.text("SET session_replication_role = replica"))
        except sa.exc.ProgrammingError:
            connection.execute(sa.text(f"TRUNCATE {self.tables} RESTART IDENTITY CASCADE"))
            return
        try:
            connection.exec_driver_sql(f"BEGIN;{self.deletes};COMMIT")
        except sa.exc.DBAPIError:
            connection.exec_driver_sql("ROLLBACK")
            raise
        finally:
            connection.execute(sa.text("SET session_replication_role = DEFAULT"))

    @contextmanager
    def fresh(self) -> Iterator[str]:
        """A new empty schema for the length of a block (a live server that migrates it itself)."""
        name = self.create_schema()
        try:
            yield self.schema_url(name)
        finally:
            self.drop_schema(name)

    def release(self, url: str) -> None:
        """Drop a test's own schema; the shared one stays for the next test."""
        schema = make_url(url).query["application_name"]
        if schema != self.shared:
            self.drop_schema(schema)

    def close(self) -> None:
        """Drop the shared schema at the end of the run."""
        self.drop_schema(self.shared)
        self.admin.dispose()
