"""Who reaches what: member-only routes refuse applicants, sponsors and visitors, in HTML and API."""

import pytest

from tests.conftest import PASSWORD

MEMBER_ONLY_HTML = ["/members/{id}"]
MEMBER_ONLY_API = ["/api/v1/members/{id}"]


@pytest.fixture
def target(make_user):
    """A verified member whose profile others try to read."""
    return make_user(pseudonym="Cible", region="29")


@pytest.mark.parametrize("path", MEMBER_ONLY_HTML)
@pytest.mark.parametrize(
    "who,expected",
    [(None, "/login"), ("applicant", "/account/status"), ("sponsor", 403), ("member", 200)],
)
def test_member_only_pages(client, make_user, login, target, path, who, expected):
    if who:
        user = make_user(status="applicant") if who == "applicant" else make_user(role=who)
        login(user)
    response = client.get(path.format(id=target.id))
    if isinstance(expected, int):
        assert response.status_code == expected
    else:
        assert response.status_code == 302 and expected in response.headers["Location"]


@pytest.mark.parametrize("path", MEMBER_ONLY_API)
@pytest.mark.parametrize(
    "who,status,code",
    [
        (None, 401, "login_required"),
        ("applicant", 403, "not_verified"),
        ("sponsor", 403, "forbidden"),
        ("member", 200, None),
    ],
)
def test_member_only_api(client, make_user, target, path, who, status, code):
    headers = {}
    if who:
        user = make_user(status="applicant") if who == "applicant" else make_user(role=who)
        token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).get_json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
    response = client.get(path.format(id=target.id), headers=headers)
    assert response.status_code == status
    body = response.get_json()
    if code:
        assert body["error"]["code"] == code
    else:
        assert body["pseudonym"] == "Cible" and "email" not in body and "last_name" not in body


def test_a_profile_shows_nothing_private(client, make_user, login, target):
    login(make_user())
    html = client.get(f"/members/{target.id}").get_data(as_text=True)
    assert "Cible" in html and target.email not in html and target.last_name not in html


def test_an_applicant_has_no_public_profile(client, make_user, login):
    applicant = make_user(status="applicant")
    login(make_user())
    assert client.get(f"/members/{applicant.id}").status_code == 404
