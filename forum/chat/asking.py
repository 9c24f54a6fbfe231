"""Ask any colleague of a specialty who is online now: the first to accept opens a conversation with the asker."""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from forum.accounts.access import require_member
from forum.accounts.catalog import SPECIALTIES
from forum.chat import presence, rooms, services
from forum.errors import Refused
from forum.extensions import db
from forum.models import ChatQuestion, User
from forum.models.columns import utcnow

MAX_QUESTION = 500
# A question waits this long for a taker; after that it no longer shows.
OPEN_FOR = timedelta(minutes=15)


def ask_online(user: User, specialty: object, body: object) -> tuple[ChatQuestion, list[int]]:
    """Put a short question to the members of a specialty online now; returns it with whom to tell."""
    require_member(user)
    if specialty not in SPECIALTIES:
        raise Refused("bad_specialty", _("Choose a specialty."), 422)
    text = services.clean_body(body)
    if len(text) > MAX_QUESTION:
        raise Refused("too_long", _("A question holds at most %(num)d characters.", num=MAX_QUESTION), 413)
    online = presence.store().online_ids() - {user.id}
    query = select(User.id).where(User.id.in_(online), User.specialty == specialty, User.status == "verified")
    recipients = [uid for uid in db.session.scalars(query.where(User.role.in_(("member", "moderator", "admin"))))]
    if not recipients:
        raise Refused(
            "nobody_online", _("No colleague of this specialty is online right now. Try a case instead."), 409
        )
    services.check_flood(user)
    question = ChatQuestion(author_id=user.id, specialty=specialty, body=text)
    db.session.add(question)
    db.session.commit()
    return question, recipients


def open_questions(user: User) -> list[ChatQuestion]:
    """Recent questions to the member's specialty that nobody took yet."""
    require_member(user)
    query = select(ChatQuestion).where(
        ChatQuestion.specialty == user.specialty,
        ChatQuestion.accepted_by_id.is_(None),
        ChatQuestion.author_id != user.id,
        ChatQuestion.created_at > utcnow() - OPEN_FOR,
    )
    return list(db.session.scalars(query.order_by(ChatQuestion.id.desc()).limit(10)))


def accept_question(user: User, question_id: object) -> ChatQuestion:
    """Take a question: the first colleague wins, and the conversation opens with the question in it."""
    require_member(user)
    question = db.session.get(ChatQuestion, services.clean_cursor(question_id) or 0)
    if question is None or question.specialty != user.specialty or question.author_id == user.id:
        raise Refused("no_question", _("This question does not exist or is not for you."), 404)
    # One UPDATE decides who was first, even between processes.
    taken = db.session.execute(
        update(ChatQuestion)
        .where(ChatQuestion.id == question.id, ChatQuestion.accepted_by_id.is_(None))
        .values(accepted_by_id=user.id)
    )
    if taken.rowcount != 1:
        db.session.rollback()
        raise Refused("already_taken", _("A colleague already took this question."), 409)
    db.session.commit()
    room = rooms.start_dm(question.author, [user.id])
    services.post_message(question.author, room.name, question.body)
    question.room_id = room.id
    db.session.commit()
    return question
