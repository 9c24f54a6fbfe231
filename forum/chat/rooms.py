"""Chat rooms: names, who may join, direct conversations, the member's list and unread counts."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.accounts.access import AccessDenied, require_member
from forum.accounts.catalog import SPECIALTIES
from forum.accounts.pseudonyms import pseudonym_key
from forum.cases.services import visible_case
from forum.errors import Refused
from forum.extensions import db
from forum.models import ChatMember, ChatMessage, ChatRoom, User
from forum.models.chat import MAX_DM_PARTICIPANTS

MAX_ROOM_NAME = 60
MAX_ID = 2**63 - 1
MAX_PSEUDONYM = User.pseudonym_key.type.length


def no_such_room() -> Refused:
    """The same refusal for a room that does not exist and one the member may not enter: no probing."""
    return Refused("no_room", _("This conversation does not exist or is not open to you."), 404)


def parse_room_name(name: object) -> tuple[str, str | int | None]:
    """("general", None), ("specialty", slug), ("case", id) or ("dm", id); refuses anything else."""
    if not isinstance(name, str) or not 0 < len(name) <= MAX_ROOM_NAME:
        raise no_such_room()
    if name == "general":
        return "general", None
    kind, _sep, arg = name.partition(":")
    if kind == "specialty" and arg in SPECIALTIES:
        return kind, arg
    if kind in ("case", "dm") and arg.isascii() and arg.isdigit() and 0 < int(arg) <= MAX_ID:
        return kind, int(arg)
    raise no_such_room()


def room_for(user: User, name: object, *, create: bool = True) -> ChatRoom:
    """The room a member may enter under this name, made on first use; refused otherwise."""
    require_member(user)
    kind, arg = parse_room_name(name)
    if kind == "dm":
        room = db.session.get(ChatRoom, arg)
        if room is None or room.kind != "dm" or not is_participant(user, room):
            raise no_such_room()
        return room
    if kind == "case":
        try:
            visible_case(user, arg)
        except Refused:
            raise no_such_room() from None
    room = db.session.scalar(select(ChatRoom).where(ChatRoom.name == name))
    if room is None and create:
        room = ChatRoom(name=name, kind=kind, specialty=arg if kind == "specialty" else None)
        room.case_id = arg if kind == "case" else None
        db.session.add(room)
        db.session.commit()
    if room is None:
        raise no_such_room()
    return room


def can_join(user: User, name: object) -> bool:
    """Whether the member may enter the room."""
    try:
        room_for(user, name)
    except (Refused, AccessDenied):
        return False
    return True


def is_participant(user: User, room: ChatRoom) -> bool:
    """Whether the member takes part in a direct conversation."""
    member = db.session.get(ChatMember, (room.id, user.id))
    return member is not None and member.participant


def start_dm(user: User, other_ids: list[object]) -> ChatRoom:
    """A direct conversation with up to seven colleagues; the same group finds its existing conversation."""
    require_member(user)
    ids = {i for i in other_ids if isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID} - {user.id}
    if len(ids) != len({i for i in other_ids if i != user.id}) or not ids:
        raise Refused("bad_participants", _("Choose one or more colleagues to write to."), 422)
    if len(ids) + 1 > MAX_DM_PARTICIPANTS:
        raise Refused("too_many", _("A conversation holds at most %(num)d members.", num=MAX_DM_PARTICIPANTS), 422)
    others = db.session.scalars(select(User).where(User.id.in_(ids))).all()
    if len(others) != len(ids) or not all(o.is_verified_member for o in others):
        raise Refused("bad_participants", _("You can only write to verified colleagues."), 422)
    everyone = ids | {user.id}
    existing = _dm_with_exactly(everyone)
    if existing is not None:
        return existing
    room = ChatRoom(kind="dm", created_by_id=user.id)
    room.members = [ChatMember(user_id=i, participant=True) for i in sorted(everyone)]
    db.session.add(room)
    db.session.flush()
    room.name = f"dm:{room.id}"
    db.session.commit()
    return room


def colleagues_named(text: object) -> list[int]:
    """The ids of the verified colleagues named in a list of pseudonyms (commas or new lines between them)."""
    names = [name.strip().lstrip("@").strip() for name in re.split(r"[,;\n]", text if isinstance(text, str) else "")]
    by_key = {pseudonym_key(name): name for name in names if name}
    if not by_key:
        raise Refused("bad_participants", _("Choose one or more colleagues to write to."), 422)
    if len(by_key) + 1 > MAX_DM_PARTICIPANTS:
        raise Refused("too_many", _("A conversation holds at most %(num)d members.", num=MAX_DM_PARTICIPANTS), 422)
    # A name no pseudonym could have (control characters such as NUL, which PostgreSQL refuses in a query,
    # or longer than the column) is simply unknown.
    possible = [key for key in by_key if key.isprintable() and len(key) <= MAX_PSEUDONYM]
    found = dict(
        db.session.execute(
            select(User.pseudonym_key, User.id).where(User.pseudonym_key.in_(possible), User.status == "verified")
        ).all()
    )
    unknown = [name for key, name in by_key.items() if key not in found]
    if unknown:
        message = _("No verified colleague goes by: %(names)s.", names=", ".join(unknown))
        raise Refused("unknown_colleague", message, 422)
    return list(found.values())


def _dm_with_exactly(user_ids: set[int]) -> ChatRoom | None:
    counts = (
        select(ChatMember.room_id)
        .join(ChatRoom, ChatRoom.id == ChatMember.room_id)
        .where(ChatRoom.kind == "dm", ChatMember.participant)
        .group_by(ChatMember.room_id)
        .having(
            func.count() == len(user_ids), func.sum(ChatMember.user_id.in_(user_ids).cast(db.Integer)) == len(user_ids)
        )
    )
    room_id = db.session.scalar(counts.limit(1))
    return db.session.get(ChatRoom, room_id) if room_id else None


def participants(room: ChatRoom) -> list[User]:
    """The members of a direct conversation."""
    query = select(User).join(ChatMember, ChatMember.user_id == User.id).where(ChatMember.room_id == room.id)
    return list(db.session.scalars(query.where(ChatMember.participant).order_by(User.pseudonym_key)))


def mark_read(user: User, name: object, message_id: object) -> int:
    """Move the member's read marker forward to this message; returns the marker."""
    room = room_for(user, name)
    if isinstance(message_id, bool) or not isinstance(message_id, int) or message_id < 0:
        raise Refused("bad_payload", _("Say which message you have read."), 400)
    marker = db.session.get(ChatMember, (room.id, user.id))
    if marker is None:
        marker = ChatMember(room_id=room.id, user_id=user.id, listed=room.kind != "case", last_read_id=0)
        db.session.add(marker)
    marker.last_read_id = max(marker.last_read_id or 0, min(message_id, room.last_message_id))
    db.session.commit()
    return marker.last_read_id


def set_listed(user: User, name: object, listed: bool) -> ChatRoom:
    """Add a room to (or take it off) the member's list; their own specialty and general are always there."""
    room = room_for(user, name)
    marker = db.session.get(ChatMember, (room.id, user.id))
    if marker is None:
        marker = ChatMember(room_id=room.id, user_id=user.id, last_read_id=0)
        db.session.add(marker)
    marker.listed = listed
    db.session.commit()
    return room


def room_list(user: User) -> list[dict]:
    """The member's rooms with unread counts: general, their specialty, chosen ones, conversations."""
    require_member(user)
    names = ["general"] + ([f"specialty:{user.specialty}"] if user.specialty in SPECIALTIES else [])
    for name in names:
        room_for(user, name)
    rows = db.session.execute(
        select(ChatRoom, ChatMember)
        .outerjoin(ChatMember, (ChatMember.room_id == ChatRoom.id) & (ChatMember.user_id == user.id))
        .where(ChatRoom.name.in_(names) | ((ChatMember.user_id == user.id) & ChatMember.listed))
        .where((ChatRoom.kind != "dm") | ChatMember.participant)
        .order_by(ChatRoom.kind != "general", ChatRoom.kind == "dm", ChatRoom.name)
    ).all()
    return [_room_entry(user, room, marker) for room, marker in rows]


def _room_entry(user: User, room: ChatRoom, marker: ChatMember | None) -> dict:
    last_read = marker.last_read_id if marker else 0
    unread = 0
    if room.last_message_id > last_read:
        unread = db.session.scalar(
            select(func.count()).where(
                ChatMessage.room_id == room.id,
                ChatMessage.id > last_read,
                ChatMessage.author_id != user.id,
                ChatMessage.deleted_at.is_(None),
                ChatMessage.hidden.is_(False),
            )
        )
    return {"name": room.name, "kind": room.kind, "title": room_title(user, room), "unread": unread}


def unread_counts(user: User) -> dict[str, int]:
    """Unread messages per room of the member's list."""
    return {entry["name"]: entry["unread"] for entry in room_list(user)}


def room_title(user: User, room: ChatRoom) -> str:
    """A room's name as the member reads it."""
    if room.kind == "general":
        return _("General")
    if room.kind == "specialty":
        return str(SPECIALTIES.get(room.specialty, room.specialty))
    if room.kind == "case":
        return _("Case %(id)s", id=room.case_id)
    names = [u.pseudonym for u in participants(room) if u.id != user.id]
    return ", ".join(names) or _("Conversation")
