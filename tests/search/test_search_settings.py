"""SEARCH_BACKEND is checked at start: a known engine, and PostgreSQL full-text search only on PostgreSQL."""

import pytest

from forum import create_app
from forum.config import SettingsError, check_search_backend


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SEARCH_BACKEND": "elastic"}, "SEARCH_BACKEND must be one of whoosh, postgres, not 'elastic'"),
        ({"SEARCH_BACKEND": ""}, "SEARCH_BACKEND must be one of whoosh, postgres, not ''"),
        (
            {"SEARCH_BACKEND": "postgres", "SQLALCHEMY_DATABASE_URI": "sqlite:///forum.db"},
            "SEARCH_BACKEND = 'postgres' searches with PostgreSQL full-text search, but the database is sqlite",
        ),
    ],
)
def test_an_unusable_search_backend_stops_the_app_with_a_clear_message(tmp_path, monkeypatch, settings, message):
    monkeypatch.setenv("FORUM_INSTANCE", str(tmp_path))
    with pytest.raises(SettingsError) as error:
        create_app({"TESTING": True, **settings})
    assert message in str(error.value)


def test_the_environment_variable_is_checked_too(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_INSTANCE", str(tmp_path))
    monkeypatch.setenv("FORUM_SEARCH_BACKEND", "postgres")
    with pytest.raises(SettingsError, match="but the database is sqlite"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.db'}"})


@pytest.mark.parametrize(
    ("engine", "database"),
    [
        ("whoosh", "sqlite:///forum.db"),
        ("whoosh", "postgresql+psycopg://forum@127.0.0.1/forum"),
        ("postgres", "postgresql+psycopg://forum@127.0.0.1/forum"),
        ("postgres", "postgresql://forum@db.internal:5433/forum?sslmode=require"),
    ],
)
def test_each_engine_is_accepted_where_it_can_run(engine, database):
    check_search_backend({"SEARCH_BACKEND": engine, "SQLALCHEMY_DATABASE_URI": database})
