"""Chat rules in the services: direct conversations, reports, moderators' view of private messages."""

import pytest

from forum.accounts.access import AccessDenied
from forum.chat import rooms, services
from forum.errors import Refused
from forum.extensions import db
from forum.models import ChatMessage, ChatRoom


def test_a_direct_conversation_holds_at_most_8_members(make_user):
    starter = make_user()
    others = [make_user() for _ in range(8)]
    room = rooms.start_dm(starter, [u.id for u in others[:7]])
    assert len(rooms.participants(room)) == 8
    with pytest.raises(Refused) as refused:
        rooms.start_dm(starter, [u.id for u in others])
    assert refused.value.code == "too_many"


def test_the_same_group_finds_its_conversation_again(make_user):
    a, b, c = make_user(), make_user(), make_user()
    room = rooms.start_dm(a, [b.id])
    assert rooms.start_dm(b, [a.id]).id == room.id
    assert rooms.start_dm(a, [b.id, c.id]).id != room.id
    assert db.session.query(ChatRoom).filter_by(kind="dm").count() == 2


@pytest.mark.parametrize("target", ["applicant", "sponsor", "missing", "self"])
def test_one_writes_only_to_verified_colleagues(make_user, target):
    starter = make_user()
    other = {
        "applicant": lambda: make_user(status="applicant").id,
        "sponsor": lambda: make_user(role="sponsor").id,
        "missing": lambda: 99999,
        "self": lambda: starter.id,
    }[target]()
    with pytest.raises(Refused):
        rooms.start_dm(starter, [other])


@pytest.mark.parametrize("kind", ["applicant", "sponsor"])
def test_applicants_and_sponsors_have_no_chat(make_user, kind):
    user = make_user(status="applicant") if kind == "applicant" else make_user(role="sponsor")
    with pytest.raises(AccessDenied):
        services.post_message(user, "general", "hello")
    assert not rooms.can_join(user, "general")


def test_moderators_read_a_direct_message_only_once_reported(make_user):
    a, b = make_user(), make_user()
    moderator = make_user(role="moderator", totp=True)
    room = rooms.start_dm(a, [b.id])
    message = services.post_message(a, room.name, "message privé")
    with pytest.raises(Refused):
        services.history(moderator, room.name)
    with pytest.raises(Refused):
        services.readable_message(moderator, message.id)
    assert services.reported_messages(moderator) == []
    services.report_message(b, message.id, "propos déplacés")
    [reported] = services.reported_messages(moderator)
    assert reported["id"] == message.id and reported["reasons"] == ["propos déplacés"]
    services.hide_message(moderator, message.id)
    assert services.history(a, room.name)[0] == []
    assert services.reported_messages(moderator) == []


def test_only_reported_messages_can_be_hidden_and_only_by_moderators(make_user):
    author, member = make_user(), make_user()
    moderator = make_user(role="moderator", totp=True)
    message = services.post_message(author, "general", "bonjour")
    with pytest.raises(Refused):
        services.hide_message(moderator, message.id)
    services.report_message(member, message.id)
    with pytest.raises(AccessDenied):
        services.hide_message(member, message.id)
    with pytest.raises(Refused) as again:
        services.report_message(member, message.id)
    assert again.value.code == "already_reported"
    assert services.hide_message(moderator, message.id).hidden is True
    assert services.history(member, "general")[0] == []


def test_history_pages_backwards_by_50(make_user):
    user = make_user()
    room = rooms.room_for(user, "general")
    db.session.add_all(ChatMessage(room=room, author=user, body_md=f"m{i}", body_html=f"m{i}") for i in range(120))
    db.session.commit()
    page, more = services.history(user, "general")
    assert len(page) == 50 and more and page[-1]["id"] == 120
    older, more = services.history(user, "general", before=page[0]["id"])
    assert [m["id"] for m in older] == list(range(21, 71)) and more
    oldest, more = services.history(user, "general", before=older[0]["id"])
    assert [m["id"] for m in oldest] == list(range(1, 21)) and not more
    caught_up, more = services.history(user, "general", after=100)
    assert [m["id"] for m in caught_up] == list(range(101, 121)) and not more


def test_a_mention_notifies_only_colleagues_who_may_read_the_room(make_user):
    a, b = make_user(), make_user()
    outsider = make_user(pseudonym="Curieuse")
    room = rooms.start_dm(a, [b.id])
    message = services.post_message(a, room.name, f"@Curieuse et @{b.pseudonym}")
    assert message.mentioned_ids == [b.id]
    assert outsider.id not in message.mentioned_ids
