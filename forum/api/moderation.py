"""API: the verification queue and decisions."""

from flask_babel import gettext as _

from forum.accounts.access import require_moderator
from forum.api.blueprint import api_user, bp, json_body
from forum.errors import json_error
from forum.moderation import services


@bp.get("/moderation/verifications")
def list_verifications():
    """Open verifications, oldest first."""
    actor = api_user()
    items = [services.review_details(actor, v) for v in services.list_queue(actor)]
    return {"items": items, "total": len(items), "page": 1, "pages": 1}


@bp.post("/moderation/verifications/<int:user_id>")
def decide_verification(user_id: int):
    """Approve, reject or request information for an account's open verification."""
    actor = api_user()
    require_moderator(actor)
    data = json_body()
    decision, reason = data.get("decision"), data.get("reason")
    if not isinstance(decision, str) or not isinstance(reason, str | None):
        message = _("Send the decision and the reason as text.")
        return json_error(422, "invalid", message, fields={"decision": message})
    verification = services.decide(actor, user_id, decision, reason)
    return {
        "id": user_id,
        "verification_id": verification.id,
        "state": verification.state,
        "status": verification.user.status,
    }
