"""API: chat rooms, their history paged backwards, direct conversations."""

from flask import request

from forum.api.blueprint import api_user, bp, json_body
from forum.chat import rooms, services


@bp.get("/chat/rooms")
def list_chat_rooms():
    """The member's rooms with their unread counts."""
    return {"items": rooms.room_list(api_user())}


@bp.get("/chat/rooms/<room>/messages")
def list_chat_messages(room: str):
    """Messages of a room in id order: the last 50, or the 50 before ?before=<id>, or those after ?after=<id>."""
    user = api_user()
    after = request.args.get("after")
    if after is not None:
        items, more = services.history(user, room, after=after)
    else:
        items, more = services.history(user, room, before=request.args.get("before"))
    return {"items": items, "more": more, "total": len(items)}


@bp.post("/chat/conversations")
def start_chat_conversation():
    """Start (or find) a direct conversation with up to seven colleagues."""
    chat_room = rooms.start_dm(api_user(), json_body().get("user_ids") or [])
    return {"room": chat_room.name, "participants": [u.id for u in rooms.participants(chat_room)]}, 201
