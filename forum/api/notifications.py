"""API: the member's notifications."""

from flask import request

from forum.api.blueprint import api_user, bp
from forum.notifications import services


@bp.get("/notifications")
def list_notifications():
    """A page of notifications, newest first, with the unread count; ?unread=true for unread ones only."""
    unread_only = request.args.get("unread", "").lower() in ("true", "1")
    page = request.args.get("page", 1, type=int) or 1
    return services.list_notifications(api_user(), page, unread_only)


@bp.post("/notifications/read")
def mark_notifications_read():
    """Mark every notification read."""
    services.mark_all_read(api_user())
    return "", 204
