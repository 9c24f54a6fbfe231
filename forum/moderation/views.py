"""Moderators' pages: the verification queue, a review, evidence files, the audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.accounts.access import require_moderator
from forum.accounts.evidence import evidence_path
from forum.accounts.rules import FieldErrors
from forum.extensions import talisman
from forum.moderation import services
from forum.moderation.audit import recent_events
from forum.moderation.forms import DecisionForm

bp = Blueprint("moderation", __name__)


@bp.route("/")
def queue():
    """Applicants waiting for a decision, oldest first."""
    reviews = [services.review_details(current_user, v) for v in services.list_queue(current_user)]
    return render_template("moderation/queue.html", reviews=reviews)


@bp.route("/verifications/<int:user_id>", methods=["GET", "POST"])
def review(user_id: int):
    """One applicant's file and the decision form."""
    require_moderator(current_user)
    verification = services.open_verification(user_id)
    if verification is None:
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(current_user, user_id, form.decision.data or "", form.reason.data)
        except FieldErrors as error:
            for name, message in error.fields.items():
                getattr(form, name).errors = [message]
        except services.DecisionRefused as error:
            flash(error.message, "error")
        else:
            flash(_("Decision recorded and sent to the applicant."), "success")
            return redirect(url_for("moderation.queue"))
    details = services.review_details(current_user, verification)
    status = 422 if form.errors else 200
    return render_template("moderation/review.html", review=details, form=form), status


@bp.route("/evidence/<int:evidence_id>")
@talisman(content_security_policy={"default-src": "'none'", "sandbox": ""})
def evidence(evidence_id: int):
    """An evidence file, sent as a download so the browser never runs it."""
    item = services.evidence_for_moderator(current_user, evidence_id)
    if item is None:
        abort(404)
    response = send_file(
        evidence_path(item.stored_name),
        mimetype=item.content_type,
        as_attachment=True,
        download_name=f"evidence-{item.id}.{item.stored_name.rsplit('.', 1)[-1]}",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/audit")
def audit_log():
    """The append-only log of moderation acts."""
    require_moderator(current_user)
    return render_template("moderation/audit.html", events=recent_events())
