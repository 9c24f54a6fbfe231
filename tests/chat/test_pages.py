"""Chat pages without JavaScript, the profile and case buttons, and the chat API."""

from forum.chat import rooms, services
from forum.models import ChatMessage


def test_the_chat_page_lists_rooms_and_history_without_javascript(client, login, make_user, post_form):
    user = make_user(specialty="cardiology")
    login(user)
    page = client.get("/chat/").get_data(as_text=True)
    assert 'data-room="general"' in page and "/chat/rooms/specialty:cardiology" in page
    assert "socket.io.min.js" in page and "<script>" not in page
    response = post_form("/chat/rooms/general/messages", {"body": "Bonjour **à tous**"}, page="/chat/")
    assert response.status_code == 302
    assert "<strong>à tous</strong>" in client.get("/chat/rooms/general").get_data(as_text=True)


def test_a_refused_message_shows_its_reason_on_the_page(client, login, make_user, post_form):
    login(make_user())
    response = post_form("/chat/rooms/general/messages", {"body": "x" * 4001}, page="/chat/")
    assert response.status_code == 413 and "4000" in response.get_data(as_text=True)
    assert ChatMessage.query.count() == 0


def test_a_profile_starts_a_direct_conversation(client, login, make_user, post_form):
    me, colleague = make_user(), make_user()
    login(me)
    profile = client.get(f"/members/{colleague.id}").get_data(as_text=True)
    assert "/chat/conversations" in profile
    response = post_form("/chat/conversations", {"user_id": str(colleague.id)}, page=f"/members/{colleague.id}")
    assert response.status_code == 302 and "/chat/rooms/dm:" in response.location
    assert colleague.pseudonym in client.get(response.location).get_data(as_text=True)


def test_a_case_page_offers_to_ask_its_author_and_goes_live(client, login, make_user, make_case):
    case = make_case()
    login(make_user())
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'data-room="case:{case.id}"' in page and "/chat/conversations" in page and "case_live.js" in page


def test_the_api_pages_history_backwards(client, make_user, bearer):
    user = make_user()
    ids = [services.post_message(user, "general", f"m{i}").id for i in range(3)]
    headers = bearer(user)
    body = client.get("/api/v1/chat/rooms/general/messages", headers=headers).get_json()
    assert [m["id"] for m in body["items"]] == ids and body["more"] is False
    body = client.get(f"/api/v1/chat/rooms/general/messages?before={ids[2]}", headers=headers).get_json()
    assert [m["id"] for m in body["items"]] == ids[:2]
    assert client.get("/api/v1/chat/rooms/general/messages?before=abc", headers=headers).status_code == 400
    assert client.get("/api/v1/chat/rooms/dm:1/messages", headers=headers).status_code == 404
    assert client.get("/api/v1/chat/rooms/general/messages").status_code == 401


def test_the_api_starts_conversations_and_lists_rooms(client, make_user, bearer):
    me, other = make_user(), make_user()
    response = client.post("/api/v1/chat/conversations", json={"user_ids": [other.id]}, headers=bearer(me))
    assert response.status_code == 201 and sorted(response.get_json()["participants"]) == sorted([me.id, other.id])
    names = [r["name"] for r in client.get("/api/v1/chat/rooms", headers=bearer(other)).get_json()["items"]]
    assert response.get_json()["room"] in names and "general" in names
    assert client.post("/api/v1/chat/conversations", json={"user_ids": "x"}, headers=bearer(me)).status_code == 422
    assert rooms.room_list(me)


def test_asking_and_taking_a_question_work_without_javascript(app, client, login, make_user, post_form, chat_client):
    taker = make_user(specialty="cardiology")
    chat_client(taker)  # online
    asker = make_user()
    login(asker)
    response = post_form("/chat/questions", {"specialty": "cardiology", "body": "Un avis sur un ECG ?"}, page="/chat/")
    assert response.status_code == 302
    browser = app.test_client()
    from tests.conftest import submit

    submit(browser, "/login", {"email": taker.email, "password": "correct horse battery staple"})
    page = browser.get("/chat/").get_data(as_text=True)
    assert "Un avis sur un ECG ?" in page
    accepted = submit(browser, "/chat/questions/1/accept", {}, page="/chat/")
    assert accepted.status_code == 302 and "/chat/rooms/dm:" in accepted.location
