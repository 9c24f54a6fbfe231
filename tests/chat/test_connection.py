"""Real clients over a real socket: who may connect, and reconnection without gap or duplicate."""

import pytest
import socketio

from forum.extensions import db
from forum.models import ChatMessage


def session_cookie(client, login, user) -> str:
    """The session cookie of a member logged in through the real form."""
    login(user)
    return client.get_cookie("session").value


def test_a_member_connects_with_the_session_cookie(client, login, make_user, live_url, recorder):
    rec = recorder()
    rec.connect(live_url, cookie=session_cookie(client, login, make_user()))
    assert rec.call("join", {"room": "general"})["ok"] is True


def test_a_member_connects_with_an_api_token(make_user, bearer, live_url, recorder):
    token = bearer(make_user())["Authorization"].removeprefix("Bearer ")
    rec = recorder()
    rec.connect(live_url, token=token)
    assert rec.call("send", {"room": "general", "body": "Bonjour"})["id"] > 0


@pytest.mark.parametrize("kind", ["anonymous", "applicant", "sponsor", "bad_token", "suspended_token"])
def test_everyone_else_is_refused(kind, client, login, make_user, bearer, live_url, recorder):
    cookie = token = None
    if kind in ("applicant", "sponsor"):
        user = make_user(status="applicant") if kind == "applicant" else make_user(role="sponsor")
        cookie = session_cookie(client, login, user)
    elif kind == "bad_token":
        token = "not-a-token"
    elif kind == "suspended_token":
        user = make_user()
        token = bearer(user)["Authorization"].removeprefix("Bearer ")
        user.status = "suspended"
        db.session.commit()
    with pytest.raises(socketio.exceptions.ConnectionError):
        recorder().connect(live_url, cookie=cookie, token=token)


def test_a_page_of_another_site_cannot_open_a_socket(client, login, make_user, live_url, recorder):
    cookie = session_cookie(client, login, make_user())
    with pytest.raises(socketio.exceptions.ConnectionError):
        recorder().connect(live_url, cookie=cookie, origin="https://evil.example")


def test_reconnecting_with_the_last_id_gets_exactly_what_was_missed(
    client, login, make_user, bearer, live_url, recorder
):
    reader_token = bearer(make_user())["Authorization"].removeprefix("Bearer ")
    writer = recorder()
    writer.connect(live_url, cookie=session_cookie(client, login, make_user()))
    writer.call("join", {"room": "general"})
    reader = recorder()
    reader.connect(live_url, token=reader_token)
    assert reader.call("join", {"room": "general"})["history"] == []
    first = [writer.call("send", {"room": "general", "body": f"avant {i}"})["id"] for i in range(3)]
    assert [m["id"] for m in reader.wait_for(3)] == first

    reader.disconnect()
    missed = [writer.call("send", {"room": "general", "body": f"pendant {i}"})["id"] for i in range(4)]

    reader.connect(live_url, token=reader_token)
    ack = reader.call("join", {"room": "general", "after": first[-1]})
    assert [m["id"] for m in ack["history"]] == missed
    later = writer.call("send", {"room": "general", "body": "après"})["id"]
    live = reader.wait_for(4)
    seen = [m["id"] for m in live] + [m["id"] for m in ack["history"]]
    assert sorted(seen) == first + missed + [later]
    assert len(seen) == len(set(seen)) == db.session.query(ChatMessage).count()
