"""The OpenAPI description of the chat routes (the live part is Socket.IO, namespace /chat)."""

from forum.api.openapi_base import BEARER, json_content, ref, responses

ROOM = {
    "name": "room",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "general, specialty:<slug>, case:<id> or dm:<id>",
}
CURSOR = {"in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}}

CHAT_SCHEMAS = {
    "ChatMessage": {
        "type": "object",
        "required": ["id", "room", "author", "body_html", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "room": {"type": "string"},
            "author": {"type": "string", "description": "Pseudonym"},
            "author_id": {"type": "integer"},
            "body_html": {"type": "string", "description": "Sanitized HTML; empty once deleted or hidden"},
            "created_at": {"type": "string", "format": "date-time"},
            "edited_at": {"type": ["string", "null"], "format": "date-time"},
            "deleted": {"type": "boolean"},
            "hidden": {"type": "boolean"},
            "mine": {"type": "boolean"},
        },
    },
    "ChatRoom": {
        "type": "object",
        "required": ["name", "kind", "title", "unread"],
        "properties": {
            "name": {"type": "string"},
            "kind": {"enum": ["general", "specialty", "case", "dm"]},
            "title": {"type": "string"},
            "unread": {"type": "integer"},
        },
    },
}

CHAT_PATHS = {
    "/chat/rooms": {
        "get": {
            "summary": "The member's chat rooms with unread counts",
            "security": BEARER,
            "responses": responses(
                "200",
                {"type": "object", "properties": {"items": {"type": "array", "items": ref("ChatRoom")}}},
                401,
                403,
            ),
        }
    },
    "/chat/rooms/{room}/messages": {
        "get": {
            "summary": "A room's messages in id order: the last 50, the 50 before `before`, or those after `after`",
            "security": BEARER,
            "parameters": [ROOM, {"name": "before", **CURSOR}, {"name": "after", **CURSOR}],
            "responses": responses(
                "200",
                {
                    "type": "object",
                    "required": ["items", "more"],
                    "properties": {
                        "items": {"type": "array", "items": ref("ChatMessage")},
                        "more": {"type": "boolean", "description": "More messages lie beyond this page"},
                        "total": {"type": "integer"},
                    },
                },
                400,
                401,
                403,
                404,
            ),
        }
    },
    "/chat/conversations": {
        "post": {
            "summary": "Start (or find) a direct conversation with up to seven verified colleagues",
            "security": BEARER,
            "requestBody": {
                "required": True,
                "content": json_content(
                    {
                        "type": "object",
                        "required": ["user_ids"],
                        "properties": {"user_ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 7}},
                    }
                ),
            },
            "responses": responses(
                "201",
                {
                    "type": "object",
                    "properties": {
                        "room": {"type": "string"},
                        "participants": {"type": "array", "items": {"type": "integer"}},
                    },
                },
                400,
                401,
                403,
                422,
            ),
        }
    },
}
