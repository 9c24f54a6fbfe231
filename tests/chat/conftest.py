"""Chat fixtures: the Flask-SocketIO test client sharing a login, and the app served on a real socket."""

import threading

import pytest
import socketio
import websocket
from flask import g

from forum.extensions import socketio as server_socketio
from tests.conftest import PASSWORD, submit

NAMESPACE = "/chat"


@pytest.fixture
def chat_client(app):
    """chat_client(user) -> a Socket.IO test client logged in as the user (through the real form, own cookies)."""
    clients = []

    def make(user):
        browser = app.test_client()
        submit(browser, "/login", {"email": user.email, "password": PASSWORD})
        # The test's app context is shared with the handlers: forget the user Flask-Login cached in `g`.
        g.pop("_login_user", None)
        sio = server_socketio.test_client(app, namespace=NAMESPACE, flask_test_client=browser)
        clients.append(sio)
        return sio

    yield make
    for sio in clients:
        if sio.is_connected(NAMESPACE):
            sio.disconnect(NAMESPACE)


class Recorder:
    """A real python-socketio client that keeps every event it receives."""

    def __init__(self):
        self.sio = socketio.Client(reconnection=False)
        self.events: list[tuple[str, object]] = []
        self.arrived = threading.Condition()
        self.sio.on("*", self.record, namespace=NAMESPACE)

    def record(self, event: str, data: object = None) -> None:
        with self.arrived:
            self.events.append((event, data))
            self.arrived.notify_all()

    def connect(self, url: str, *, cookie: str | None = None, token: str | None = None, origin: str = "") -> None:
        headers = {"Cookie": f"session={cookie}"} if cookie else {}
        if origin:
            headers["Origin"] = origin
        auth = {"token": token} if token else None
        self.sio.connect(
            url, namespaces=[NAMESPACE], headers=headers, auth=auth, transports=["websocket"], wait_timeout=5
        )

    def disconnect(self) -> None:
        self.sio.disconnect()

    def call(self, event: str, data: object) -> object:
        return self.sio.call(event, data, namespace=NAMESPACE, timeout=5)

    def messages(self) -> list[dict]:
        with self.arrived:
            return [data for name, data in self.events if name == "message"]

    def wait_for(self, count: int, timeout: float = 5) -> list[dict]:
        """Block until `count` messages arrived."""
        with self.arrived:
            self.arrived.wait_for(lambda: len([1 for n, _ in self.events if n == "message"]) >= count, timeout)
        return self.messages()


@pytest.fixture
def recorder(monkeypatch):
    """Factory of real Socket.IO clients, disconnected at the end."""
    made = []
    original = websocket.WebSocket.close

    def quick_close(self, status=1000, reason=b"", timeout=0.1):
        # websocket-client waits 3 s for a closing frame; the server has already dropped the connection.
        return original(self, status, reason, timeout)

    monkeypatch.setattr(websocket.WebSocket, "close", quick_close)

    def make() -> Recorder:
        made.append(Recorder())
        return made[-1]

    yield make
    for rec in made:
        if rec.sio.connected:
            rec.disconnect()
