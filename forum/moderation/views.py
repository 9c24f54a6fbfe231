"""Moderators' pages: verification queue, reports, hidden and locked content, reveals, the audit log."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.accounts.access import require_moderator
from forum.accounts.evidence import evidence_path
from forum.accounts.rules import FieldErrors
from forum.cases import editing
from forum.errors import Refused
from forum.extensions import db, talisman
from forum.models import RevealRequest
from forum.moderation import content, services
from forum.moderation.audit import recent_events
from forum.moderation.forms import ActionForm, DecisionForm, MoveForm, RevealForm

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
        except Refused as error:
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


def back_to(default: str) -> str:
    """The page a moderation button was pressed on, if it is on this site; otherwise `default`."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return default


def reports_by_post(flags: list) -> list[dict]:
    """Open reports grouped by post, in the order of each post's oldest report."""
    groups: dict[int, dict] = {}
    for flag in flags:
        groups.setdefault(flag.post_id, {"post": flag.post, "flags": []})["flags"].append(flag)
    return list(groups.values())


@bp.route("/flags")
def flags():
    """Reported posts waiting for a moderator, oldest report first."""
    return render_template("moderation/flags.html", groups=reports_by_post(content.open_flags(current_user)))


def post_action(post_id: int, act, message: str):
    """Run a moderation act on a post (the form checks CSRF), tell the moderator, go back."""
    if ActionForm().validate_on_submit():
        act(current_user, post_id)
        flash(message, "success")
    return redirect(back_to(url_for("moderation.flags")))


@bp.post("/posts/<int:post_id>/hide")
def hide_post(post_id: int):
    """Hide a post from members; its open reports are closed as acted upon."""
    return post_action(
        post_id, lambda user, pid: content.set_post_hidden(user, pid, True), _("The post is hidden from members.")
    )


@bp.post("/posts/<int:post_id>/unhide")
def unhide_post(post_id: int):
    """Show a hidden post to members again."""
    return post_action(
        post_id, lambda user, pid: content.set_post_hidden(user, pid, False), _("The post is visible to members again.")
    )


@bp.post("/posts/<int:post_id>/restore")
def restore_post(post_id: int):
    """Bring back a post its author deleted."""
    return post_action(post_id, editing.restore_post, _("The post is restored."))


@bp.post("/posts/<int:post_id>/dismiss")
def dismiss_flags(post_id: int):
    """Close a post's reports without acting on it."""
    return post_action(post_id, content.dismiss_flags, _("The reports on this post are dismissed."))


@bp.get("/posts/<int:post_id>/versions")
def post_versions(post_id: int):
    """A post's current text and its earlier versions, newest first."""
    post = content.moderated_post(current_user, post_id)
    versions = editing.post_versions(current_user, post_id)
    return render_template("moderation/post_versions.html", post=post, versions=versions)


def case_action(case_id: int, locked: bool, message: str):
    """Lock or unlock a case, tell the moderator, go back."""
    if ActionForm().validate_on_submit():
        content.set_case_locked(current_user, case_id, locked)
        flash(message, "success")
    return redirect(back_to(url_for("cases.show", case_id=case_id)))


@bp.post("/cases/<int:case_id>/lock")
def lock_case(case_id: int):
    """Lock a case: members can no longer reply or edit."""
    return case_action(case_id, True, _("The case is locked."))


@bp.post("/cases/<int:case_id>/unlock")
def unlock_case(case_id: int):
    """Unlock a case."""
    return case_action(case_id, False, _("The case is open to replies again."))


@bp.route("/cases/<int:case_id>/move", methods=["GET", "POST"])
def move_case(case_id: int):
    """Move a case to the specialty it really concerns."""
    case = content.moderated_case(current_user, case_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            content.move_case(current_user, case_id, form.specialty.data)
        except FieldErrors as error:
            form.specialty.errors = list(error.fields.values())
        else:
            flash(_("The case is moved."), "success")
            return redirect(url_for("cases.show", case_id=case_id))
    elif request.method == "GET":
        form.specialty.data = case.specialty
    status = 422 if request.method == "POST" else 200
    return render_template("moderation/move_case.html", case=case, form=form), status


@bp.route("/posts/<int:post_id>/reveal", methods=["GET", "POST"])
def request_reveal(post_id: int):
    """Ask to know who wrote an anonymous post; a second moderator must approve."""
    post = content.moderated_post(current_user, post_id)
    form = RevealForm()
    if form.validate_on_submit():
        try:
            content.request_reveal(current_user, post_id, form.reason.data)
        except FieldErrors as error:
            form.reason.errors = list(error.fields.values())
        else:
            flash(_("Your request is recorded: a second moderator must approve it."), "success")
            return redirect(url_for("moderation.reveals"))
    status = 422 if request.method == "POST" else 200
    return render_template("moderation/request_reveal.html", post=post, form=form), status


def reveals_page(status: int = 200):
    """Pending reveal requests, and the approved ones the moderator took part in."""
    pending = content.pending_reveals(current_user)
    approved = content.my_approved_reveals(current_user)
    return render_template("moderation/reveals.html", pending=pending, approved=approved), status


@bp.get("/reveals")
def reveals():
    """Reveal requests waiting for a second moderator."""
    return reveals_page()


def decide(request_id: int, approve: bool, message: str):
    """Approve or refuse a reveal request; the one who asked cannot decide."""
    if ActionForm().validate_on_submit():
        try:
            content.decide_reveal(current_user, request_id, approve)
        except Refused as error:
            flash(error.message, "error")
            return reveals_page(error.status)
        flash(message, "success")
    return redirect(url_for("moderation.reveals"))


@bp.post("/reveals/<int:request_id>/approve")
def approve_reveal(request_id: int):
    """A second moderator approves a reveal request."""
    return decide(request_id, True, _("Request approved: its two moderators can now see the author."))


@bp.post("/reveals/<int:request_id>/refuse")
def refuse_reveal(request_id: int):
    """A second moderator refuses a reveal request."""
    return decide(request_id, False, _("Request refused: the author stays anonymous."))


@bp.get("/reveals/<int:request_id>")
def reveal(request_id: int):
    """Who wrote the post of an approved request, for its two moderators only; each view is logged."""
    author = content.revealed_author(current_user, request_id)
    reveal_request = db.session.get(RevealRequest, request_id)
    response = make_response(render_template("moderation/reveal.html", author=author, reveal=reveal_request))
    response.headers["Cache-Control"] = "private, no-store"
    return response
