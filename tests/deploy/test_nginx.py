"""Through nginx as the guide configures it: pages, static files, sticky routing, logs without secrets, upload limit."""

import email
import email.policy
import json
import secrets
from pathlib import Path

import requests

from deploy.loopback import ROOT, stop
from tests.conftest import csrf_token
from tests.deploy.conftest import BACKEND_HEADER, backend_of


def test_pages_come_from_the_instances_and_static_files_from_nginx(stack):
    for path in ("/", "/login", "/charter"):
        response = requests.get(stack.url + path, timeout=10)
        assert response.status_code == 200, path
        assert backend_of(response) in stack.backends
    css = requests.get(stack.url + "/static/css/forum.css", timeout=10)
    assert css.status_code == 200 and css.content == (ROOT / "forum/static/css/forum.css").read_bytes()
    assert BACKEND_HEADER not in css.headers, "static files are served by nginx, not by an instance"
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(stack.url + "/static/no-such-file.css", timeout=10).status_code == 404


def test_the_route_cookie_keeps_a_client_on_the_instance_of_its_first_request(stack):
    browser = requests.Session()
    first = browser.get(stack.url + "/", timeout=10)
    assert "confreres_route" in browser.cookies
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain HTTP here
    later = [browser.get(stack.url + "/login", timeout=10) for _ in range(12)]
    assert {backend_of(response) for response in later} == {backend_of(first)}
    assert all("confreres_route" not in response.headers.get("Set-Cookie", "") for response in later)
    # Clients without the cookie are spread over both instances.
    strangers = {backend_of(requests.get(stack.url + "/", timeout=10)) for _ in range(30)}
    assert strangers == set(stack.backends)


def test_the_logs_keep_neither_query_strings_nor_the_tokens_of_mailed_links(stack):
    token = secrets.token_urlsafe(32)
    secret_query = "next=" + secrets.token_hex(8)
    response = requests.get(f"{stack.url}/reset/{token}?{secret_query}", timeout=10)
    assert response.status_code < 500
    instance_log = stack.instance_log(backend_of(response))
    requests.get(stack.url + "/static/css/forum.css", timeout=10)
    requests.get(stack.url + "/charter", timeout=10)  # gunicorn writes a line once a request is complete
    logs = {"nginx": stack.access_log.read_text(), "gunicorn": instance_log.read_text()}
    for name, text in logs.items():
        assert "/reset/[redacted]" in text, name
        assert token not in text and secret_query not in text, name
    assert "/static/css/forum.css" in logs["nginx"]


def test_an_upload_over_the_limit_gets_the_applications_answer_not_nginx_page(stack):
    body = json.dumps({"email": "a@example.org", "password": "x" * (5 * 1024 * 1024 + 300 * 1024)})
    response = requests.post(
        stack.url + "/api/v1/tokens", data=body, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_link_mailed_during_a_request_points_at_the_address_the_member_used(stack, app, make_user):
    member = make_user()
    browser = requests.Session()
    form = browser.get(stack.url + "/reset", timeout=10)
    browser.post(stack.url + "/reset", data={"email": member.email, "csrf_token": csrf_token(form.text)}, timeout=10)
    mails = sorted(Path(app.config["OUTBOX_FOLDER"]).glob("*.eml"))
    assert mails, "no mail written"
    message = email.message_from_bytes(mails[-1].read_bytes(), policy=email.policy.default)
    assert f"{stack.url}/reset/" in message.get_body().get_content()  # host and port as typed, not nginx's upstream


def test_while_no_instance_answers_members_get_a_page_in_both_languages(stack):
    for process in stack.instances.values():
        stop(process)
    response = requests.get(stack.url + "/cases/", timeout=10)
    assert response.status_code == 502
    assert "Confrères revient dans un instant" in response.text and "will be back in a moment" in response.text
