"""The notifications page."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forum.accounts.forms import EmptyForm
from forum.notifications import services

bp = Blueprint("notifications", __name__)

TEXTS = {
    "reply_to_my_case": _l("A colleague answered your case"),
    "reply_to_followed": _l("New reply in a case you follow"),
    "answer_accepted": _l("Your answer was accepted"),
    "mention": _l("A colleague mentioned you"),
    "outcome_reminder": _l("What happened to the patient? Add the outcome of your case"),
    "chat_mention": _l("A colleague mentioned you in the chat"),
    "chat_case_consent": _l("A colleague asks your consent to publish a conversation as a case"),
}
# Chat notifications lead to the chat, the others to their case.
CHAT_KINDS = {"chat_mention", "chat_case_consent"}


@bp.app_context_processor
def notification_helpers() -> dict:
    """The sentence of a notification kind, and the unread count shown in the header."""
    count = services.unread_count(current_user) if getattr(current_user, "is_verified_member", False) else 0
    return {
        "notification_text": lambda kind: str(TEXTS.get(kind, kind)),
        "notification_is_chat": lambda kind: kind in CHAT_KINDS,
        "unread_notifications": count,
    }


@bp.route("/notifications", methods=["GET", "POST"])
def index():
    """The member's notifications, newest first; POST marks them all read."""
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        services.mark_all_read(current_user)
        return redirect(url_for("notifications.index"))
    result = services.list_notifications(current_user, request.args.get("page", 1, type=int) or 1)
    return render_template("notifications/index.html", result=result, form=form)
