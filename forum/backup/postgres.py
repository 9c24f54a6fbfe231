"""PostgreSQL: pg_dump of the application's schema (custom format), restored in one transaction with psql.

The connection comes from SQLALCHEMY_DATABASE_URI; the password reaches pg_dump and pg_restore through
PGPASSWORD only, never their command line (which any user of the machine can read in `ps`). Only the schema the
application works in (its search_path, e.g. `?options=-csearch_path=forum`) is dumped and restored.
"""

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import URL, Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from forum.backup.manifest import BackupError
from forum.backup.revisions import revision_of

TOOLS_HINT = "install the PostgreSQL client tools of the server's version (Debian: apt install postgresql-client)"
# A site still running holds locks on the tables: wait this long for them before giving up.
LOCK_TIMEOUT = "60s"
# pg_restore --list lines left out: the restore makes the schema itself, and only an extension's owner may
# comment on it (CREATE EXTENSION IF NOT EXISTS stays: it adds a missing extension, skips a present one).
MADE_BY_RESTORE = re.compile(r"^\d+; \d+ \d+ (SCHEMA|COMMENT - SCHEMA|COMMENT - EXTENSION) ")
# DROP statements for what the application made in a schema: relations, functions, types, text search
# configurations and dictionaries, leaving out the members of extensions.
EMPTY_SCHEMA = """
SELECT format('DROP %s IF EXISTS %s CASCADE;', kind, name) FROM (
    SELECT 'pg_class'::regclass AS catalog, c.oid, format('%I.%I', n.nspname, c.relname) AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                          WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    UNION ALL
    SELECT 'pg_proc'::regclass, p.oid,
           format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
           CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :schema
    UNION ALL
    SELECT 'pg_type'::regclass, t.oid, format('%I.%I', n.nspname, t.typname),
           CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_class c ON c.oid = t.typrelid
     WHERE n.nspname = :schema AND (t.typtype IN ('e', 'd', 'r') OR c.relkind = 'c')
    UNION ALL
    SELECT 'pg_ts_config'::regclass, f.oid, format('%I.%I', n.nspname, f.cfgname), 'TEXT SEARCH CONFIGURATION'
      FROM pg_ts_config f JOIN pg_namespace n ON n.oid = f.cfgnamespace WHERE n.nspname = :schema
    UNION ALL
    SELECT 'pg_ts_dict'::regclass, d.oid, format('%I.%I', n.nspname, d.dictname), 'TEXT SEARCH DICTIONARY'
      FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace WHERE n.nspname = :schema
) AS made
WHERE NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = made.catalog AND e.objid = made.oid AND e.deptype = 'e')
"""
# One entry of SHOW search_path: "a quoted name" or a plain one.
SEARCH_PATH_ENTRY = re.compile(r'\s*(?:"((?:[^"]|"")*)"|([^,]+))\s*(?:,|$)')


def client_settings(url: URL) -> tuple[str, dict]:
    """The libpq connection string, without the password, and the environment carrying it for the client tools."""
    params = {key: ",".join(value) if isinstance(value, tuple) else value for key, value in url.query.items()}
    named = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    params.update({key: value for key, value in named.items() if value})
    conninfo = " ".join(f"{key}={quote(str(value))}" for key, value in params.items())
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def quote(value: str) -> str:
    """A value of a libpq connection string."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def tool_path(tool: str) -> str:
    """Where a PostgreSQL client tool is installed."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(_("%(tool)s is not installed or not on the PATH: %(hint)s.", tool=tool, hint=TOOLS_HINT))
    return path


def run_tool(tool: str, args: list[str], url: URL, database: bool = True) -> str:
    """Run pg_dump or pg_restore (on the database unless told not to); return its output. A failure says why."""
    conninfo, env = client_settings(url)
    command = [tool_path(tool), *args] + ([f"--dbname={conninfo}"] if database else [])
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(_("%(tool)s failed: %(said)s", tool=tool, said=done.stderr.strip()))
    return done.stdout


def identifier(name: str) -> str:
    """A schema name quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def connect(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction; a database error becomes a clear BackupError (no password in it)."""
    try:
        connection = engine.connect()
    except DBAPIError as error:
        raise BackupError(_("Cannot reach the database: %(reason)s", reason=reason(error))) from error
    try:
        with connection, connection.begin():
            yield connection
    except DBAPIError as error:
        raise BackupError(_("The database refused: %(reason)s", reason=reason(error))) from error


def reason(error: DBAPIError) -> str:
    """The first line of what the database driver said (never the password: it is not part of its messages)."""
    return str(error.orig).strip().splitlines()[0] if error.orig else error.__class__.__name__


def configured_schema(connection: Connection) -> str:
    """The schema the application works in: the first of its search_path (`$user` only when it exists).

    Not current_schema(), which skips a schema that does not exist yet and would point at the next one (public).
    """
    for entry in SEARCH_PATH_ENTRY.finditer(connection.scalar(text("SHOW search_path"))):
        quoted, plain = entry.groups()
        name = quoted.replace('""', '"') if quoted is not None else plain.strip().lower()
        if name == "$user":
            name = connection.scalar(text("SELECT current_user"))
            if not schema_exists(connection, name):
                continue
        return name
    raise BackupError(_("The database connection has an empty search_path: say which schema the site uses."))


def extensions_used(connection: Connection, schema: str) -> list[str]:
    """The extensions installed in the schema or providing what its objects use (unaccent, pg_trgm …)."""
    return list(
        connection.scalars(
            text(
                "SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                "WHERE n.nspname = :schema "
                "UNION SELECT e.extname FROM pg_depend d "
                "JOIN pg_depend m ON m.classid = d.refclassid AND m.objid = d.refobjid AND m.deptype = 'e' "
                "JOIN pg_extension e ON e.oid = m.refobjid "
                "WHERE (pg_identify_object(d.classid, d.objid, d.objsubid)).schema = :schema ORDER BY 1"
            ),
            {"schema": schema},
        )
    )


def dump(engine: Engine, target: Path) -> dict:
    """pg_dump the application's schema, and the extensions it needs, into `target`; return the schema and revision."""
    with connect(engine) as connection:
        schema = configured_schema(connection)
        if not schema_exists(connection, schema):
            raise BackupError(
                _("The schema %(schema)s of the search_path does not exist: nothing to back up.", schema=repr(schema))
            )
        revision, extensions = revision_of(connection), extensions_used(connection, schema)
    # Double quotes make a pattern literal (upper case, dots, stars). The extensions let the dump restore
    # onto a database that does not have them yet; a restore skips those that exist.
    args = [f"--schema={identifier(schema)}", *(f"--extension={identifier(name)}" for name in extensions)]
    run_tool("pg_dump", ["--format=custom", *args, f"--file={target}"], engine.url)
    return {"schema": schema, "revision": revision, "extensions": extensions}


def restore(engine: Engine, source: Path, backup_schema: str) -> None:
    """Replace the application's objects in its schema with the dump's, in one transaction: all or nothing.

    pg_restore writes the dump as SQL, which psql runs between our own statements: first the schema is
    emptied of the application's objects (those of an extension stay: unaccent, pg_trgm … may be shared and
    owned by another role), then the dump fills it. Any error, or a dump that cannot be read, rolls it all back.
    """
    entries = run_tool("pg_restore", ["--list", str(source)], engine.url, database=False).splitlines()
    with connect(engine) as connection:
        target = configured_schema(connection)
        if backup_schema != target and schema_exists(connection, backup_schema):
            raise BackupError(
                _(
                    "The backup holds schema %(schema)s, which exists in this database beside the one the site "
                    "uses (%(target)s); the restore would write into it. Restore into another database, or rename "
                    "%(schema)s first.",
                    schema=repr(backup_schema),
                    target=repr(target),
                )
            )
        if schema_exists(connection, target):
            before = list(connection.scalars(text(EMPTY_SCHEMA), {"schema": target}))
            if backup_schema != target:
                before.append(f"ALTER SCHEMA {identifier(target)} RENAME TO {identifier(backup_schema)};")
        else:
            before = [f"CREATE SCHEMA {identifier(backup_schema)};"]
    after = [f"ALTER SCHEMA {identifier(backup_schema)} RENAME TO {identifier(target)};"] * (backup_schema != target)
    with tempfile.NamedTemporaryFile("w", suffix=".list") as listing:
        listing.write("".join(line + "\n" for line in entries if not MADE_BY_RESTORE.match(line)))
        listing.flush()
        run_in_one_transaction(engine.url, before, source, Path(listing.name), after)


def run_in_one_transaction(url: URL, before: list[str], source: Path, listing: Path, after: list[str]) -> None:
    """psql runs `before`, the dump's SQL and `after`, committing only if pg_restore read the whole dump."""
    conninfo, env = client_settings(url)
    psql_args = ["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", f"--dbname={conninfo}"]
    script_args = ["--no-owner", "--no-privileges", f"--use-list={listing}", "--file=-", str(source)]
    with tempfile.TemporaryFile() as psql_errors, tempfile.TemporaryFile() as script_errors:
        psql = subprocess.Popen(
            [tool_path("psql"), *psql_args],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        script = subprocess.Popen(
            [tool_path("pg_restore"), *script_args], stdout=subprocess.PIPE, stderr=script_errors, env=env
        )
        opening = ["SET client_encoding = 'UTF8';", "SET client_min_messages = warning;", "BEGIN;"]
        opening.append(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}';")
        try:
            psql.stdin.write("\n".join([*opening, *before, ""]).encode())
            shutil.copyfileobj(script.stdout, psql.stdin)
            complete = script.wait() == 0
            # Without COMMIT, psql ends at the end of its input and the server rolls everything back.
            if complete:
                psql.stdin.write("\n".join([*after, "COMMIT;", ""]).encode())
            psql.stdin.close()
        except BrokenPipeError:
            complete = False  # psql stopped at an error
        finally:
            if script.poll() is None:
                script.kill()
            psql.wait()
            script.wait()
        psql_errors.seek(0)
        script_errors.seek(0)
        said = (psql_errors.read() or script_errors.read()).decode(errors="replace").strip()
    if psql.returncode != 0 or not complete:
        raise BackupError(_("The restore failed and was undone, the current data is untouched: %(said)s", said=said))


def schema_exists(connection: Connection, name: str) -> bool:
    """Whether the database has a schema of this name."""
    return bool(connection.scalar(text("SELECT count(*) FROM pg_namespace WHERE nspname = :name"), {"name": name}))
