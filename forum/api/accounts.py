"""API: sign-up, bearer tokens, the current account, public profiles."""

from flask import request
from flask_babel import gettext as _

from forum.accounts import links
from forum.accounts.access import require_login
from forum.accounts.login import LoginFailed, issue_api_token
from forum.accounts.profiles import public_profile
from forum.accounts.signup import EvidenceUpload, SignupData, register_applicant, signup_data
from forum.api.blueprint import api_user, bp, json_body
from forum.errors import json_error
from forum.extensions import limiter
from forum.i18n import select_locale
from forum.models import User
from forum.security import attempted_email


def account_json(user: User) -> dict:
    """The shape of /me and of a new sign-up."""
    return {
        "id": user.id,
        "pseudonym": user.pseudonym,
        "role": user.role,
        "status": user.status,
        "profession": user.profession,
        "specialty": user.specialty,
        "country": user.country,
        "region": user.region,
        "email_confirmed": user.email_confirmed_at is not None,
        "totp_enabled": user.totp_enabled,
        "locale": user.locale,
    }


def signup_payload() -> tuple[SignupData, EvidenceUpload | None]:
    """Read a sign-up from JSON, or from a multipart form when it carries evidence."""
    if request.mimetype == "multipart/form-data" or request.mimetype == "application/x-www-form-urlencoded":
        source = request.form
        storage = request.files.get("evidence")
        upload = EvidenceUpload(storage.read(), storage.filename or "") if storage else None
        accepted = source.get("accept_charter", "").lower() in ("1", "true", "yes", "on")
    else:
        source = json_body()
        upload = None
        accepted = source.get("accept_charter") is True
    return signup_data(source, accepted, select_locale()), upload


@bp.post("/signup")
@limiter.limit("10/hour")
def signup():
    """Create an applicant account; 201 with the account."""
    data, upload = signup_payload()
    user = register_applicant(data, upload)
    links.send_confirmation(user)
    return account_json(user), 201


@bp.post("/tokens")
@limiter.limit("20/minute")
@limiter.limit("5/minute;30/hour", key_func=attempted_email)
def create_token():
    """Exchange e-mail, password (and TOTP code) for a bearer token."""
    data = json_body()
    email, password, code = data.get("email"), data.get("password"), data.get("totp")
    if not isinstance(email, str) or not isinstance(password, str) or not isinstance(code, str | None):
        return json_error(400, "bad_request", _("Send e-mail and password as text."))
    try:
        token = issue_api_token(email, password, code)
    except LoginFailed as error:
        messages = {
            "credentials": _("E-mail or password is incorrect."),
            "closed": _("This account is closed."),
            "totp_required": _('This account uses two-factor authentication: send the code as "totp".'),
            "totp": _(
                "This code is not valid, or was already used. Wait for the next code, or use another recovery code."
            ),
        }
        status = 403 if error.reason == "closed" else 401
        return json_error(status, error.reason, messages[error.reason])
    return {"token": token}, 201


@bp.get("/me")
def me():
    """The authenticated account."""
    return account_json(require_login(api_user()))


@bp.get("/members/<int:user_id>")
def member(user_id: int):
    """A verified member's public profile (members only)."""
    profile = public_profile(api_user(), user_id)
    if profile is None:
        return json_error(404, "not_found", _("This member does not exist."))
    return profile
