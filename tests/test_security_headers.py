"""Security headers on every page: a CSP without inline script, no framing, no sniffing."""

import pytest


@pytest.mark.parametrize("path", ["/", "/signup", "/login", "/charter", "/help"])
def test_pages_carry_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_http_only_and_same_site(client, post_form):
    post_form("/locale", {"locale": "en", "next": "/"}, page="/")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_an_unexpected_error_is_a_calm_page_not_a_traceback(app, client):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("internal detail")

    response = client.get("/boom-for-test")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "internal detail" not in body and "Traceback" not in body
