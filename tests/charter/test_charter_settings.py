"""The charter's two settings: validated at start with a clear message, shown on /charter in both languages."""

import pytest

from forum import create_app
from forum.config import SettingsError


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"CHARTER_MIN_GROUP_SIZE": 1}, "CHARTER_MIN_GROUP_SIZE must be a whole number of at least 2, not 1"),
        ({"CHARTER_MIN_GROUP_SIZE": "5"}, "CHARTER_MIN_GROUP_SIZE must be a whole number of at least 2, not '5'"),
        ({"CHARTER_MIN_GROUP_SIZE": True}, "CHARTER_MIN_GROUP_SIZE must be a whole number"),
        ({"CHARTER_MIN_GROUP_SIZE": 2.5}, "CHARTER_MIN_GROUP_SIZE must be a whole number"),
        ({"CHARTER_NO_NOMINATIVE_EXPORT": "no"}, "CHARTER_NO_NOMINATIVE_EXPORT must be true or false, not 'no'"),
        ({"CHARTER_NO_NOMINATIVE_EXPORT": 0}, "CHARTER_NO_NOMINATIVE_EXPORT must be true or false, not 0"),
    ],
)
def test_an_invalid_setting_stops_the_app_with_a_clear_message(tmp_path, monkeypatch, settings, message):
    monkeypatch.setenv("FORUM_INSTANCE", str(tmp_path))
    with pytest.raises(SettingsError) as error:
        create_app({"TESTING": True, **settings})
    assert message in str(error.value)


def test_an_invalid_environment_variable_stops_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_INSTANCE", str(tmp_path))
    monkeypatch.setenv("FORUM_CHARTER_NO_NOMINATIVE_EXPORT", "maybe")
    with pytest.raises(SettingsError, match="CHARTER_NO_NOMINATIVE_EXPORT must be true or false"):
        create_app({"TESTING": True})


def test_valid_environment_values_are_accepted(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_INSTANCE", str(tmp_path))
    monkeypatch.setenv("FORUM_CHARTER_NO_NOMINATIVE_EXPORT", "false")
    monkeypatch.setenv("FORUM_CHARTER_MIN_GROUP_SIZE", "10")
    app = create_app({"TESTING": True})
    assert app.config["CHARTER_NO_NOMINATIVE_EXPORT"] is False and app.config["CHARTER_MIN_GROUP_SIZE"] == 10


def test_the_charter_page_is_public_and_shows_version_and_settings(client):
    html = client.get("/charter", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "version 1.0" in html
    assert "No nominative export" in html and "5 distinct members" in html
    assert "No export has been made." in html


@pytest.mark.app_config(CHARTER_NO_NOMINATIVE_EXPORT=False, CHARTER_MIN_GROUP_SIZE=7)
def test_the_charter_page_says_when_nominative_export_is_allowed(client):
    html = client.get("/charter", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Nominative export is allowed" in html and "7 distinct members" in html
    assert "Members have not been told yet" in html


def test_the_charter_page_exists_in_french(client):
    response = client.get("/charter", headers={"Accept-Language": "fr"})
    assert response.status_code == 200 and 'lang="fr"' in response.get_data(as_text=True)
