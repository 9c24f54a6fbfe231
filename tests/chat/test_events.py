"""The /chat events through Flask-SocketIO's test client, sharing the login of the Flask test client."""

import pytest
from sqlalchemy import func, select

from forum.chat import rooms
from forum.extensions import db
from forum.models import ChatMessage, Notification

NS = "/chat"


def call(sio, event, data=None):
    """Emit an event and return its acknowledgement."""
    return sio.emit(event, data, namespace=NS, callback=True)


def received(sio, name):
    """The payloads of one event name received so far (the test client does not wrap those of `message`)."""
    events = [event for event in sio.get_received(NS) if event["name"] == name]
    return [event["args"] if name == "message" else event["args"][0] for event in events]


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(ChatMessage))


def test_join_returns_the_last_50_messages_in_order(chat_client, make_user):
    sio = chat_client(make_user())
    ids = [call(sio, "send", {"room": "general", "body": f"message {i}"})["id"] for i in range(3)]
    ack = call(sio, "join", {"room": "general"})
    assert ack["ok"] is True and [m["id"] for m in ack["history"]] == ids
    assert set(ack["history"][0]) >= {"id", "room", "author", "body_html", "created_at"}


def test_a_message_is_stored_then_broadcast_sanitized(chat_client, make_user):
    author, reader = make_user(), make_user()
    listener = chat_client(reader)
    call(listener, "join", {"room": "general"})
    sio = chat_client(author)
    ack = call(sio, "send", {"room": "general", "body": "**ECG** <script>alert(1)</script> [lien](https://has.fr)"})
    message = db.session.get(ChatMessage, ack["id"])
    assert message is not None and message.author_id == author.id
    [live] = received(listener, "message")
    assert live["id"] == ack["id"] and live["author"] == author.pseudonym and live["room"] == "general"
    assert "<strong>ECG</strong>" in live["body_html"] and "<script" not in live["body_html"]


@pytest.mark.parametrize(
    "payload",
    [
        "general",
        None,
        [],
        {"room": 5, "body": "x"},
        {"room": "general", "body": ["x"]},
        {"room": "general", "body": " "},
    ],
)
def test_malformed_events_get_an_error_and_the_connection_stays(chat_client, make_user, payload):
    sio = chat_client(make_user())
    ack = call(sio, "send", payload)
    [error] = received(sio, "error")
    assert ack["error"]["message"] and error["event"] == "send" and error["message"] == ack["error"]["message"]
    assert sio.is_connected(NS) and stored() == 0
    assert call(sio, "send", {"room": "general", "body": "still here"})["id"]


def test_a_message_over_4000_characters_is_refused(chat_client, make_user):
    sio = chat_client(make_user())
    assert "4000" in call(sio, "send", {"room": "general", "body": "x" * 4001})["error"]["message"]
    assert stored() == 0 and call(sio, "send", {"room": "general", "body": "x" * 4000})["id"]


def test_more_than_10_messages_in_10_seconds_is_a_flood(chat_client, make_user):
    sio = chat_client(make_user())
    for i in range(10):
        assert "id" in call(sio, "send", {"room": "general", "body": f"m{i}"})
    ack = call(sio, "send", {"room": "general", "body": "one too many"})
    assert ack["error"]["code"] == "flood" and stored() == 10 and sio.is_connected(NS)


def test_errors_speak_the_members_language(chat_client, make_user):
    sio = chat_client(make_user(locale="fr"))
    ack = call(sio, "join", {"room": "dm:999"})
    assert ack["error"]["code"] == "no_room"
    from flask_babel import force_locale, gettext

    with force_locale("fr"):
        assert ack["error"]["message"] == gettext("This conversation does not exist or is not open to you.")


@pytest.mark.parametrize("room", ["dm:1", "specialty:astrology", "case:12345", "../general", "x" * 100])
def test_rooms_one_may_not_enter_are_refused(chat_client, make_user, room):
    a, b, c = make_user(), make_user(), make_user()
    rooms.start_dm(a, [b.id])
    sio = chat_client(c)
    assert call(sio, "join", {"room": room})["error"]["code"] == "no_room"
    assert call(sio, "send", {"room": room, "body": "hello"})["error"]["code"] == "no_room"


def test_a_direct_conversation_reaches_its_participants_only(chat_client, make_user):
    a, b, outsider = make_user(), make_user(), make_user()
    room = rooms.start_dm(a, [b.id]).name
    spy = chat_client(outsider)
    call(spy, "join", {"room": room})
    receiver = chat_client(b)
    assert call(receiver, "join", {"room": room})["ok"]
    sender = chat_client(a)
    call(sender, "send", {"room": room, "body": "entre nous"})
    assert [m["body_html"] for m in received(receiver, "message")] == ["<p>entre nous</p>\n"]
    assert received(spy, "message") == []


def test_typing_reaches_the_others_in_the_room(chat_client, make_user):
    other = chat_client(make_user())
    call(other, "join", {"room": "general"})
    typist_user = make_user()
    typist = chat_client(typist_user)
    assert call(typist, "typing", {"room": "general"})["error"]["code"] == "not_joined"
    call(typist, "join", {"room": "general"})
    assert call(typist, "typing", {"room": "general"}) == {"ok": True}
    assert received(other, "typing")[-1]["user"] == typist_user.pseudonym
    assert received(typist, "typing") == []


def test_presence_counts_colleagues_in_a_room(chat_client, make_user):
    first = chat_client(make_user())
    assert call(first, "join", {"room": "general"})["viewers"] == 1
    second_user = make_user()
    second = chat_client(second_user)
    assert call(second, "join", {"room": "general"})["viewers"] == 2
    assert received(first, "presence")[-1] == {
        "room": "general",
        "user": second_user.pseudonym,
        "user_id": second_user.id,
        "status": "online",
        "viewers": 2,
    }
    call(second, "presence", {"status": "away"})
    assert received(first, "presence")[-1]["status"] == "away"
    second.disconnect(NS)
    last = received(first, "presence")[-1]
    assert last["status"] == "offline" and last["viewers"] == 1


def test_edit_and_delete_only_ones_own_messages(chat_client, make_user):
    author, other = make_user(), make_user()
    watcher = chat_client(other)
    call(watcher, "join", {"room": "general"})
    sio = chat_client(author)
    message_id = call(sio, "send", {"room": "general", "body": "premier jet"})["id"]
    assert call(watcher, "edit", {"id": message_id, "body": "piraté"})["error"]["code"] == "not_author"
    assert call(sio, "edit", {"id": message_id, "body": "version corrigée"}) == {"id": message_id}
    assert call(sio, "delete", {"id": message_id}) == {"id": message_id}
    updates = [m for m in received(watcher, "message") if m["id"] == message_id]
    assert updates[1]["edited_at"] and "corrigée" in updates[1]["body_html"]
    assert updates[2]["deleted"] is True and updates[2]["body_html"] == ""
    assert db.session.get(ChatMessage, message_id).body_md == ""


def test_a_mention_notifies_the_colleague_live_and_in_the_list(chat_client, make_user):
    named = make_user(pseudonym="DocDuPort")
    inbox = chat_client(named)
    sio = chat_client(make_user())
    call(sio, "send", {"room": "general", "body": "@DocDuPort tu as vu ce cas ?"})
    assert received(inbox, "notification")[0]["kind"] == "chat_mention"
    assert db.session.scalar(select(func.count()).where(Notification.user_id == named.id)) == 1


def test_read_markers_clear_unread_counts(chat_client, make_user):
    reader = make_user()
    sio = chat_client(make_user())
    last = [call(sio, "send", {"room": "general", "body": f"m{i}"})["id"] for i in range(3)][-1]
    assert rooms.unread_counts(reader)["general"] == 3
    sio_reader = chat_client(reader)
    assert call(sio_reader, "read", {"room": "general", "id": last - 1})["last_read_id"] == last - 1
    assert rooms.unread_counts(reader)["general"] == 1


def test_a_suspended_member_is_cut_off_at_the_next_event(chat_client, make_user):
    user = make_user()
    sio = chat_client(user)
    user.status = "suspended"
    db.session.commit()
    assert call(sio, "send", {"room": "general", "body": "still?"})["error"]["code"] == "login_required"
    assert not sio.is_connected(NS) and stored() == 0


def test_a_case_room_hears_new_replies_live(chat_client, make_user, make_case, client, bearer):
    case = make_case()
    viewer = chat_client(make_user())
    assert call(viewer, "join", {"room": f"case:{case.id}"})["ok"]
    replier = make_user()
    response = client.post(f"/api/v1/cases/{case.id}/replies", json={"body": "Un avis ?"}, headers=bearer(replier))
    assert response.status_code == 201
    [reply] = received(viewer, "reply")
    assert reply["post_id"] == response.get_json()["id"] and reply["author"] == replier.pseudonym


def test_a_hidden_case_has_no_room_for_members(chat_client, make_user, make_case):
    case = make_case()
    case.hidden = True
    db.session.commit()
    sio = chat_client(make_user())
    assert call(sio, "join", {"room": f"case:{case.id}"})["error"]["code"] == "no_room"


def test_a_question_reaches_the_colleagues_of_a_specialty_online_and_the_first_taker_wins(chat_client, make_user):
    asker = chat_client(make_user())
    first_user, second_user = make_user(specialty="cardiology"), make_user(specialty="cardiology")
    make_user(specialty="cardiology")  # offline: not asked
    first, second = chat_client(first_user), chat_client(second_user)
    bystander = chat_client(make_user(specialty="dermatology"))
    ack = call(asker, "ask", {"specialty": "cardiology", "body": "Un avis rapide sur un ECG ?"})
    assert ack["recipients"] == 2
    assert received(first, "notification")[0]["body"] == "Un avis rapide sur un ECG ?"
    assert received(bystander, "notification") == []
    room = call(first, "accept", {"id": ack["id"]})["room"]
    assert call(second, "accept", {"id": ack["id"]})["error"]["code"] == "already_taken"
    assert received(asker, "notification")[-1] == {
        "kind": "question_accepted",
        "question_id": ack["id"],
        "room": room,
        "by": first_user.pseudonym,
    }
    assert {"kind": "question_taken", "question_id": ack["id"]} in received(second, "notification")
    history = call(first, "join", {"room": room})["history"]
    assert [m["body_html"] for m in history] == ["<p>Un avis rapide sur un ECG ?</p>\n"]


def test_nobody_online_in_a_specialty_is_said_plainly(chat_client, make_user):
    make_user(specialty="nephrology")
    sio = chat_client(make_user())
    assert call(sio, "ask", {"specialty": "nephrology", "body": "Quelqu'un ?"})["error"]["code"] == "nobody_online"
