"""Only verified members search; anonymous authors and bad queries never leak or break anything."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forum.moderation.content import set_post_hidden
from forum.search.query import parse_query
from forum.search.synonyms import load_synonyms


@pytest.mark.parametrize(
    ("role", "status"), [("member", "applicant"), ("sponsor", "verified"), ("member", "suspended")]
)
def test_only_verified_members_search(client, make_user, login, bearer, role, status):
    user = make_user(role=role, status=status)
    api = client.get("/api/v1/search?q=idm", headers=bearer(user) if status == "verified" else {})
    assert api.status_code in (401, 403)
    login(user)
    page = client.get("/search?q=idm")
    assert page.status_code in (302, 403)


def test_logged_out_visitors_are_sent_to_log_in(client):
    assert client.get("/search?q=idm").status_code == 302
    assert client.get("/api/v1/search?q=idm").status_code == 401


def test_an_anonymous_author_is_never_revealed_nor_searchable(client, make_user, make_case, login, find):
    author = make_user(pseudonym="DocSecret")
    make_case(author=author, anonymous=True, title="Cas anonyme de sarcoïdose")
    assert find("DocSecret")["total"] == 0
    assert find("sarcoidose")["total"] == 1
    login(make_user())
    assert "DocSecret" not in client.get("/search?q=sarcoidose").get_data(as_text=True)


def test_suggestions_never_reveal_a_word_of_hidden_content(make_case, make_user, find):
    moderator = make_user(role="moderator", totp=True)
    case = make_case(title="Maladie de Kawasaki", body="Fièvre prolongée.", tags=[])
    make_case(title="Autre cas", body="Rien à signaler.", tags=[])
    assert find("kawazaki")["suggestion"] == "kawasaki"
    set_post_hidden(moderator, case.opening.id, True)
    assert find("kawazaki")["suggestion"] is None


@pytest.mark.parametrize(
    "query",
    ['"', "-", "OR", "OR OR -", '"""', "(((", "*", "title:x", "a" * 2000, "\x00", '-"x', "AND NOT", "é" * 50],
)
def test_odd_queries_never_fail(client, make_user, make_case, login, bearer, query):
    make_case()
    member = make_user()
    login(member)
    assert client.get("/search", query_string={"q": query, "page": "x", "sort": "z"}).status_code == 200
    response = client.get("/api/v1/search", query_string={"q": query, "solved": "?"}, headers=bearer(member))
    assert response.status_code == 200
    assert set(response.get_json()) >= {"items", "total", "page", "pages", "facets"}


def test_the_page_shows_results_facets_and_highlights(client, make_user, make_case, login):
    make_case(title="Érythème noueux", body="Un érythème noueux bilatéral.", specialty="dermatology")
    login(make_user())
    from forum.search.queue import drain_now

    drain_now()
    html = client.get("/search?q=erytheme").get_data(as_text=True)
    assert "Érythème noueux" in html and "<mark" in html and "specialty=dermatology" in html


SYNONYMS = load_synonyms("forum/search/synonyms.txt")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_string_parses(text):
    parse_query(text, SYNONYMS)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['"', "-", " ", "OR", "IDM", "du", "infarctus", "myocarde", "é", "\t"])).map("".join))
def test_query_language_fragments_parse(text):
    parse_query(text, SYNONYMS)
