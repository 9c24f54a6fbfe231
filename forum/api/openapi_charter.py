"""The sponsor reports in the OpenAPI document."""

from forum.api.openapi_base import BEARER, ref, responses

CHARTER_PATHS = {
    "/sponsor/reports": {
        "get": {
            "summary": "The reports the charter allows (sponsors with two-factor only)",
            "security": BEARER,
            "responses": responses(
                "200",
                {
                    "type": "object",
                    "required": ["items"],
                    "properties": {
                        "items": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "title"],
                                "properties": {"name": {"type": "string"}, "title": {"type": "string"}},
                            },
                        },
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
    "/sponsor/reports/{name}": {
        "get": {
            "summary": "A report file; every download is logged on /charter with its SHA-256",
            "description": "Suppressed values (groups under CHARTER_MIN_GROUP_SIZE distinct members, and their "
            "complements) are empty in CSV and null in JSON. A report reading a nominative column is refused "
            "with 403 charter_violation.",
            "security": BEARER,
            "parameters": [
                {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "format", "in": "query", "schema": {"enum": ["csv", "json"], "default": "json"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer"}, "description": "top-tags only"},
                {"name": "rows", "in": "query", "schema": {"type": "string"}, "description": "membership only"},
                {"name": "columns", "in": "query", "schema": {"type": "string"}, "description": "membership only"},
            ],
            "responses": {
                "200": {
                    "description": "The report file",
                    "content": {"text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {}}},
                },
                **{
                    str(s): {"description": "Error", "content": {"application/json": {"schema": ref("Error")}}}
                    for s in (401, 403, 404, 409, 422)
                },
            },
        }
    },
}
