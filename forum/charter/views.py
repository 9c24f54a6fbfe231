"""The public charter page."""

from flask import Blueprint, current_app, render_template

bp = Blueprint("charter", __name__)


@bp.route("/charter")
def show():
    """The charter text, its version and the settings that enforce it."""
    config = current_app.config
    return render_template(
        "charter/show.html",
        version=config["CHARTER_VERSION"],
        no_nominative_export=config["CHARTER_NO_NOMINATIVE_EXPORT"],
        min_group_size=config["CHARTER_MIN_GROUP_SIZE"],
    )
