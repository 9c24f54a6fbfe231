"""The OpenAPI 3.1 description of the JSON API: accounts and moderation here, cases in openapi_cases."""

from forum.api.blueprint import bp
from forum.api.openapi_base import BEARER, json_content, ref, responses
from forum.api.openapi_cases import CASE_PATHS, CASE_SCHEMAS
from forum.api.openapi_charter import CHARTER_PATHS
from forum.api.openapi_chat import CHAT_PATHS, CHAT_SCHEMAS
from forum.api.openapi_search import SEARCH_PATHS, SEARCH_SCHEMAS

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    },
    "Account": {
        "type": "object",
        "required": ["id", "pseudonym", "role", "status", "profession", "specialty"],
        "properties": {
            "id": {"type": "integer"},
            "pseudonym": {"type": "string"},
            "role": {"enum": ["member", "moderator", "admin", "sponsor"]},
            "status": {"enum": ["applicant", "verified", "rejected", "suspended"]},
            "profession": {"type": ["string", "null"]},
            "specialty": {"type": ["string", "null"]},
            "country": {"type": ["string", "null"]},
            "region": {"type": ["string", "null"]},
            "email_confirmed": {"type": "boolean"},
            "totp_enabled": {"type": "boolean"},
            "locale": {"type": ["string", "null"]},
        },
    },
    "Profile": {
        "type": "object",
        "required": ["id", "pseudonym", "profession", "specialty"],
        "properties": {
            "id": {"type": "integer"},
            "pseudonym": {"type": "string"},
            "profession": {"type": ["string", "null"]},
            "specialty": {"type": ["string", "null"]},
            "region": {"type": ["string", "null"]},
            "country": {"type": ["string", "null"]},
            "coi_declaration": {"type": ["string", "null"], "description": "Declared links with industry"},
            "coi_updated_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "Signup": {
        "type": "object",
        "required": [
            "email",
            "password",
            "first_name",
            "last_name",
            "pseudonym",
            "profession",
            "country",
            "id_type",
            "id_number",
            "accept_charter",
        ],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "password": {"type": "string", "minLength": 12},
            "first_name": {"type": "string"},
            "last_name": {"type": "string"},
            "pseudonym": {"type": "string", "minLength": 3, "maxLength": 30},
            "profession": {
                "enum": [
                    "physician",
                    "nurse",
                    "physiotherapist",
                    "midwife",
                    "pharmacist",
                    "dentist",
                    "psychologist",
                    "other",
                ]
            },
            "specialty": {"type": "string", "description": "Required for physicians, e.g. general-practice"},
            "country": {"enum": ["FR", "BE", "US"]},
            "region": {"type": "string", "description": "French département, optional"},
            "id_type": {"enum": ["rpps", "adeli", "inami", "npi"]},
            "id_number": {"type": "string"},
            "accept_charter": {"type": "boolean", "const": True},
        },
    },
    "Verification": {
        "type": "object",
        "required": ["id", "verification_id", "state", "pseudonym", "id_valid", "directory", "evidence"],
        "properties": {
            "id": {"type": "integer", "description": "The applicant's account id"},
            "verification_id": {"type": "integer"},
            "trigger": {"enum": ["signup", "directory_missing"]},
            "state": {"enum": ["pending", "info_requested"]},
            "pseudonym": {"type": "string"},
            "first_name": {"type": "string"},
            "last_name": {"type": "string"},
            "email": {"type": "string"},
            "email_confirmed": {"type": "boolean"},
            "id_type": {"type": ["string", "null"]},
            "id_number": {"type": ["string", "null"]},
            "id_valid": {"type": "boolean"},
            "directory": {"type": ["object", "null"]},
            "evidence": {"type": "array", "items": {"type": "object"}},
        },
    },
}

PATHS = {
    "/signup": {
        "post": {
            "summary": "Sign up as an applicant (JSON, or multipart with an evidence file)",
            "requestBody": {
                "required": True,
                "content": {
                    **json_content(ref("Signup")),
                    "multipart/form-data": {"schema": {**ref("Signup")}},
                },
            },
            "responses": responses("201", ref("Account"), 400, 409, 413, 422, 429),
        }
    },
    "/tokens": {
        "post": {
            "summary": "Get a bearer token",
            "requestBody": {
                "required": True,
                "content": json_content(
                    {
                        "type": "object",
                        "required": ["email", "password"],
                        "properties": {
                            "email": {"type": "string"},
                            "password": {"type": "string"},
                            "totp": {"type": "string"},
                        },
                    }
                ),
            },
            "responses": responses(
                "201",
                {"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}},
                400,
                401,
                403,
                429,
            ),
        }
    },
    "/me": {
        "get": {
            "summary": "The authenticated account",
            "security": BEARER,
            "responses": responses("200", ref("Account"), 401),
        }
    },
    "/members/{id}": {
        "get": {
            "summary": "A verified member's public profile (verified members only)",
            "security": BEARER,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": responses("200", ref("Profile"), 401, 403, 404),
        }
    },
    "/moderation/verifications": {
        "get": {
            "summary": "Open verifications, oldest first (moderators with two-factor)",
            "security": BEARER,
            "responses": responses(
                "200",
                {
                    "type": "object",
                    "properties": {
                        "items": {"type": "array", "items": ref("Verification")},
                        "total": {"type": "integer"},
                        "page": {"type": "integer"},
                        "pages": {"type": "integer"},
                    },
                },
                401,
                403,
            ),
        }
    },
    "/moderation/verifications/{id}": {
        "post": {
            "summary": "Decide on an account's open verification",
            "security": BEARER,
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                    "description": "The applicant's account id",
                }
            ],
            "requestBody": {
                "required": True,
                "content": json_content(
                    {
                        "type": "object",
                        "required": ["decision"],
                        "properties": {
                            "decision": {"enum": ["approve", "reject", "request_info"]},
                            "reason": {"type": "string", "description": "Required to reject or request info"},
                        },
                    }
                ),
            },
            "responses": responses("200", {"type": "object"}, 400, 401, 403, 404, 422),
        }
    },
    "/openapi.json": {
        "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1 document"}}}
    },
}


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document of every API route."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Confrères API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": {**SCHEMAS, **CASE_SCHEMAS, **CHAT_SCHEMAS, **SEARCH_SCHEMAS},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": {**PATHS, **CASE_PATHS, **CHAT_PATHS, **SEARCH_PATHS, **CHARTER_PATHS},
    }
