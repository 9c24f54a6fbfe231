"""deploy/gunicorn.conf.py: one gthread worker per instance, its address from the unit, paths logged without tokens."""

import sys

import pytest
from gunicorn.app.base import Application

from deploy.loopback import GUNICORN_CONF


class Settings(Application):
    """gunicorn's own reading of a command line, without an application to load."""

    def init(self, parser, opts, args):
        return None

    def load(self):
        return None


def settings(monkeypatch, *environment: tuple[str, str]):
    for name, value in environment:
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(GUNICORN_CONF)])
    return Settings().cfg


def test_one_threaded_worker_per_instance_bound_where_the_unit_says(monkeypatch):
    cfg = settings(monkeypatch, ("GUNICORN_BIND", "127.0.0.1:8003"), ("GUNICORN_THREADS", "300"))
    assert cfg.bind == ["127.0.0.1:8003"]
    # More than one worker would break Socket.IO: gunicorn's balancing between workers is not sticky.
    assert cfg.workers == 1 and cfg.worker_class_str == "gthread" and cfg.threads == 300
    assert cfg.wsgi_app == "wsgi:app"
    assert cfg.keepalive > 30, "gunicorn must keep idle connections longer than nginx does (30 s)"


def test_by_default_the_pool_holds_a_thousand_sockets_and_page_traffic(monkeypatch):
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    assert settings(monkeypatch).threads >= 1100


@pytest.mark.parametrize("threads", [None, "40", "3000"])
def test_every_thread_of_the_pool_can_hold_a_connection_and_idle_ones_are_kept_alive(monkeypatch, threads):
    """gthread accepts no more than worker_connections (1,000 unless set): with a larger pool, sockets
    beyond it hang unanswered and gunicorn turns keep-alive off ("No keepalived connections can be handled")."""
    if threads is None:
        monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_THREADS", threads)
    cfg = settings(monkeypatch)
    assert cfg.worker_connections >= cfg.threads + 16 * 2


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/reset/Vt3Ckq1Jd8F0qS7o0a4Kk9mW2YwqzTn5m2J-x_ZcB8E", "/reset/[redacted]"),
        ("/confirm/eyJ1c2VyIjoxMn0.Z3k5Qg.0bQ3v5l6Yt2dV9mC1s8rR4pA7nE/", "/confirm/[redacted]/"),
        ("/static/vendor/socket.io/socket.io.min.js", "/static/vendor/socket.io/socket.io.min.js"),
        (
            "/api/v1/chat/rooms/specialty:general-practice/messages",
            "/api/v1/chat/rooms/specialty:general-practice/messages",
        ),
    ],
)
def test_the_access_log_shows_paths_without_the_tokens_of_mailed_links(monkeypatch, path, logged):
    cfg = settings(monkeypatch)
    assert (
        "%(U)s" in cfg.access_log_format
        and "%(r)s" not in cfg.access_log_format
        and "%(q)s" not in cfg.access_log_format
    )
    assert sys.modules[cfg.logger_class.__module__].redact_path(path) == logged
