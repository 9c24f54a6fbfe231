"""API: case threads, their posts, votes, follows, outcomes, reports and tag suggestions."""

from flask import request, url_for
from flask_babel import gettext as _

from forum.accounts.access import require_member
from forum.accounts.rules import FieldErrors
from forum.api.blueprint import api_user, bp, json_body
from forum.cases import editing, listing, services
from forum.cases.screening import PatientDataFound
from forum.errors import json_error
from forum.models import Post, User
from forum.moderation.content import flag_post


@bp.errorhandler(PatientDataFound)
def patient_data_found(error: PatientDataFound):
    """The guard's refusal, with each finding so the client can highlight it."""
    return json_error(422, "patient_data", error.message, findings=error.findings)


def member() -> User:
    """The verified member behind the token; refusals come before any parsing of the body."""
    return require_member(api_user())


def confirmed(data: dict) -> bool:
    """Only a JSON true confirms that a text identifies nobody; "true" or 1 do not."""
    return data.get("confirm_no_patient_data") is True


def bool_field(data: dict, name: str) -> bool:
    """An optional JSON boolean."""
    value = data.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise FieldErrors({name: _("Send true or false.")})
    return value


def post_json(post: Post, author: User) -> dict:
    """One's own post as it appears among the replies of its case (nobody votes for their own post)."""
    return listing.post_view(post, author, set(), post.case.accepted_post_id)


def case_response(viewer: User, case_id: int, status: int = 200):
    """The whole case, as GET /cases/<id> gives it."""
    return listing.case_detail(viewer, case_id), status


@bp.get("/cases")
def list_cases():
    """A page of cases, newest activity first, filtered like the case list."""
    viewer = member()
    args = request.args
    filters = {key: args.get(key) for key in ("specialty", "tag", "status")}
    filters["outcome"] = args.get("outcome", "").lower() in ("true", "1")
    page = args.get("page", 1, type=int) or 1
    return listing.list_cases(viewer, args.get("view", "latest"), page, **filters)


@bp.post("/cases")
def create_case():
    """Publish a case; 201 with the case, or the guard's findings."""
    author = member()
    data = json_body()
    fields = {name: data.get(name) for name in ("title", "body", "specialty", "question_type", "age_band")}
    fields |= {"patient_sex": data.get("patient_sex"), "tags": data.get("tags")}
    anonymous = bool_field(data, "anonymous")
    case = services.create_case(author, fields, anonymous=anonymous, confirmed=confirmed(data))
    body, status = case_response(author, case.id, 201)
    return body, status, {"Location": url_for("api.get_case", case_id=case.id)}


@bp.get("/cases/<int:case_id>")
def get_case(case_id: int):
    """A case with its replies; reading it marks it read, as the page does."""
    return listing.case_detail(member(), case_id, mark_read=True)


@bp.post("/cases/<int:case_id>/replies")
def create_reply(case_id: int):
    """Answer a case; 201 with the reply."""
    author = member()
    data = json_body()
    quoted = data.get("quoted_post_id")
    post = services.reply(author, case_id, data.get("body"), quoted_post_id=quoted, confirmed=confirmed(data))
    return post_json(post, author), 201


@bp.post("/cases/<int:case_id>/accept")
def accept_reply(case_id: int):
    """The case author accepts the reply that answered it; the case becomes solved."""
    author = member()
    data = json_body()
    post_id = data.get("post_id")
    services.accept_reply(author, case_id, post_id)
    return case_response(author, case_id)


@bp.post("/cases/<int:case_id>/follow")
def follow_case(case_id: int):
    """Follow a case: new replies notify the member."""
    services.set_following(member(), case_id, True)
    return "", 204


@bp.delete("/cases/<int:case_id>/follow")
def unfollow_case(case_id: int):
    """Stop following a case."""
    services.set_following(member(), case_id, False)
    return "", 204


@bp.post("/cases/<int:case_id>/outcome")
def add_outcome(case_id: int):
    """The case author tells what happened to the patient."""
    author = member()
    data = json_body()
    services.add_outcome(author, case_id, data.get("outcome"), confirmed=confirmed(data))
    return case_response(author, case_id)


@bp.patch("/posts/<int:post_id>")
def edit_post(post_id: int):
    """Edit one's own post (and the title, for the opening post)."""
    author = member()
    data = json_body()
    post = editing.edit_post(author, post_id, data.get("body"), title=data.get("title"), confirmed=confirmed(data))
    return post_json(post, author)


@bp.delete("/posts/<int:post_id>")
def delete_post(post_id: int):
    """Delete one's own post; deleting the opening post removes the case."""
    editing.delete_post(member(), post_id)
    return "", 204


@bp.post("/posts/<int:post_id>/helpful")
def vote_helpful(post_id: int):
    """Mark a reply helpful, once, never one's own."""
    post = services.vote_helpful(member(), post_id, True)
    return {"id": post.id, "helpful_count": post.helpful_count, "voted_helpful": True}


@bp.delete("/posts/<int:post_id>/helpful")
def unvote_helpful(post_id: int):
    """Take back one's helpful mark."""
    post = services.vote_helpful(member(), post_id, False)
    return {"id": post.id, "helpful_count": post.helpful_count, "voted_helpful": False}


@bp.post("/posts/<int:post_id>/flags")
def report_post(post_id: int):
    """Report a post to the moderators, with a reason."""
    reporter = member()
    flag = flag_post(reporter, post_id, json_body().get("reason"))
    return {"id": flag.id, "post_id": flag.post_id, "state": flag.state}, 201


@bp.get("/tags")
def suggest_tags():
    """Existing tags starting with ?prefix=, most used first."""
    viewer = member()
    return {"items": listing.suggest_tags(viewer, request.args.get("prefix", ""))}
