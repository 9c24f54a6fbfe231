"""Home and help: what a visitor, an applicant and a member each see first."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from forum.cases.listing import list_cases

bp = Blueprint("home", __name__)
HOME_CASES = 8


@bp.route("/")
def index():
    """Landing page for visitors, status page for applicants, community home for members."""
    if not current_user.is_authenticated:
        return render_template("home/landing.html")
    if current_user.role == "sponsor":
        return redirect(url_for("charter.portal"))
    if not current_user.is_verified_member:
        return redirect(url_for("accounts.status"))
    latest = list_cases(current_user, "latest")["items"][:HOME_CASES]
    return render_template("home/index.html", latest=latest)


@bp.route("/help")
def help_page():
    """How joining and verification work."""
    return render_template("home/help.html")
