"""Bind Socket.IO to the app: threading mode, the site's own origins, Redis between processes when configured."""

import socketio as python_socketio
from flask import Flask

from forum.chat import events, live_cases, presence  # noqa: F401  (handlers register on import, before init_app)
from forum.extensions import socketio


def init_app(app: Flask) -> None:
    """Threading mode on purpose: Flask-SocketIO would pick the deprecated eventlet whenever it is installed."""
    url = app.config.get("REDIS_URL")
    # A manager built here, never left in socketio's options: the next app (the next test's) starts clean.
    manager = python_socketio.RedisManager(url, channel="confreres-chat") if url else python_socketio.Manager()
    socketio.init_app(
        app,
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE", "threading"),
        client_manager=manager,
        cors_allowed_origins=app.config.get("CHAT_ALLOWED_ORIGINS") or None,
        ping_interval=app.config.get("CHAT_PING_INTERVAL", 25),
    )
    presence.init_app(app)
    live_cases.init_app(app)
