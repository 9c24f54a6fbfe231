"""Confrères: a self-hosted community where verified clinicians help each other."""

import os
from pathlib import Path

from flask import Flask

from forum.config import load_config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: settings, extensions, features, command line."""
    instance = Path(os.environ.get("FORUM_INSTANCE", Path.cwd() / "instance")).resolve()
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    instance.mkdir(parents=True, exist_ok=True)
    load_config(app, test_config)

    from forum import cli, errors, i18n, security
    from forum.accounts import access
    from forum.accounts import views as accounts
    from forum.api import bp as api
    from forum.cases import views as cases
    from forum.charter import views as charter
    from forum.chat import sockets
    from forum.chat import views as chat
    from forum.extensions import db, migrate
    from forum.home import views as home
    from forum.moderation import views as moderation
    from forum.notifications import views as notifications
    from forum.search import init_app as init_search
    from forum.search import views as search

    security.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"), render_as_batch=True)
    i18n.init_app(app)
    errors.init_app(app)
    access.init_app(app)
    cli.init_app(app)
    sockets.init_app(app)
    init_search(app)
    security.trust_proxies(app)

    app.register_blueprint(home.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(moderation.bp, url_prefix="/moderation")
    app.register_blueprint(charter.bp)
    app.register_blueprint(chat.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(api, url_prefix="/api/v1")
    return app
