"""The deployment under test: two single-worker gunicorn instances sharing Redis, behind nginx as the guide sets it."""

import pytest
import redis
import requests

from deploy.loopback import NGINX, serve
from tests.conftest import redis_url, server_env

REDIS_URL = redis_url(2)
# Only here, not in the guide: which instance answered (nginx's address of the upstream).
BACKEND_HEADER = "X-Confreres-Backend"


@pytest.fixture
def stack(app, tmp_path):
    """nginx on a free port of the loopback, two instances of the app on the test's database, a Redis database emptied.

    A missing nginx or Redis fails the test: `make test` installs nginx, and CI runs Redis."""
    if not NGINX.exists():
        pytest.fail(f"no nginx at {NGINX} (`make nginx` installs Debian's)")
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.flushdb()
    except redis.ConnectionError:
        pytest.fail(f"no Redis at {REDIS_URL}: start one (redis-server --port 6379)")
    env = server_env(app, REDIS_URL=REDIS_URL, PROXY_FIX="1")
    try:
        with serve(
            tmp_path / "stack",
            env,
            instances=2,
            threads=40,
            site_extra=f"add_header {BACKEND_HEADER} $upstream_addr always;",
        ) as running:
            yield running
    finally:
        store.flushdb()


def backend_of(response: requests.Response) -> int:
    """The port of the instance that answered."""
    return int(response.headers[BACKEND_HEADER].rpartition(":")[2])


@pytest.fixture
def browsers(stack):
    """browsers() -> {port: session}: sessions with a cookie jar, one sticking to each instance."""

    def make() -> dict[int, requests.Session]:
        found: dict[int, requests.Session] = {}
        for _attempt in range(40):
            session = requests.Session()
            found.setdefault(backend_of(session.get(stack.url + "/", timeout=10)), session)
            if len(found) == len(stack.backends):
                return found
        pytest.fail("40 new clients all landed on the same instance: nginx does not balance")

    return make
