"""Only verified members read or write cases: every case page and action, for every kind of visitor."""

import pytest
from sqlalchemy import func, select

from forum.cases import services
from forum.extensions import db
from forum.models import Case, CaseFollow, Flag, HelpfulVote, Post

GET_ROUTES = [
    "/cases/",
    "/cases/new",
    "/cases/{case}",
    "/cases/{case}/unread",
    "/cases/{case}/outcome",
    "/posts/{post}/edit",
    "/posts/{post}/flag",
    "/notifications",
    "/members/{author}",
]
POST_ROUTES = [
    ("/cases/new", {"title": "T", "body": "B", "specialty": "general-practice", "question_type": "other"}),
    ("/cases/{case}/replies", {"body": "Réponse"}),
    ("/cases/{case}/accept", {"post_id": "{post}"}),
    ("/cases/{case}/follow", {"following": "1"}),
    ("/cases/{case}/outcome", {"outcome": "Guéri"}),
    ("/posts/{post}/edit", {"body": "Changé"}),
    ("/posts/{post}/delete", {}),
    ("/posts/{post}/helpful", {"helpful": "1"}),
    ("/posts/{post}/flag", {"reason": "Motif"}),
    ("/notifications", {}),
]


@pytest.fixture
def world(make_user, make_case):
    """A case with a reply, and the ids routes need."""
    author = make_user()
    case = make_case(author)
    post = services.reply(make_user(), case.id, "Une réponse", confirmed=True)
    return {"case": case.id, "post": post.id, "author": author.id}


def snapshot():
    """Counts that any write would change."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(m)) for m in (Case, Post, CaseFollow, Flag, HelpfulVote)
    )


def visitor(who, make_user, login):
    """Log in the kind of visitor a test is about."""
    if who == "applicant":
        login(make_user(status="applicant"))
    elif who == "sponsor":
        login(make_user(role="sponsor"))


@pytest.mark.parametrize("path", GET_ROUTES)
@pytest.mark.parametrize("who,expected", [("anonymous", "/login"), ("applicant", "/account/status"), ("sponsor", 403)])
def test_case_pages_are_refused_to_non_members(client, make_user, login, world, path, who, expected):
    visitor(who, make_user, login)
    response = client.get(path.format(**world))
    if expected == 403:
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and expected in response.headers["Location"]


@pytest.mark.parametrize("path,data", POST_ROUTES)
@pytest.mark.parametrize("who", ["anonymous", "applicant", "sponsor"])
def test_case_actions_are_refused_to_non_members_and_change_nothing(
    client, make_user, login, post_form, world, path, data, who
):
    visitor(who, make_user, login)
    before = snapshot()
    form = {key: value.format(**world) for key, value in data.items()}
    response = post_form(path.format(**world), form, page="/charter")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"] or "/account/status" in response.headers["Location"]
    assert snapshot() == before


@pytest.mark.parametrize("path", GET_ROUTES)
def test_case_pages_open_for_a_verified_member(client, make_user, login, world, path):
    login(make_user())
    assert client.get(path.format(**world)).status_code in (200, 302)
