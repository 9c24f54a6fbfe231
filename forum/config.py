"""Default settings; instance/config.py, FORUM_* variables and test settings override them."""

import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

MEBIBYTE = 1024 * 1024
# "whoosh": an index folder beside the app; "postgres": full-text search in the PostgreSQL database.
SEARCH_BACKENDS = ("whoosh", "postgres")


def default_settings(instance: Path) -> dict:
    """Embedded defaults: everything lives inside the instance folder."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'forum.db'}",
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "OUTBOX_FOLDER": str(instance / "outbox"),
        # Evidence files may weigh 5 MB; the rest of the sign-up form is small.
        "EVIDENCE_MAX_BYTES": 5 * MEBIBYTE,
        "MAX_CONTENT_LENGTH": 5 * MEBIBYTE + 256 * 1024,
        # Where members reach the site: links in mails sent outside a request use it.
        "BASE_URL": "http://127.0.0.1:5000",
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_SENDER": "Confrères <no-reply@localhost>",
        "EMAIL_CONFIRM_MAX_AGE": 3 * 24 * 3600,
        "PASSWORD_RESET_MAX_AGE": 3600,
        "API_TOKEN_MAX_AGE": 30 * 24 * 3600,
        "PASSWORD_MIN_LENGTH": 12,
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
        "ARGON2_PARALLELISM": 4,
        "LANGUAGES": ["fr", "en"],
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "FORCE_HTTPS": False,
        # How many reverse proxies (nginx: 1) stand in front and add X-Forwarded-For/-Proto; 0 trusts none.
        "PROXY_FIX": 0,
        "REDIS_URL": None,
        # How long a SQLite writer waits for another one to finish before the member is told to retry.
        "SQLITE_BUSY_TIMEOUT_MS": 10_000,
        # Origins whose pages may open a chat socket; empty means only the origin the site is served from.
        "CHAT_ALLOWED_ORIGINS": [],
        # "threading" serves sockets from `flask run` and gunicorn gthread; "gevent" only under gunicorn -k gevent.
        "SOCKETIO_ASYNC_MODE": "threading",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "CHARTER_VERSION": "1.0",
        "CHARTER_NO_NOMINATIVE_EXPORT": True,
        "CHARTER_MIN_GROUP_SIZE": 5,
        "SEARCH_BACKEND": "whoosh",
        "SEARCH_INDEX_FOLDER": str(instance / "search-index"),
        # Admins edit their own copy (set its path here); the shipped list is the default.
        "SEARCH_SYNONYMS_FILE": str(Path(__file__).parent / "search" / "synonyms.txt"),
    }


def load_config(app: Flask, test_config: dict | None) -> None:
    """Defaults, then instance/config.py, then FORUM_* variables, then test settings."""
    app.config.from_mapping(default_settings(Path(app.instance_path)))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("FORUM")
    if test_config:
        app.config.from_mapping(test_config)
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    check_settings(app.config)


def instance_secret_key(instance: Path) -> str:
    """Read the secret key kept in the instance folder, generating it on first start."""
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


class SettingsError(RuntimeError):
    """A setting holds a value the application cannot run with."""


def check_settings(config: dict) -> None:
    """Refuse to start on settings that would break a promise to members."""
    if not isinstance(config["CHARTER_NO_NOMINATIVE_EXPORT"], bool):
        raise SettingsError(
            f"CHARTER_NO_NOMINATIVE_EXPORT must be true or false, not {config['CHARTER_NO_NOMINATIVE_EXPORT']!r}"
        )
    size = config["CHARTER_MIN_GROUP_SIZE"]
    if isinstance(size, bool) or not isinstance(size, int) or size < 2:
        raise SettingsError(f"CHARTER_MIN_GROUP_SIZE must be a whole number of at least 2, not {size!r}")
    hops = config["PROXY_FIX"]
    if isinstance(hops, bool) or not isinstance(hops, int) or not 0 <= hops <= 5:
        raise SettingsError(f"PROXY_FIX must be the number of proxies in front (0 to 5), not {hops!r}")
    wait = config["SQLITE_BUSY_TIMEOUT_MS"]
    if isinstance(wait, bool) or not isinstance(wait, int) or not 0 <= wait <= 600_000:
        raise SettingsError(f"SQLITE_BUSY_TIMEOUT_MS must be a number of milliseconds (0 to 600000), not {wait!r}")
    if config["PASSWORD_MIN_LENGTH"] < 12:
        raise SettingsError("PASSWORD_MIN_LENGTH cannot be lowered under 12")
    check_search_backend(config)


def check_search_backend(config: dict) -> None:
    """A known search engine, and PostgreSQL full-text search only on a PostgreSQL database."""
    engine = config["SEARCH_BACKEND"]
    if engine not in SEARCH_BACKENDS:
        raise SettingsError(f"SEARCH_BACKEND must be one of {', '.join(SEARCH_BACKENDS)}, not {engine!r}")
    if engine != "postgres":
        return
    database = make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    if database != "postgresql":
        raise SettingsError(
            f"SEARCH_BACKEND = 'postgres' searches with PostgreSQL full-text search, but the database is {database}: "
            "set SQLALCHEMY_DATABASE_URI to a PostgreSQL database, or SEARCH_BACKEND to 'whoosh'"
        )
