"""Small private groups: started from the chat page by pseudonyms, or from a case with several of its colleagues."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from forum.chat import rooms
from forum.errors import Refused
from forum.extensions import db
from forum.models import ChatMember, ChatRoom


def dm_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ChatRoom).where(ChatRoom.kind == "dm"))


def participants(room_name: str) -> set[int]:
    room = db.session.scalar(select(ChatRoom).where(ChatRoom.name == room_name))
    return set(
        db.session.scalars(select(ChatMember.user_id).where(ChatMember.room_id == room.id, ChatMember.participant))
    )


def test_a_group_starts_from_the_chat_page_with_typed_pseudonyms(app, client, login, make_user, post_form):
    me = make_user()
    cardio, pneumo, pedia = (
        make_user(pseudonym="Dr_Cœur"),
        make_user(pseudonym="Souffle"),
        make_user(pseudonym="Petits"),
    )
    outsider = make_user()
    login(me)
    page = client.get("/chat/").get_data(as_text=True)
    assert 'name="pseudonyms"' in page and "Nouvelle conversation privée" in page
    response = post_form("/chat/conversations", {"pseudonyms": " @dr_cœur, SOUFFLE ;\nPetits "}, page="/chat/")
    assert response.status_code == 302 and "/chat/rooms/dm:" in response.location
    room = response.location.rsplit("/", 1)[1]
    assert participants(room) == {me.id, cardio.id, pneumo.id, pedia.id}
    # The same group, named in another order, finds its conversation again.
    again = post_form("/chat/conversations", {"pseudonyms": "Petits, Souffle, Dr_Cœur"}, page="/chat/")
    assert again.location == response.location and dm_count() == 1
    login(outsider)
    assert client.get(f"/chat/rooms/{room}").status_code == 404


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Souffle, Inconnu", "Aucun confrère vérifié ne porte ce pseudonyme : Inconnu."),
        ("Candidat", "Aucun confrère vérifié ne porte ce pseudonyme : Candidat."),
        (" , ;", "Choisissez"),
        (", ".join(f"Membre{n}" for n in range(8)), "au maximum 8 participants"),
    ],
)
def test_a_group_that_cannot_be_formed_says_why_and_creates_nothing(client, login, make_user, post_form, typed, says):
    me = make_user()
    make_user(pseudonym="Souffle")
    make_user(pseudonym="Candidat", status="applicant")  # not verified: indistinguishable from unknown
    for n in range(8):
        make_user(pseudonym=f"Membre{n}")
    login(me)
    response = post_form("/chat/conversations", {"pseudonyms": typed}, page="/chat/", follow_redirects=True)
    assert says in response.get_data(as_text=True)
    assert dm_count() == 0


def test_a_case_page_asks_several_of_its_colleagues_together(client, login, make_user, make_case, post_form, bearer):
    author, first, second, reader = make_user(), make_user(), make_user(), make_user()
    case = make_case(author=author)
    for colleague in (first, second):
        reply = client.post(f"/api/v1/cases/{case.id}/replies", json={"body": "Mon avis"}, headers=bearer(colleague))
        assert reply.status_code == 201
    login(reader)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    for colleague in (author, first, second):
        assert f'name="user_id" value="{colleague.id}"' in page
    response = post_form("/chat/conversations", {"user_id": [str(first.id), str(second.id)]}, page=f"/cases/{case.id}")
    assert participants(response.location.rsplit("/", 1)[1]) == {reader.id, first.id, second.id}
    nobody = post_form("/chat/conversations", {}, page=f"/cases/{case.id}", follow_redirects=True)
    assert "Choisissez" in nobody.get_data(as_text=True) and dm_count() == 1


SEPARATORS = st.sampled_from([",", ", ", " ,", ";", "\n", " ;\n "])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_way_of_typing_the_pseudonyms_finds_exactly_those_colleagues(app, make_user, data):
    if not getattr(app, "_group_members", None):
        app._group_members = [make_user(pseudonym=name) for name in ("Alpha", "Bêta", "Gamma_3", "Delta-4")]
    chosen = data.draw(st.lists(st.sampled_from(app._group_members), min_size=1, max_size=4, unique=True))
    spelled = [
        data.draw(st.sampled_from(["", "@", " "]))
        + data.draw(st.sampled_from([str.upper, str.lower, str]))(m.pseudonym)
        for m in chosen
    ]
    typed = spelled[0] + "".join(data.draw(SEPARATORS) + name for name in spelled[1:]) + data.draw(SEPARATORS)
    assert sorted(rooms.colleagues_named(typed)) == sorted(m.id for m in chosen)


@example(text="\x00")  # PostgreSQL refuses NUL in a query: it must be a refusal, not a 500
@example(text="x" * 41)
@given(text=st.one_of(st.none(), st.integers(), st.text(max_size=200)))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_naming_nobody_known_gets_a_clear_refusal(app, text):
    with pytest.raises(Refused) as refusal:
        rooms.colleagues_named(text)
    assert refusal.value.status == 422 and refusal.value.code in ("bad_participants", "too_many", "unknown_colleague")
