"""API access and bad input: every case route, for every kind of caller; refusals change nothing."""

import pytest

from tests.api.test_api_cases import error_of, snapshot
from tests.conftest import CASE

# --- Access on every route ------------------------------------------------------------------------

ROUTES = [
    ("get", "/cases", None, 200),
    ("post", "/cases", CASE, 201),
    ("get", "/cases/{case}", None, 200),
    ("post", "/cases/{case}/replies", {"body": "Une autre idée"}, 201),
    ("post", "/cases/{case}/accept", {"post_id": "{reply}"}, 200),
    ("post", "/cases/{case}/follow", None, 204),
    ("delete", "/cases/{case}/follow", None, 204),
    ("post", "/cases/{case}/outcome", {"outcome": "Tout va bien."}, 200),
    ("patch", "/posts/{own}", {"body": "Merci à tous."}, 200),
    ("delete", "/posts/{own}", None, 204),
    ("post", "/posts/{reply}/helpful", None, 200),
    ("delete", "/posts/{reply}/helpful", None, 200),
    ("post", "/posts/{reply}/flags", {"reason": "À vérifier"}, 201),
    ("get", "/notifications", None, 200),
    ("post", "/notifications/read", None, 204),
    ("get", "/tags", None, 200),
]
ROLES = [
    ("anonymous", 401, "login_required"),
    ("applicant", 403, "not_verified"),
    ("sponsor", 403, "forbidden"),
    ("member", None, None),
]


def filled(value, ids: dict):
    """A path or body with "{case}", "{reply}", … replaced by the thread's ids."""
    if isinstance(value, dict):
        return {key: filled(item, ids) for key, item in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    return value.format(**ids) if isinstance(value, str) else value


def test_the_access_table_covers_every_case_route(app):
    def canonical(path: str) -> str:
        for name in ("<int:case_id>", "{case}"):
            path = path.replace(name, "{case_id}")
        for name in ("<int:post_id>", "{reply}", "{own}", "{opening}"):
            path = path.replace(name, "{post_id}")
        return path

    modules = ("forum.api.cases", "forum.api.notifications")
    served = {
        (method.lower(), canonical(rule.rule.removeprefix("/api/v1")))
        for rule in app.url_map.iter_rules()
        if app.view_functions[rule.endpoint].__module__ in modules
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served == {(method, canonical(path)) for method, path, _body, _status in ROUTES}


@pytest.mark.parametrize(("role", "refused_status", "refused_code"), ROLES, ids=[role[0] for role in ROLES])
@pytest.mark.parametrize(("method", "path", "body", "status"), ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_access_on_every_route(
    client, thread, make_user, bearer, role, refused_status, refused_code, method, path, body, status
):
    if role == "anonymous":
        headers = {}
    elif role == "member":
        headers = thread["headers"]["author"]
    else:
        headers = bearer(make_user(role="sponsor") if role == "sponsor" else make_user(status="applicant"))
    before = snapshot()
    url = "/api/v1" + filled(path, thread["ids"])
    response = getattr(client, method)(url, json=filled(body, thread["ids"]), headers=headers)
    if refused_status is None:
        assert response.status_code == status, response.get_json()
        return
    assert response.status_code == refused_status
    assert error_of(response)["code"] == refused_code
    assert snapshot() == before


# --- Bad input ------------------------------------------------------------------------------------

BAD_INPUTS = [
    ("post", "/cases", "not json", 400, None),
    ("post", "/cases", [CASE], 400, None),
    ("post", "/cases", {**CASE, "tags": 5}, 422, "tags"),
    ("post", "/cases", {**CASE, "tags": [1, 2]}, 422, "tags"),
    ("post", "/cases", {**CASE, "tags": {"a": 1}}, 422, "tags"),
    ("post", "/cases", {**CASE, "tags": "a/b"}, 422, "tags"),
    ("post", "/cases", {**CASE, "anonymous": "yes"}, 422, "anonymous"),
    ("post", "/cases", {**CASE, "anonymous": 1}, 422, "anonymous"),
    ("post", "/cases", {**CASE, "title": ""}, 422, "title"),
    ("post", "/cases", {**CASE, "title": 5}, 422, "title"),
    ("post", "/cases", {**CASE, "body": "x" * 20_001}, 422, "body"),
    ("post", "/cases", {**CASE, "specialty": "astrology"}, 422, "specialty"),
    ("post", "/cases", {**CASE, "question_type": ["diagnosis"]}, 422, "question_type"),
    ("post", "/cases", {**CASE, "age_band": 54}, 422, "age_band"),
    ("post", "/cases/{case}/replies", {"body": ""}, 422, "body"),
    ("post", "/cases/{case}/replies", {"body": ["a"]}, 422, "body"),
    ("post", "/cases/{case}/replies", {"body": "Oui", "quoted_post_id": "abc"}, 422, "quoted_post_id"),
    ("post", "/cases/{case}/replies", {"body": "Oui", "quoted_post_id": True}, 422, "quoted_post_id"),
    ("post", "/cases/{case}/replies", {"body": "Oui", "quoted_post_id": "²"}, 422, "quoted_post_id"),
    ("post", "/cases/{case}/replies", {"body": "Oui", "quoted_post_id": 10**30}, 422, "quoted_post_id"),
    ("post", "/cases/{case}/replies", {"body": "Oui", "quoted_post_id": 999}, 422, "quoted_post_id"),
    ("post", "/cases/{case}/accept", {"post_id": "abc"}, 422, "post_id"),
    ("post", "/cases/{case}/accept", {"post_id": None}, 422, "post_id"),
    ("post", "/cases/{case}/accept", {"post_id": 1.5}, 422, "post_id"),
    ("post", "/cases/{case}/accept", {"post_id": "²"}, 422, "post_id"),
    ("post", "/cases/{case}/accept", {"post_id": -2}, 422, "post_id"),
    ("post", "/cases/{case}/accept", {"post_id": 10**30}, 422, "post_id"),
    ("post", "/cases/{case}/accept", {"post_id": "{opening}"}, 422, "post_id"),
    ("post", "/cases/{case}/accept", "post_id=2", 400, None),
    ("post", "/cases/{case}/outcome", {"outcome": 5}, 422, "outcome"),
    ("post", "/cases/{case}/outcome", {"outcome": "x" * 20_001}, 422, "outcome"),
    ("post", "/cases/{case}/outcome", [], 400, None),
    ("patch", "/posts/{own}", {"body": None}, 422, "body"),
    ("patch", "/posts/{opening}", {"body": "Texte", "title": 5}, 422, "title"),
    ("patch", "/posts/{opening}", {"body": "Texte", "title": "x" * 201}, 422, "title"),
    ("patch", "/posts/{own}", "{body", 400, None),
    ("post", "/posts/{reply}/flags", {"reason": ""}, 422, "reason"),
    ("post", "/posts/{reply}/flags", {"reason": 3}, 422, "reason"),
    ("post", "/posts/{reply}/flags", None, 400, None),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "field"), BAD_INPUTS)
def test_bad_input_is_refused_and_changes_nothing(client, thread, method, path, body, status, field):
    before = snapshot()
    url = "/api/v1" + filled(path, thread["ids"])
    if isinstance(body, str):
        kwargs = {"data": body, "content_type": "application/json"}
    else:
        kwargs = {"json": filled(body, thread["ids"]) if isinstance(body, dict) else body}
    response = getattr(client, method)(url, headers=thread["headers"]["author"], **kwargs)
    assert response.status_code == status, response.get_json()
    error = error_of(response)
    assert error["code"] == ("bad_request" if status == 400 else "invalid")
    if field:
        assert field in error["fields"]
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/cases/99999999999999999999", "/posts/99999999999999999999/helpful"])
def test_ids_too_large_for_the_database_are_a_404(client, thread, path):
    method = "get" if path.startswith("/cases") else "post"
    response = getattr(client, method)("/api/v1" + path, headers=thread["headers"]["author"])
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
