"""Error pages for people and JSON errors for API clients; never a traceback."""

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from forum.extensions import db

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist."),
    405: _l("This action is not allowed here."),
    413: _l("The file is too large: the limit is 5 MB."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Nothing was saved; please try again."),
    503: _l("The site is very busy right now. Nothing was saved; please try again in a few seconds."),
}

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "busy",
}
BUSY_RETRY_AFTER = 5

CSRF_MESSAGE = _l("This form has expired or was sent from elsewhere. Please try again.")


class Refused(Exception):
    """A service refuses an action for a reason the user can understand; status is its HTTP status."""

    def __init__(self, code: str, message: str, status: int = 409):
        super().__init__(message)
        self.code, self.message, self.status = code, str(message), status


def init_app(app: Flask) -> None:
    """Answer every HTTP error in the client's form: a page or a JSON error."""
    app.register_error_handler(Refused, handle_refused)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected_error)


def wants_json() -> bool:
    """API clients get JSON; browsers get pages."""
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, **extra: object):
    """The API's error shape: {"error": {"code", "message", ...}}."""
    response = jsonify({"error": {"code": code, "message": str(message), **extra}})
    response.status_code = status
    return response


def render_error(status: int, message: str):
    """An error as a page or as JSON, whichever the client speaks."""
    if wants_json():
        return json_error(status, CODES.get(status, "error"), message)
    return render_template("error.html", status=status, message=message), status


def handle_http_error(error: HTTPException):
    """Render an HTTP error without leaking internals."""
    status = error.code or 500
    return render_error(status, str(MESSAGES.get(status, MESSAGES[400])))


def handle_refused(error: Refused):
    """A refusal nobody caught: a JSON error or an error page with its message."""
    if wants_json():
        return json_error(error.status, error.code, error.message)
    return render_template("error.html", status=error.status, message=error.message), error.status


def handle_csrf_error(error: CSRFError):
    """A missing or stale CSRF token: explain, change nothing."""
    return render_error(400, str(CSRF_MESSAGE))


def database_is_busy(error: OperationalError) -> bool:
    """SQLite gave up waiting for another writer (PostgreSQL waits for locks instead)."""
    return "database is locked" in str(error.orig) or "database is busy" in str(error.orig)


def handle_database_error(error: OperationalError):
    """A write that waited too long for its turn: ask the member to retry (503), otherwise a plain 500."""
    if not database_is_busy(error):
        return handle_unexpected_error(error)
    db.session.rollback()
    current_app.logger.warning("Database busy on %s %s: the member was asked to retry", request.method, request.path)
    response = make_response(render_error(503, str(MESSAGES[503])))
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


def handle_unexpected_error(error: Exception):
    """Log the failure for the maintainer and show a calm page to the user."""
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())
