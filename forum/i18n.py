"""French and English: the account's language, else the browser's, with a switcher."""

from datetime import datetime

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from forum.accounts.catalog import template_labels
from forum.extensions import babel


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our locale choice."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(template_labels(), get_locale=get_locale)
    app.jinja_env.filters["day"] = lambda iso: format_date(datetime.fromisoformat(iso)) if iso else ""
    app.jinja_env.filters["moment"] = lambda iso: format_datetime(datetime.fromisoformat(iso), "short") if iso else ""


def select_locale() -> str:
    """Pick the interface language for this request."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
