"""Case pages: lists, a case with its replies, writing, editing, votes, outcome, notifications."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.accounts.catalog import SPECIALTIES
from forum.accounts.forms import EmptyForm
from forum.accounts.rules import FieldErrors
from forum.cases import editing, listing, services
from forum.cases.forms import AGE_BANDS, QUESTION_TYPES, SEXES, CaseForm, EditForm, FlagForm, OutcomeForm, ReplyForm
from forum.cases.screening import KIND_LABELS, PatientDataFound, highlight
from forum.errors import Refused
from forum.moderation.content import flag_post

bp = Blueprint("cases", __name__)


@bp.app_context_processor
def case_labels() -> dict:
    """Template helpers that show stored values in the reader's language."""
    return {
        "question_label": lambda value: str(QUESTION_TYPES.get(value, value or "")),
        "sex_label": lambda value: str(SEXES.get(value, value or "")),
        "age_label": lambda value: str(AGE_BANDS.get(value, value or "")),
        "finding_label": lambda kind: str(KIND_LABELS.get(kind, kind)),
        "specialty_choices": lambda: [(key, str(label)) for key, label in SPECIALTIES.items()],
        "highlight": highlight,
    }


def page_number() -> int:
    """The ?page= argument, 1 when missing or wrong."""
    return request.args.get("page", 1, type=int) or 1


def show_errors(form, error: Exception) -> list[dict]:
    """Attach refusals to the form; return the guard's findings for highlighting."""
    if isinstance(error, PatientDataFound):
        form.confirm_no_patient_data.errors = [error.message]
        return error.findings
    for name, message in error.fields.items():
        field = getattr(form, name, None) or form.body
        field.errors = [*field.errors, message]
    return []


@bp.route("/cases/")
def index():
    """The lists of cases: latest, unanswered, solved, my specialty, taken part in, unread."""
    filters = {key: request.args.get(key) for key in ("specialty", "tag", "status")}
    filters["outcome"] = request.args.get("outcome") in ("1", "true", "on")
    view = request.args.get("view", "latest")
    result = listing.list_cases(current_user, view, page_number(), **filters)
    counts = listing.view_counts(current_user)
    return render_template("cases/index.html", result=result, counts=counts, filters=filters)


@bp.route("/cases/new", methods=["GET", "POST"])
def new():
    """Write a case; the guard shows likely patient identifiers before anything is published."""
    listing.require_member(current_user)
    form, findings = CaseForm(), []
    if form.validate_on_submit():
        data = {
            name: form[name].data
            for name in ("title", "body", "specialty", "question_type", "age_band", "patient_sex", "tags")
        }
        try:
            case = services.create_case(
                current_user, data, anonymous=form.anonymous.data, confirmed=form.confirm_no_patient_data.data
            )
        except (FieldErrors, PatientDataFound) as error:
            findings = show_errors(form, error)
        else:
            flash(_("Your case is published."), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    elif request.method == "GET":
        form.specialty.data = current_user.specialty or "general-practice"
    status = 422 if request.method == "POST" else 200
    tags = listing.suggest_tags(current_user, limit=30)
    return render_template("cases/new.html", form=form, findings=findings, tags=tags), status


def case_page(case_id: int, reply_form: ReplyForm | None = None, findings: list | None = None, status: int = 200):
    """Render a case; reading it marks it read."""
    case = listing.case_detail(current_user, case_id, mark_read=True)
    form = reply_form or ReplyForm()
    quote = request.args.get("quote", type=int)
    if quote and not form.body.data:
        form.quoted_post_id.data = quote
    return render_template("cases/show.html", case=case, form=form, findings=findings or []), status


@bp.route("/cases/<int:case_id>")
def show(case_id: int):
    """A case and its replies."""
    return case_page(case_id)


@bp.get("/cases/<int:case_id>/unread")
def first_unread(case_id: int):
    """Jump to the first reply the member has not read yet."""
    case = listing.case_detail(current_user, case_id)
    anchor = f"post-{case['first_unread_post_id']}" if case["first_unread_post_id"] else "replies"
    return redirect(url_for("cases.show", case_id=case_id, _anchor=anchor))


@bp.post("/cases/<int:case_id>/replies")
def reply(case_id: int):
    """Answer a case."""
    form = ReplyForm()
    if not form.validate_on_submit():
        return case_page(case_id, form, status=400)
    try:
        post = services.reply(
            current_user,
            case_id,
            form.body.data,
            quoted_post_id=form.quoted_post_id.data,
            confirmed=form.confirm_no_patient_data.data,
        )
    except (FieldErrors, PatientDataFound) as error:
        return case_page(case_id, form, show_errors(form, error), status=422)
    return redirect(url_for("cases.show", case_id=case_id, _anchor=f"post-{post.id}"))


@bp.post("/cases/<int:case_id>/accept")
def accept(case_id: int):
    """The author marks the reply that answered the case."""
    if EmptyForm().validate_on_submit():
        services.accept_reply(current_user, case_id, request.form.get("post_id"))
        flash(_("Reply accepted: the case is solved."), "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.post("/cases/<int:case_id>/follow")
def follow(case_id: int):
    """Follow or stop following a case."""
    if EmptyForm().validate_on_submit():
        services.set_following(current_user, case_id, request.form.get("following") == "1")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/cases/<int:case_id>/outcome", methods=["GET", "POST"])
def outcome(case_id: int):
    """The author adds what happened to the patient."""
    case = listing.case_detail(current_user, case_id)
    form, findings = OutcomeForm(), []
    if form.validate_on_submit():
        try:
            services.add_outcome(current_user, case_id, form.outcome.data, confirmed=form.confirm_no_patient_data.data)
        except (FieldErrors, PatientDataFound) as error:
            findings = show_errors(form, error)
        else:
            flash(_("Thank you: the outcome is added to the case."), "success")
            return redirect(url_for("cases.show", case_id=case_id))
    status = 422 if request.method == "POST" else 200
    return render_template("cases/outcome.html", case=case, form=form, findings=findings), status


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit(post_id: int):
    """Edit one's own post."""
    post = services.visible_post(current_user, post_id)
    form, findings = EditForm(), []
    if form.validate_on_submit():
        try:
            editing.edit_post(
                current_user,
                post_id,
                form.body.data,
                title=form.title.data,
                confirmed=form.confirm_no_patient_data.data,
            )
        except (FieldErrors, PatientDataFound) as error:
            findings = show_errors(form, error)
        else:
            return redirect(url_for("cases.show", case_id=post.case_id, _anchor=f"post-{post.id}"))
    elif request.method == "GET":
        form.body.data, form.title.data = post.body_md, post.case.title
    status = 422 if request.method == "POST" else 200
    return render_template("cases/edit.html", post=post, form=form, findings=findings), status


@bp.post("/posts/<int:post_id>/delete")
def delete(post_id: int):
    """Delete one's own post."""
    if EmptyForm().validate_on_submit():
        post = editing.delete_post(current_user, post_id)
        flash(_("Your post is deleted."), "success")
        return redirect(url_for("cases.index") if post.is_opening else url_for("cases.show", case_id=post.case_id))
    return redirect(url_for("cases.index"))


@bp.post("/posts/<int:post_id>/helpful")
def helpful(post_id: int):
    """Mark a reply helpful, or take the mark back."""
    post = services.visible_post(current_user, post_id)
    if EmptyForm().validate_on_submit():
        try:
            services.vote_helpful(current_user, post_id, request.form.get("helpful", "1") == "1")
        except Refused as error:
            flash(error.message, "error")
    return redirect(url_for("cases.show", case_id=post.case_id, _anchor=f"post-{post_id}"))


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
def flag(post_id: int):
    """Report a post to the moderators."""
    post = services.visible_post(current_user, post_id)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            flag_post(current_user, post_id, form.reason.data)
        except FieldErrors as error:
            form.reason.errors = list(error.fields.values())
        except Refused as error:
            flash(error.message, "warning")
            return redirect(url_for("cases.show", case_id=post.case_id))
        else:
            flash(_("Thank you: a moderator will look at this post."), "success")
            return redirect(url_for("cases.show", case_id=post.case_id))
    status = 422 if request.method == "POST" else 200
    return render_template("cases/flag.html", post=post, form=form), status
