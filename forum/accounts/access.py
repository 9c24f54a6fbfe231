"""Who may do what. Services call these checks, so HTML, API and sockets share them."""

from flask import Flask, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin

from forum.errors import json_error, render_error, wants_json
from forum.models import User

MESSAGES = {
    "login_required": _l("Please log in."),
    "not_verified": _l("Your account is waiting for verification by a moderator."),
    "totp_required": _l("Moderators and sponsors must turn on two-factor authentication first."),
    "forbidden": _l("You do not have access to this page."),
}


def init_app(app: Flask) -> None:
    """Every refusal raised by a service becomes a redirect, a page or a JSON error."""
    app.register_error_handler(AccessDenied, handle_access_denied)


class AccessDenied(Exception):
    """reason: "login_required", "not_verified", "totp_required" or "forbidden"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def require_login(user: User | AnonymousUserMixin | None) -> User:
    """An authenticated, open account."""
    if user is None or not user.is_authenticated:
        raise AccessDenied("login_required")
    return user


def require_member(user: User | AnonymousUserMixin | None) -> User:
    """A verified clinician: applicants and sponsors never see community content."""
    user = require_login(user)
    if user.role == "sponsor":
        raise AccessDenied("forbidden")
    if not user.is_verified_member:
        raise AccessDenied("not_verified")
    return user


def require_moderator(user: User | AnonymousUserMixin | None) -> User:
    """A moderator or admin who has enrolled two-factor authentication."""
    user = require_login(user)
    if not user.is_moderator or user.status != "verified":
        raise AccessDenied("forbidden")
    if not user.totp_enabled:
        raise AccessDenied("totp_required")
    return user


def require_sponsor(user: User | AnonymousUserMixin | None) -> User:
    """A sponsor account, open and with two-factor authentication: it reaches the sponsor portal only."""
    user = require_login(user)
    if user.role != "sponsor" or user.status != "verified":
        raise AccessDenied("forbidden")
    if not user.totp_enabled:
        raise AccessDenied("totp_required")
    return user


def handle_access_denied(error: AccessDenied):
    """Send a browser where it can go on; give an API client a JSON refusal."""
    message = str(MESSAGES[error.reason])
    if wants_json():
        status = 401 if error.reason == "login_required" else 403
        return json_error(status, error.reason, message)
    if error.reason == "login_required":
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if error.reason == "not_verified":
        return redirect(url_for("accounts.status"))
    if error.reason == "totp_required":
        flash(message, "warning")
        return redirect(url_for("accounts.enrol_totp"))
    return render_error(403, message)
