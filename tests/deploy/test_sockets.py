"""Socket.IO through nginx: polling then WebSocket on one sticky instance, and messages crossing instances via Redis."""

import time

from tests.chat.conftest import NAMESPACE, Recorder


def connect_through(stack, browser, token: str) -> Recorder:
    """A python-socketio client on the browser's session (its route cookie), default transports.

    The WebSocket request carries the site's Origin (websocket-client sends it), which the server compares
    with the Host nginx passes on: the port must survive the proxy.
    """
    client = Recorder()
    client.sio.eio.http = browser
    client.sio.connect(stack.url, namespaces=[NAMESPACE], auth={"token": token}, wait_timeout=10)
    return client


def test_members_on_two_instances_chat_through_nginx(stack, browsers, make_user, bearer):
    alice, bruno = make_user(), make_user()
    tokens = [bearer(user)["Authorization"].removeprefix("Bearer ") for user in (alice, bruno)]
    (first, browser_a), (second, browser_b) = sorted(browsers().items())
    on_a = connect_through(stack, browser_a, tokens[0])
    on_b = connect_through(stack, browser_b, tokens[1])
    try:
        # Long-polling first, then the upgrade: both reached the instance holding the session.
        assert on_a.sio.transport() == on_b.sio.transport() == "websocket"
        assert on_a.call("join", {"room": "general"})["viewers"] == 1
        assert on_b.call("join", {"room": "general"})["viewers"] == 2
        sent = on_a.call("send", {"room": "general", "body": "Bonjour depuis l'instance A"})["id"]
        assert [message["id"] for message in on_b.wait_for(1, timeout=10)] == [sent]
        answer = on_b.call("send", {"room": "general", "body": "Reçu sur l'instance B"})["id"]
        assert answer in [message["id"] for message in on_a.wait_for(2, timeout=10)]
    finally:
        on_a.disconnect()
        on_b.disconnect()
    # nginx logs the WebSocket once it is closed: each instance served its client's polling and its upgrade.
    deadline = time.monotonic() + 5
    while min(socket_requests(stack, first), socket_requests(stack, second)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert min(socket_requests(stack, first), socket_requests(stack, second)) >= 2, stack.access_log.read_text()


def socket_requests(stack, port: int) -> int:
    """Socket.IO requests nginx passed to the instance on `port`."""
    lines = stack.access_log.read_text().splitlines()
    return sum(1 for line in lines if "/socket.io/" in line and f'"127.0.0.1:{port}"' in line)
