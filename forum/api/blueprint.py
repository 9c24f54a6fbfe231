"""The API blueprint: bearer-token authentication and JSON errors."""

from flask import Blueprint, g, request
from flask_babel import gettext as _

from forum.accounts.login import user_for_token
from forum.accounts.rules import FieldErrors
from forum.errors import json_error
from forum.extensions import csrf
from forum.models import User

bp = Blueprint("api", __name__)
# API clients authenticate with a bearer token, never a cookie, so CSRF cannot ride on them.
csrf.exempt(bp)


def api_user() -> User | None:
    """The account of the request's bearer token, once per request."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        g.api_user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    return g.api_user


def json_body() -> dict:
    """The request's JSON object, or a 400 error for anything else."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadJson()
    return data


class BadJson(Exception):
    """The body is not a JSON object."""


@bp.errorhandler(BadJson)
def bad_json(error: BadJson):
    """A body that is not a JSON object."""
    return json_error(400, "bad_request", _("Send a JSON object as the request body."))


@bp.errorhandler(FieldErrors)
def field_errors(error: FieldErrors):
    """Refused fields: 409 when only uniqueness failed, else 422."""
    if error.conflict:
        return json_error(409, "conflict", _("Another account already holds these details."), fields=error.fields)
    return json_error(422, "invalid", _("Some fields need your attention."), fields=error.fields)
