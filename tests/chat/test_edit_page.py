"""Editing one's own chat message from its page: the form works without JavaScript, the room sees it live."""

import pytest

from forum.chat import services
from forum.extensions import db
from forum.models import ChatMessage
from tests.chat.test_events import call, received


def test_the_author_corrects_a_message_and_the_room_sees_it_at_once(client, login, make_user, post_form, chat_client):
    author, colleague = make_user(), make_user()
    message = services.post_message(author, "general", "Posologie : 500 mg *trois* fois")
    watcher = chat_client(colleague)
    call(watcher, "join", {"room": "general"})
    login(author)
    form = client.get(f"/chat/messages/{message.id}/edit").get_data(as_text=True)
    assert "Posologie : 500 mg *trois* fois" in form  # the Markdown as typed, not the HTML
    response = post_form(f"/chat/messages/{message.id}/edit", {"body": "Posologie : 1 g *trois* fois"})
    assert response.status_code == 302 and response.location.endswith(f"/chat/rooms/general#m{message.id}")
    live = [m for m in received(watcher, "message") if m["id"] == message.id]
    assert live[-1]["edited_at"] and live[-1]["body_html"].strip() == "<p>Posologie : 1 g <em>trois</em> fois</p>"
    page = client.get("/chat/rooms/general").get_data(as_text=True)
    assert "1 g <em>trois</em>" in page and "500 mg" not in page and "modifié" in page


def test_only_ones_own_messages_offer_and_accept_an_edit(client, login, make_user, post_form):
    author, colleague = make_user(), make_user()
    theirs = services.post_message(author, "general", "mon message")
    mine = services.post_message(colleague, "general", "le mien")
    login(colleague)
    page = client.get("/chat/rooms/general").get_data(as_text=True)
    assert f"/chat/messages/{mine.id}/edit" in page and f"/chat/messages/{theirs.id}/edit" not in page
    assert client.get(f"/chat/messages/{theirs.id}/edit").status_code == 403
    response = post_form(f"/chat/messages/{theirs.id}/edit", {"body": "piraté"}, page=f"/chat/messages/{mine.id}/edit")
    assert response.status_code == 403
    assert db.session.get(ChatMessage, theirs.id).body_md == "mon message"


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [("x" * 4001, 413, "4000"), ("   ", 400, "")],
)
def test_a_refused_edit_says_why_and_keeps_the_message(client, login, make_user, post_form, body, status, says):
    author = make_user()
    message = services.post_message(author, "general", "version d'origine")
    login(author)
    response = post_form(f"/chat/messages/{message.id}/edit", {"body": body})
    assert response.status_code == status and says in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    stored = db.session.get(ChatMessage, message.id)
    assert stored.body_md == "version d'origine" and stored.edited_at is None


def test_an_edit_without_the_forms_token_changes_nothing(client, login, make_user):
    author = make_user()
    message = services.post_message(author, "general", "version d'origine")
    login(author)
    response = client.post(f"/chat/messages/{message.id}/edit", data={"body": "sans jeton"})
    assert response.status_code == 400
    assert db.session.get(ChatMessage, message.id).body_md == "version d'origine"


def test_a_deleted_message_cannot_be_edited(client, login, make_user):
    author = make_user()
    message = services.post_message(author, "general", "à supprimer")
    services.delete_message(author, message.id)
    login(author)
    response = client.get(f"/chat/messages/{message.id}/edit")
    assert response.status_code == 409 and "Ce message a été retiré." in response.get_data(as_text=True)


def test_the_edit_page_needs_a_member(client, make_user):
    message = services.post_message(make_user(), "general", "bonjour")
    response = client.get(f"/chat/messages/{message.id}/edit")
    assert response.status_code in (302, 401) and ChatMessage.query.count() == 1
