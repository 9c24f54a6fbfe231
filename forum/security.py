"""Sessions, CSRF, rate limits and security headers."""

from functools import partial

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from forum.extensions import csrf, db, limiter, login_manager, talisman
from forum.models import User

MAX_ROW_ID = 2**63 - 1

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class RowIdConverter(IntegerConverter):
    """`<int:…>` in routes: a number larger than a database id can hold is a 404, not an overflow."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Bind the database, log-in, CSRF, limiter and header extensions."""
    app.url_map.converters["int"] = RowIdConverter
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", partial(tune_sqlite, app.config["SQLITE_BUSY_TIMEOUT_MS"]))
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    csrf.init_app(app)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
        frame_options="DENY",
    )


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_FIX reverse proxies, take the client's address and scheme from the headers they add.

    Only X-Forwarded-For and X-Forwarded-Proto, and only the values the trusted proxies appended: without
    it every member would share the proxy's address, and one rate limit. Never on a directly exposed
    server, where a client could claim any address. Called last, so that it wraps Socket.IO's middleware too.
    """
    hops = app.config["PROXY_FIX"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)


def tune_sqlite(busy_timeout_ms: int, dbapi_connection: object, connection_record: object) -> None:
    """WAL lets readers work during a write; the busy timeout makes a writer wait its turn instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Find the account of a session; a changed session key or a closed account ends it."""
    user_id, _, session_key = identity.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_key != session_key or not user.is_active:
        return None
    return user


def attempted_email() -> str:
    """Rate-limit key: the e-mail being tried (form or JSON), whether or not an account has it."""
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email") if isinstance(data, dict) or hasattr(data, "get") else None
    return "email:" + (email.strip().lower() if isinstance(email, str) else "")
