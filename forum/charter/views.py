"""The public charter page and export log, and members' own data: download, sponsor consents, deletion."""

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from forum.accounts.access import require_login
from forum.accounts.rules import FieldErrors
from forum.charter import commands, consent, erasure, exports, memberdata, notices, portal  # noqa: F401  (register)
from forum.charter.blueprint import bp
from forum.charter.forms import ConsentForm, DeleteAccountForm
from forum.errors import Refused

__all__ = ["bp"]


@bp.route("/charter")
def show():
    """The charter text, its version, the settings that enforce it and the log of every export."""
    config = current_app.config
    return render_template(
        "charter/show.html",
        version=config["CHARTER_VERSION"],
        no_nominative_export=config["CHARTER_NO_NOMINATIVE_EXPORT"],
        min_group_size=config["CHARTER_MIN_GROUP_SIZE"],
        notice=notices.latest_notice(),
        members_told=notices.members_told(),
        log=exports.export_log(request.args.get("page", 1, type=int) or 1),
    )


@bp.route("/charter/exports/<int:export_id>")
def export_file(export_id: int):
    """Exactly the file a sponsor received (members only)."""
    return exports.as_download(exports.logged_file(current_user, export_id))


@bp.route("/account/data")
def member_data():
    """What the community holds about me: a page with a button, and the JSON file itself."""
    data = memberdata.member_data(current_user)
    if request.args.get("format") != "json":
        return render_template("charter/member_data.html", sections=sorted(data))
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="confreres-my-data.json"'
    return response


@bp.post("/account/consent")
def change_consent():
    """Give or withdraw consent to share my cases with a named sponsor."""
    user = require_login(current_user)
    form = ConsentForm()
    if form.validate_on_submit():
        organisation = form.organisation.data or ""
        try:
            if form.action.data == "give":
                consent.give_consent(user, organisation)
                flash(_("You consented to share your cases with %(name)s.", name=organisation), "success")
            else:
                consent.withdraw_consent(user, organisation)
                flash(_("You withdrew your consent for %(name)s.", name=organisation), "success")
        except Refused as error:
            flash(error.message, "error")
    return redirect(url_for("accounts.account") + "#sponsors-title")


@bp.route("/account/delete", methods=["GET", "POST"])
def delete_account():
    """Delete my account after confirming with my password."""
    require_login(current_user)
    form = DeleteAccountForm()
    status = 200
    if form.validate_on_submit():
        status = 422
        if not form.confirm.data:
            form.confirm.errors = [_("Tick this box to confirm.")]
        else:
            try:
                erasure.delete_account(current_user, form.password.data or "", delete_posts=form.posts.data == "delete")
            except FieldErrors as error:
                form.password.errors = [error.fields["password"]]
            except Refused as error:
                flash(error.message, "error")
            else:
                logout_user()
                flash(_("Your account is deleted. Thank you for what you shared."), "success")
                return redirect(url_for("home.index"))
    elif request.method == "POST":
        status = 422
    return render_template("charter/delete_account.html", form=form), status
