"""The charter blueprint: its refusals, and the fence that keeps sponsors inside their portal."""

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.api.blueprint import api_user
from forum.charter import consent
from forum.charter.reports import CharterViolation
from forum.errors import json_error, render_error, wants_json

bp = Blueprint("charter", __name__)

# The only pages and API routes a sponsor account reaches: the portal, the public pages, logging in and out.
SPONSOR_ENDPOINTS = {
    "static",
    "home.index",
    "home.help_page",
    "charter.show",
    "charter.portal",
    "charter.report",
    "charter.download",
    "accounts.login",
    "accounts.login_code",
    "accounts.logout",
    "accounts.enrol_totp",
    "accounts.set_locale",
    "accounts.confirm_email",
    "accounts.request_reset",
    "accounts.reset_password",
    "api.create_token",
    "api.me",
    "api.openapi_document",
    "api.sponsor_reports",
    "api.sponsor_report",
}


def requester():
    """The account behind this request: the bearer token on the API, else the session."""
    if request.path.startswith("/api/"):
        return api_user()
    return current_user if current_user.is_authenticated else None


@bp.before_app_request
def keep_sponsors_in_portal():
    """Refuse sponsors every route outside the portal, even ones added later by other features."""
    if request.endpoint is None or request.endpoint in SPONSOR_ENDPOINTS:
        return None
    user = requester()
    if user is None or user.role != "sponsor":
        return None
    if wants_json():
        return json_error(403, "forbidden", _("Sponsor accounts only reach the sponsor reports."))
    if request.endpoint == "accounts.account":
        return redirect(url_for("charter.portal"))
    return render_error(403, _("Sponsor accounts only reach the sponsor reports."))


@bp.app_errorhandler(CharterViolation)
def charter_violation(error: CharterViolation):
    """A report asked for a nominative column: refused, already logged, no file."""
    message = _("The charter forbids this report: it would export personal data (%(column)s).", column=error.column)
    if wants_json():
        return json_error(403, "charter_violation", message)
    return render_error(403, message)


@bp.app_template_global()
def charter_account_panel(user) -> dict:
    """The account page's sponsor-consent section."""
    return consent.account_panel(user)
