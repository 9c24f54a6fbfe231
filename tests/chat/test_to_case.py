"""Turning a conversation into a case: the guard, and the consent of every quoted colleague."""

import pytest

from forum.cases.screening import PatientDataFound
from forum.chat import rooms, services, to_case
from forum.errors import Refused
from forum.models import Case, ChatCaseDraft

CASE = {"title": "Souffle chez un enfant de 6 ans", "specialty": "pediatrics", "question_type": "diagnosis"}


@pytest.fixture
def conversation(make_user):
    """Three colleagues in a direct conversation, four messages."""
    a, b, c = make_user(), make_user(), make_user()
    room = rooms.start_dm(a, [b.id, c.id])
    ids = [
        services.post_message(a, room.name, "Souffle systolique doux chez un enfant de 6 ans.").id,
        services.post_message(b, room.name, "Probablement **fonctionnel**.").id,
        services.post_message(c, room.name, "Hors sujet : on déjeune ?").id,
        services.post_message(a, room.name, "Merci !").id,
    ]
    return {"users": (a, b, c), "room": room.name, "ids": ids}


def test_the_case_is_published_only_after_every_quoted_colleague_agreed(conversation):
    a, b, c = conversation["users"]
    ids = conversation["ids"]
    draft = to_case.propose(a, conversation["room"], {**CASE, "first_id": ids[0], "last_id": ids[1]})
    assert [consent.user_id for consent in draft.consents] == [b.id] and Case.query.count() == 0
    with pytest.raises(Refused):
        to_case.answer(c, draft.id, True)
    to_case.answer(b, draft.id, True)
    case = Case.query.one()
    assert draft.case_id == case.id and case.author_id == a.id
    assert "fonctionnel" in case.posts[0].body_md and "déjeune" not in case.posts[0].body_md


def test_one_refusal_publishes_nothing(conversation):
    a, b, c = conversation["users"]
    ids = conversation["ids"]
    draft = to_case.propose(a, conversation["room"], {**CASE, "first_id": ids[0], "last_id": ids[3]})
    assert sorted(consent.user_id for consent in draft.consents) == sorted([b.id, c.id])
    to_case.answer(b, draft.id, True)
    to_case.answer(c, draft.id, False)
    assert draft.status == "refused" and Case.query.count() == 0


def test_the_de_identification_guard_applies(conversation, make_user):
    a, b, _c = conversation["users"]
    named = services.post_message(b, conversation["room"], "Mme Lefebvre, née le 12/03/1971, est revenue.").id
    with pytest.raises(PatientDataFound):
        to_case.propose(a, conversation["room"], {**CASE, "first_id": named, "last_id": named})
    assert ChatCaseDraft.query.count() == 0


def test_outsiders_cannot_propose_a_conversation_they_are_not_in(conversation, make_user):
    ids = conversation["ids"]
    with pytest.raises(Refused):
        to_case.propose(make_user(), conversation["room"], {**CASE, "first_id": ids[0], "last_id": ids[1]})


def test_the_pages_carry_the_proposal_and_the_answer(client, login, conversation, post_form):
    a, b, _c = conversation["users"]
    ids = conversation["ids"]
    draft = to_case.propose(a, conversation["room"], {**CASE, "first_id": ids[0], "last_id": ids[1]})
    login(b)
    page = client.get(f"/chat/proposals/{draft.id}").get_data(as_text=True)
    assert "fonctionnel" in page
    response = post_form(f"/chat/proposals/{draft.id}", {"agreed": "1"})
    assert response.status_code == 302 and "/cases/" in response.location
