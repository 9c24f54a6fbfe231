"""Behind nginx (PROXY_FIX=1) each member keeps their own address; without the setting no header is believed."""

import pytest

from forum import create_app
from forum.config import SettingsError
from tests.conftest import submit


def reset_statuses(client, addresses: list[str]) -> list[int]:
    """Ask for a password reset once from each claimed address (a new e-mail each time: the per-address limit)."""
    statuses = []
    for n, address in enumerate(addresses):
        headers = {"X-Forwarded-For": address}
        response = submit(client, "/reset", {"email": f"someone{n}@example.org"}, headers=headers)
        statuses.append(response.status_code)
    return statuses


@pytest.mark.app_config(RATELIMIT_ENABLED=True, PROXY_FIX=1)
def test_behind_one_proxy_each_client_address_has_its_own_limit(client):
    statuses = reset_statuses(client, ["203.0.113.7"] * 6 + ["198.51.100.9"])
    assert statuses[5] == 429
    assert statuses[6] != 429


@pytest.mark.app_config(RATELIMIT_ENABLED=True)
def test_without_the_setting_a_forwarded_address_is_not_believed(client):
    statuses = reset_statuses(client, ["203.0.113.7"] * 5 + ["198.51.100.9"])
    assert statuses[:5].count(429) == 0
    assert statuses[5] == 429


@pytest.mark.app_config(PROXY_FIX=1)
def test_behind_one_proxy_the_scheme_is_the_one_nginx_saw(app, client):
    @app.get("/scheme-for-test")
    def scheme():
        from flask import request

        return {"scheme": request.scheme, "address": request.remote_addr}

    headers = {"X-Forwarded-For": "10.9.9.9, 203.0.113.7", "X-Forwarded-Proto": "https"}
    assert client.get("/scheme-for-test", headers=headers).get_json() == {"scheme": "https", "address": "203.0.113.7"}


@pytest.mark.parametrize("value", [-1, 6, "1", True, 1.5])
def test_an_invalid_proxy_count_stops_the_app(tmp_path, monkeypatch, value):
    monkeypatch.setenv("FORUM_INSTANCE", str(tmp_path))
    with pytest.raises(SettingsError, match="PROXY_FIX must be the number of proxies in front"):
        create_app({"TESTING": True, "PROXY_FIX": value})


def test_the_environment_variable_gives_a_number(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_INSTANCE", str(tmp_path))
    monkeypatch.setenv("FORUM_PROXY_FIX", "1")
    assert create_app({"TESTING": True}).config["PROXY_FIX"] == 1
