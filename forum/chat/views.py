"""Chat pages: rooms and their history served as HTML that works without JavaScript; chat.js makes them live."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from forum.accounts.access import require_member
from forum.accounts.catalog import SPECIALTIES
from forum.accounts.forms import EmptyForm
from forum.accounts.rules import FieldErrors
from forum.cases.forms import QUESTION_TYPES
from forum.cases.screening import PatientDataFound
from forum.chat import asking, rooms, services, to_case
from forum.chat.events import NAMESPACE, member_room, ordering
from forum.errors import Refused
from forum.extensions import socketio

bp = Blueprint("chat", __name__)


class MessageForm(FlaskForm):
    """A message typed on a page without JavaScript."""

    body = TextAreaField(
        "", validators=[DataRequired()], render_kw={"rows": 2, "maxlength": services.MAX_LENGTH, "required": True}
    )


@bp.route("/chat/")
def index():
    """The member's rooms; the general room is open by default."""
    return room_page("general")


@bp.route("/chat/rooms/<room>")
def room(room: str):
    """A room: the last messages, or older ones with ?before=<id>."""
    return room_page(room)


def room_page(name: str, form: MessageForm | None = None, status: int = 200):
    """Render a room with the member's list of rooms."""
    user = require_member(current_user)
    chat_room = rooms.room_for(user, name)
    messages, more = services.history(user, name, before=request.args.get("before"))
    listed = rooms.room_list(user)
    if messages and not request.args.get("before"):
        rooms.mark_read(user, name, messages[-1]["id"])
    context = {
        "room": chat_room,
        "title": rooms.room_title(user, chat_room),
        "messages": messages,
        "more": more,
        "rooms": listed,
        "specialties": [(slug, str(label)) for slug, label in SPECIALTIES.items()],
        "participants": rooms.participants(chat_room) if chat_room.kind == "dm" else [],
        "questions": asking.open_questions(user),
        "question_choices": [(value, str(label)) for value, label in QUESTION_TYPES.items()],
    }
    return render_template("chat/room.html", form=form or MessageForm(), **context), status


@bp.post("/chat/rooms/<room>/messages")
def send(room: str):
    """Post a message from the page; live members of the room see it at once."""
    form = MessageForm()
    if not form.validate_on_submit():
        return room_page(room, form, 400)
    try:
        with ordering:
            message = services.post_message(current_user, room, form.body.data)
            socketio.emit("message", message.broadcast, namespace=NAMESPACE, to=room)
    except Refused as refusal:
        form.body.errors = [refusal.message]
        return room_page(room, form, refusal.status)
    return redirect(url_for("chat.room", room=room, _anchor=f"m{message.id}"))


@bp.post("/chat/conversations")
def start_conversation():
    """Start (or find) a direct conversation with the colleagues the form names: ids, or typed pseudonyms."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("chat.index"))
    ids = [int(i) for i in request.form.getlist("user_id") if i.isascii() and i.isdigit() and len(i) < 19]
    try:
        if "pseudonyms" in request.form:
            ids = rooms.colleagues_named(request.form["pseudonyms"])
        chat_room = rooms.start_dm(current_user, ids)
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(request.referrer or url_for("chat.index"))
    return redirect(url_for("chat.room", room=chat_room.name))


@bp.post("/chat/messages/<int:message_id>/<any(delete, report, hide, show):action>")
def act(message_id: int, action: str):
    """Delete one's own message, report someone else's, or (moderators) hide or show a reported one."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("chat.index"))
    if action == "delete":
        message = services.delete_message(current_user, message_id)
    elif action == "report":
        message = services.report_message(current_user, message_id, request.form.get("reason", "")).message
        flash(_("Thank you: the moderators will look at this message."), "success")
    else:
        message = services.hide_message(current_user, message_id, hidden=action == "hide")
    socketio.emit("message", services.message_view(message), namespace=NAMESPACE, to=message.room.name)
    if action in ("hide", "show"):
        return redirect(url_for("chat.reports"))
    return redirect(url_for("chat.room", room=message.room.name))


@bp.route("/chat/messages/<int:message_id>/edit", methods=["GET", "POST"])
def edit(message_id: int):
    """Correct one's own message; everyone in the room sees the new version, marked edited, at once."""
    message = services.own_message(current_user, message_id)
    form = MessageForm(data={"body": message.body_md})
    status = 200
    if form.validate_on_submit():
        try:
            message = services.edit_message(current_user, message_id, form.body.data)
        except Refused as refusal:
            form.body.errors, status = [refusal.message], refusal.status
        else:
            socketio.emit("message", services.message_view(message), namespace=NAMESPACE, to=message.room.name)
            return redirect(url_for("chat.room", room=message.room.name, _anchor=f"m{message.id}"))
    elif form.is_submitted():
        status = 400
    title = rooms.room_title(current_user, message.room)
    return render_template("chat/edit.html", form=form, message=message, title=title), status


@bp.route("/chat/reports")
def reports():
    """Reported messages for the moderators; direct messages appear here only because someone reported them."""
    return render_template("chat/reports.html", items=services.reported_messages(current_user), form=EmptyForm())


@bp.post("/chat/questions")
def ask():
    """Put a short question to the colleagues of a specialty online now."""
    if EmptyForm().validate_on_submit():
        try:
            question, recipients = asking.ask_online(
                current_user, request.form.get("specialty"), request.form.get("body")
            )
        except Refused as refusal:
            flash(refusal.message, "error")
        else:
            notice = {"kind": "question", "question_id": question.id, "specialty": question.specialty}
            notice.update(author=current_user.pseudonym, body=question.body)
            for member_id in recipients:
                socketio.emit("notification", notice, namespace=NAMESPACE, to=member_room(member_id))
            count = len(recipients)
            flash(ngettext("Sent to %(num)d colleague online.", "Sent to %(num)d colleagues online.", count), "success")
    return redirect(url_for("chat.index"))


@bp.post("/chat/questions/<int:question_id>/accept")
def accept(question_id: int):
    """Take a question; the first colleague gets the conversation, the others are told it is taken."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("chat.index"))
    try:
        question = asking.accept_question(current_user, question_id)
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("chat.index"))
    room = f"dm:{question.room_id}"
    accepted = {"kind": "question_accepted", "question_id": question.id, "room": room, "by": current_user.pseudonym}
    socketio.emit("notification", accepted, namespace=NAMESPACE, to=member_room(question.author_id))
    taken = {"kind": "question_taken", "question_id": question.id}
    socketio.emit("notification", taken, namespace=NAMESPACE, to=f"specialty-online:{question.specialty}")
    return redirect(url_for("chat.room", room=room))


@bp.post("/chat/rooms/<room>/to-case")
def propose_case(room: str):
    """Propose a stretch of the conversation as a new case; quoted colleagues are asked to agree."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("chat.room", room=room))
    fields = ("first_id", "last_id", "title", "specialty", "question_type")
    data = {name: request.form.get(name) for name in fields}
    try:
        draft = to_case.propose(current_user, room, data, confirmed=request.form.get("confirm_no_patient_data") == "y")
    except PatientDataFound as found:
        flash(found.message, "error")
        return redirect(url_for("chat.room", room=room))
    except (Refused, FieldErrors) as refusal:
        flash(getattr(refusal, "message", None) or "; ".join(refusal.fields.values()), "error")
        return redirect(url_for("chat.room", room=room))
    return redirect(url_for("chat.draft", draft_id=draft.id))


@bp.route("/chat/proposals/<int:draft_id>", methods=["GET", "POST"])
def draft(draft_id: int):
    """A proposed case: the quoted stretch, who agreed; a quoted colleague answers here."""
    proposal = to_case.visible_draft(current_user, draft_id)
    if request.method == "POST" and EmptyForm().validate_on_submit():
        proposal = to_case.answer(current_user, draft_id, request.form.get("agreed") == "1")
    if proposal.case_id:
        return redirect(url_for("cases.show", case_id=proposal.case_id))
    quoted = to_case.stretch(proposal.room_id, proposal.first_message_id, proposal.last_message_id)
    return render_template("chat/proposal.html", draft=proposal, quoted=quoted, form=EmptyForm())
