"""JSON API v1; importing the route modules registers them on the blueprint."""

from forum.api import accounts, cases, charter, chat, moderation, notifications, openapi, search  # noqa: F401  (routes register on import)
from forum.api.blueprint import bp

__all__ = ["bp"]
