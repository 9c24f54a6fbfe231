"""Turn a conversation into a case: a chosen stretch, the de-identification guard, and every quoted colleague's yes."""

from flask_babel import gettext as _
from sqlalchemy import select

from forum.accounts.access import require_member
from forum.cases import rules
from forum.cases import services as cases
from forum.cases.screening import screen
from forum.chat.rooms import room_for
from forum.chat.services import clean_cursor
from forum.errors import Refused
from forum.extensions import db
from forum.models import ChatCaseDraft, ChatConsent, ChatMessage, User
from forum.models.columns import utcnow
from forum.notifications import services as notifications

MAX_QUOTED = 100


def stretch(draft_or_room_id: int, first_id: int, last_id: int) -> list[ChatMessage]:
    """The messages of a room between two ids, both included, leaving out removed ones."""
    query = select(ChatMessage).where(
        ChatMessage.room_id == draft_or_room_id,
        ChatMessage.id >= first_id,
        ChatMessage.id <= last_id,
        ChatMessage.deleted_at.is_(None),
        ChatMessage.hidden.is_(False),
    )
    return list(db.session.scalars(query.order_by(ChatMessage.id).limit(MAX_QUOTED + 1)))


def transcript(messages: list[ChatMessage]) -> str:
    """The quoted stretch as Markdown: each message a quote under its author's pseudonym."""
    parts = []
    for message in messages:
        quoted = "\n".join(f"> {line}" if line else ">" for line in message.body_md.splitlines())
        parts.append(f"**{message.author.pseudonym}** :\n\n{quoted}")
    return "\n\n".join(parts)


def propose(user: User, room_name: object, data: dict, *, confirmed: bool = False) -> ChatCaseDraft:
    """A participant proposes a stretch as a case; the guard runs now, before anyone is asked to agree."""
    room = room_for(user, room_name)
    first_id, last_id = clean_cursor(data.get("first_id")), clean_cursor(data.get("last_id"))
    if first_id is None or last_id is None or first_id > last_id:
        raise Refused("bad_stretch", _("Choose the first and the last message to publish."), 422)
    messages = stretch(room.id, first_id, last_id)
    if not messages or len(messages) > MAX_QUOTED:
        raise Refused("bad_stretch", _("Choose between 1 and %(num)d messages.", num=MAX_QUOTED), 422)
    clean = rules.clean_case({**data, "body": transcript(messages), "tags": []})
    screen({"title": clean["title"], "body": clean["body"]}, confirmed)
    draft = ChatCaseDraft(
        room=room,
        proposer=user,
        first_message_id=messages[0].id,
        last_message_id=messages[-1].id,
        title=clean["title"],
        specialty=clean["specialty"],
        question_type=clean["question_type"],
        confirmed=bool(confirmed),
    )
    quoted = {m.author_id for m in messages} - {user.id}
    draft.consents = [ChatConsent(user_id=uid) for uid in sorted(quoted)]
    db.session.add(draft)
    db.session.flush()
    for uid in quoted:
        notifications.add(uid, "chat_case_consent", None)
    db.session.commit()
    if not quoted:
        publish(draft)
    return draft


def visible_draft(user: User, draft_id: int) -> ChatCaseDraft:
    """A draft its proposer or a quoted colleague may see."""
    require_member(user)
    draft = db.session.get(ChatCaseDraft, draft_id)
    if draft is None or (draft.proposer_id != user.id and user.id not in {c.user_id for c in draft.consents}):
        raise Refused("no_draft", _("This proposal does not exist or is not for you."), 404)
    return draft


def answer(user: User, draft_id: int, agreed: bool) -> ChatCaseDraft:
    """A quoted colleague agrees or refuses; one refusal ends the proposal, the last yes publishes it."""
    draft = visible_draft(user, draft_id)
    consent = next((c for c in draft.consents if c.user_id == user.id), None)
    if consent is None or draft.status != "waiting":
        raise Refused("not_waiting", _("This proposal is not waiting for your answer."), 409)
    consent.agreed, consent.answered_at = bool(agreed), utcnow()
    if not agreed:
        draft.status = "refused"
    db.session.commit()
    if agreed and all(c.agreed for c in draft.consents):
        publish(draft)
    return draft


def publish(draft: ChatCaseDraft) -> None:
    """Publish the stretch as a new case by its proposer, as it reads now (removed messages stay out)."""
    body = transcript(stretch(draft.room_id, draft.first_message_id, draft.last_message_id))
    data = {"title": draft.title, "body": body, "specialty": draft.specialty, "question_type": draft.question_type}
    case = cases.create_case(draft.proposer, {**data, "tags": []}, confirmed=draft.confirmed)
    draft.case_id, draft.status = case.id, "published"
    db.session.commit()
