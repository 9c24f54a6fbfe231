"""Two server processes sharing Redis: a message sent to one reaches a client of the other."""

import subprocess
import sys
from pathlib import Path

import pytest
import redis

from deploy.loopback import start, stop, wait_until_answering
from tests.conftest import free_port, redis_url, server_env

REDIS_URL = redis_url(1)


@pytest.fixture
def redis_db():
    """A Redis database of our own, emptied; the test fails (not skips) when no Redis runs here."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.fail(f"no Redis at {REDIS_URL}: start one (redis-server --port 6379)")
    yield REDIS_URL
    client.flushdb()


def start_server(app, url: str, log: Path) -> tuple[subprocess.Popen, str]:
    """`flask run` on the test's instance folder (same database and secret key) with Redis."""
    port = free_port()
    env = server_env(app, REDIS_URL=url, RATELIMIT_ENABLED="false")
    flask = str(Path(sys.executable).parent / "flask")
    command = [flask, "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"]
    return start(command, env, log), f"http://127.0.0.1:{port}"


def test_a_message_crosses_between_two_processes(app, make_user, bearer, recorder, redis_db, tmp_path):
    alice, bruno = make_user(), make_user()
    tokens = [bearer(u)["Authorization"].removeprefix("Bearer ") for u in (alice, bruno)]
    servers = [start_server(app, redis_db, tmp_path / f"server{i}.log") for i in range(2)]
    try:
        for i, (server, base) in enumerate(servers):
            wait_until_answering(base + "/", server, tmp_path / f"server{i}.log", timeout=20)
        on_a, on_b = recorder(), recorder()
        on_a.connect(servers[0][1], token=tokens[0])
        on_b.connect(servers[1][1], token=tokens[1])
        assert on_a.call("join", {"room": "general"})["viewers"] == 1
        # Presence lives in Redis: the second process sees the member connected to the first.
        assert on_b.call("join", {"room": "general"})["viewers"] == 2
        sent = on_a.call("send", {"room": "general", "body": "Bonjour de l'autre processus"})["id"]
        assert [m["id"] for m in on_b.wait_for(1)] == [sent]
        answer = on_b.call("send", {"room": "general", "body": "Bien reçu"})["id"]
        assert answer in [m["id"] for m in on_a.wait_for(2)]
    finally:
        for server, _base in servers:
            stop(server, timeout=10)
