"""Full-text search of case threads: the index, its change queue, the page, the command."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire the change queue (and heal at start) and the `search` commands."""
    from forum.search import commands, queue

    queue.init_app(app)
    commands.init_app(app)
