"""Sponsors reach the sponsor portal and nothing else: every other page and API route refuses them."""

import re

import pytest

from forum.charter.blueprint import SPONSOR_ENDPOINTS


def filled(rule, ids: dict) -> str:
    """A concrete URL for a route: real ids for numbers, a word for the rest."""

    def value(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        return str(ids.get(name, 1)) if converter == "int" else "x"

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", value, rule.rule)


@pytest.fixture
def ids(make_case, make_user):
    """Objects the routes can point at."""
    member = make_user()
    case = make_case(author=member)
    return {"case_id": case.id, "post_id": case.opening.id, "user_id": member.id, "id": member.id}


def get_routes(app, api: bool):
    """Every GET route of the app, HTML or API."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.rule.startswith("/api/") == api and rule.endpoint != "static"
    ]


def test_every_html_page_outside_the_portal_refuses_a_sponsor(app, client, login, sponsor, ids):
    login(sponsor)
    checked = 0
    for rule in get_routes(app, api=False):
        if rule.endpoint in SPONSOR_ENDPOINTS:
            continue
        response = client.get(filled(rule, ids))
        location = response.headers.get("Location", "")
        assert response.status_code == 403 or (response.status_code == 302 and "/sponsor/" in location), rule.rule
        checked += 1
    assert checked > 20


def test_every_api_route_outside_the_reports_refuses_a_sponsor(app, client, sponsor, bearer, ids):
    headers = bearer(sponsor)
    checked = 0
    for rule in get_routes(app, api=True):
        if rule.endpoint in SPONSOR_ENDPOINTS:
            continue
        response = client.get(filled(rule, ids), headers=headers)
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden", rule.rule
        checked += 1
    assert checked > 5


def test_the_pages_a_sponsor_may_open_show_no_member_data(app, client, login, sponsor, ids, make_user):
    member = make_user(pseudonym="Visible-Member")
    login(sponsor)
    for path in ("/", "/sponsor/", "/charter", "/help", "/account"):
        response = client.get(path, follow_redirects=True)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert member.pseudonym not in html and member.email not in html, path


def test_home_and_account_send_a_sponsor_to_the_portal(client, login, sponsor):
    login(sponsor)
    assert client.get("/").headers["Location"].endswith("/sponsor/")
    assert client.get("/account").headers["Location"].endswith("/sponsor/")


def test_a_sponsor_without_two_factor_is_sent_to_enrol(client, login, make_user):
    login(make_user(role="sponsor", organisation="Lab", profession=None, specialty=None))
    assert client.get("/sponsor/").headers["Location"].endswith("/account/2fa")


@pytest.mark.parametrize("role", ["member", "moderator", "admin"])
def test_only_sponsors_reach_the_portal(client, login, make_user, bearer, role):
    assert client.get("/api/v1/sponsor/reports", headers=bearer(make_user(role=role, totp=True))).status_code == 403
    user = make_user(role=role, totp=True)
    login(user)
    assert client.get("/sponsor/").status_code == 403
    assert client.get("/sponsor/reports/membership/download").status_code == 403


def test_visitors_are_asked_to_log_in(client):
    assert "/login" in client.get("/sponsor/").headers["Location"]
    assert client.get("/api/v1/sponsor/reports").status_code == 401
