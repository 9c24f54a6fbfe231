"""Sign-up, e-mail confirmation, log-in with two-factor, password reset, status page."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forum.accounts import links, profiles, services, twofactor
from forum.accounts import login as credentials
from forum.accounts.forms import (
    CodeForm,
    EmailForm,
    EmptyForm,
    FirstAdminForm,
    InfoReplyForm,
    LocaleForm,
    LoginForm,
    NewPasswordForm,
    PreferencesForm,
    SignupForm,
)
from forum.accounts.rules import FieldErrors
from forum.accounts.signup import EvidenceUpload, register_applicant, signup_data
from forum.extensions import db, limiter
from forum.i18n import select_locale
from forum.models import User
from forum.moderation.services import answer_info_request, open_verification
from forum.security import attempted_email

bp = Blueprint("accounts", __name__)


def show_errors(form, errors: dict[str, str]) -> None:
    """Attach service errors to the form's fields (or flash those without a field)."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            flash(message, "error")


def upload_from(field) -> EvidenceUpload | None:
    """The uploaded file of a form field, read into memory (the request size is capped)."""
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return EvidenceUpload(storage.read(), storage.filename)


def safe_next(target: str | None) -> str:
    """Only redirect within the site after log-in."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


def form_page(template: str, form, **context):
    """Render a form page; a refused submission answers 422 so clients can tell."""
    status = 422 if form.is_submitted() and request.method == "POST" else 200
    return render_template(template, form=form, **context), status


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def signup():
    """Join as an applicant."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignupForm()
    if form.validate_on_submit():
        data = signup_data(form.data, bool(form.accept_charter.data), select_locale())
        try:
            user = register_applicant(data, upload_from(form.evidence))
        except FieldErrors as error:
            show_errors(form, error.fields)
        else:
            links.send_confirmation(user)
            login_user(user)
            flash(_("Welcome! We sent you an e-mail: follow its link to confirm your address."), "success")
            return redirect(url_for("accounts.status"))
    return form_page("accounts/signup.html", form)


@bp.route("/confirm/<token>")
def confirm_email(token: str):
    """Follow the link of the confirmation mail."""
    try:
        links.confirm_email(token)
    except links.LinkInvalid as error:
        message = (
            _("This confirmation link has expired. Log in to receive a new one.")
            if error.reason == "expired"
            else _("This confirmation link is not valid.")
        )
        return render_template("accounts/link_invalid.html", message=message), 400
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    return redirect(url_for("accounts.status") if current_user.is_authenticated else url_for("accounts.login"))


@bp.post("/confirm/resend")
@login_required
@limiter.limit("5/hour")
def resend_confirmation():
    """Send the confirmation mail again."""
    if EmptyForm().validate_on_submit() and current_user.email_confirmed_at is None:
        links.send_confirmation(current_user)
        flash(_("We sent the confirmation e-mail again."), "success")
    return redirect(url_for("accounts.status"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20/minute", methods=["POST"])
@limiter.limit("5/minute;30/hour", key_func=attempted_email, methods=["POST"])
def login():
    """Log in with e-mail and password; accounts with two-factor go on to the code page."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = credentials.check_password(form.email.data or "", form.password.data or "")
        except credentials.LoginFailed as error:
            if error.reason == "closed":
                flash(_("This account is closed. Contact the moderators if you think this is a mistake."), "error")
            else:
                flash(_("E-mail or password is incorrect."), "error")
        else:
            if user.totp_enabled:
                session["pending_login"] = user.get_id()
                session["pending_next"] = request.args.get("next")
                return redirect(url_for("accounts.login_code"))
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
    return form_page("accounts/login.html", form)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def login_code():
    """Second step of log-in: the authenticator code."""
    pending = session.get("pending_login")
    user_id, _sep, key = (pending or "").partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or user.session_key != key or not user.is_active:
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            credentials.check_code(user, form.code.data or "")
        except credentials.LoginFailed:
            flash(
                _("This code is not valid, or was already used. Wait for the next code, or use another recovery code."),
                "error",
            )
        else:
            session.pop("pending_login", None)
            login_user(user)
            return redirect(safe_next(session.pop("pending_next", None)))
    return form_page("accounts/login_code.html", form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Log out (a POST with CSRF token; GET shows the button)."""
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You are logged out."), "success")
        return redirect(url_for("home.index"))
    return render_template("accounts/logout.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5/hour", methods=["POST"])
@limiter.limit("3/hour", key_func=attempted_email, methods=["POST"])
def request_reset():
    """Ask for a password reset link; the answer never says whether the address exists."""
    form = EmailForm()
    if form.validate_on_submit():
        links.send_password_reset(form.email.data or "")
        flash(_("If an account uses this address, we sent it a link to choose a new password."), "success")
        return redirect(url_for("accounts.login"))
    return form_page("accounts/reset_request.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def reset_password(token: str):
    """Choose a new password from a reset link."""
    try:
        links.user_for_reset(token)
    except links.LinkInvalid:
        message = _("This reset link has expired or was already used. Ask for a new one.")
        return render_template("accounts/link_invalid.html", message=message), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            links.reset_password(token, form.password.data or "")
        except FieldErrors as error:
            show_errors(form, error.fields)
        else:
            logout_user()
            flash(_("Your password has been changed. Log in with your new password."), "success")
            return redirect(url_for("accounts.login"))
    return form_page("accounts/reset.html", form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The account page: identity, two-factor, declared links with industry, mail preferences."""
    form = PreferencesForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_preferences(current_user, form.coi_declaration.data, form.notify_replies_by_email.data)
        except FieldErrors as error:
            show_errors(form, error.fields)
        else:
            flash(_("Your preferences are saved."), "success")
            return redirect(url_for("accounts.account"))
    return form_page("accounts/account.html", form)


@bp.route("/account/status", methods=["GET", "POST"])
@login_required
def status():
    """Where an applicant follows the verification, and answers a moderator's question."""
    verification = open_verification(current_user.id)
    form = InfoReplyForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            answer_info_request(current_user, form.message.data or "", upload_from(form.evidence))
        except FieldErrors as error:
            show_errors(form, error.fields)
        else:
            flash(_("Thank you: a moderator will read your answer."), "success")
            return redirect(url_for("accounts.status"))
    return form_page("accounts/status.html", form, verification=verification, resend=EmptyForm())


@bp.route("/account/2fa", methods=["GET", "POST"])
@login_required
def enrol_totp():
    """Turn on two-factor authentication with an authenticator app."""
    if current_user.totp_enabled:
        return render_template("accounts/totp_enabled.html")
    secret = session.get("totp_setup") or twofactor.new_secret()
    session["totp_setup"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        codes = twofactor.enrol(current_user, secret, form.code.data or "")
        if codes is None:
            form.code.errors = [_("This code does not match. Check your phone's clock and try again.")]
        else:
            db.session.commit()
            session.pop("totp_setup", None)
            return render_template("accounts/recovery_codes.html", codes=codes)
    qr = twofactor.provisioning_qr(secret, current_user.email)
    return form_page("accounts/totp_setup.html", form, secret=secret, qr=qr)


@bp.route("/members/<int:user_id>")
def profile(user_id: int):
    """A member's public profile (members only)."""
    member = profiles.public_profile(current_user, user_id)
    if member is None:
        abort(404)
    return render_template("accounts/profile.html", member=member)


@bp.post("/locale")
def set_locale():
    """The language switcher: remembered in the session and on the account."""
    form = LocaleForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            services.set_locale(current_user, form.locale.data)
    return redirect(safe_next(request.form.get("next")))


@bp.route("/setup/<token>", methods=["GET", "POST"])
def first_admin(token: str):
    """Create the first admin through the one-time link printed by `make run`."""
    if not services.check_setup_token(token):
        abort(404)
    form = FirstAdminForm()
    if form.validate_on_submit():
        try:
            user = services.create_first_admin(
                token, form.email.data or "", form.password.data or "", form.pseudonym.data or ""
            )
        except FieldErrors as error:
            show_errors(form, error.fields)
        else:
            login_user(user)
            flash(_("Your admin account is ready. Now turn on two-factor authentication."), "success")
            return redirect(url_for("accounts.enrol_totp"))
    return form_page("accounts/first_admin.html", form)
