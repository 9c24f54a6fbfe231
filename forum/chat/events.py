"""Socket.IO handlers of the /chat namespace: one small handler per event, the rules live in the services."""

import functools
import threading
from collections.abc import Callable

from flask import current_app, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, disconnect, emit, join_room, leave_room, rooms

from forum.accounts.access import MESSAGES as ACCESS_MESSAGES
from forum.accounts.access import AccessDenied, require_member
from forum.accounts.login import user_for_token
from forum.chat import asking, presence, services
from forum.chat import rooms as chat_rooms
from forum.errors import Refused
from forum.extensions import db, socketio
from forum.models import User

NAMESPACE = "/chat"
# Storing and broadcasting under one lock keeps ids in order on the wire, and a join (history, then live)
# cannot fall between the two: within a process, a reconnecting client gets no gap and no duplicate.
ordering = threading.Lock()


def member_room(user_id: int) -> str:
    """The private room of a member's sockets, for notifications."""
    return f"user:{user_id}"


def connection_locale(user: User | None) -> str:
    """The member's language, else the handshake's Accept-Language, else the site's default."""
    languages = current_app.config["LANGUAGES"]
    if user is not None and user.locale in languages:
        return user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def handshake_user(auth: object) -> User | None:
    """The account behind the handshake: an API token in `auth`, else the session cookie."""
    if isinstance(auth, dict) and "token" in auth:
        return user_for_token(auth["token"]) if isinstance(auth["token"], str) else None
    return current_user._get_current_object() if current_user.is_authenticated else None


@socketio.on("connect", namespace=NAMESPACE)
def connect(auth: object = None) -> None:
    """Only verified members connect: anonymous visitors, applicants and sponsors are refused."""
    user = handshake_user(auth)
    with force_locale(connection_locale(user)):
        try:
            require_member(user)
        except AccessDenied as denied:
            raise ConnectionRefusedError(str(ACCESS_MESSAGES[denied.reason]), {"code": denied.reason}) from None
    session["chat_user"] = (user.id, user.session_key)
    session["chat_locale"] = connection_locale(user)
    join_room(member_room(user.id))
    if user.specialty:
        # Questions to "colleagues of my specialty online now" are taken back through this room.
        join_room(f"specialty-online:{user.specialty}")
    presence.store().connect(request.sid, user.id)


def connected_user() -> User | None:
    """The member of this socket, reloaded so that a suspension or a log-out everywhere takes effect at once."""
    user_id, session_key = session.get("chat_user") or (None, None)
    user = db.session.get(User, user_id) if user_id else None
    if user is None or user.session_key != session_key or not user.is_verified_member:
        return None
    return user


def release_connection() -> None:
    """End the read that loaded the member, keeping what it loaded.

    Handlers may queue on the ordering lock; a thread waiting there must not hold one of the pool's
    database connections, or the thread holding the lock can find the pool empty and wait for its timeout.
    """
    current = db.session()
    current.expire_on_commit = False
    try:
        current.commit()
    finally:
        current.expire_on_commit = True


def refuse(event: str, code: str, message: str) -> dict:
    """Tell the client what went wrong, on the `error` event and in the acknowledgement; the socket stays up."""
    error = {"event": event, "code": code, "message": message}
    emit("error", error)
    return {"error": error}


class BadPayload(Exception):
    """The event's data is not the object the event expects."""


def chat_event(name: str) -> Callable:
    """Register a handler that receives (member, data) in the connection's language and turns refusals into errors."""

    def decorate(handler: Callable) -> Callable:
        @socketio.on(name, namespace=NAMESPACE)
        @functools.wraps(handler)
        def wrapper(*args: object) -> object:
            with force_locale(session.get("chat_locale")):
                user = connected_user()
                if user is None:
                    disconnect()
                    return refuse(name, "login_required", str(ACCESS_MESSAGES["login_required"]))
                data = args[0] if len(args) == 1 else None
                release_connection()
                try:
                    if not isinstance(data, dict):
                        raise BadPayload()
                    return handler(user, data)
                except BadPayload:
                    return refuse(name, "bad_payload", _("This event needs an object with the right fields."))
                except Refused as refusal:
                    return refuse(name, refusal.code, refusal.message)
                except AccessDenied as denied:
                    return refuse(name, denied.reason, str(ACCESS_MESSAGES[denied.reason]))

        return wrapper

    return decorate


def room_field(data: dict) -> str:
    """The `room` of a payload: a short text."""
    room = data.get("room")
    if not isinstance(room, str):
        raise BadPayload()
    return room


@chat_event("join")
def join(user: User, data: dict) -> dict:
    """Enter a room: the last 50 messages, or exactly those after `after` when reconnecting."""
    room = room_field(data)
    with ordering:
        if data.get("after") is None:
            messages, more = services.history(user, room)
        else:
            messages, more = services.history(user, room, after=data.get("after"))
        join_room(room)
    store = presence.store()
    viewers = store.enter(room, request.sid, user.id)
    emit("presence", presence_view(user, room, "online", viewers), to=room, include_self=False)
    present = [{"user_id": uid, "status": store.status(uid)} for uid in sorted(store.members(room))]
    return {"ok": True, "room": room, "history": messages, "more": more, "viewers": viewers, "present": present}


def presence_view(user: User, room: str, status: str, viewers: int) -> dict:
    """A `presence` event: who, their status, and how many colleagues are in the room."""
    return {"room": room, "user": user.pseudonym, "user_id": user.id, "status": status, "viewers": viewers}


@chat_event("leave")
def leave(user: User, data: dict) -> dict:
    """Leave a room (the page moved on)."""
    room = room_field(data)
    leave_room(room)
    viewers = presence.store().leave(room, request.sid)
    emit("presence", presence_view(user, room, "left", viewers), to=room)
    return {"ok": True}


@chat_event("send")
def send(user: User, data: dict) -> dict:
    """Store a message, then broadcast it to the room; mentioned colleagues get a notification."""
    room = room_field(data)
    with ordering:
        message = services.post_message(user, room, data.get("body"))
        emit("message", message.broadcast, to=room)
    for member_id in message.mentioned_ids:
        notice = {"kind": "chat_mention", "room": room, "message_id": message.id, "author": user.pseudonym}
        emit("notification", notice, to=member_room(member_id))
    return {"id": message.id}


@chat_event("typing")
def typing(user: User, data: dict) -> dict:
    """Tell the others in a room that the member is typing (only from inside the room)."""
    room = room_field(data)
    if room not in rooms():
        raise Refused("not_joined", _("Join the conversation first."), 409)
    emit("typing", {"room": room, "user": user.pseudonym, "user_id": user.id}, to=room, include_self=False)
    return {"ok": True}


@chat_event("read")
def read(user: User, data: dict) -> dict:
    """Move the member's read marker in a room."""
    return {"ok": True, "last_read_id": chat_rooms.mark_read(user, room_field(data), data.get("id"))}


@chat_event("edit")
def edit(user: User, data: dict) -> dict:
    """Change one's own message; the room receives the new version under the same id."""
    message = services.edit_message(user, data.get("id"), data.get("body"))
    emit("message", services.message_view(message), to=message.room.name)
    return {"id": message.id}


@chat_event("delete")
def delete(user: User, data: dict) -> dict:
    """Delete one's own message; the room receives it emptied, marked deleted."""
    message = services.delete_message(user, data.get("id"))
    emit("message", services.message_view(message), to=message.room.name)
    return {"id": message.id}


@chat_event("report")
def report(user: User, data: dict) -> dict:
    """Report a message to the moderators."""
    services.report_message(user, data.get("id"), data.get("reason"))
    return {"ok": True}


@chat_event("presence")
def set_presence(user: User, data: dict) -> dict:
    """The page tells whether the member is away (tab hidden) or back; the rooms they are in hear it."""
    status = data.get("status")
    if status not in ("online", "away"):
        raise BadPayload()
    store = presence.store()
    store.set_away(user.id, status == "away")
    for room in store.rooms_of(request.sid):
        emit("presence", presence_view(user, room, status, len(store.members(room))), to=room)
    return {"ok": True}


@chat_event("ask")
def ask(user: User, data: dict) -> dict:
    """Put a short question to the colleagues of a specialty online now."""
    question, recipients = asking.ask_online(user, data.get("specialty"), data.get("body"))
    notice = {"kind": "question", "question_id": question.id, "specialty": question.specialty}
    for member_id in recipients:
        emit("notification", {**notice, "author": user.pseudonym, "body": question.body}, to=member_room(member_id))
    return {"id": question.id, "recipients": len(recipients)}


@chat_event("accept")
def accept(user: User, data: dict) -> dict:
    """Take a question: asker and taker get the conversation; the others see it is taken."""
    question = asking.accept_question(user, data.get("id"))
    room = f"dm:{question.room_id}"
    emit(
        "notification",
        {"kind": "question_accepted", "question_id": question.id, "room": room, "by": user.pseudonym},
        to=member_room(question.author_id),
    )
    emit(
        "notification",
        {"kind": "question_taken", "question_id": question.id},
        to=f"specialty-online:{question.specialty}",
    )
    return {"room": room}


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(reason: object = None) -> None:
    """Forget the socket; the rooms it was in hear who left and how many remain."""
    user_id, _key = session.get("chat_user") or (None, None)
    if user_id is None:
        return
    store = presence.store()
    left = store.rooms_of(request.sid)
    offline = store.disconnect(request.sid, user_id)
    pseudonym = db.session.scalar(db.select(User.pseudonym).where(User.id == user_id))
    for room in left:
        view = {"room": room, "user": pseudonym, "user_id": user_id, "status": "offline" if offline else "left"}
        emit("presence", {**view, "viewers": len(store.members(room))}, to=room)


@socketio.on_error(NAMESPACE)
def on_error(error: Exception) -> dict:
    """An unexpected failure: logged for the maintainer, a calm error for the client, the socket stays up."""
    current_app.logger.exception("chat event failed: %s", type(error).__name__)
    db.session.rollback()
    with force_locale(session.get("chat_locale")):
        return refuse("", "server_error", _("Something went wrong on our side. Nothing was saved; please try again."))
